// The git repository under a store, through libgit2.
//
// A write is one Commit: the new bytes of some files, a message, the user's
// identity. It is applied in an order that leaves nothing half done:
//   0. the committer, and the signer when the configuration asks for signed
//      commits, are settled before anything is written;
//   1. blobs, trees and the commit object are made in memory, then the new
//      ones written to the object database (a large write makes one pack
//      file), then the journal of steps 2–4 (see repair());
//   2. each file is written to a temporary name and renamed over the old one;
//   3. the index is updated for exactly those paths (stat data from the new
//      files, so `git status` need not re-hash anything);
//   4. the branch is moved from the old head to the new commit with a
//      compare-and-swap.
// Every error counts, an fsync's and a syncfs's included. If any step from
// the objects' writing on fails, the branch is read again first: an error
// may come after the ref's rename (libgit2 fsyncs its directory then). At
// the new commit, the write is finished (it is made); otherwise steps 2–3
// are undone (old bytes put back, index restored), reflog entries of the
// failed ref update taken out, and the objects the write added removed.
// The steps, each a function, are in commit_steps.cpp.
#pragma once

#include <git2.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "durable_file.hpp"
#include "git_handles.hpp"
#include "store_write.hpp"

namespace prevent {

struct GitIdentity {
  std::string name;
  std::string email;
};

struct TreeFile {
  std::string name;  // file name within the directory
  git_oid id;
  git_filemode_t mode = GIT_FILEMODE_BLOB;  // a file, or a directory, submodule, link
};

// A tree entry that is a file's bytes: a blob (plain or executable), not a
// directory, a submodule (gitlink) or a symbolic link.
inline bool is_plain_file(git_filemode_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

// The largest file prevent reads from the history: a record's limit
// (yaml_doc.hpp), which every file it reads (records, meetings, settings,
// schemas) is well within.
inline constexpr size_t kMaxReadBytes = size_t{1} << 20;

// A blob's size from the object database's header, without inflating its
// data (so that a compression bomb is refused before it is read); nullopt
// when the object cannot be found or is not a blob.
std::optional<size_t> blob_size(git_repository* repo, const git_oid& id);
// Failure(invalid_data): a file at `where` of `size` bytes, larger than
// kMaxReadBytes, and not read.
[[noreturn]] void fail_too_large(size_t size, std::string_view where);

// What kind of commit GitRepo::commit makes: by default one with HEAD as
// its one parent. `merge_parent`: a merge, with that commit (already in the
// repository) as its second parent. `adopt`: no new commit at all, a
// fast-forward: the branch moves to that commit (already in the repository,
// a descendant of HEAD), `files` being the files its tree changes, written
// to the work tree and index under the same protocol.
struct CommitShape {
  std::optional<git_oid> merge_parent;
  std::optional<git_oid> adopt;
};

class GitRepo {
 public:
  // Opens the repository whose work tree is `root`. Failure(store) otherwise.
  static GitRepo open(const std::filesystem::path& root);
  // Creates a new repository at `root` (which must exist).
  static GitRepo init(const std::filesystem::path& root);

  GitRepo(GitRepo&&) noexcept;
  GitRepo& operator=(GitRepo&&) noexcept;
  ~GitRepo();

  const std::filesystem::path& root() const { return root_; }
  git_repository* raw() const { return repo_.get(); }

  // The user's identity as git resolves it (GIT_AUTHOR_* / GIT_COMMITTER_*
  // environment, then user.name / user.email in the store's config chain).
  // Failure(store) with a hint when there is none.
  GitIdentity identity() const;
  // The same, for a repository not yet created (`init`).
  static GitIdentity default_identity(const std::filesystem::path& where);

  // HEAD's commit, or nullopt for a repository with no commit yet.
  std::optional<git_oid> head() const;

  // A file's bytes at HEAD, or nullopt when HEAD has no such file.
  std::optional<std::string> read_at_head(const std::string& path) const;
  // A blob's bytes: Failure(invalid_data) naming `where` when the blob is
  // larger than kMaxReadBytes (its size is read first: nothing is
  // inflated), Failure(store) when it cannot be read.
  std::string read_blob(const git_oid& id, std::string_view where = "") const;
  // The blob id of a file at HEAD.
  std::optional<git_oid> blob_id_at_head(const std::string& path) const;
  // Whatever stands at a path at HEAD (a file, a directory, a submodule).
  std::optional<TreeFile> entry_at_head(const std::string& path) const;
  // The entries of a directory at HEAD (files and subdirectories), by name.
  std::vector<TreeFile> list_at_head(const std::string& dir) const;

  // The blob id a work-tree file would have (as `git hash-object`), or
  // nullopt when the file does not exist.
  std::optional<git_oid> hash_worktree_file(const std::string& path) const;

  // Writes `files` and makes one commit on the current branch, by the
  // protocol above (its steps: commit_steps.cpp). `files` must not have
  // uncommitted edits in the work tree (see require_clean). Returns the new
  // commit id.
  git_oid commit(const std::vector<FileWrite>& files, const std::string& message,
                 const GitIdentity& who, const CommitShape& shape = {});

  // Refuses (exit 6) when a path's work-tree bytes differ from HEAD's.
  void require_clean(const std::vector<std::string>& paths) const;
  // Refuses (exit 6, `uncommitted changes in the way (PATH)`, `hint`) when
  // anything tracked has changes not committed, staged or not (untracked
  // files are not in the way): before a command that rewrites or merges
  // the history under the work tree.
  void require_clean_work_tree(std::string_view hint) const;

  // A write killed between touching the work tree and moving the branch
  // leaves its journal (.git/prevent/journal): the paths with their old and
  // new blob IDs, the parent and the new commit. Until it is repaired, no
  // further commit is made (exit 6).
  bool has_interrupted_write() const;
  // Failure(store), pointing to `check --repair`, when there is one: every
  // write asks this first, before any other refusal whose hint would send
  // the user to git.
  void require_no_interrupted_write() const;
  // Under the writers' lock: finishes an interrupted write when the branch
  // had been moved to its commit, puts its files and index entries back to
  // HEAD's when it had not, and brings them to HEAD's too when HEAD was
  // committed since on top of the journal's parent (someone committed the
  // half-written files with git); removes the journal. nullopt when there
  // was nothing to do. Failure(store) when the journal is damaged, names
  // neither HEAD nor an ancestor of it, or names a file changed since by
  // someone (then nothing is touched).
  std::optional<Repair> repair();
  // Temporary files (`.<name>.tmp-<pid>`) in .git/prevent/ of writers that
  // were stopped (their process is gone): the journal's, the verified
  // head's, the derived files'. Names only.
  std::vector<std::string> stale_temp_files() const;
  // Removes them; the names removed.
  std::vector<std::string> remove_stale_temp_files();

 private:
  GitRepo() = default;
  std::filesystem::path journal_path() const;
  git::Repository repo_;
  std::filesystem::path root_;
};

// libgit2's last error as text.
std::string git_error_text();
// Failure(store): "`what`: libgit2's last error".
[[noreturn]] void git_fail(const std::string& what);
// git_fail(what) when a libgit2 call's result `rc` is an error.
void git_check(int rc, const char* what);

// From this many files on, a commit's objects are written as one pack.
inline constexpr size_t kPackThreshold = 64;

}  // namespace prevent

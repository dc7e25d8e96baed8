// GitRepo::commit, as a transaction of named steps. The protocol is stated
// once, in git_repo.hpp; the steps below follow it in order:
//   identity and signer   who commits, and whether the commit is signed
//   1. objects            blobs, tree, commit (one pack for a batch)
//      journal            what steps 2–4 change, for repair()
//   2. work tree          new bytes renamed over the old, old bytes kept
//   3. index              the written paths only
//   4. ref update         compare-and-swap of the branch; the journal goes
//   rollback              on any failure in 2–4: work tree and index back
#include <fmt/format.h>
#include <git2/sys/mempack.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include "commit_journal.hpp"
#include "durable_file.hpp"
#include "failure.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "index_splice.hpp"
#include "oid_set.hpp"
#include "path_lookup.hpp"
#include "signing.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Time zone offset in minutes for a commit signature.
int local_offset_minutes(std::time_t t) {
  std::tm local{};
  localtime_r(&t, &local);
  return static_cast<int>(local.tm_gmtoff / 60);
}

class CommitTransaction {
 public:
  CommitTransaction(const GitRepo& git, fs::path journal, const std::vector<FileWrite>& files,
                    const std::string& message, const GitIdentity& who)
      : git_(git), repo_(git.raw()), root_(git.root()), journal_(std::move(journal)), files_(files), message_(message),
        who_(who), batch_(files.size() >= kPackThreshold) {}

  git_oid run() {
    resolve_committer();
    open_object_store();
    read_parent();
    write_blobs_and_tree();
    write_commit_object();
    if (batch_) write_pack();
    write_journal();
    try {
      write_work_tree();
      update_index();
      move_branch();
    } catch (...) {
      roll_back();
      throw;
    }
    return commit_id_;
  }

 private:
  struct Undo {
    fs::path path;
    std::optional<std::string> old;  // nullopt: the file did not exist
  };

  void resolve_committer();
  void open_object_store();
  void read_parent();
  void write_blobs_and_tree();
  void write_commit_object();
  void write_pack();
  void write_journal();
  void write_work_tree();
  void update_index();
  void move_branch();
  void roll_back() noexcept;

  const GitRepo& git_;
  git_repository* repo_;
  const fs::path& root_;
  const fs::path journal_;
  const std::vector<FileWrite>& files_;
  const std::string& message_;
  const GitIdentity& who_;
  const bool batch_;  // a large write: its objects go into one pack file

  std::string committer_name_, committer_email_;
  std::optional<Signer> signer_;
  // The objects' repository: repo_, or for a batch a second handle writing
  // into memory. Declared before the objects read through it, so that it is
  // freed after them.
  git::Repository batch_repo_;
  git_repository* objects_repo_ = nullptr;
  git_odb_backend* mempack_ = nullptr;  // owned by batch_repo_'s odb
  std::optional<git_oid> parent_id_;
  git::Commit parent_;
  git::Tree base_;  // the parent's tree; null for the first commit
  std::vector<git_oid> blob_ids_;
  git_oid tree_id_{};
  git::Tree new_tree_;
  git_oid commit_id_{};
  std::vector<Undo> undo_;
  git::Index index_;
  bool index_written_ = false;
};

// The committer as git resolves it: GIT_COMMITTER_* first, then the
// configuration; it differs from the author only when one of those does.
void CommitTransaction::resolve_committer() {
  committer_name_ = env("GIT_COMMITTER_NAME");
  committer_email_ = env("GIT_COMMITTER_EMAIL");
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo_) != 0) git_fail("cannot read the git configuration");
  git::Config cfg(raw);
  if (committer_name_.empty()) committer_name_ = git::config_text(cfg.get(), "user.name");
  if (committer_email_.empty()) committer_email_ = git::config_text(cfg.get(), "user.email");
  // Signed commits (SPEC §8): decided before anything is written, so a
  // configuration prevent cannot follow refuses cleanly.
  // The program that signs comes from the user's own configuration only
  // (issue 15), the rest from the store's chain as git reads it.
  git::Config user = user_git_config();
  signer_ = configured_signer(cfg.get(), user.get(), fmt::format("{} <{}>", committer_name_.empty() ? who_.name : committer_name_,
                                                     committer_email_.empty() ? who_.email : committer_email_));
  if (committer_name_.empty()) committer_name_ = who_.name;
  if (committer_email_.empty()) committer_email_ = who_.email;
}

// 1. A large batch (an import) goes into one pack file instead of a loose
// object per file: a second handle on the repository writes into memory,
// and the memory is written out as a pack by write_pack().
void CommitTransaction::open_object_store() {
  objects_repo_ = repo_;
  if (!batch_) return;
  git_repository* repo = nullptr;
  git_check(git_repository_open_ext(&repo, root_.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
            "cannot open the repository");
  batch_repo_.reset(repo);
  git_odb* odb_raw = nullptr;
  git_check(git_repository_odb(&odb_raw, repo), "cannot open the object database");
  git::Odb odb(odb_raw);
  git_check(git_mempack_new(&mempack_), "cannot prepare the pack");
  git::OdbBackend mempack(mempack_);
  if (git_odb_add_backend(odb.get(), mempack_, 1000) < 0) git_fail("cannot prepare the pack");
  mempack.release();  // the odb's now
  objects_repo_ = repo;
}

void CommitTransaction::read_parent() {
  parent_id_ = git_.head();
  if (!parent_id_) return;
  git_commit* pc = nullptr;
  git_check(git_commit_lookup(&pc, objects_repo_, &*parent_id_), "cannot read HEAD");
  parent_.reset(pc);
  git_tree* bt = nullptr;
  git_check(git_commit_tree(&bt, pc), "cannot read HEAD");
  base_.reset(bt);
}

// 1. The blobs, and the parent's tree with them put in.
void CommitTransaction::write_blobs_and_tree() {
  blob_ids_.resize(files_.size());
  std::vector<git_tree_update> updates(files_.size());
  for (size_t i = 0; i < files_.size(); ++i) {
    git_check(git_blob_create_from_buffer(&blob_ids_[i], objects_repo_, files_[i].content.data(),
                                          files_[i].content.size()),
              "cannot write a record into the repository");
    updates[i].action = GIT_TREE_UPDATE_UPSERT;
    updates[i].id = blob_ids_[i];
    updates[i].filemode = GIT_FILEMODE_BLOB;
    updates[i].path = files_[i].path.c_str();
  }
  git::Tree empty;
  git_tree* base = base_.get();
  if (!base) {
    // First commit: an index-free tree built from scratch.
    git_oid empty_id;
    git_treebuilder* tb_raw = nullptr;
    git_check(git_treebuilder_new(&tb_raw, objects_repo_, nullptr), "cannot build the commit's tree");
    git::Treebuilder tb(tb_raw);
    git_check(git_treebuilder_write(&empty_id, tb.get()), "cannot build the commit's tree");
    tb.reset();
    git_tree* e = nullptr;
    git_check(git_tree_lookup(&e, objects_repo_, &empty_id), "cannot build the commit's tree");
    empty.reset(e);
    base = e;
  }
  git_check(git_tree_create_updated(&tree_id_, objects_repo_, base, updates.size(),
                                    updates.data()),
            "cannot build the commit's tree");
  git_tree* nt = nullptr;
  git_check(git_tree_lookup(&nt, objects_repo_, &tree_id_), "cannot build the commit's tree");
  new_tree_.reset(nt);
}

// 1. The commit object, signed as git signs when the configuration asks:
// the commit's bytes, signed, stored in its gpgsig header.
void CommitTransaction::write_commit_object() {
  std::time_t now = std::time(nullptr);
  git_signature* sig_raw = nullptr;
  git_check(git_signature_new(&sig_raw, who_.name.c_str(), who_.email.c_str(), now, local_offset_minutes(now)),
            "cannot make the commit's signature");
  git::Signature author(sig_raw);
  git::Signature committer;
  if (committer_name_ != who_.name || committer_email_ != who_.email) {
    git_signature* c = nullptr;
    git_check(git_signature_new(&c, committer_name_.c_str(), committer_email_.c_str(), now, local_offset_minutes(now)),
              "cannot make the commit's signature");
    committer.reset(c);
  }
  const git_commit* parents[1] = {parent_.get()};
  const size_t parent_count = parent_ ? 1 : 0;
  const git_signature* committer_sig = committer ? committer.get() : author.get();
  if (signer_) {
    git::Buf buf;
    git_check(git_commit_create_buffer(buf.get(), objects_repo_, author.get(), committer_sig, "UTF-8", message_.c_str(),
                                       new_tree_.get(), parent_count, parents),
              "cannot write the commit");
    std::string body(buf.view());
    std::string signature = sign_commit_buffer(*signer_, body);
    git_check(git_commit_create_with_signature(&commit_id_, objects_repo_, body.c_str(), signature.c_str(), "gpgsig"),
              "cannot write the signed commit");
  } else {
    git_check(git_commit_create(&commit_id_, objects_repo_, nullptr, author.get(), committer_sig, "UTF-8",
                                message_.c_str(), new_tree_.get(), parent_count, parents),
              "cannot write the commit");
  }
}

// 1. A batch's objects, from memory into one pack. The pack holds this
// write's new objects only. (libgit2's git_mempack_dump would insert the
// commit with its whole tree: every record of the store, delta-searched and
// written again.) The new objects are the commit, the blobs written, and the
// trees on the written paths, which git_tree_create_updated made anew.
void CommitTransaction::write_pack() {
  git::Buf pack;
  {
    git_packbuilder* pb_raw = nullptr;
    git_check(git_packbuilder_new(&pb_raw, objects_repo_), "cannot build the pack");
    git::Packbuilder pb(pb_raw);
    OidSet inserted;
    auto insert = [&](const git_oid& id) {
      if (!inserted.insert(id)) return;
      git_check(git_packbuilder_insert(pb.get(), &id, nullptr), "cannot build the pack");
    };
    insert(commit_id_);
    insert(tree_id_);
    for (size_t i = 0; i < files_.size(); ++i) {
      const std::string& path = files_[i].path;
      for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        git_tree_entry* e = nullptr;
        git_check(git_tree_entry_bypath(&e, new_tree_.get(), path.substr(0, slash).c_str()), "cannot build the pack");
        git::TreeEntry entry(e);
        insert(*git_tree_entry_id(entry.get()));
      }
      insert(blob_ids_[i]);
    }
    git_check(git_packbuilder_write_buf(pack.get(), pb.get()), "cannot build the pack");
  }
  git_odb* odb_raw = nullptr;
  git_check(git_repository_odb(&odb_raw, objects_repo_), "cannot open the object database");
  git::Odb odb(odb_raw);
  int rc;
  {
    git_odb_writepack* wp_raw = nullptr;
    rc = git_odb_write_pack(&wp_raw, odb.get(), nullptr, nullptr);
    git::OdbWritepack wp(wp_raw);
    git_indexer_progress stats{};
    if (rc == 0) rc = wp->append(wp.get(), pack.buf.ptr, pack.buf.size, &stats);
    if (rc == 0) rc = wp->commit(wp.get(), &stats);
  }
  git_mempack_reset(mempack_);
  if (rc < 0) git_fail("cannot write the pack");
  // The main handle's object database learns of the new pack.
  git_odb* main_raw = nullptr;
  if (git_repository_odb(&main_raw, repo_) == 0) {
    git::Odb main_odb(main_raw);
    git_odb_refresh(main_odb.get());
  }
}

// The journal: what this write changes, so that a write killed between here
// and the branch move can be completed or rolled back by repair().
void CommitTransaction::write_journal() {
  std::string journal =
      fmt::format("{}\nparent {}\ncommit {}\n", kJournalHeader, parent_id_ ? git::object_id(*parent_id_).hex() : "-",
                  git::object_id(commit_id_).hex());
  PathLookup base_files(objects_repo_, base_.get());
  for (size_t i = 0; i < files_.size(); ++i) {
    std::string old_blob = "-";
    if (auto id = base_files.blob(files_[i].path)) old_blob = git::object_id(*id).hex();
    journal += fmt::format("{} {} {}\n", old_blob, git::object_id(blob_ids_[i]).hex(), files_[i].path);
  }
  write_file_atomically(journal_, journal);
}

// 2. Each file through a temporary name and a rename, remembering what was
// there to put it back on failure.
void CommitTransaction::write_work_tree() {
  for (const auto& f : files_) {
    fs::path p = root_ / f.path;
    std::optional<std::string> old;
    if (fs::exists(p)) old = read_whole_file(p);
    undo_.push_back({p, std::move(old)});
    write_file_atomically(p, f.content, batch_ ? Durability::later : Durability::now);
  }
  if (batch_) sync_filesystem(root_);
}

// 3. Only the written paths, with the new files' stat data; in place when
// the index allows it (index_splice.hpp), else through libgit2.
void CommitTransaction::update_index() {
  std::vector<IndexUpdate> updates;
  for (size_t i = 0; i < files_.size(); ++i) {
    IndexUpdate u{files_[i].path, blob_ids_[i], {}};
    fs::path p = root_ / files_[i].path;
    if (::stat(p.c_str(), &u.st) != 0) fail(Exit::store, fmt::format("cannot stat {}", p.string()));
    updates.push_back(std::move(u));
  }
  if (!update_index_in_place(git_repository_path(repo_), updates)) {
    git_index* idx_raw = nullptr;
    git_check(git_repository_index(&idx_raw, repo_), "cannot open the git index");
    index_.reset(idx_raw);
    git_check(git_index_read(index_.get(), 0), "cannot read the git index");
    for (const auto& u : updates) {
      git_index_entry e = index_entry_of(u.st, u.blob, u.path);
      git_check(git_index_add(index_.get(), &e), "cannot update the git index");
    }
    git_check(git_index_write(index_.get()), "cannot write the git index");
  }
  index_written_ = true;
}

// 4. The branch moves only if nobody else moved it meanwhile.
void CommitTransaction::move_branch() {
  git_reference* head_ref = nullptr;
  git_check(git_reference_lookup(&head_ref, repo_, "HEAD"), "cannot read HEAD");
  git::Reference head_sym(head_ref);
  std::string branch = git_reference_type(head_sym.get()) == GIT_REFERENCE_SYMBOLIC
                           ? git_reference_symbolic_target(head_sym.get())
                           : "HEAD";
  std::string subject = message_.substr(0, message_.find('\n'));
  git_reference* moved_raw = nullptr;
  int rc = parent_id_ ? git_reference_create_matching(&moved_raw, repo_, branch.c_str(), &commit_id_, 1, &*parent_id_,
                                                      ("commit: " + subject).c_str())
                      : git_reference_create(&moved_raw, repo_, branch.c_str(), &commit_id_, 0,
                                             ("commit (initial): " + subject).c_str());
  git::Reference moved(moved_raw);
  if (rc < 0) git_fail("cannot move the branch to the new commit");
  moved.reset();
  // Done: the journal is no longer needed. (Killed before this line, the
  // journal names a commit HEAD already has, and repair() completes.)
  ::unlink(journal_.c_str());
}

// Work tree and index back as they were. A rollback that failed part way
// keeps its journal, for repair().
void CommitTransaction::roll_back() noexcept {
  bool undone = true;
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    try {
      if (it->old)
        write_file_atomically(it->path, *it->old);
      else
        fs::remove(it->path);
    } catch (...) {
      undone = false;
    }
  }
  if (index_written_) {
    // Put the index entries of the touched paths back to HEAD's.
    if (!index_) {
      git_index* raw = nullptr;
      if (git_repository_index(&raw, repo_) == 0) index_.reset(raw);
    }
    if (index_) {
      git_index_read(index_.get(), 1);
      for (const auto& f : files_) {
        git_tree_entry* old_raw = nullptr;
        if (base_ && git_tree_entry_bypath(&old_raw, base_.get(), f.path.c_str()) == 0) {
          git::TreeEntry old(old_raw);
          git_index_entry e{};
          e.mode = GIT_FILEMODE_BLOB;
          e.id = *git_tree_entry_id(old.get());
          e.path = f.path.c_str();
          git_index_add(index_.get(), &e);
        } else {
          git_index_remove_bypath(index_.get(), f.path.c_str());
        }
      }
    }
    if (!index_ || git_index_write(index_.get()) < 0) undone = false;
  }
  if (undone) ::unlink(journal_.c_str());
}

}  // namespace

git_oid GitRepo::commit(const std::vector<FileWrite>& files, const std::string& message, const GitIdentity& who) {
  if (has_interrupted_write())
    fail(Exit::store, fmt::format("an earlier write was interrupted and is half done ({})", kJournalName),
         "`prevent check --repair` completes it or rolls it back");
  return CommitTransaction(*this, journal_path(), files, message, who).run();
}

}  // namespace prevent

// GitRepo::commit, as a transaction of named steps. The protocol is stated
// once, in git_repo.hpp; the steps below follow it in order:
//   identity and signer   who commits, and whether the commit is signed
//   1. objects            blobs, tree, commit, made in memory, then stored
//                         (loose, or one pack for a batch)
//      journal            what steps 2–4 change, for repair()
//   2. work tree          new bytes renamed over the old, old bytes kept
//   3. index              the written paths only
//   4. ref update         compare-and-swap of the branch
//      finish             the journal goes
//   after a failure       the branch is read again first: at the new commit,
//                         the write is finished as in step 4 (the error came
//                         after the ref was renamed, from an fsync);
//                         otherwise work tree and index go back, and the
//                         objects this write added are removed (they hold
//                         personal data no commit refers to)
#include <fmt/format.h>
#include <git2/sys/mempack.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <set>

#include "commit_journal.hpp"
#include "commit_time.hpp"
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

// The author's or committer's time: GIT_AUTHOR_DATE / GIT_COMMITTER_DATE
// when set, as git honours them, else now. A value prevent cannot read is
// refused before anything is written, where git would refuse it too.
CommitTime commit_time_from(const char* variable, CommitTime now) {
  const std::string text = env(variable);
  if (text.empty()) return now;
  auto t = parse_commit_time(text);
  if (!t)
    fail(Exit::store, fmt::format("{} is not a date prevent can read (environment)", variable),
         fmt::format("give it as 2026-11-27T10:00:00+00:00 or @1795770000 +0000, or unset it: unset {}", variable));
  return *t;
}

// Which file a path names, and when it last changed: two equal identities
// are the same, unchanged file. nullopt when there is no file.
struct FileIdentity {
  dev_t dev;
  ino_t ino;
  off_t size;
  std::int64_t mtime_ns;
  bool operator==(const FileIdentity&) const = default;
};

std::optional<FileIdentity> file_identity(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino, st.st_size,
                      std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

class CommitTransaction {
 public:
  CommitTransaction(const GitRepo& git, fs::path journal, const std::vector<FileWrite>& files,
                    const std::string& message, const GitIdentity& who, const CommitShape& shape)
      : git_(git), repo_(git.raw()), root_(git.root()), journal_(std::move(journal)), files_(files), message_(message),
        who_(who), shape_(shape), batch_(files.size() >= kPackThreshold) {}

  git_oid run() {
    if (shape_.adopt) {
      read_parent();
      adopt_commit();
    } else {
      resolve_committer();
      open_object_store();
      read_parent();
      write_blobs_and_tree();
      write_commit_object();
    }
    bool moved_despite_error = false;
    try {
      store_objects();
      write_journal();
      write_work_tree();
      update_index();
      move_branch();
    } catch (...) {
      // Where is the branch really? Only the ref update can have moved it,
      // and an error it reports may come after the rename (libgit2 fsyncs
      // the ref's directory then): undoing a commit the branch already has
      // would leave HEAD with files the work tree and index no longer have.
      if (!branch_may_have_moved_ || !branch_is_at_new_commit()) {
        const bool undone = roll_back();
        if (undone) remove_added_objects();
        if (undone) throw;
        try {
          throw;
        } catch (const Failure& f) {
          throw Failure(f.code(), f.what(),
                        "the change was not made, but its files could not all be put back: `prevent check "
                        "--repair` finishes putting them back");
        }
      }
      moved_despite_error = true;
    }
    finish(moved_despite_error);
    return commit_id_;
  }

 private:
  struct Undo {
    fs::path path;
    std::optional<std::string> old;  // nullopt: the file did not exist
    std::optional<FileIdentity> before;  // the file as it was, to see whether it was replaced
  };

  void resolve_committer();
  void open_object_store();
  void read_parent();
  void write_blobs_and_tree();
  void write_commit_object();
  void adopt_commit();
  std::vector<git_oid> new_objects() const;
  void store_objects();
  void write_pack();
  void write_loose();
  void write_journal();
  void write_work_tree();
  void update_index();
  void move_branch();
  bool branch_is_at_new_commit() const;
  void finish(bool moved_despite_error);
  bool roll_back() noexcept;
  void remove_added_objects() noexcept;
  std::string short_commit() const { return git::object_id(commit_id_).hex().substr(0, 12); }

  const GitRepo& git_;
  git_repository* repo_;
  const fs::path& root_;
  const fs::path journal_;
  const std::vector<FileWrite>& files_;
  const std::string& message_;
  const GitIdentity& who_;
  const CommitShape& shape_;
  const bool batch_;  // a large write: its objects go into one pack file

  std::string committer_name_, committer_email_;
  CommitTime author_time_, committer_time_;
  std::optional<Signer> signer_;
  // The objects' repository: a second handle on the repository whose new
  // objects go into memory, until store_objects() writes them out. A write
  // that fails before then leaves nothing in the object database. Declared
  // before the objects read through it, so that it is freed after them.
  git::Repository memory_repo_;
  git_repository* objects_repo_ = nullptr;
  git_odb_backend* mempack_ = nullptr;  // owned by memory_repo_'s odb
  std::optional<git_oid> parent_id_;
  git::Commit parent_;
  git::Tree base_;  // the parent's tree; null for the first commit
  std::vector<git_oid> blob_ids_;
  git_oid tree_id_{};
  git::Tree new_tree_;
  git_oid commit_id_{};
  std::vector<Undo> undo_;
  git::Index index_;
  bool index_written_ = false;      // the index may have been replaced
  // The index file as it was before update_index(): the same file (by inode,
  // size and time) afterwards means it was never replaced, as when another
  // program holds index.lock, and the rollback leaves it alone.
  std::optional<FileIdentity> index_before_;
  bool branch_may_have_moved_ = false;  // the ref update was tried
  // What store_objects() added to the object database (objects that were
  // there before are not): removed again when the write fails.
  std::vector<fs::path> added_files_;
  // The reflogs the ref update appends to, with their sizes before it
  // (nullopt: there was none).
  struct Reflog {
    fs::path path;
    std::optional<std::uintmax_t> size;
  };
  std::vector<Reflog> reflogs_;
};

// The committer as git resolves it: GIT_COMMITTER_* first, then the
// configuration; it differs from the author only when one of those does.
void CommitTransaction::resolve_committer() {
  const std::time_t now = std::time(nullptr);
  const CommitTime clock{static_cast<std::int64_t>(now), local_offset_minutes(now)};
  author_time_ = commit_time_from("GIT_AUTHOR_DATE", clock);
  committer_time_ = commit_time_from("GIT_COMMITTER_DATE", clock);
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

// 1. The objects are made in memory: a second handle on the repository
// writes into memory, and store_objects() writes them out (a large batch,
// an import, as one pack file instead of a loose object per file). A write
// that fails before that (a signer that fails) leaves no object behind.
void CommitTransaction::open_object_store() {
  git_repository* repo = nullptr;
  git_check(git_repository_open_ext(&repo, root_.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
            "cannot open the repository");
  memory_repo_.reset(repo);
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
  git_check(git_commit_lookup(&pc, objects_repo_ ? objects_repo_ : repo_, &*parent_id_), "cannot read HEAD");
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
  git_signature* sig_raw = nullptr;
  git_check(git_signature_new(&sig_raw, who_.name.c_str(), who_.email.c_str(), author_time_.seconds,
                              author_time_.offset_minutes),
            "cannot make the commit's signature");
  git::Signature author(sig_raw);
  git::Signature committer;
  if (committer_name_ != who_.name || committer_email_ != who_.email ||
      committer_time_.seconds != author_time_.seconds || committer_time_.offset_minutes != author_time_.offset_minutes) {
    git_signature* c = nullptr;
    git_check(git_signature_new(&c, committer_name_.c_str(), committer_email_.c_str(), committer_time_.seconds,
                                committer_time_.offset_minutes),
              "cannot make the commit's signature");
    committer.reset(c);
  }
  git::Commit merged;
  if (shape_.merge_parent) {
    if (!parent_) fail(Exit::store, "cannot merge into a branch without a commit");
    git_commit* raw = nullptr;
    git_check(git_commit_lookup(&raw, objects_repo_, &*shape_.merge_parent), "cannot read the commit merged");
    merged.reset(raw);
  }
  const git_commit* parents[2] = {parent_.get(), merged.get()};
  const size_t parent_count = parent_ ? (merged ? 2 : 1) : 0;
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

// Instead of step 1, for a fast-forward: the commit is one the repository
// already holds (fetched), a descendant of HEAD, and `files` are what its
// tree changes; nothing is written to the object database.
void CommitTransaction::adopt_commit() {
  commit_id_ = *shape_.adopt;
  git_commit* raw = nullptr;
  git_check(git_commit_lookup(&raw, repo_, &commit_id_), "cannot read the commit to move to");
  git::Commit target(raw);
  git_tree* t = nullptr;
  git_check(git_commit_tree(&t, target.get()), "cannot read the commit to move to");
  new_tree_.reset(t);
  tree_id_ = *git_tree_id(t);
  PathLookup lookup(repo_, t);
  blob_ids_.resize(files_.size());
  for (size_t i = 0; i < files_.size(); ++i) {
    auto id = lookup.blob(files_[i].path);
    if (!id) fail(Exit::store, fmt::format("the commit to move to has no file {}", files_[i].path));
    blob_ids_[i] = *id;
  }
}

// 1. The write's new objects: the commit, the blobs written, and the trees
// on the written paths, which git_tree_create_updated made anew. (The
// memory may hold more: the empty tree of a first commit, which nothing
// refers to.)
std::vector<git_oid> CommitTransaction::new_objects() const {
  std::vector<git_oid> out;
  OidSet seen;
  auto add = [&](const git_oid& id) {
    if (seen.insert(id)) out.push_back(id);
  };
  add(commit_id_);
  add(tree_id_);
  for (size_t i = 0; i < files_.size(); ++i) {
    const std::string& path = files_[i].path;
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      git_tree_entry* e = nullptr;
      git_check(git_tree_entry_bypath(&e, new_tree_.get(), path.substr(0, slash).c_str()),
                "cannot write the commit's objects");
      git::TreeEntry entry(e);
      add(*git_tree_entry_id(entry.get()));
    }
    add(blob_ids_[i]);
  }
  return out;
}

// 1. The objects, from memory into the object database.
void CommitTransaction::store_objects() {
  if (shape_.adopt) return;  // already in the object database
  if (batch_)
    write_pack();
  else
    write_loose();
  git_mempack_reset(mempack_);
}

namespace {

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    out.insert(it->path().filename().string());
  return out;
}

fs::path objects_dir(git_repository* repo) { return fs::path(git_repository_commondir(repo)) / "objects"; }

}  // namespace

// A batch's objects as one pack. The pack holds this write's new objects
// only. (libgit2's git_mempack_dump would insert the commit with its whole
// tree: every record of the store, delta-searched and written again.)
void CommitTransaction::write_pack() {
  git::Buf pack;
  {
    git_packbuilder* pb_raw = nullptr;
    git_check(git_packbuilder_new(&pb_raw, objects_repo_), "cannot build the pack");
    git::Packbuilder pb(pb_raw);
    for (const git_oid& id : new_objects())
      git_check(git_packbuilder_insert(pb.get(), &id, nullptr), "cannot build the pack");
    git_check(git_packbuilder_write_buf(pack.get(), pb.get()), "cannot build the pack");
  }
  git_odb* odb_raw = nullptr;
  git_check(git_repository_odb(&odb_raw, repo_), "cannot open the object database");
  git::Odb odb(odb_raw);
  // The pack's files (and the indexer's temporary ones) are the names that
  // appear in the pack directory meanwhile: the writers' lock is held.
  const fs::path pack_dir = objects_dir(repo_) / "pack";
  const std::set<std::string> before = names_in(pack_dir);
  int rc;
  {
    git_odb_writepack* wp_raw = nullptr;
    rc = git_odb_write_pack(&wp_raw, odb.get(), nullptr, nullptr);
    git::OdbWritepack wp(wp_raw);
    git_indexer_progress stats{};
    if (rc == 0) rc = git::append_pack(wp.get(), pack.buf, &stats);
    if (rc == 0) rc = wp->commit(wp.get(), &stats);
  }
  for (const auto& name : names_in(pack_dir))
    if (!before.count(name) && name.starts_with("pack")) added_files_.push_back(pack_dir / name);
  if (rc < 0) git_fail("cannot write the pack");
  // The main handle's object database learns of the new pack.
  git_odb_refresh(odb.get());
}

// A small write's objects, each as a loose object, as git writes them. An
// object already in the database (the same bytes written before) is left
// as it is, and is not this write's to remove.
void CommitTransaction::write_loose() {
  git_odb* memory_raw = nullptr;
  git_check(git_repository_odb(&memory_raw, objects_repo_), "cannot open the object database");
  git::Odb memory(memory_raw);
  git_odb* odb_raw = nullptr;
  git_check(git_repository_odb(&odb_raw, repo_), "cannot open the object database");
  git::Odb odb(odb_raw);
  const fs::path dir = objects_dir(repo_);
  for (const git_oid& id : new_objects()) {
    if (git_odb_exists(odb.get(), &id)) continue;
    git_odb_object* raw = nullptr;
    git_check(git_odb_read(&raw, memory.get(), &id), "cannot write the commit's objects");
    git::OdbObject object(raw);
    const std::string hex = git::object_id(id).hex();
    added_files_.push_back(dir / hex.substr(0, 2) / hex.substr(2));
    git_oid written;
    git_check(git_odb_write(&written, odb.get(), git_odb_object_data(object.get()), git_odb_object_size(object.get()),
                            git_odb_object_type(object.get())),
              "cannot write the commit's objects");
  }
}

// The journal: what this write changes, so that a write killed between here
// and the branch move can be completed or rolled back by repair().
void CommitTransaction::write_journal() {
  std::string journal =
      fmt::format("{}\nparent {}\ncommit {}\n", kJournalHeader, parent_id_ ? git::object_id(*parent_id_).hex() : "-",
                  git::object_id(commit_id_).hex());
  PathLookup base_files(objects_repo_ ? objects_repo_ : repo_, base_.get());
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
    undo_.push_back({p, std::move(old), file_identity(p)});
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
  // From here the index on disk may be the new one, even when a step below
  // reports an error (an fsync after the rename): the rollback puts it back.
  index_before_ = file_identity(fs::path(git_repository_path(repo_)) / "index");
  index_written_ = true;
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
  // libgit2 appends to the reflogs before it renames the ref: a ref update
  // that fails after that leaves entries naming a commit the branch never
  // had. Their sizes now, so the rollback can take those entries out.
  const fs::path gitdir = git_repository_path(repo_);
  for (const fs::path& log : {gitdir / "logs" / "HEAD", gitdir / "logs" / branch}) {
    std::error_code ec;
    const auto size = fs::file_size(log, ec);
    reflogs_.push_back({log, ec ? std::nullopt : std::optional<std::uintmax_t>(size)});
  }
  branch_may_have_moved_ = true;
  git_reference* moved_raw = nullptr;
  int rc = parent_id_ ? git_reference_create_matching(&moved_raw, repo_, branch.c_str(), &commit_id_, 1, &*parent_id_,
                                                      ((shape_.adopt ? "sync: " : "commit: ") + subject).c_str())
                      : git_reference_create(&moved_raw, repo_, branch.c_str(), &commit_id_, 0,
                                             ("commit (initial): " + subject).c_str());
  git::Reference moved(moved_raw);
  if (rc < 0) git_fail("cannot move the branch to the new commit");
}

// After an error in the ref update: the branch as it is on disk now. An
// error reading it counts as "moved": nothing is undone, and the journal
// stays for repair(), which reads the branch again.
bool CommitTransaction::branch_is_at_new_commit() const {
  try {
    const auto now = git_.head();
    return now && git_oid_equal(&*now, &commit_id_);
  } catch (...) {
    return true;
  }
}

// Done: the journal is no longer needed. (Killed before this, the journal
// names a commit HEAD already has, and repair() completes.) A branch that
// moved though its update reported an error is saved once more, with the
// whole file system, before the write counts as made.
void CommitTransaction::finish(bool moved_despite_error) {
  const auto head = [&] {
    try {
      return git_.head();
    } catch (...) {
      return std::optional<git_oid>();
    }
  }();
  if (moved_despite_error && !(head && git_oid_equal(&*head, &commit_id_)))
    fail(Exit::store,
         fmt::format("cannot tell whether the change was committed: the branch cannot be read ({})", kJournalName),
         "`prevent check --repair` completes the change or rolls it back");
  if (moved_despite_error) try {
      sync_filesystem(root_);
    } catch (const Failure& f) {
      fail(Exit::store,
           fmt::format("the change was committed (commit {}), but the disk reported an error while saving it: {}",
                       short_commit(), f.what()),
           "do not make the change again; `git log -1` shows it; check the disk, then run `prevent check`");
    }
  if (::unlink(journal_.c_str()) != 0 && errno != ENOENT)
    fail(Exit::store,
         fmt::format("the change was committed (commit {}), but its journal cannot be removed ({}): {}",
                     short_commit(), kJournalName, std::strerror(errno)),
         "do not make the change again; `prevent check --repair` removes the journal");
}

// Work tree and index back as they were, and the journal removed; false
// when some of it could not be done (the journal then stays, for repair()).
bool CommitTransaction::roll_back() noexcept {
  bool undone = true;
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    // A file the failed write never replaced is left alone: putting it back
    // would be one more write on a disk that may be full.
    if (file_identity(it->path) == it->before) continue;
    try {
      if (it->old)
        write_file_atomically(it->path, *it->old);
      else
        fs::remove(it->path);
    } catch (...) {
      undone = false;
    }
  }
  if (index_written_ && file_identity(fs::path(git_repository_path(repo_)) / "index") == index_before_)
    index_written_ = false;  // never replaced: nothing to put back
  if (index_written_) {
    // Put the index entries of the touched paths back to HEAD's.
    if (!index_) {
      git_index* raw = nullptr;
      if (git_repository_index(&raw, repo_) == 0) index_.reset(raw);
    }
    if (index_ && git_index_read(index_.get(), 1) < 0) undone = false;
    if (index_ && undone) {
      for (const auto& f : files_) {
        git_tree_entry* old_raw = nullptr;
        int rc;
        if (base_ && git_tree_entry_bypath(&old_raw, base_.get(), f.path.c_str()) == 0) {
          git::TreeEntry old(old_raw);
          git_index_entry e{};
          e.mode = GIT_FILEMODE_BLOB;
          e.id = *git_tree_entry_id(old.get());
          e.path = f.path.c_str();
          rc = git_index_add(index_.get(), &e);
        } else {
          rc = git_index_remove_bypath(index_.get(), f.path.c_str());
        }
        if (rc < 0) undone = false;
      }
    }
    if (!index_ || !undone || git_index_write(index_.get()) < 0) undone = false;
  }
  // Reflog entries for the commit the branch did not move to.
  const std::string hex = git::object_id(commit_id_).hex();
  for (const auto& log : reflogs_) {
    std::error_code ec;
    const auto size = fs::file_size(log.path, ec);
    if (ec || size <= log.size.value_or(0)) continue;
    const std::string text = read_whole_file(log.path);
    if (text.size() != size || text.find(hex, log.size.value_or(0)) == std::string::npos) continue;
    if (log.size ? ::truncate(log.path.c_str(), static_cast<off_t>(*log.size)) != 0 : ::unlink(log.path.c_str()) != 0)
      undone = false;
  }
  if (undone && ::unlink(journal_.c_str()) != 0 && errno != ENOENT) undone = false;
  return undone;
}

// The objects store_objects() added, removed again: the failed write's
// records are personal data that no commit refers to, and would otherwise
// stay on disk until git's garbage collection.
void CommitTransaction::remove_added_objects() noexcept {
  std::error_code ec;
  for (const auto& p : added_files_) {
    fs::remove(p, ec);
    // A loose object's fan-out directory, when this write made it and it is
    // empty again (fs::remove does not remove a directory with files).
    if (p.parent_path().filename() != "pack") fs::remove(p.parent_path(), ec);
  }
}

}  // namespace

git_oid GitRepo::commit(const std::vector<FileWrite>& files, const std::string& message, const GitIdentity& who,
                        const CommitShape& shape) {
  require_no_interrupted_write();
  return CommitTransaction(*this, journal_path(), files, message, who, shape).run();
}

}  // namespace prevent

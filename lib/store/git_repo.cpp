#include "git_repo.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include "commit_journal.hpp"
#include "safe_path.hpp"
#include "text.hpp"
#include "failure.hpp"
#include "git_handles.hpp"
#include "git_options.hpp"
#include "index_splice.hpp"
#include "path_lookup.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

using git::Blob;
using git::Commit;
using git::Index;
using git::Reference;
using git::Tree;
using git::TreeEntry;

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Tree head_tree(git_repository* repo) {
  git_object* obj = nullptr;
  int rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return Tree(nullptr);
  git_check(rc, "cannot read HEAD");
  return Tree(reinterpret_cast<git_tree*>(obj));
}

}  // namespace

std::string git_error_text() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown git error";
}

void git_fail(const std::string& what) { fail(Exit::store, fmt::format("{}: {}", what, git_error_text())); }

void git_check(int rc, const char* what) {
  if (rc < 0) git_fail(what);
}

GitRepo GitRepo::open(const fs::path& root) {
  ensure_libgit2();
  GitRepo r;
  r.root_ = root;
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, root.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  r.repo_.reset(raw);
  if (rc < 0) fail(Exit::store, fmt::format("not a git repository: {} ({})", git_error_text(), root.string()));
  if (git_repository_is_bare(r.raw()))
    fail(Exit::store, fmt::format("the store's repository has no work tree ({})", root.string()));
  // The work tree is the store's directory, never one the store's own
  // configuration points to (core.worktree): what a store says must not make
  // prevent read or write files elsewhere (issue 15).
  std::error_code ec;
  const char* workdir = git_repository_workdir(r.raw());
  if (!workdir || !fs::equivalent(fs::path(workdir), root, ec) || ec)
    fail(Exit::store,
         fmt::format("the store's git configuration puts its work tree elsewhere (core.worktree); prevent works "
                     "only in the store's own directory ({})",
                     root.string()),
         "git config --unset core.worktree, in the store");
  return r;
}

GitRepo GitRepo::init(const fs::path& root) {
  ensure_libgit2();
  GitRepo r;
  r.root_ = root;
  git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  // An existing repository is one Store::create found with no commit in it
  // (an empty `git init`, or an init that was stopped); it is kept.
  opts.flags = GIT_REPOSITORY_INIT_MKPATH;
  opts.mode = GIT_REPOSITORY_INIT_SHARED_UMASK;
  git_repository* raw = nullptr;
  const int rc = git_repository_init_ext(&raw, root.c_str(), &opts);
  r.repo_.reset(raw);
  if (rc < 0)
    fail(Exit::store, fmt::format("cannot create the git repository: {} ({})", git_error_text(), root.string()));
  return r;
}

GitRepo::GitRepo(GitRepo&&) noexcept = default;
GitRepo& GitRepo::operator=(GitRepo&&) noexcept = default;
GitRepo::~GitRepo() = default;

namespace {

GitIdentity resolve_identity(git_config* cfg, const fs::path& where) {
  auto get = [&](const char* key) { return git::config_text(cfg, key); };
  // As git: the environment first, then the configuration chain.
  GitIdentity id{env_or_empty("GIT_AUTHOR_NAME"), env_or_empty("GIT_AUTHOR_EMAIL")};
  if (id.name.empty()) id.name = get("user.name");
  if (id.email.empty()) id.email = get("user.email");
  if (id.name.empty() || id.email.empty())
    fail(Exit::store,
         fmt::format("no git identity: every change is signed with a name and e-mail ({})", where.string()),
         "set one with: git config --global user.name 'Your Name' && git config --global user.email "
         "'you@example.org'");
  return id;
}

}  // namespace

GitIdentity GitRepo::identity() const {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo_.get()) < 0) git_fail("cannot read the git configuration");
  git::Config cfg(raw);
  return resolve_identity(cfg.get(), root_);
}

GitIdentity GitRepo::default_identity(const fs::path& where) {
  ensure_libgit2();
  git_config* raw = nullptr;
  // An empty repository already made (`git init`, then `git config
  // user.name`) is where the first commit goes: its own configuration
  // first, as git would, so the first commit's author is its committer.
  std::error_code ec;
  if (fs::is_directory(where / ".git", ec) && !fs::is_symlink(where / ".git", ec)) {
    git_repository* repo = nullptr;
    if (git_repository_open_ext(&repo, where.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) == 0) {
      git::Repository owned(repo);
      if (git_repository_config_snapshot(&raw, repo) == 0) {
        git::Config cfg(raw);
        return resolve_identity(cfg.get(), where);
      }
    }
  }
  git_config_open_default(&raw);
  git::Config cfg(raw);
  git_config* snap = nullptr;
  if (cfg) git_config_snapshot(&snap, cfg.get());
  git::Config snapshot(snap);
  return resolve_identity(snapshot.get(), where);
}

std::optional<git_oid> GitRepo::head() const {
  git_oid id;
  int rc = git_reference_name_to_id(&id, repo_.get(), "HEAD");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return std::nullopt;
  git_check(rc, "cannot read HEAD");
  return id;
}

std::optional<TreeFile> GitRepo::entry_at_head(const std::string& path) const {
  Tree tree = head_tree(repo_.get());
  if (!tree) return std::nullopt;
  git_tree_entry* raw = nullptr;
  int rc = git_tree_entry_bypath(&raw, tree.get(), path.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  git_check(rc, "cannot read HEAD");
  TreeEntry entry(raw);
  return TreeFile{git_tree_entry_name(entry.get()), *git_tree_entry_id(entry.get()),
                  git_tree_entry_filemode(entry.get())};
}

std::optional<git_oid> GitRepo::blob_id_at_head(const std::string& path) const {
  auto e = entry_at_head(path);
  if (!e || (e->mode != GIT_FILEMODE_BLOB && e->mode != GIT_FILEMODE_BLOB_EXECUTABLE && e->mode != GIT_FILEMODE_LINK))
    return std::nullopt;
  return e->id;
}

std::optional<size_t> blob_size(git_repository* repo, const git_oid& id) {
  git_odb* raw = nullptr;
  if (git_repository_odb(&raw, repo) < 0) return std::nullopt;
  git::Odb odb(raw);
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&size, &type, odb.get(), &id) < 0 || type != GIT_OBJECT_BLOB) return std::nullopt;
  return size;
}

void fail_too_large(size_t size, std::string_view where) {
  fail(Exit::invalid_data, fmt::format("record is larger than 1 MiB ({} bytes); not read ({})", size, where));
}

std::string GitRepo::read_blob(const git_oid& id, std::string_view where) const {
  if (auto size = blob_size(repo_.get(), id); size && *size > kMaxReadBytes)
    fail_too_large(*size, where.empty() ? git::object_id(id).hex() : where);
  git_blob* raw = nullptr;
  git_check(git_blob_lookup(&raw, repo_.get(), &id), "cannot read a record from the repository");
  Blob blob(raw);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<size_t>(git_blob_rawsize(blob.get())));
}

std::optional<std::string> GitRepo::read_at_head(const std::string& path) const {
  auto id = blob_id_at_head(path);
  if (!id) return std::nullopt;
  return read_blob(*id, path);
}

std::vector<TreeFile> GitRepo::list_at_head(const std::string& dir) const {
  std::vector<TreeFile> out;
  Tree tree = head_tree(repo_.get());
  if (!tree) return out;
  Tree sub;
  const git_tree* t = tree.get();
  if (!dir.empty()) {
    git_tree_entry* raw = nullptr;
    int rc = git_tree_entry_bypath(&raw, tree.get(), dir.c_str());
    if (rc == GIT_ENOTFOUND) return out;
    git_check(rc, "cannot read HEAD");
    TreeEntry entry(raw);
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return out;
    git_tree* st = nullptr;
    git_check(git_tree_lookup(&st, repo_.get(), git_tree_entry_id(entry.get())), "cannot read HEAD");
    sub.reset(st);
    t = st;
  }
  size_t n = git_tree_entrycount(t);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(t, i);
    out.push_back(TreeFile{git_tree_entry_name(e), *git_tree_entry_id(e), git_tree_entry_filemode(e)});
  }
  return out;
}

std::optional<git_oid> GitRepo::hash_worktree_file(const std::string& path) const {
  fs::path p = root_ / path;
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) return std::nullopt;
  std::string bytes = read_whole_file(p);
  git_oid id;
  git_check(git_odb_hash(&id, bytes.data(), bytes.size(), GIT_OBJECT_BLOB), "cannot hash a file");
  return id;
}

void GitRepo::require_clean(const std::vector<std::string>& paths) const {
  Tree tree = head_tree(repo_.get());
  PathLookup head_files(repo_.get(), tree.get());
  for (const auto& path : paths) {
    auto at_head = head_files.blob(path);
    auto in_tree = hash_worktree_file(path);
    bool same = (!at_head && !in_tree) || (at_head && in_tree && git_oid_equal(&*at_head, &*in_tree));
    if (!same)
      fail(Exit::store, fmt::format("uncommitted changes in the way ({})", path),
           "commit them with git (then run `prevent check`) or restore the file with `git checkout -- FILE`");
  }
}

void GitRepo::require_clean_work_tree(std::string_view hint) const {
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;  // untracked files are not listed
  git_status_list* raw = nullptr;
  git_check(git_status_list_new(&raw, repo_.get(), &opts), "cannot read the work tree's status");
  git::StatusList list(raw);
  if (git_status_list_entrycount(list.get()) == 0) return;
  const git_status_entry* e = git_status_byindex(list.get(), 0);
  const git_diff_delta* d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
  const char* path = d ? (d->new_file.path ? d->new_file.path : d->old_file.path) : "";
  fail(Exit::store, fmt::format("uncommitted changes in the way ({})", terminal_safe(path ? path : "")),
       std::string(hint));
}

fs::path GitRepo::journal_path() const { return fs::path(git_repository_path(repo_.get())) / "prevent" / "journal"; }

bool GitRepo::has_interrupted_write() const {
  std::error_code ec;
  return fs::exists(journal_path(), ec);
}

void GitRepo::require_no_interrupted_write() const {
  if (has_interrupted_write())
    fail(Exit::store, fmt::format("an earlier write was interrupted and is half done ({})", kJournalName),
         "run `prevent check --repair` first: it completes the write or rolls it back (do not commit its files "
         "with git)");
}

std::vector<std::string> GitRepo::stale_temp_files() const {
  std::vector<std::string> out;
  std::error_code ec;
  const fs::path dir = journal_path().parent_path();
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (auto pid = temp_file_owner(name); pid && process_is_gone(*pid)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> GitRepo::remove_stale_temp_files() {
  std::vector<std::string> removed;
  const fs::path dir = journal_path().parent_path();
  for (const auto& name : stale_temp_files()) {
    std::error_code ec;
    if (fs::remove(dir / name, ec)) removed.push_back(name);
  }
  return removed;
}

namespace {

Failure damaged_journal(std::string_view what) {
  return Failure(Exit::store, fmt::format("the journal of an interrupted write {} ({})", what, kJournalName),
                 "compare `git status` with `git log -1`, then put the files right with git and remove the journal");
}

struct Journal {
  std::optional<git_oid> parent, commit;
  struct Entry {
    std::optional<git_oid> old_blob, new_blob;
    std::string path;
  };
  std::vector<Entry> entries;
};

// The journal's text (commit_journal.hpp), or Failure(store) when damaged.
Journal parse_journal(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  Journal j;
  auto parse_oid = [&](const std::string& hex) -> std::optional<git_oid> {
    git_oid id;
    if (hex == "-") return std::nullopt;
    if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&id, hex.c_str()) < 0) throw damaged_journal("is damaged");
    return id;
  };
  if (!std::getline(in, line) || line != kJournalHeader) throw damaged_journal("is damaged");
  {
    std::string key, hex;
    if (!std::getline(in, line) || !(std::istringstream(line) >> key >> hex) || key != "parent")
      throw damaged_journal("is damaged");
    j.parent = parse_oid(hex);
    if (!std::getline(in, line) || !(std::istringstream(line) >> key >> hex) || key != "commit" || hex == "-")
      throw damaged_journal("is damaged");
    j.commit = parse_oid(hex);
  }
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string o, n, path;
    if (!(ls >> o >> n >> path) || path.find("..") != std::string::npos || !is_safe_work_tree_path(path))
      throw damaged_journal("is damaged");
    Journal::Entry e{parse_oid(o), parse_oid(n), path};
    if (!e.new_blob) throw damaged_journal("is damaged");
    j.entries.push_back(std::move(e));
  }
  return j;
}

}  // namespace

std::optional<Repair> GitRepo::repair() {
  const fs::path jpath = journal_path();
  std::error_code ec;
  if (!fs::exists(jpath, ec)) return std::nullopt;
  auto damaged = [](std::string_view what) { return damaged_journal(what); };
  const Journal journal = parse_journal(read_whole_file(jpath));
  const std::optional<git_oid>& parent = journal.parent;
  const std::optional<git_oid>& commit = journal.commit;
  const std::vector<Journal::Entry>& entries = journal.entries;

  // Which way: forward when the branch was moved, back when it was not,
  // and to HEAD's files when HEAD was made since from the journal's parent
  // (someone committed the half-written files with git).
  Repair result;
  const auto now = head();
  if (now && git_oid_equal(&*now, &*commit))
    result.outcome = Repair::Outcome::completed;
  else if ((!now && !parent) || (now && parent && git_oid_equal(&*now, &*parent)))
    result.outcome = Repair::Outcome::rolled_back;
  else if (now && (!parent || git_graph_descendant_of(repo_.get(), &*now, &*parent) == 1))
    result.outcome = Repair::Outcome::committed_since;
  else
    throw damaged("names neither HEAD nor its parent, so it was left as it is");
  Tree now_tree = head_tree(repo_.get());
  PathLookup at_head(repo_.get(), now_tree.get());
  auto target_of = [&](const Journal::Entry& e) -> std::optional<git_oid> {
    switch (result.outcome) {
      case Repair::Outcome::completed:
        return e.new_blob;
      case Repair::Outcome::rolled_back:
        return e.old_blob;
      case Repair::Outcome::committed_since:
        break;
    }
    return at_head.blob(e.path);
  };
  if (result.outcome == Repair::Outcome::committed_since)
    // Only what the write itself left is replaced: a file changed since
    // (neither its old bytes, its new ones, nor HEAD's) is someone's work.
    for (const auto& e : entries) {
      const auto in_tree = hash_worktree_file(e.path);
      const auto head_blob = at_head.blob(e.path);
      auto same = [&](const std::optional<git_oid>& a) {
        return (!a && !in_tree) || (a && in_tree && git_oid_equal(&*a, &*in_tree));
      };
      if (!same(e.old_blob) && !same(e.new_blob) && !same(head_blob))
        throw damaged(fmt::format("names a file changed since ({}), so it was left as it is", e.path));
    }
  {
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo_.get(), &*commit) == 0) {
      Commit c(raw);
      result.subject = git_commit_summary(c.get()) ? git_commit_summary(c.get()) : "";
    }
  }

  // Locks a killed libgit2 left behind (the writers' lock is held).
  const fs::path gitdir = git_repository_path(repo_.get());
  fs::remove(gitdir / "index.lock", ec);
  {
    git_reference* raw = nullptr;
    if (git_reference_lookup(&raw, repo_.get(), "HEAD") == 0) {
      Reference head_ref(raw);
      if (git_reference_type(head_ref.get()) == GIT_REFERENCE_SYMBOLIC)
        fs::remove(gitdir / (std::string(git_reference_symbolic_target(head_ref.get())) + ".lock"), ec);
    }
  }

  // Work tree and index to the chosen side, for exactly the journal's paths.
  git_index* idx_raw = nullptr;
  git_check(git_repository_index(&idx_raw, repo_.get()), "cannot open the git index");
  Index index(idx_raw);
  git_check(git_index_read(index.get(), 1), "cannot read the git index");
  // Temporary files of write_file_atomically that were never renamed:
  // `.<name>.tmp-<pid>` beside a journal path.
  {
    std::map<fs::path, std::set<std::string>> names_by_dir;
    for (const auto& e : entries) {
      const fs::path p = root_ / e.path;
      names_by_dir[p.parent_path()].insert(p.filename().string());
    }
    for (const auto& [dir, names] : names_by_dir)
      for (const auto& f : fs::directory_iterator(dir, ec)) {
        const std::string n = f.path().filename().string();
        const size_t tmp = n.rfind(".tmp-");
        if (n.size() > 1 && n[0] == '.' && tmp != std::string::npos && names.count(n.substr(1, tmp - 1)))
          fs::remove(f.path(), ec);
      }
  }
  bool wrote = false;
  for (const auto& e : entries) {
    const fs::path p = root_ / e.path;
    const auto target = target_of(e);
    if (!target) {
      std::error_code rm;
      fs::remove(p, rm);
      if (rm) fail(Exit::store, fmt::format("cannot remove {}: {}", p.string(), rm.message()));
      git_check(git_index_remove_bypath(index.get(), e.path.c_str()), "cannot update the git index");
      continue;
    }
    std::string bytes = read_blob(*target, e.path);
    if (!fs::exists(p, ec) || read_whole_file(p) != bytes) {
      write_file_atomically(p, bytes, Durability::later);
      wrote = true;
    }
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) fail(Exit::store, fmt::format("cannot stat {}", p.string()));
    git_index_entry ie = index_entry_of(st, *target, e.path);
    git_check(git_index_add(index.get(), &ie), "cannot update the git index");
  }
  if (wrote) sync_filesystem(root_);
  git_check(git_index_write(index.get()), "cannot write the git index");
  if (::unlink(jpath.c_str()) != 0)
    fail(Exit::store, fmt::format("cannot remove {}: {}", kJournalName, std::strerror(errno)));
  // A journal that comes back after a power cut names HEAD's files, which
  // the work tree now has: repairing it again changes nothing.
  try {
    fsync_directory(jpath.parent_path());
  } catch (const Failure&) {
  }
  result.files = entries.size();
  return result;
}

}  // namespace prevent

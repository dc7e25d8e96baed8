#include "git_repo.hpp"
#include "git_handles.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <set>
#include <map>

#include <git2/sys/mempack.h>
#include <openssl/evp.h>
#include <git2/sys/odb_backend.h>

#include "failure.hpp"
#include "oid_set.hpp"
#include "signing.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Records are written once and must survive a power cut.
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    // Pack files are read through mmap windows, which count as the
    // process's memory while mapped. libgit2's defaults (1 GiB windows, 8 GiB
    // in all) keep a whole 300 MB pack mapped after a read of every record;
    // small windows and a cap keep that part of a run under 64 MB, at no
    // measurable cost in time.
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, size_t{8} << 20);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, size_t{64} << 20);
  });
}

using git::Blob;
using git::Commit;
using git::Config;
using git::Index;
using git::Owned;
using git::Reference;
using git::Signature;
using git::Tree;
using git::TreeEntry;

[[noreturn]] void git_fail(const std::string& what) {
  fail(Exit::store, fmt::format("{}: {}", what, git_error_text()));
}

void check(int rc, const char* what) {
  if (rc < 0) git_fail(what);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Tree head_tree(git_repository* repo) {
  git_object* obj = nullptr;
  int rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return Tree(nullptr);
  check(rc, "cannot read HEAD");
  return Tree(reinterpret_cast<git_tree*>(obj));
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr std::string_view kJournalHeader = "prevent write journal v1";
constexpr const char* kJournalName = ".git/prevent/journal";

std::string oid_hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

// An index entry for a file just written, with its stat data, so that
// `git status` need not re-hash it.
git_index_entry index_entry_of(const struct stat& st, const git_oid& blob, const std::string& path) {
  git_index_entry e{};
  e.ctime.seconds = static_cast<int32_t>(st.st_ctim.tv_sec);
  e.ctime.nanoseconds = static_cast<uint32_t>(st.st_ctim.tv_nsec);
  e.mtime.seconds = static_cast<int32_t>(st.st_mtim.tv_sec);
  e.mtime.nanoseconds = static_cast<uint32_t>(st.st_mtim.tv_nsec);
  e.dev = static_cast<uint32_t>(st.st_dev);
  e.ino = static_cast<uint32_t>(st.st_ino);
  e.uid = st.st_uid;
  e.gid = st.st_gid;
  e.file_size = static_cast<uint32_t>(st.st_size);
  e.mode = GIT_FILEMODE_BLOB;
  e.id = blob;
  e.path = path.c_str();
  return e;
}

void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// ---- .git/index updated in place
//
// libgit2 parses every entry of .git/index into memory and writes every
// entry back: at 100,000 files that is most of a one-file commit. A write
// changes a few entries, so the file is instead copied with those entries
// spliced in, as git's format allows (entries sorted by path; the cache
// tree extension invalidated along the changed paths; a SHA-1 trailer).
// Only index versions 2 and 3 with no extensions but TREE and REUC, and no
// conflict entries at the paths written, are handled; anything else goes
// through libgit2 as before.

struct IndexUpdate {
  std::string path;
  git_oid blob;
  struct stat st;
};

void put32(std::string& out, uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
  out.append(b, 4);
}

uint32_t get32(std::string_view s, size_t at) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[at + i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

void sha1(std::string_view data, unsigned char out[20]) {
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out, &n, EVP_sha1(), nullptr) != 1 || n != 20)
    fail(Exit::store, "cannot compute the git index's checksum");
}

std::string index_entry_bytes(const IndexUpdate& u) {
  std::string e;
  put32(e, static_cast<uint32_t>(u.st.st_ctim.tv_sec));
  put32(e, static_cast<uint32_t>(u.st.st_ctim.tv_nsec));
  put32(e, static_cast<uint32_t>(u.st.st_mtim.tv_sec));
  put32(e, static_cast<uint32_t>(u.st.st_mtim.tv_nsec));
  put32(e, static_cast<uint32_t>(u.st.st_dev));
  put32(e, static_cast<uint32_t>(u.st.st_ino));
  put32(e, GIT_FILEMODE_BLOB);
  put32(e, u.st.st_uid);
  put32(e, u.st.st_gid);
  put32(e, static_cast<uint32_t>(u.st.st_size));
  e.append(reinterpret_cast<const char*>(u.blob.id), GIT_OID_RAWSZ);
  const uint16_t flags = static_cast<uint16_t>(std::min<size_t>(u.path.size(), 0xFFF));
  e += static_cast<char>(flags >> 8);
  e += static_cast<char>(flags & 0xFF);
  e += u.path;
  // NUL-padded to a multiple of 8 bytes, at least one NUL.
  e.append(8 - (e.size() % 8), '\0');
  return e;
}

// The cache tree (TREE extension) with every directory on the way to a
// changed path marked invalid (entry count -1, no tree id), as git and
// libgit2 do when an entry changes. nullopt when it does not parse.
std::optional<std::string> invalidated_tree_cache(std::string_view data, const std::vector<IndexUpdate>& updates) {
  std::string out;
  size_t pos = 0;
  auto touches = [&](const std::string& dir) {
    if (dir.empty()) return true;
    for (const auto& u : updates)
      if (u.path.size() > dir.size() && u.path.compare(0, dir.size(), dir) == 0 && u.path[dir.size()] == '/')
        return true;
    return false;
  };
  std::function<bool(const std::string&)> node = [&](const std::string& parent) -> bool {
    size_t nul = data.find('\0', pos);
    if (nul == std::string_view::npos) return false;
    std::string name(data.substr(pos, nul - pos));
    size_t nl = data.find('\n', nul + 1);
    if (nl == std::string_view::npos) return false;
    std::string counts(data.substr(nul + 1, nl - nul - 1));
    pos = nl + 1;
    long entries = 0, subtrees = 0;
    {
      std::istringstream cs(counts);
      if (!(cs >> entries >> subtrees) || subtrees < 0 || entries < -1) return false;
    }
    std::string dir = parent.empty() ? name : parent + "/" + name;
    std::string_view id;
    if (entries >= 0) {
      if (pos + GIT_OID_RAWSZ > data.size()) return false;
      id = data.substr(pos, GIT_OID_RAWSZ);
      pos += GIT_OID_RAWSZ;
    }
    out += name;
    out += '\0';
    if (touches(dir)) {
      out += fmt::format("-1 {}\n", subtrees);
    } else {
      out += counts;
      out += '\n';
      out += id;
    }
    for (long i = 0; i < subtrees; ++i)
      if (!node(dir)) return false;
    return true;
  };
  if (!data.empty() && (!node("") || pos != data.size())) return std::nullopt;
  return out;
}

// The bytes of the new index, or nullopt when this index is one to leave to
// libgit2. `updates` is sorted by path.
std::optional<std::string> spliced_index(std::string_view old, const std::vector<IndexUpdate>& updates) {
  if (old.size() < 12 + 20 || old.substr(0, 4) != "DIRC") return std::nullopt;
  const uint32_t version = get32(old, 4);
  if (version != 2 && version != 3) return std::nullopt;
  const uint32_t count = get32(old, 8);
  const size_t body_end = old.size() - 20;
  {
    unsigned char sum[20];
    sha1(old.substr(0, body_end), sum);
    if (std::memcmp(sum, old.data() + body_end, 20) != 0) return std::nullopt;
  }
  std::string out;
  out.reserve(old.size() + updates.size() * 96);
  out.append(old.substr(0, 12));
  size_t pos = 12, u = 0;
  uint32_t written = 0;
  for (uint32_t i = 0; i < count; ++i) {
    if (pos + 62 > body_end) return std::nullopt;
    const uint16_t flags = static_cast<uint16_t>(static_cast<unsigned char>(old[pos + 60]) << 8 |
                                                 static_cast<unsigned char>(old[pos + 61]));
    size_t name_at = pos + 62;
    if (flags & 0x4000) {
      if (version < 3) return std::nullopt;
      name_at += 2;
    }
    size_t nul = old.find('\0', name_at);
    if (nul == std::string_view::npos || nul >= body_end) return std::nullopt;
    std::string_view name = old.substr(name_at, nul - name_at);
    const size_t len = ((name_at - pos) + name.size() + 8) & ~size_t(7);
    if (pos + len > body_end) return std::nullopt;
    while (u < updates.size() && std::string_view(updates[u].path) < name) {
      out += index_entry_bytes(updates[u++]);
      ++written;
    }
    if (u < updates.size() && std::string_view(updates[u].path) == name) {
      if ((flags >> 12) & 3) return std::nullopt;  // a conflict: libgit2's business
      out += index_entry_bytes(updates[u++]);
      ++written;
    } else if (u > 0 && std::string_view(updates[u - 1].path) == name) {
      return std::nullopt;  // a further stage of a path just written
    } else {
      out.append(old.substr(pos, len));
      ++written;
    }
    pos += len;
  }
  while (u < updates.size()) {
    out += index_entry_bytes(updates[u++]);
    ++written;
  }
  // Extensions: the cache tree is invalidated, resolve-undo kept as it is.
  while (pos < body_end) {
    if (pos + 8 > body_end) return std::nullopt;
    std::string_view sig = old.substr(pos, 4);
    const uint32_t size = get32(old, pos + 4);
    if (pos + 8 + size > body_end) return std::nullopt;
    std::string_view data = old.substr(pos + 8, size);
    if (sig == "TREE") {
      auto tree = invalidated_tree_cache(data, updates);
      if (!tree) return std::nullopt;
      out += "TREE";
      put32(out, static_cast<uint32_t>(tree->size()));
      out += *tree;
    } else if (sig == "REUC") {
      out.append(old.substr(pos, 8 + size));
    } else {
      return std::nullopt;
    }
    pos += 8 + size;
  }
  std::string n;
  put32(n, written);
  out.replace(8, 4, n);
  unsigned char sum[20];
  sha1(out, sum);
  out.append(reinterpret_cast<const char*>(sum), 20);
  return out;
}

// Updates .git/index in place for `updates` (any order). false when the
// index is one to leave to libgit2; Failure when it cannot be written.
bool update_index_in_place(const fs::path& gitdir, std::vector<IndexUpdate> updates) {
  std::sort(updates.begin(), updates.end(), [](const IndexUpdate& a, const IndexUpdate& b) { return a.path < b.path; });
  for (size_t i = 1; i < updates.size(); ++i)
    if (updates[i].path == updates[i - 1].path) return false;
  const fs::path index = gitdir / "index";
  std::string old;
  {
    int fd = ::open(index.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return false;
    }
    old.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < old.size()) {
      ssize_t n = ::read(fd, old.data() + done, old.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
    if (done != old.size()) return false;
  }
  auto bytes = spliced_index(old, updates);
  if (!bytes) return false;
  // As git and libgit2 write it: an exclusive index.lock, renamed over.
  const fs::path lock = gitdir / "index.lock";
  int fd = ::open(lock.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    fail(Exit::store, fmt::format("cannot write the git index: {} ({})", std::strerror(errno), lock.string()));
  size_t done = 0;
  bool ok = true;
  while (ok && done < bytes->size()) {
    ssize_t n = ::write(fd, bytes->data() + done, bytes->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    else done += static_cast<size_t>(n);
  }
  if (!ok || ::fsync(fd) != 0) ok = false;
  if (::close(fd) != 0) ok = false;
  if (ok && ::rename(lock.c_str(), index.c_str()) != 0) ok = false;
  if (!ok) {
    int err = errno;
    ::unlink(lock.c_str());
    fail(Exit::store, fmt::format("cannot write the git index: {}", std::strerror(err)));
  }
  fsync_dir(gitdir);
  return true;
}

// Blob ids of many paths of one tree: each directory's tree is looked up
// once, then each file by name (a binary search). git_tree_entry_bypath
// reads the directory's tree again on every call, and libgit2 does not
// keep a year's tree of thousands of entries in its cache, which made a
// 10,000-record import parse that tree some 20,000 times.
class PathLookup {
 public:
  PathLookup(git_repository* repo, const git_tree* root) : repo_(repo), root_(root) {}
  std::optional<git_oid> blob(const std::string& path) {
    if (!root_) return std::nullopt;
    const size_t slash = path.rfind('/');
    const git_tree* dir = root_;
    if (slash != std::string::npos) {
      const std::string d = path.substr(0, slash);
      auto it = dirs_.find(d);
      if (it == dirs_.end()) {
        git_tree* t = nullptr;
        git_tree_entry* raw = nullptr;
        if (git_tree_entry_bypath(&raw, root_, d.c_str()) == 0) {
          TreeEntry entry(raw);
          if (git_tree_entry_type(entry.get()) == GIT_OBJECT_TREE)
            check(git_tree_lookup(&t, repo_, git_tree_entry_id(entry.get())), "cannot read HEAD");
        }
        it = dirs_.emplace(d, Tree(t)).first;
      }
      dir = it->second.get();
      if (!dir) return std::nullopt;
    }
    const git_tree_entry* e = git_tree_entry_byname(dir, path.c_str() + (slash == std::string::npos ? 0 : slash + 1));
    if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB) return std::nullopt;
    return *git_tree_entry_id(e);
  }

 private:
  git_repository* repo_;
  const git_tree* root_;
  std::map<std::string, Tree> dirs_;
};

// Time zone offset in minutes for a commit signature.
int local_offset_minutes(std::time_t t) {
  std::tm local{};
  localtime_r(&t, &local);
  return static_cast<int>(local.tm_gmtoff / 60);
}

}  // namespace

std::string git_error_text() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown git error";
}

void make_private_dirs(const fs::path& dir) {
  if (dir.empty() || fs::is_directory(dir)) return;
  make_private_dirs(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    fail(Exit::store, fmt::format("cannot create directory {}: {}", dir.string(), std::strerror(errno)));
  ::chmod(dir.c_str(), 0700);
}

void sync_filesystem(const fs::path& any_path) {
  int fd = ::open(any_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::syncfs(fd);
  ::close(fd);
}

void write_file_atomically(const fs::path& path, std::string_view content, Durability durability) {
  make_private_dirs(path.parent_path());
  fs::path tmp = path.parent_path() / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail(Exit::store, fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  ::fchmod(fd, 0600);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail(Exit::store, fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  if ((durability == Durability::now && ::fsync(fd) != 0) || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    fail(Exit::store, fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail(Exit::store, fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
  }
  if (durability == Durability::now) fsync_dir(path.parent_path());
}

GitRepo GitRepo::open(const fs::path& root) {
  ensure_libgit2();
  GitRepo r;
  r.root_ = root;
  if (git_repository_open_ext(&r.repo_, root.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) < 0)
    fail(Exit::store, fmt::format("not a git repository: {} ({})", git_error_text(), root.string()));
  if (git_repository_is_bare(r.repo_))
    fail(Exit::store, fmt::format("the store's repository has no work tree ({})", root.string()));
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
  if (git_repository_init_ext(&r.repo_, root.c_str(), &opts) < 0)
    fail(Exit::store, fmt::format("cannot create the git repository: {} ({})", git_error_text(), root.string()));
  return r;
}

GitRepo::GitRepo(GitRepo&& o) noexcept : repo_(o.repo_), root_(std::move(o.root_)) { o.repo_ = nullptr; }
GitRepo& GitRepo::operator=(GitRepo&& o) noexcept {
  std::swap(repo_, o.repo_);
  std::swap(root_, o.root_);
  return *this;
}
GitRepo::~GitRepo() {
  if (repo_) git_repository_free(repo_);
}

namespace {

GitIdentity resolve_identity(git_config* cfg, const fs::path& where) {
  auto get = [&](const char* key) { return config_text(cfg, key); };
  // As git: the environment first, then the configuration chain.
  GitIdentity id{env("GIT_AUTHOR_NAME"), env("GIT_AUTHOR_EMAIL")};
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
  if (git_repository_config_snapshot(&raw, repo_) < 0) git_fail("cannot read the git configuration");
  Config cfg(raw);
  return resolve_identity(cfg.get(), root_);
}

GitIdentity GitRepo::default_identity(const fs::path& where) {
  ensure_libgit2();
  git_config* raw = nullptr;
  git_config_open_default(&raw);
  Config cfg(raw);
  git_config* snap = nullptr;
  if (cfg) git_config_snapshot(&snap, cfg.get());
  Config snapshot(snap);
  return resolve_identity(snapshot.get(), where);
}

std::optional<git_oid> GitRepo::head() const {
  git_oid id;
  int rc = git_reference_name_to_id(&id, repo_, "HEAD");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return std::nullopt;
  check(rc, "cannot read HEAD");
  return id;
}

std::optional<git_oid> GitRepo::blob_id_at_head(const std::string& path) const {
  Tree tree = head_tree(repo_);
  if (!tree) return std::nullopt;
  git_tree_entry* raw = nullptr;
  int rc = git_tree_entry_bypath(&raw, tree.get(), path.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check(rc, "cannot read HEAD");
  TreeEntry entry(raw);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  return *git_tree_entry_id(entry.get());
}

std::string GitRepo::read_blob(const git_oid& id) const {
  git_blob* raw = nullptr;
  check(git_blob_lookup(&raw, repo_, &id), "cannot read a record from the repository");
  Blob blob(raw);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<size_t>(git_blob_rawsize(blob.get())));
}

std::optional<std::string> GitRepo::read_at_head(const std::string& path) const {
  auto id = blob_id_at_head(path);
  if (!id) return std::nullopt;
  return read_blob(*id);
}

std::vector<TreeFile> GitRepo::list_at_head(const std::string& dir) const {
  std::vector<TreeFile> out;
  Tree tree = head_tree(repo_);
  if (!tree) return out;
  Tree sub;
  const git_tree* t = tree.get();
  if (!dir.empty()) {
    git_tree_entry* raw = nullptr;
    int rc = git_tree_entry_bypath(&raw, tree.get(), dir.c_str());
    if (rc == GIT_ENOTFOUND) return out;
    check(rc, "cannot read HEAD");
    TreeEntry entry(raw);
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return out;
    git_tree* st = nullptr;
    check(git_tree_lookup(&st, repo_, git_tree_entry_id(entry.get())), "cannot read HEAD");
    sub.reset(st);
    t = st;
  }
  size_t n = git_tree_entrycount(t);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(t, i);
    out.push_back(TreeFile{git_tree_entry_name(e), *git_tree_entry_id(e)});
  }
  return out;
}

std::optional<git_oid> GitRepo::hash_worktree_file(const std::string& path) const {
  fs::path p = root_ / path;
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) return std::nullopt;
  std::string bytes = read_all(p);
  git_oid id;
  check(git_odb_hash(&id, bytes.data(), bytes.size(), GIT_OBJECT_BLOB), "cannot hash a file");
  return id;
}

void GitRepo::require_clean(const std::vector<std::string>& paths) const {
  Tree tree = head_tree(repo_);
  PathLookup head_files(repo_, tree.get());
  for (const auto& path : paths) {
    auto at_head = head_files.blob(path);
    auto in_tree = hash_worktree_file(path);
    bool same = (!at_head && !in_tree) || (at_head && in_tree && git_oid_equal(&*at_head, &*in_tree));
    if (!same)
      fail(Exit::store, fmt::format("uncommitted changes in the way ({})", path),
           "commit them with git (then run `prevent check`) or restore the file with `git checkout -- FILE`");
  }
}

git_oid GitRepo::commit(const std::vector<FileWrite>& files, const std::string& message,
                        const GitIdentity& who) {
  if (has_interrupted_write())
    fail(Exit::store, fmt::format("an earlier write was interrupted and is half done ({})", kJournalName),
         "`prevent check --repair` completes it or rolls it back");
  // The committer as git resolves it: GIT_COMMITTER_* first, then the
  // configuration; it differs from the author only when one of those does.
  std::optional<Signer> signer;
  std::string cname = env("GIT_COMMITTER_NAME"), cemail = env("GIT_COMMITTER_EMAIL");
  {
    git_config* raw = nullptr;
    if (git_repository_config_snapshot(&raw, repo_) == 0) {
      Config cfg(raw);
      if (cname.empty()) cname = config_text(cfg.get(), "user.name");
      if (cemail.empty()) cemail = config_text(cfg.get(), "user.email");
      // Signed commits (SPEC §8): decided before anything is written, so a
      // configuration prevent cannot follow refuses cleanly.
      signer = configured_signer(cfg.get(), fmt::format("{} <{}>", cname.empty() ? who.name : cname,
                                                        cemail.empty() ? who.email : cemail));
    } else {
      git_fail("cannot read the git configuration");
    }
  }
  if (cname.empty()) cname = who.name;
  if (cemail.empty()) cemail = who.email;

  // 1. Objects. A large batch (an import) goes into one pack file instead
  // of a loose object per file: a second handle on the repository writes
  // into memory, and the memory is written out as a pack at the end.
  const bool batch = files.size() >= kPackThreshold;
  git_repository* objects_repo = repo_;
  git_repository* batch_repo = nullptr;
  git_odb_backend* mempack = nullptr;
  struct BatchCleanup {
    git_repository*& repo;
    ~BatchCleanup() {
      if (repo) git_repository_free(repo);
    }
  } batch_cleanup{batch_repo};
  if (batch) {
    check(git_repository_open_ext(&batch_repo, root_.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
          "cannot open the repository");
    git_odb* odb = nullptr;
    check(git_repository_odb(&odb, batch_repo), "cannot open the object database");
    Owned<git_odb, git_odb_free> odb_owner(odb);
    check(git_mempack_new(&mempack), "cannot prepare the pack");
    if (git_odb_add_backend(odb, mempack, 1000) < 0) {
      mempack->free(mempack);
      git_fail("cannot prepare the pack");
    }
    objects_repo = batch_repo;
  }
  std::optional<git_oid> parent_id = head();
  Commit parent;
  Tree base;
  if (parent_id) {
    git_commit* pc = nullptr;
    check(git_commit_lookup(&pc, objects_repo, &*parent_id), "cannot read HEAD");
    parent.reset(pc);
    git_tree* bt = nullptr;
    check(git_commit_tree(&bt, pc), "cannot read HEAD");
    base.reset(bt);
  }
  std::vector<git_oid> blob_ids(files.size());
  std::vector<git_tree_update> updates(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    check(git_blob_create_from_buffer(&blob_ids[i], objects_repo, files[i].content.data(), files[i].content.size()),
          "cannot write a record into the repository");
    updates[i].action = GIT_TREE_UPDATE_UPSERT;
    updates[i].id = blob_ids[i];
    updates[i].filemode = GIT_FILEMODE_BLOB;
    updates[i].path = files[i].path.c_str();
  }
  git_oid tree_id;
  if (base) {
    check(git_tree_create_updated(&tree_id, objects_repo, base.get(), updates.size(), updates.data()),
          "cannot build the commit's tree");
  } else {
    // First commit: an index-free tree built from scratch.
    git_tree* empty = nullptr;
    git_oid empty_id;
    git_treebuilder* tb = nullptr;
    check(git_treebuilder_new(&tb, objects_repo, nullptr), "cannot build the commit's tree");
    check(git_treebuilder_write(&empty_id, tb), "cannot build the commit's tree");
    git_treebuilder_free(tb);
    check(git_tree_lookup(&empty, objects_repo, &empty_id), "cannot build the commit's tree");
    Tree e(empty);
    check(git_tree_create_updated(&tree_id, objects_repo, e.get(), updates.size(), updates.data()),
          "cannot build the commit's tree");
  }
  git_tree* nt = nullptr;
  check(git_tree_lookup(&nt, objects_repo, &tree_id), "cannot build the commit's tree");
  Tree new_tree(nt);

  std::time_t now = std::time(nullptr);
  git_signature* sig_raw = nullptr;
  check(git_signature_new(&sig_raw, who.name.c_str(), who.email.c_str(), now, local_offset_minutes(now)),
        "cannot make the commit's signature");
  Signature author(sig_raw);
  Signature committer;
  if (cname != who.name || cemail != who.email) {
    git_signature* c = nullptr;
    check(git_signature_new(&c, cname.empty() ? who.name.c_str() : cname.c_str(),
                            cemail.empty() ? who.email.c_str() : cemail.c_str(), now, local_offset_minutes(now)),
          "cannot make the commit's signature");
    committer.reset(c);
  }
  git_oid commit_id;
  const git_commit* parents[1] = {parent.get()};
  const git_signature* committer_sig = committer ? committer.get() : author.get();
  if (signer) {
    // As git signs: the commit's bytes, signed, stored in its gpgsig header.
    git::Buf buf;
    check(git_commit_create_buffer(buf.get(), objects_repo, author.get(), committer_sig, "UTF-8", message.c_str(),
                                   new_tree.get(), parent ? 1 : 0, parents),
          "cannot write the commit");
    std::string body(buf.view());
    std::string signature = sign_commit_buffer(*signer, body);
    check(git_commit_create_with_signature(&commit_id, objects_repo, body.c_str(), signature.c_str(), "gpgsig"),
          "cannot write the signed commit");
  } else {
    check(git_commit_create(&commit_id, objects_repo, nullptr, author.get(), committer_sig, "UTF-8", message.c_str(),
                            new_tree.get(), parent ? 1 : 0, parents),
          "cannot write the commit");
  }
  if (batch) {
    // The pack holds this write's new objects only. (libgit2's
    // git_mempack_dump would insert the commit with its whole tree: every
    // record of the store, delta-searched and written again.) The new
    // objects are the commit, the blobs written, and the trees on the
    // written paths, which git_tree_create_updated made anew.
    git::Buf pack;
    {
      git_packbuilder* pb_raw = nullptr;
      check(git_packbuilder_new(&pb_raw, objects_repo), "cannot build the pack");
      Owned<git_packbuilder, git_packbuilder_free> pb(pb_raw);
      OidSet inserted;
      auto insert = [&](const git_oid& id) {
        if (!inserted.insert(id)) return;
        check(git_packbuilder_insert(pb.get(), &id, nullptr), "cannot build the pack");
      };
      insert(commit_id);
      insert(tree_id);
      for (size_t i = 0; i < files.size(); ++i) {
        const std::string& path = files[i].path;
        for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
          git_tree_entry* e = nullptr;
          check(git_tree_entry_bypath(&e, new_tree.get(), path.substr(0, slash).c_str()), "cannot build the pack");
          git_oid dir = *git_tree_entry_id(e);
          git_tree_entry_free(e);
          insert(dir);
        }
        insert(blob_ids[i]);
      }
      check(git_packbuilder_write_buf(pack.get(), pb.get()), "cannot build the pack");
    }
    git_odb* odb = nullptr;
    check(git_repository_odb(&odb, objects_repo), "cannot open the object database");
    Owned<git_odb, git_odb_free> odb_owner(odb);
    git_odb_writepack* wp = nullptr;
    int rc = git_odb_write_pack(&wp, odb, nullptr, nullptr);
    git_indexer_progress stats{};
    if (rc == 0) rc = wp->append(wp, pack.buf.ptr, pack.buf.size, &stats);
    if (rc == 0) rc = wp->commit(wp, &stats);
    if (wp) wp->free(wp);
    git_mempack_reset(mempack);
    if (rc < 0) git_fail("cannot write the pack");
    git_odb* main_odb = nullptr;
    if (git_repository_odb(&main_odb, repo_) == 0) {
      git_odb_refresh(main_odb);
      git_odb_free(main_odb);
    }
  }

  // The journal: what this write changes, so that a write killed between
  // here and the branch move can be completed or rolled back by repair().
  {
    std::string journal = fmt::format("{}\nparent {}\ncommit {}\n", kJournalHeader,
                                      parent_id ? oid_hex(*parent_id) : "-", oid_hex(commit_id));
    PathLookup base_files(objects_repo, base.get());
    for (size_t i = 0; i < files.size(); ++i) {
      std::string old_blob = "-";
      if (auto id = base_files.blob(files[i].path)) old_blob = oid_hex(*id);
      journal += fmt::format("{} {} {}\n", old_blob, oid_hex(blob_ids[i]), files[i].path);
    }
    write_file_atomically(journal_path(), journal);
  }

  // 2. Work tree, remembering what was there to put it back on failure.
  struct Undo {
    fs::path path;
    std::optional<std::string> old;
  };
  std::vector<Undo> undo;
  git_index* idx_raw = nullptr;
  Index index;
  bool index_written = false;
  try {
    for (const auto& f : files) {
      fs::path p = root_ / f.path;
      std::optional<std::string> old;
      if (fs::exists(p)) old = read_all(p);
      undo.push_back({p, std::move(old)});
      write_file_atomically(p, f.content, batch ? Durability::later : Durability::now);
    }
    if (batch) sync_filesystem(root_);

    // 3. Index: only the written paths, with the new files' stat data;
    // in place when the index allows it, else through libgit2.
    std::vector<IndexUpdate> updates;
    for (size_t i = 0; i < files.size(); ++i) {
      IndexUpdate u{files[i].path, blob_ids[i], {}};
      fs::path p = root_ / files[i].path;
      if (::stat(p.c_str(), &u.st) != 0) fail(Exit::store, fmt::format("cannot stat {}", p.string()));
      updates.push_back(std::move(u));
    }
    if (!update_index_in_place(git_repository_path(repo_), updates)) {
      check(git_repository_index(&idx_raw, repo_), "cannot open the git index");
      index.reset(idx_raw);
      check(git_index_read(index.get(), 0), "cannot read the git index");
      for (const auto& u : updates) {
        git_index_entry e = index_entry_of(u.st, u.blob, u.path);
        check(git_index_add(index.get(), &e), "cannot update the git index");
      }
      check(git_index_write(index.get()), "cannot write the git index");
    }
    index_written = true;

    // 4. Move the branch, only if nobody else moved it meanwhile.
    git_reference* head_ref = nullptr;
    check(git_reference_lookup(&head_ref, repo_, "HEAD"), "cannot read HEAD");
    Reference head_sym(head_ref);
    std::string branch = git_reference_type(head_sym.get()) == GIT_REFERENCE_SYMBOLIC
                             ? git_reference_symbolic_target(head_sym.get())
                             : "HEAD";
    std::string subject = message.substr(0, message.find('\n'));
    git_reference* moved = nullptr;
    int rc = parent_id ? git_reference_create_matching(&moved, repo_, branch.c_str(), &commit_id, 1,
                                                       &*parent_id, ("commit: " + subject).c_str())
                       : git_reference_create(&moved, repo_, branch.c_str(), &commit_id, 0,
                                              ("commit (initial): " + subject).c_str());
    if (rc < 0) git_fail("cannot move the branch to the new commit");
    git_reference_free(moved);
    // Done: the journal is no longer needed. (Killed before this line, the
    // journal names a commit HEAD already has, and repair() completes.)
    ::unlink(journal_path().c_str());
  } catch (...) {
    bool undone = true;
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
      try {
        if (it->old)
          write_file_atomically(it->path, *it->old);
        else
          fs::remove(it->path);
      } catch (...) {
        undone = false;
      }
    }
    if (index_written) {
      // Put the index entries of the touched paths back to HEAD's.
      if (!index) {
        git_index* raw = nullptr;
        if (git_repository_index(&raw, repo_) == 0) index.reset(raw);
      }
      if (!index) undone = false;
      if (index) git_index_read(index.get(), 1);
      for (const auto& f : files) {
        if (!index) break;
        git_tree_entry* old = nullptr;
        if (base && git_tree_entry_bypath(&old, base.get(), f.path.c_str()) == 0) {
          git_index_entry e{};
          e.mode = GIT_FILEMODE_BLOB;
          e.id = *git_tree_entry_id(old);
          e.path = f.path.c_str();
          git_index_add(index.get(), &e);
          git_tree_entry_free(old);
        } else {
          git_index_remove_bypath(index.get(), f.path.c_str());
        }
      }
      if (!index || git_index_write(index.get()) < 0) undone = false;
    }
    // Rolled back in-process; a rollback that failed part way keeps its
    // journal, for repair().
    if (undone) ::unlink(journal_path().c_str());
    throw;
  }
  return commit_id;
}

std::string config_text(git_config* cfg, const char* key) {
  std::string out;
  git_buf buf = GIT_BUF_INIT;
  if (cfg && git_config_get_string_buf(&buf, cfg, key) == 0) out.assign(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  return out;
}

fs::path GitRepo::journal_path() const { return fs::path(git_repository_path(repo_)) / "prevent" / "journal"; }

bool GitRepo::has_interrupted_write() const {
  std::error_code ec;
  return fs::exists(journal_path(), ec);
}

std::optional<Repair> GitRepo::repair() {
  const fs::path jpath = journal_path();
  std::error_code ec;
  if (!fs::exists(jpath, ec)) return std::nullopt;
  auto damaged = [&](std::string_view what) -> Failure {
    return Failure(Exit::store, fmt::format("the journal of an interrupted write {} ({})", what, kJournalName),
                   "compare `git status` with `git log -1`, then put the files right with git and remove the journal");
  };
  // Parse.
  std::istringstream in(read_all(jpath));
  std::string line, word;
  std::optional<git_oid> parent, commit;
  struct Entry {
    std::optional<git_oid> old_blob, new_blob;
    std::string path;
  };
  std::vector<Entry> entries;
  auto parse_oid = [&](const std::string& hex) -> std::optional<git_oid> {
    git_oid id;
    if (hex == "-") return std::nullopt;
    if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&id, hex.c_str()) < 0) throw damaged("is damaged");
    return id;
  };
  if (!std::getline(in, line) || line != kJournalHeader) throw damaged("is damaged");
  {
    std::string key, hex;
    if (!std::getline(in, line) || !(std::istringstream(line) >> key >> hex) || key != "parent") throw damaged("is damaged");
    parent = parse_oid(hex);
    if (!std::getline(in, line) || !(std::istringstream(line) >> key >> hex) || key != "commit" || hex == "-")
      throw damaged("is damaged");
    commit = parse_oid(hex);
  }
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string o, n, path;
    if (!(ls >> o >> n >> path) || path.empty() || path.front() == '/' || path.find("..") != std::string::npos)
      throw damaged("is damaged");
    Entry e{parse_oid(o), parse_oid(n), path};
    if (!e.new_blob) throw damaged("is damaged");
    entries.push_back(std::move(e));
  }

  // Which way: forward when the branch was moved, back when it was not.
  Repair result;
  const auto now = head();
  if (now && git_oid_equal(&*now, &*commit))
    result.completed = true;
  else if ((!now && !parent) || (now && parent && git_oid_equal(&*now, &*parent)))
    result.completed = false;
  else
    throw damaged("names neither HEAD nor its parent, so it was left as it is");
  {
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo_, &*commit) == 0) {
      result.subject = git_commit_summary(c) ? git_commit_summary(c) : "";
      git_commit_free(c);
    }
  }

  // Locks a killed libgit2 left behind (the writers' lock is held).
  const fs::path gitdir = git_repository_path(repo_);
  fs::remove(gitdir / "index.lock", ec);
  {
    git_reference* head_ref = nullptr;
    if (git_reference_lookup(&head_ref, repo_, "HEAD") == 0) {
      if (git_reference_type(head_ref) == GIT_REFERENCE_SYMBOLIC)
        fs::remove(gitdir / (std::string(git_reference_symbolic_target(head_ref)) + ".lock"), ec);
      git_reference_free(head_ref);
    }
  }

  // Work tree and index to the chosen side, for exactly the journal's paths.
  git_index* idx_raw = nullptr;
  check(git_repository_index(&idx_raw, repo_), "cannot open the git index");
  Index index(idx_raw);
  check(git_index_read(index.get(), 1), "cannot read the git index");
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
    const auto& target = result.completed ? e.new_blob : e.old_blob;
    if (!target) {
      fs::remove(p, ec);
      git_index_remove_bypath(index.get(), e.path.c_str());
      continue;
    }
    std::string bytes = read_blob(*target);
    if (!fs::exists(p, ec) || read_all(p) != bytes) {
      write_file_atomically(p, bytes, Durability::later);
      wrote = true;
    }
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) fail(Exit::store, fmt::format("cannot stat {}", p.string()));
    git_index_entry ie = index_entry_of(st, *target, e.path);
    check(git_index_add(index.get(), &ie), "cannot update the git index");
  }
  if (wrote) sync_filesystem(root_);
  check(git_index_write(index.get()), "cannot write the git index");
  if (::unlink(jpath.c_str()) != 0) fail(Exit::store, fmt::format("cannot remove {}", kJournalName));
  fsync_dir(jpath.parent_path());
  result.files = entries.size();
  return result;
}

}  // namespace prevent

#include "store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "durable_file.hpp"
#include "failure.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "schema.hpp"
#include "state_dir.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

bool is_store_root(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / ".git", ec) && fs::is_regular_file(dir / "prevent.yaml", ec);
}

// `.<file>.tmp-<pid>`, as write_file_atomically names its temporary files.
bool is_temp_of(const std::string& name, const std::string& file) {
  return name.size() > file.size() + 6 && name[0] == '.' && name.compare(1, file.size(), file) == 0 &&
         name.compare(1 + file.size(), 5, ".tmp-") == 0;
}

bool is_init_output(const std::string& name, const std::vector<std::string>& files) {
  for (const auto& f : files)
    if (name == f || is_temp_of(name, f)) return true;
  return false;
}

// A git directory whose refs name no commit: made by `git init` or by an
// `init` that was stopped before its commit.
bool has_no_commit(const fs::path& gitdir) {
  std::error_code ec;
  if (!fs::is_directory(gitdir, ec) || fs::is_symlink(gitdir, ec)) return false;
  const fs::path packed = gitdir / "packed-refs";
  if (fs::exists(packed, ec) && (ec || fs::file_size(packed, ec) != 0 || ec)) return false;
  const fs::path refs = gitdir / "refs";
  if (fs::exists(refs, ec))
    for (fs::recursive_directory_iterator it(refs, ec), end; !ec && it != end; it.increment(ec))
      // A stopped encrypted init may have written its key store already.
      if (!it->is_directory(ec) && it->path().extension() != ".lock" && it->path() != refs / "prevent" / "keys")
        return false;
  return !ec;
}

// Is DIR what `init` can start again in: an empty git repository, with at
// most the files a stopped `init` writes (prevent.yaml, schemas/, their
// temporary files)? Anything else, or any commit, and it is not.
bool is_unfinished_init(const fs::path& dir) {
  std::error_code ec;
  std::vector<std::string> schemas;
  for (const auto& s : schema_files()) schemas.push_back(std::string(s.file_name));
  bool git = false;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with("_git2_") && (it->is_symlink(ec) || it->is_regular_file(ec))) {
      // libgit2 probes the file system (symbolic links, file modes) with a
      // temporary `_git2_XXXX` file or link while it creates the repository.
      continue;
    }
    if (it->is_symlink(ec)) return false;
    if (name == ".git") {
      if (!has_no_commit(it->path())) return false;
      git = true;
    } else if (name == "schemas" && it->is_directory(ec)) {
      for (fs::directory_iterator s(it->path(), ec); !ec && s != end; s.increment(ec))
        if (s->is_symlink(ec) || !s->is_regular_file(ec) || !is_init_output(s->path().filename().string(), schemas))
          return false;
    } else if (name == "keys" && it->is_directory(ec)) {
      for (fs::directory_iterator s(it->path(), ec); !ec && s != end; s.increment(ec))
        if (s->is_symlink(ec) || !s->is_regular_file(ec) ||
            !is_init_output(s->path().filename().string(), {"recipients.yaml"}))
          return false;
    } else if (!it->is_regular_file(ec) || !is_init_output(name, {"prevent.yaml"})) {
      return false;
    }
  }
  return git && !ec;
}

// Clears what a stopped `init` wrote, keeping the repository (and any
// settings in it) for the new attempt.
void clear_unfinished_init(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename() != ".git") fs::remove_all(it->path(), ec);
  const fs::path gitdir = dir / ".git";
  fs::remove(gitdir / "index", ec);
  fs::remove(state_dir_of(gitdir) / "journal", ec);
  fs::remove(gitdir / "refs" / "prevent" / "keys", ec);
  // Lock files a stopped init left (config.lock, index.lock, HEAD.lock,
  // a branch's .lock): with no commit, nothing else can be writing here.
  std::vector<fs::path> locks;
  for (fs::recursive_directory_iterator it(gitdir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".lock") locks.push_back(it->path());
  for (const auto& p : locks) fs::remove(p, ec);
}

}  // namespace

Store Store::discover(const std::optional<std::string>& explicit_dir) {
  if (explicit_dir) return open(fs::path(*explicit_dir));
  if (const char* env = std::getenv("PREVENT_STORE"); env && *env) return open(fs::path(env));
  std::error_code ec;
  fs::path dir = fs::current_path(ec);
  // As git finds its repository: walk up, stopping at the first work tree.
  while (!dir.empty()) {
    if (is_store_root(dir)) return open(dir);
    if (fs::exists(dir / ".git", ec)) break;
    if (dir == dir.root_path()) break;
    dir = dir.parent_path();
  }
  fail(Exit::store, "not in a prevent store (current directory)",
       "give the store with -C DIR or PREVENT_STORE, or create one with `prevent init DIR --area NAME`");
}

Store::Store(GitRepo git, Config config)
    : git_(std::make_unique<GitRepo>(std::move(git))), config_(std::move(config)) {}
Keyring& Store::keyring() const {
  if (!keyring_) keyring_ = std::make_unique<Keyring>(*git_);
  return *keyring_;
}

Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const fs::path& Store::root() const { return git_->root(); }

Store Store::open(const fs::path& root_in) {
  std::error_code ec;
  fs::path root = fs::absolute(root_in, ec);
  if (!fs::is_directory(root, ec)) fail(Exit::store, fmt::format("no such store directory ({})", root_in.string()));
  if (!is_store_root(root))
    fail(Exit::store, fmt::format("not a prevent store: no prevent.yaml and .git here ({})", root_in.string()),
         "create one with `prevent init DIR --area NAME`");
  GitRepo git = GitRepo::open(root);
  std::optional<std::string> text;
  try {
    text = git.read_at_head("prevent.yaml");
  } catch (const Failure& f) {
    fail(Exit::store, fmt::format("prevent.yaml is damaged: {}", f.what()));  // a store problem, as ever
  }
  if (!text) fail(Exit::store, fmt::format("the store has no committed prevent.yaml ({})", root.string()));
  Config config = parse_config(*text, "prevent.yaml");
  return Store(std::move(git), std::move(config));
}

void Store::create(const fs::path& dir, const Config& config, const FirstCommitStep& after_first_commit,
                   const std::optional<NewRecipient>& first_recipient) {
  std::error_code ec;
  // Everything that can refuse is asked before anything is made.
  GitIdentity id = GitRepo::default_identity(dir);
  bool had_git = false;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) fail(Exit::store, fmt::format("not a directory ({})", dir.string()));
    if (!fs::is_empty(dir, ec)) {
      // An empty git repository, or what an init that was stopped left.
      if (!is_unfinished_init(dir))
        fail(Exit::store, fmt::format("the directory is not empty ({})", dir.string()),
             "give a new or empty directory for the store");
      clear_unfinished_init(dir);
      had_git = true;
    }
  }
  make_private_dirs(dir);
  ::chmod(dir.c_str(), 0700);
  GitRepo git = GitRepo::init(fs::absolute(dir));
  std::vector<FileWrite> files;
  files.push_back({"prevent.yaml", write_config(config)});
  for (const auto& s : schema_files()) files.push_back({fmt::format("schemas/{}", s.file_name), std::string(s.text)});
  try {
    // The key store before the commit that names it (keyring.hpp).
    if (first_recipient) {
      Keyring keys(git);
      files.push_back({kRecipientsPath, keys.create(*first_recipient)});
    }
    git.commit(files, commit_message("init", config.area.empty() ? "store" : "store created", {}, "init"), id);
    if (after_first_commit) after_first_commit(Store(std::move(git), config));
  } catch (...) {
    // Leave no half store behind, and a repository that was there as it was.
    if (had_git)
      clear_unfinished_init(dir);
    else
      fs::remove_all(dir / ".git", ec);
    for (const auto& f : files) fs::remove(dir / f.path, ec);
    fs::remove(dir / "schemas", ec);
    fs::remove(dir / "keys", ec);
    throw;
  }
}

bool is_case_record_name(std::string_view name) { return name.size() > 5 && name.ends_with(".yaml"); }

bool is_case_record_path(std::string_view path) {
  if (!path.starts_with("cases/")) return false;
  path.remove_prefix(6);
  const size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  const std::string_view name = path.substr(slash + 1);
  return name.find('/') == std::string_view::npos && is_case_record_name(name);
}

bool is_meeting_record_path(std::string_view path) {
  if (!path.starts_with("panels/")) return false;
  path.remove_prefix(7);
  return path.find('/') == std::string_view::npos && is_case_record_name(path);
}

std::optional<Failure> not_a_record_file(const CaseFile& file) {
  if (file.is_file) return std::nullopt;
  return Failure(Exit::invalid_data,
                 fmt::format("not a file: a directory, submodule or link stands where a case record should be; "
                             "not read ({})",
                             file.path));
}

std::optional<Failure> misplaced_record(const Case& c, std::string_view path) {
  const auto id = parse_case_id(c.id);
  if (id && path == case_path(c.id, c.referral.received.year())) return std::nullopt;
  return Failure(Exit::invalid_data,
                 fmt::format("id: the file name and folder must be cases/<year received>/<id>.yaml ({})", path));
}

std::vector<CaseFile> Store::case_files() const {
  std::vector<CaseFile> out;
  for (const auto& year : git_->list_at_head("cases")) {
    for (const auto& f : git_->list_at_head("cases/" + year.name)) {
      if (!is_case_record_name(f.name)) continue;
      out.push_back(CaseFile{f.name.substr(0, f.name.size() - 5), "cases/" + year.name + "/" + f.name,
                             git::object_id(f.id), is_plain_file(f.mode)});
    }
  }
  return out;
}

std::optional<CaseFile> Store::find_case_file(const CaseId& id) const {
  std::string path = case_path(id.str(), id.year);
  auto e = git_->entry_at_head(path);
  if (!e) return std::nullopt;
  return CaseFile{id.str(), path, git::object_id(e->id), is_plain_file(e->mode)};
}

std::vector<std::string> Store::case_names(int year) const {
  std::vector<std::string> out;
  for (const auto& f : git_->list_at_head(fmt::format("cases/{}", year)))
    if (is_case_record_name(f.name)) out.push_back(f.name.substr(0, f.name.size() - 5));
  return out;
}

Case Store::load_case(const CaseId& id) const {
  auto file = find_case_file(id);
  if (!file) fail(Exit::not_found, fmt::format("no such case ({})", id.str()), "`prevent list` shows the cases");
  return load_case(*file);
}

std::optional<CaseId> Store::renumbered_as(const CaseId& old) const {
  const std::string wanted = old.str();
  // One listing of the year's directory (a lookup per file would parse
  // that tree, which can hold 100,000 entries, again for each).
  for (const auto& f : git_->list_at_head(fmt::format("cases/{}", old.year))) {
    if (!is_case_record_name(f.name) || !is_plain_file(f.mode)) continue;
    const auto id = parse_case_id(f.name.substr(0, f.name.size() - 5));
    if (!id || id->prefix != old.prefix || id->year != old.year || id->number <= old.number) continue;
    const std::string path = case_path(id->str(), id->year);
    try {
      const std::string text = git_->read_blob(f.id, path);
      if (text.find("previous_ids") == std::string::npos || text.find(wanted) == std::string::npos) continue;
      const Case c = read_case(text, path, config_);
      if (std::find(c.previous_ids.begin(), c.previous_ids.end(), wanted) != c.previous_ids.end()) return id;
    } catch (const Failure&) {
      // A record that cannot be read is not the one: check reports it.
    }
  }
  return std::nullopt;
}

Case Store::load_case(const CaseFile& file) const {
  if (auto f = not_a_record_file(file)) throw *f;
  Case c = read_case(git_->read_blob(git::oid(file.blob), file.path), file.path, config_);
  if (auto f = misplaced_record(c, file.path)) throw *f;
  open_case(c, file.path);
  return c;
}

CaseKeys Store::case_keys(const std::string& id) const {
  Keyring& k = keyring();
  if (!k.encrypted()) return {};
  return CaseKeys{k.store_id(), k.case_key(id), k.store_data_key()};
}

void Store::open_case(Case& c, const std::string& where) const {
  // A plain record never touches the keys: a plain store, or a run without
  // an identity, reads as before.
  if (!has_sealed_values(c)) return;
  CaseKeys keys = case_keys(c.id);
  if (!keys.case_key && !keys.store_key) return;
  open_personal(c, keys, where);
}

std::string Store::case_text(Case c) {
  if (has_plain_values(c)) {
    Keyring& k = keyring();
    if (k.encrypted()) {
      if (!k.unlocked())
        fail(Exit::store,
             fmt::format("{}: this store is encrypted, and recording personal data needs its key", c.id),
             std::string(kNeedsKeyHint));
      seal_personal(c, CaseKeys{k.store_id(), k.case_key_for_writing(c.id), k.store_data_key()});
    }
  }
  return write_case(c);
}

const Meeting* Store::meeting(Date date) const {
  if (auto it = meetings_.find(date); it != meetings_.end()) return it->second.get();
  if (meeting_missing_.contains(date)) return nullptr;
  std::string path = meeting_path(date);
  auto text = git_->read_at_head(path);
  if (!text) {
    meeting_missing_[date] = true;
    return nullptr;
  }
  auto m = std::make_unique<Meeting>(read_meeting(*text, path));
  return (meetings_[date] = std::move(m)).get();
}

const Meeting& Store::require_meeting(Date date) const {
  const Meeting* m = meeting(date);
  if (!m)
    fail(Exit::not_found, fmt::format("no panel meeting on {} ({})", date.str(), meeting_path(date)),
         "`prevent panel new DATE` creates one");
  return *m;
}

MeetingKeys Store::meeting_keys() const {
  Keyring& k = keyring();
  if (!k.encrypted()) return {};
  return MeetingKeys{k.store_id(), k.store_data_key()};
}

void Store::open_meeting(Meeting& m, const std::string& where) const {
  // A meeting without a sealed value never touches the keys.
  if (!has_sealed_values(m)) return;
  MeetingKeys keys = meeting_keys();
  if (!keys.store_key) return;
  open_meeting_personal(m, keys, where);
}

std::string Store::meeting_text(Meeting m) const {
  if (has_plain_values(m)) {
    Keyring& k = keyring();
    if (k.encrypted()) {
      if (!k.unlocked())
        fail(Exit::store,
             fmt::format("meeting {}: this store is encrypted, and recording personal data needs its key ({})",
                         m.date.str(), meeting_path(m.date)),
             std::string(kNeedsKeyHint));
      seal_meeting_personal(m, MeetingKeys{k.store_id(), k.store_data_key()});
    }
  }
  return write_meeting(m);
}

std::vector<Date> Store::meeting_dates() const {
  std::vector<Date> out;
  for (const auto& f : git_->list_at_head("panels")) {
    if (f.name.size() != 15 || f.name.substr(10) != ".yaml") continue;
    if (auto d = Date::parse(f.name.substr(0, 10))) out.push_back(*d);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Store::release_files() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : git_->list_at_head("releases")) {
    const bool named = f.name.size() == 9 && f.name.substr(4) == ".yaml" &&
                       std::all_of(f.name.begin(), f.name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; });
    if (!named || !is_plain_file(f.mode))
      fail(Exit::store, "the release register holds something that is not a release (releases/)",
           "only prevent writes releases/: restore it from history (git log -- releases)");
    out.emplace_back(f.name, git_->read_blob(f.id, "releases/" + f.name));
  }
  return out;
}

std::vector<Store::FoiFile> Store::foi_files() const {
  std::vector<FoiFile> out;
  for (const auto& f : git_->list_at_head("foi")) {
    FoiFile file{"foi/" + f.name, std::nullopt, std::nullopt};
    const bool named = f.name.size() == 9 && f.name.substr(4) == ".yaml" &&
                       std::all_of(f.name.begin(), f.name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; });
    if (!named || !is_plain_file(f.mode)) {
      file.problem = Failure(Exit::invalid_data,
                             fmt::format("not an FOI request: prevent writes foi/NNNN.yaml files only ({})", file.path),
                             "restore foi/ from history (git log -- foi)");
    } else {
      try {
        file.text = git_->read_blob(f.id, file.path);
      } catch (const Failure& e) {
        file.problem = e;
      }
    }
    out.push_back(std::move(file));
  }
  return out;
}

CaseId Store::next_id(int year) const {
  long highest = 0;
  for (const auto& f : git_->list_at_head(fmt::format("cases/{}", year))) {
    if (f.name.size() < 6) continue;
    if (auto id = parse_case_id(f.name.substr(0, f.name.size() - 5)); id && id->year == year)
      highest = std::max(highest, id->number);
  }
  return CaseId{config_.prefix, year, highest + 1};
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

std::unique_ptr<StoreLock> Store::lock() const {
  double wait = 30;
  if (const char* w = std::getenv("PREVENT_LOCK_WAIT"); w && *w) {
    char* end = nullptr;
    double v = std::strtod(w, &end);
    if (end && *end == '\0' && v >= 0) wait = v;
  }
  fs::path path = fs::path(git_repository_path(git_->raw())) / "prevent.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) fail(Exit::store, fmt::format("cannot open the store's lock: {} ({})", std::strerror(errno), path.string()));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait);
  auto pause = std::chrono::milliseconds(5);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      ::close(fd);
      fail(Exit::store, fmt::format("cannot take the store's lock: {}", std::strerror(errno)));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      fail(Exit::store, fmt::format("the store is locked by another writer (waited {} s)", wait),
           "try again when the other command has finished; PREVENT_LOCK_WAIT sets the wait in seconds");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
  return std::make_unique<StoreLock>(fd);
}

void Store::require_no_interrupted_write() const { git_->require_no_interrupted_write(); }

void Store::require_can_commit(const std::vector<std::string>& paths) const {
  // An interrupted write first: the files in the way may be its own.
  git_->require_no_interrupted_write();
  git_->require_clean(paths);
  (void)git_->identity();
}

ObjectId Store::commit(const std::vector<FileWrite>& files, const std::string& message,
                       const std::vector<const Case*>& cases, const CommitKind& kind) {
  std::vector<std::string> paths;
  for (const auto& f : files) paths.push_back(f.path);
  // An interrupted write first: the files in the way may be its own.
  git_->require_no_interrupted_write();
  git_->require_clean(paths);
  GitIdentity who = git_->identity();
  // A case's data key is in the key store before any commit uses it.
  if (keyring_) keyring_->write_pending();
  CommitShape shape;
  if (kind.merge_parent) shape.merge_parent = git::oid(*kind.merge_parent);
  if (kind.adopt) shape.adopt = git::oid(*kind.adopt);
  const ObjectId id = git::object_id(git_->commit(files, message, who, shape));
  // The commit is made whatever happens here: an index left behind is
  // brought up to date by the next read, and a verified head not advanced
  // leaves the older one, which check still uses.
  const CommitRecord record{*this, id, files, cases};
  for (const auto& index : indexes_) {
    try {
      index->after_commit(record);
    } catch (...) {
    }
  }
  return id;
}

std::optional<Repair> Store::repair() { return git_->repair(); }

std::filesystem::path Store::private_file_path(std::string_view name) const {
  make_private_dirs(state_dir(*git_));
  return state_path(*git_, name);
}

std::vector<std::string> Store::remove_stale_temp_files() {
  std::vector<std::string> out;
  for (const auto& name : git_->remove_stale_temp_files()) out.push_back(shown_state_path(name));
  return out;
}

std::string commit_message(std::string_view action, std::string_view subject_tail,
                           const std::vector<std::string>& case_ids, std::string_view action_trailer) {
  std::string msg = fmt::format("{}: {}\n\n", action, subject_tail);
  // SPEC §8: a Prevent-Case trailer per case, except for imports over 20
  // cases, which give the count instead.
  if (case_ids.size() > 20) {
    msg += fmt::format("Prevent-Case-Count: {}\n", case_ids.size());
  } else {
    for (const auto& id : case_ids) msg += fmt::format("Prevent-Case: {}\n", id);
  }
  msg += fmt::format("Prevent-Action: {}\n", action_trailer);
  return msg;
}

}  // namespace prevent

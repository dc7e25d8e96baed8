#include "history.hpp"

#include "commit_time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <list>
#include <map>

#include "action_scope.hpp"
#include "failure.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "history_walk.hpp"
#include "log_index.hpp"
#include "signing.hpp"
#include "tree_order.hpp"

namespace prevent {

namespace {

[[noreturn]] void history_fail(const std::string& what) {
  fail(Exit::store, fmt::format("{}: {} (.git)", what, git_error_text()),
       "the repository may be damaged: `prevent check repository` examines it");
}

std::string two(int v) { return fmt::format("{:02}", v); }

std::tm broken_down(std::int64_t time, int offset_minutes) {
  std::time_t t = static_cast<std::time_t>(time + std::int64_t{offset_minutes} * 60);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

std::string offset_text(int minutes, const char* sep) {
  char sign = minutes < 0 ? '-' : '+';
  int m = minutes < 0 ? -minutes : minutes;
  return fmt::format("{}{}{}{}", sign, two(m / 60), sep, two(m % 60));
}

// The trailers the program writes (SPEC §8), into `m`.
void read_trailers(const char* message, CommitMeta& m) {
  git::Trailers trailers;
  if (!message || git_message_trailers(trailers.get(), message) < 0) return;
  const git_message_trailer_array& arr = trailers.array;
  for (size_t i = 0; i < arr.count; ++i) {
    const char* key = arr.trailers[i].key;
    if (std::strcmp(key, "Prevent-Action") == 0 && !m.action) m.action = std::string(arr.trailers[i].value);
    else if (std::strcmp(key, "Prevent-Case") == 0) m.cases.emplace_back(arr.trailers[i].value);
    else if (std::strcmp(key, "Prevent-Case-Count") == 0) m.case_count = std::string(arr.trailers[i].value);
  }
}

CommitMeta meta_of(git_commit* c) {
  CommitMeta m;
  m.id = git::object_id(*git_commit_id(c));
  if (const git_signature* a = git_commit_author(c)) {
    m.author_name = a->name ? a->name : "";
    m.author_email = a->email ? a->email : "";
    m.author_time = a->when.time;
    m.author_offset = a->when.offset;
  }
  if (const git_signature* k = git_commit_committer(c)) {
    m.committer_name = k->name ? k->name : "";
    m.committer_email = k->email ? k->email : "";
    m.commit_offset = k->when.offset;
  }
  m.commit_time = git_commit_time(c);
  m.parents = git_commit_parentcount(c);
  read_trailers(git_commit_message(c), m);
  return m;
}

// Git's order of tree entries: by name, a directory's name as if it ended in '/'.
int entry_order(const git_tree_entry* x, const git_tree_entry* y) {
  return git_tree_order(git_tree_entry_name(x), git_tree_entry_type(x) == GIT_OBJECT_TREE, git_tree_entry_name(y),
                        git_tree_entry_type(y) == GIT_OBJECT_TREE);
}

git::Tree subtree(git_repository* repo, const git_tree_entry* e, SubtreeMemo* memo) {
  git_tree* t = nullptr;
  if (git_tree* kept = memo ? memo->find(*git_tree_entry_id(e)) : nullptr) {
    if (git_object_dup(reinterpret_cast<git_object**>(&t), reinterpret_cast<git_object*>(kept)) < 0)
      history_fail("cannot read a directory of the history");
    memo->keep(t);
    return git::Tree(t);
  }
  if (git_tree_lookup(&t, repo, git_tree_entry_id(e)) < 0) history_fail("cannot read a directory of the history");
  if (memo) memo->keep(t);
  return git::Tree(t);
}

void every_file(git_repository* repo, const std::string& path, const git_tree_entry* e, bool added,
                std::vector<PathChange>& out, SubtreeMemo* memo);

void every_file_in(git_repository* repo, const std::string& prefix, git_tree* t, bool added,
                   std::vector<PathChange>& out, SubtreeMemo* memo) {
  size_t n = git_tree_entrycount(t);
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(t, i);
    every_file(repo, prefix + "/" + git_tree_entry_name(e), e, added, out, memo);
  }
}

// A submodule or a directory at a record's path (stands_for_a_record).
bool odd_entry(const git_tree_entry* e) {
  const git_object_t type = git_tree_entry_type(e);
  return stands_for_a_record(git_tree_entry_name(e), type == GIT_OBJECT_TREE, type == GIT_OBJECT_COMMIT);
}

void every_file(git_repository* repo, const std::string& path, const git_tree_entry* e, bool added,
                std::vector<PathChange>& out, SubtreeMemo* memo) {
  const bool odd = odd_entry(e);
  if (git_tree_entry_type(e) == GIT_OBJECT_TREE && !odd) {
    git::Tree t = subtree(repo, e, memo);
    every_file_in(repo, path, t.get(), added, out, memo);
  } else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB || odd) {
    if (added)
      out.push_back({path, std::nullopt, *git_tree_entry_id(e)});
    else
      out.push_back({path, *git_tree_entry_id(e), std::nullopt});
  }
}

// Both directories' entries in step (they are sorted alike), descending only
// where ids differ.
void diff_dirs(git_repository* repo, const std::string& prefix, git_tree* a, git_tree* b,
               std::vector<PathChange>& out, SubtreeMemo* memo) {
  size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0, i = 0, j = 0;
  while (i < na || j < nb) {
    const git_tree_entry* ea = i < na ? git_tree_entry_byindex(a, i) : nullptr;
    const git_tree_entry* eb = j < nb ? git_tree_entry_byindex(b, j) : nullptr;
    int order = !ea ? 1 : !eb ? -1 : entry_order(ea, eb);
    if (order < 0) {
      every_file(repo, prefix + "/" + git_tree_entry_name(ea), ea, false, out, memo);
      ++i;
      continue;
    }
    if (order > 0) {
      every_file(repo, prefix + "/" + git_tree_entry_name(eb), eb, true, out, memo);
      ++j;
      continue;
    }
    ++i, ++j;
    if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
        git_tree_entry_type(ea) == git_tree_entry_type(eb))
      continue;
    std::string path = prefix + "/" + git_tree_entry_name(ea);
    bool ta = git_tree_entry_type(ea) == GIT_OBJECT_TREE && !odd_entry(ea),
         tb = git_tree_entry_type(eb) == GIT_OBJECT_TREE && !odd_entry(eb);
    if (ta && tb) {
      git::Tree sa = subtree(repo, ea, memo), sb = subtree(repo, eb, memo);
      diff_dirs(repo, path, sa.get(), sb.get(), out, memo);
    } else if (!ta && !tb) {
      out.push_back({path, *git_tree_entry_id(ea), *git_tree_entry_id(eb)});
    } else {
      every_file(repo, path, ea, false, out, memo);
      every_file(repo, path, eb, true, out, memo);
    }
  }
}

void diff_top(git_repository* repo, git_tree* before, git_tree* after, const char* dir,
              std::vector<PathChange>& out, SubtreeMemo* memo = nullptr) {
  const git_tree_entry* ea = before ? git_tree_entry_byname(before, dir) : nullptr;
  const git_tree_entry* eb = after ? git_tree_entry_byname(after, dir) : nullptr;
  if (ea && git_tree_entry_type(ea) != GIT_OBJECT_TREE) ea = nullptr;
  if (eb && git_tree_entry_type(eb) != GIT_OBJECT_TREE) eb = nullptr;
  if (!ea && !eb) return;
  if (ea && eb && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb))) return;
  git::Tree ta, tb;
  if (ea) ta = subtree(repo, ea, memo);
  if (eb) tb = subtree(repo, eb, memo);
  diff_dirs(repo, dir, ta.get(), tb.get(), out, memo);
}

// The entry at `path` (a file or a directory), without reading a directory
// below it; empty when there is none.
git::TreeEntry entry_at(git_tree* tree, const std::string& path) {
  if (!tree) return nullptr;
  git_tree_entry* raw = nullptr;
  int rc = git_tree_entry_bypath(&raw, tree, path.c_str());
  if (rc == GIT_ENOTFOUND) return nullptr;
  if (rc < 0) history_fail("cannot read a directory of the history");
  return git::TreeEntry(raw);
}

// What stands at a record's `path`: its blob, or a submodule or directory
// named like the file (odd_entry), whose versions read as unreadable.
std::optional<git_oid> record_at(git_tree* tree, const std::string& path) {
  git::TreeEntry e = entry_at(tree, path);
  if (!e || (git_tree_entry_type(e.get()) != GIT_OBJECT_BLOB && !odd_entry(e.get()))) return std::nullopt;
  return *git_tree_entry_id(e.get());
}

// The id of whatever is at `path` (a file or a directory).
std::optional<git_oid> entry_id_at(git_tree* tree, const std::string& path) {
  git::TreeEntry e = entry_at(tree, path);
  if (!e) return std::nullopt;
  return *git_tree_entry_id(e.get());
}

// A file's bytes at some commit; nullopt when the blob cannot be read or is
// larger than any file of a store (its size read first: a compression bomb
// in the history is an unreadable version, never inflated).
std::optional<std::string> blob_text(git_repository* repo, const git_oid& id) {
  if (auto size = blob_size(repo, id); !size || *size > kMaxReadBytes) return std::nullopt;
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo, &id) < 0) return std::nullopt;
  git::Blob b(raw);
  return std::string(static_cast<const char*>(git_blob_rawcontent(b.get())),
                     static_cast<size_t>(git_blob_rawsize(b.get())));
}

// The file name without its directory and `.yaml`.
std::string record_key(const std::string& path) {
  std::string name = path.substr(path.rfind('/') + 1);
  if (name.size() > 5 && name.ends_with(".yaml")) name.resize(name.size() - 5);
  return name;
}

bool is_case_path(const std::string& path) { return path.starts_with("cases/"); }

// Whether `text` names case `id` (not a longer ID that starts with it).
bool mentions(const std::string& text, const std::string& id) {
  for (size_t at = text.find(id); at != std::string::npos; at = text.find(id, at + 1)) {
    size_t end = at + id.size();
    if (end >= text.size() || !std::isdigit(static_cast<unsigned char>(text[end]))) return true;
  }
  return false;
}

const char* kUnreadable = "unreadable version";

// One version of a record, read as the program reads it; nullopt when it
// does not read (the reason is for `prevent check`, and may quote the file).
struct Version {
  bool present = false;
  bool readable = false;
  std::optional<Case> record;  // cases
  std::optional<YNode> tree;   // meetings
};

// A meeting's tree with each sealed correction reason opened when this run
// has the key, else `[encrypted]` (never its ciphertext). A version that
// does not read as a meeting is left as it is.
void open_meeting_reasons(const Store& store, const std::string& text, const std::string& path, YNode& tree) {
  Meeting m;
  try {
    m = read_meeting(text, path);
  } catch (const Failure&) {
    return;
  }
  if (!has_sealed_values(m)) return;
  try {
    store.open_meeting(m, path);
  } catch (const Failure&) {
  }
  mask_sealed(m);
  for (auto& [key, list] : tree.entries) {
    if (key != "corrections" || !list.is_seq() || list.items.size() != m.corrections.size()) continue;
    for (size_t i = 0; i < list.items.size(); ++i)
      for (auto& [field, value] : list.items[i].entries)
        if (field == "reason") {
          const PersonalText& reason = m.corrections[i].reason;
          value = YNode::text(reason.is_plain() ? reason.reveal() : reason.sealed_text());
        }
  }
}

// With ShowPersonal::yes a case's sealed values are opened when this run
// has the key; what stays sealed (no key, or the key of an erased case is
// destroyed) shows as [encrypted], never as its ciphertext.
Version read_version(const Store& store, const std::optional<git_oid>& id, const std::string& path, bool is_case,
                     ShowPersonal show) {
  Version v;
  if (!id) return v;
  v.present = true;
  auto text = blob_text(store.git().raw(), *id);
  if (!text) return v;
  try {
    if (is_case)
      v.record = read_case(*text, path, store.config());
    else
      v.tree = parse_yaml(*text, path);
    v.readable = true;
  } catch (const Failure&) {
  }
  if (v.record && show == ShowPersonal::yes && has_sealed_values(*v.record)) {
    try {
      store.open_case(*v.record, path);
    } catch (const Failure&) {
    }
    mask_sealed(*v.record);
  }
  if (v.tree && show == ShowPersonal::yes) open_meeting_reasons(store, *text, path, *v.tree);
  return v;
}

// The last version read of each path: a commit's new version is the next
// change's old one, so each version is read once in a walk.
class VersionCache {
 public:
  const Version& get(const Store& store, const std::optional<git_oid>& id, const std::string& path, bool is_case,
                     ShowPersonal show) {
    if (!id) return none_;
    auto& slot = last_[path];
    // The one found or read moves to the front, so the two versions of one
    // comparison are both kept while they are in use.
    for (auto it = slot.begin(); it != slot.end(); ++it)
      if (git_oid_equal(&it->first, &*id)) {
        slot.splice(slot.begin(), slot, it);
        return slot.front().second;
      }
    slot.emplace_front(*id, read_version(store, id, path, is_case, show));
    if (slot.size() > 2) slot.pop_back();
    return slot.front().second;
  }

 private:
  Version none_;
  std::map<std::string, std::list<std::pair<git_oid, Version>>> last_;
};

RecordLog record_log(const Store& store, const PathChange& pc, ShowPersonal show, VersionCache& cache) {
  bool is_case = is_case_path(pc.path);
  RecordLog r;
  r.kind = is_case ? RecordLog::Kind::case_file : RecordLog::Kind::meeting;
  r.key = record_key(pc.path);
  r.path = pc.path;
  const Version& a = cache.get(store, pc.before, pc.path, is_case, show);
  const Version& b = cache.get(store, pc.after, pc.path, is_case, show);
  auto state = [&](const Version& v) -> std::optional<std::string> {
    if (!v.present) return std::nullopt;
    return v.readable ? pc.path : kUnreadable;
  };
  // Created, deleted, or unreadable on either side: a line for the file.
  if (!a.present || !b.present || !a.readable || !b.readable)
    r.changes.push_back({"file", state(a), state(b), false});
  // A deleted record: the file line says it all.
  if ((a.present && !a.readable) || (b.present && !b.readable) || !b.present) return r;
  std::vector<FieldChange> fields =
      is_case ? diff_cases(a.record ? &*a.record : nullptr, b.record ? &*b.record : nullptr, show)
              : diff_meetings(a.tree ? &*a.tree : nullptr, b.tree ? &*b.tree : nullptr, show);
  for (auto& f : fields) r.changes.push_back(std::move(f));
  return r;
}

// prevent.yaml from one commit to the next, setting by setting
// (diff_configs): settings are not personal data, so values are shown.
RecordLog config_log(git_repository* repo, git_tree* before, git_tree* after) {
  RecordLog r;
  r.kind = RecordLog::Kind::config;
  r.key = r.path = "prevent.yaml";
  auto version = [&](git_tree* tree, bool& present) -> std::optional<YNode> {
    present = false;
    auto id = record_at(tree, "prevent.yaml");
    if (!id) return std::nullopt;
    present = true;
    auto text = blob_text(repo, *id);
    if (!text) return std::nullopt;
    try {
      return parse_yaml(*text, "prevent.yaml");
    } catch (const Failure&) {
      return std::nullopt;
    }
  };
  bool had = false, has = false;
  std::optional<YNode> a = version(before, had), b = version(after, has);
  auto state = [&](bool present, const std::optional<YNode>& v) -> std::optional<std::string> {
    if (!present) return std::nullopt;
    return v ? std::string("prevent.yaml") : std::string(kUnreadable);
  };
  if (!had || !has || !a || !b) r.changes.push_back({"file", state(had, a), state(has, b), false});
  if (had && has && a && b)
    for (auto& f : diff_configs(&*a, &*b)) r.changes.push_back(std::move(f));
  return r;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Date CommitMeta::author_date() const { return local_day(CommitTime{author_time, author_offset}); }

std::string CommitMeta::iso_time() const {
  std::tm tm = broken_down(author_time, author_offset);
  return fmt::format("{}-{}-{}T{}:{}:{}{}", tm.tm_year + 1900, two(tm.tm_mon + 1), two(tm.tm_mday), two(tm.tm_hour),
                     two(tm.tm_min), two(tm.tm_sec), offset_text(author_offset, ":"));
}

std::string CommitMeta::display_time() const {
  std::tm tm = broken_down(author_time, author_offset);
  return fmt::format("{}-{}-{} {}:{}:{} {}", tm.tm_year + 1900, two(tm.tm_mon + 1), two(tm.tm_mday),
                     two(tm.tm_hour), two(tm.tm_min), two(tm.tm_sec), offset_text(author_offset, ""));
}

std::string CommitMeta::commit_iso_time() const {
  std::tm tm = broken_down(commit_time, commit_offset);
  return fmt::format("{}-{}-{}T{}:{}:{}{}", tm.tm_year + 1900, two(tm.tm_mon + 1), two(tm.tm_mday), two(tm.tm_hour),
                     two(tm.tm_min), two(tm.tm_sec), offset_text(commit_offset, ":"));
}

std::string CommitMeta::commit_display_time() const {
  std::tm tm = broken_down(commit_time, commit_offset);
  return fmt::format("{}-{}-{} {}:{}:{} {}", tm.tm_year + 1900, two(tm.tm_mon + 1), two(tm.tm_mday),
                     two(tm.tm_hour), two(tm.tm_min), two(tm.tm_sec), offset_text(commit_offset, ""));
}

bool CommitMeta::author_date_differs() const {
  const std::int64_t apart = author_time > commit_time ? author_time - commit_time : commit_time - author_time;
  return apart > 86400;
}

std::string CommitMeta::hex_id() const { return id.hex(); }

std::string CommitMeta::short_id() const { return hex_id().substr(0, 12); }

void walk_history(const GitRepo& git, const std::function<void(const HistoryStep&)>& fn) {
  git_repository* repo = git.raw();
  auto head = git.head();
  if (!head) return;
  // The chain, newest first.
  std::vector<git_oid> chain;
  git_oid at = *head;
  for (;;) {
    chain.push_back(at);
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo, &at) < 0) history_fail("cannot read a commit of the history");
    git::Commit commit(c);
    if (git_commit_parentcount(c) == 0) break;
    at = *git_commit_parent_id(c, 0);
  }
  git::Tree parent_tree;
  std::optional<std::int64_t> parent_time;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo, &*it) < 0) history_fail("cannot read a commit of the history");
    git::Commit commit(c);
    git_tree* t = nullptr;
    if (git_commit_tree(&t, c) < 0) history_fail("cannot read the files of a commit");
    git::Tree tree(t);
    CommitMeta meta = meta_of(c);
    fn(HistoryStep{meta, c, tree.get(), parent_tree.get(), parent_time});
    parent_tree = std::move(tree);
    parent_time = meta.commit_time;
  }
}

// Calls `fn` with commit `id` as a step: its tree, and its first parent's
// tree and commit time (none for a first commit).
static void history_step_of(git_repository* repo, const git_oid& id, const std::function<void(const HistoryStep&)>& fn) {
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo, &id) < 0) history_fail("cannot read a commit of the history");
  git::Commit commit(c);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, c) < 0) history_fail("cannot read the files of a commit");
  git::Tree tree(t);
  git::Tree parent_tree;
  std::optional<std::int64_t> parent_time;
  if (git_commit_parentcount(c) > 0) {
    git_commit* p = nullptr;
    if (git_commit_parent(&p, c, 0) < 0) history_fail("cannot read a commit of the history");
    git::Commit parent(p);
    git_tree* pt = nullptr;
    if (git_commit_tree(&pt, p) < 0) history_fail("cannot read the files of a commit");
    parent_tree.reset(pt);
    parent_time = git_commit_time(p);
  }
  CommitMeta meta = meta_of(c);
  fn(HistoryStep{meta, c, tree.get(), parent_tree.get(), parent_time});
}

void walk_merged_history(const GitRepo& git, git_commit* merge, const std::function<void(const HistoryStep&)>& fn) {
  const unsigned parents = git_commit_parentcount(merge);
  if (parents < 2) return;
  git_repository* repo = git.raw();
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo) < 0) history_fail("cannot walk the history");
  git::Revwalk walk(raw);
  git_revwalk_sorting(raw, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  for (unsigned i = 1; i < parents; ++i)
    if (git_revwalk_push(raw, git_commit_parent_id(merge, i)) < 0)
      history_fail("cannot read a commit a merge brought in");
  if (git_revwalk_hide(raw, git_commit_parent_id(merge, 0)) < 0) history_fail("cannot read a commit of the history");
  git_oid id;
  int rc = 0;
  while ((rc = git_revwalk_next(&id, raw)) == 0) history_step_of(repo, id, fn);
  if (rc != GIT_ITEROVER) history_fail("cannot read a commit a merge brought in");
}

git_tree* SubtreeMemo::find(const git_oid& id) const {
  for (const auto* list : {&now_, &before_})
    for (const auto& t : *list)
      if (git_oid_equal(git_tree_id(t.get()), &id)) return t.get();
  return nullptr;
}

void SubtreeMemo::keep(git_tree* tree) {
  for (const auto& t : now_)
    if (t.get() == tree || git_oid_equal(git_tree_id(t.get()), git_tree_id(tree))) return;
  git_object* copy = nullptr;
  if (git_object_dup(&copy, reinterpret_cast<git_object*>(tree)) == 0)
    now_.emplace_back(reinterpret_cast<git_tree*>(copy));
}

void SubtreeMemo::next_step() {
  // A commit that changed no directory read none: the ones before stay.
  if (now_.empty()) return;
  before_.swap(now_);
  now_.clear();
}

std::vector<PathChange> changed_records(git_repository* repo, git_tree* before, git_tree* after,
                                        SubtreeMemo* memo) {
  std::vector<PathChange> out;
  diff_top(repo, before, after, "cases", out, memo);
  diff_top(repo, before, after, "panels", out, memo);
  if (memo) memo->next_step();
  return out;
}

std::vector<std::string> changed_other_paths(git_tree* before, git_tree* after) {
  std::vector<std::string> out;
  auto record_dir = [](const char* name) { return std::strcmp(name, "cases") == 0 || std::strcmp(name, "panels") == 0; };
  if (after) {
    for (size_t i = 0, n = git_tree_entrycount(after); i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(after, i);
      const char* name = git_tree_entry_name(e);
      if (record_dir(name)) continue;
      const git_tree_entry* old = before ? git_tree_entry_byname(before, name) : nullptr;
      if (!old || !git_oid_equal(git_tree_entry_id(old), git_tree_entry_id(e))) out.emplace_back(name);
    }
  }
  if (before) {
    for (size_t i = 0, n = git_tree_entrycount(before); i < n; ++i) {
      const char* name = git_tree_entry_name(git_tree_entry_byindex(before, i));
      if (!record_dir(name) && (!after || !git_tree_entry_byname(after, name))) out.emplace_back(name);
    }
  }
  return out;
}

namespace {

// One commit's entry in a case's log: the case's file from `previous` to
// `now`, and the meetings changed by the commit that name the case.
void case_step(const Store& store, const CaseId& id, const std::string& path, const LogFilter& filter,
               ShowPersonal show, const HistoryStep& s, const std::optional<git_oid>& previous,
               const std::optional<git_oid>& now, VersionCache& cache, std::vector<LogEntry>& out) {
  git_repository* repo = store.git().raw();
  LogEntry entry{s.meta, {}, {}, {}};
  bool changed = now.has_value() != previous.has_value() || (now && !git_oid_equal(&*now, &*previous));
  if (!passes(filter, s.meta)) return;
  if (changed) entry.records.push_back(record_log(store, PathChange{path, previous, now}, show, cache));
  // Meetings that name the case (attendance, declarations, agenda).
  std::vector<PathChange> panels;
  diff_top(repo, s.parent_tree, s.tree, "panels", panels);
  for (const auto& pc : panels) {
    auto text = blob_text(repo, pc.after ? *pc.after : *pc.before);
    if (text && mentions(*text, id.str())) entry.records.push_back(record_log(store, pc, show, cache));
  }
  if (!entry.records.empty()) out.push_back(std::move(entry));
}

// Each entry's signature: verified when the commit carries one (a
// verifier per signed commit), with the user's own configuration.
void add_signatures(const Store& store, std::vector<LogEntry>& entries) {
  git::Config user;
  bool user_read = false;
  for (auto& e : entries) {
    git_oid id = git::oid(e.commit.id);
    git::Buf sig, data;
    if (git_commit_extract_signature(sig.get(), data.get(), store.git().raw(), &id, nullptr) == GIT_ENOTFOUND) {
      e.signature = {SignatureCheck::State::none, "not signed"};
      continue;
    }
    if (!user_read) user = user_git_config(), user_read = true;
    CommitSignature c = commit_signature(store.git().raw(), user.get(), id, e.commit.committer_email);
    using S = CommitSignature::State;
    e.signature.state = c.state == S::good   ? SignatureCheck::State::good
                        : c.state == S::none ? SignatureCheck::State::none
                        : c.state == S::bad  ? SignatureCheck::State::bad
                                             : SignatureCheck::State::unverified;
    e.signature.problem = std::move(c.problem);
  }
}

[[noreturn]] void no_such_case(const CaseId& id) {
  fail(Exit::not_found, fmt::format("no such case ({})", id.str()), "`prevent list` shows the cases");
}

// The whole first-parent chain, commit by commit (PREVENT_LOG_INDEX=0):
// what the index must give the same result as.
std::vector<LogEntry> case_history_by_walk(const Store& store, const CaseId& id, const LogFilter& filter,
                                           ShowPersonal show) {
  const std::string path = case_path(id.str(), id.year);
  std::vector<LogEntry> out;
  bool ever = false;
  std::optional<git_oid> previous;
  // The year directory's tree id: while it is the parent's, the file is
  // too, and the year's tree (thousands of entries) need not be read.
  const std::string dir = path.substr(0, path.rfind('/'));
  std::optional<git_oid> previous_dir;
  VersionCache cache;
  walk_history(store.git(), [&](const HistoryStep& s) {
    std::optional<git_oid> dir_now = entry_id_at(s.tree, dir);
    std::optional<git_oid> now;
    if (dir_now && previous_dir && git_oid_equal(&*dir_now, &*previous_dir))
      now = previous;
    else if (dir_now)
      now = record_at(s.tree, path);
    previous_dir = dir_now;
    if (now) ever = true;
    case_step(store, id, path, filter, show, s, previous, now, cache, out);
    previous = now;
  });
  if (!ever) no_such_case(id);
  add_signatures(store, out);
  return out;
}

bool log_index_wanted() {
  const char* v = std::getenv("PREVENT_LOG_INDEX");
  return !(v && std::string_view(v) == "0");
}

}  // namespace

std::vector<LogEntry> case_history(const Store& store, const CaseId& id, const LogFilter& filter,
                                   ShowPersonal show) {
  if (!log_index_wanted()) return case_history_by_walk(store, id, filter, show);
  const std::string path = case_path(id.str(), id.year);
  git_repository* repo = store.git().raw();
  std::vector<LogEntry> out;
  bool ever = false;
  VersionCache cache;
  // Only the commits the index names: each is compared with its first
  // parent, as in the walk.
  for (const git_oid& cid : log_index_commits(store.git(), path, id.str()))
    history_step_of(repo, cid, [&](const HistoryStep& step) {
      std::optional<git_oid> now = record_at(step.tree, path);
      std::optional<git_oid> previous = record_at(step.parent_tree, path);
      if (now) ever = true;
      case_step(store, id, path, filter, show, step, previous, now, cache, out);
    });
  if (!ever) no_such_case(id);
  add_signatures(store, out);
  return out;
}

const std::vector<std::string>& log_actions() {
  static const std::vector<std::string> actions = [] {
    std::vector<std::string> out;
    for (const auto& s : action_scopes()) out.emplace_back(s.action);
    out.emplace_back("hand-edit");
    return out;
  }();
  return actions;
}

bool passes(const LogFilter& filter, const CommitMeta& m) {
  Date day = m.author_date();
  if (filter.since && day < *filter.since) return false;
  if (filter.until && day > *filter.until) return false;
  if (!filter.author.empty()) {
    std::string a = lower(filter.author);
    if (lower(m.author_name).find(a) == std::string::npos && lower(m.author_email).find(a) == std::string::npos)
      return false;
  }
  if (!filter.action.empty() && (filter.action == "hand-edit" ? !m.hand_edit() : m.action != filter.action))
    return false;
  return true;
}

std::vector<LogEntry> store_history(const Store& store, const LogFilter& filter, ShowPersonal show) {
  git_repository* repo = store.git().raw();
  std::vector<LogEntry> out;
  VersionCache cache;
  walk_history(store.git(), [&](const HistoryStep& s) {
    const CommitMeta& m = s.meta;
    if (!passes(filter, m)) return;
    LogEntry entry{m, {}, changed_other_paths(s.parent_tree, s.tree), {}};
    for (const auto& pc : changed_records(repo, s.parent_tree, s.tree))
      entry.records.push_back(record_log(store, pc, show, cache));
    if (std::find(entry.other_paths.begin(), entry.other_paths.end(), "prevent.yaml") != entry.other_paths.end())
      entry.records.push_back(config_log(repo, s.parent_tree, s.tree));
    out.push_back(std::move(entry));
  });
  add_signatures(store, out);
  return out;
}

}  // namespace prevent

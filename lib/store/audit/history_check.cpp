#include "history_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

#include "action_scope.hpp"
#include "check.hpp"
#include "case_record.hpp"
#include "config.hpp"
#include "foi_request.hpp"
#include "git_handles.hpp"
#include "sync.hpp"
#include "git_repo.hpp"
#include "history_walk.hpp"
#include "oid_set.hpp"
#include "record_diff.hpp"
#include "schema.hpp"
#include "state_dir.hpp"
#include "recorded_head.hpp"
#include "verified_head.hpp"

namespace prevent {

namespace {

std::string short_hex(const git_oid& id) { return git::object_id(id).hex().substr(0, 12); }

Finding error(const char* check, std::string message) {
  return {Finding::Level::error, Exit::store, check, std::move(message)};
}

// One entry of a tree, as offsets into the tree object's bytes.
struct RawEntry {
  std::uint32_t start;  // where the entry starts (its mode)
  std::uint32_t name;   // where its name starts; the id follows the name's NUL
  std::uint32_t end;    // one past its id
  git_object_t type;    // a tree, a blob, or a commit (a submodule)
};

// The entry at `at` of a tree object's bytes (`<octal mode> <name>\0<20-byte
// id>`); false when there is none.
bool parse_entry(const char* data, size_t size, size_t at, RawEntry& e) {
  const char* p = data + at;
  const char* end = data + size;
  unsigned mode = 0;
  const char* q = p;
  for (; q < end && *q >= '0' && *q <= '7' && q - p < 7; ++q) mode = mode * 8 + static_cast<unsigned>(*q - '0');
  if (q == p || q >= end || *q != ' ') return false;
  const char* name = ++q;
  const char* nul = static_cast<const char*>(std::memchr(name, '\0', static_cast<size_t>(end - name)));
  if (!nul || nul == name || end - nul - 1 < GIT_OID_RAWSZ) return false;
  e.start = static_cast<std::uint32_t>(at);
  e.name = static_cast<std::uint32_t>(name - data);
  e.end = static_cast<std::uint32_t>(nul + 1 + GIT_OID_RAWSZ - data);
  e.type = (mode & 0170000) == 0040000   ? GIT_OBJECT_TREE
           : (mode & 0170000) == 0160000 ? GIT_OBJECT_COMMIT
                                         : GIT_OBJECT_BLOB;
  return true;
}

// Reads every object reachable from the commits it is given once, checking
// it against its id (libgit2's strict hash verification, on by default).
//
// Cost: a commit usually changes one file, so each version of a directory
// differs from the version read before it (the child commit's, in the walk)
// by an entry or two. The last version read of each directory is kept; the
// bytes the two versions start and end with alike hold the same entries
// (same name, type and id), which were read with the version before and are
// passed over without being parsed or looked up. Only the entries between
// are parsed, looked up in the set of ids read, and read when new. Trees
// are parsed from the bytes read to verify them, so no object is read
// twice.
class ObjectWalk {
 public:
  ObjectWalk(git_repository* repo, std::vector<Finding>& out) : out_(out) {
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, repo) == 0) odb_.reset(odb);
  }

  bool ok() const { return odb_ != nullptr; }
  bool full() const { return damaged_ >= kMaxReported; }
  void expect(size_t objects) { seen_.reserve(objects); }

  // False when the object is damaged (reported) or was read before; the
  // object is kept in `keep` when given.
  bool read(const git_oid& id, const std::string& where, git::OdbObject* keep = nullptr) {
    if (!seen_.insert(id)) return false;
    git_odb_object* raw = nullptr;
    if (git_odb_read(&raw, odb_.get(), &id) < 0) {
      if (damaged_++ < kMaxReported)
        out_.push_back(error("repository", fmt::format("object {} cannot be read: {} ({})", git::object_id(id).hex(),
                                                       git_error_text(), where)));
      return false;
    }
    git::OdbObject obj(raw);
    if (keep) *keep = std::move(obj);
    return true;
  }

  // Reads a file's blob, unless its header says it is larger than any file
  // of a store (git_repo.hpp, kMaxReadBytes): that is reported and not
  // inflated, so that a compression bomb costs nothing.
  void blob(const git_oid& id, const std::string& dir, std::string_view name, const std::string& where) {
    if (seen_.contains(id)) return;
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (git_odb_read_header(&size, &type, odb_.get(), &id) == 0 && size > kMaxReadBytes) {
      seen_.insert(id);
      if (damaged_++ < kMaxReported)
        out_.push_back(error("repository", fmt::format("a file larger than 1 MiB ({} bytes), larger than any file of a "
                                                       "store; not read ({}{}{}, {})",
                                                       size, dir.empty() ? "" : dir.substr(1), dir.empty() ? "" : "/",
                                                       name, where)));
      return;
    }
    read(id, where);
  }

  // Reads a commit and everything its tree reaches; its parents go on
  // `pending`, the first parent last (taken next).
  void commit(const git_oid& id, std::vector<git_oid>& pending) {
    std::string where = fmt::format("commit {}", short_hex(id));
    git::OdbObject obj;
    if (!read(id, where, &obj) || git_odb_object_type(obj.get()) != GIT_OBJECT_COMMIT) return;
    // A commit's bytes start `tree <40 hex digits>\n`, then a line
    // `parent <40 hex digits>` for each parent.
    std::string_view text(static_cast<const char*>(git_odb_object_data(obj.get())), git_odb_object_size(obj.get()));
    if (!text.starts_with("tree ") || text.size() < 5 + GIT_OID_HEXSZ) return;
    git_oid tree_id;
    if (git_oid_fromstrn(&tree_id, text.data() + 5, GIT_OID_HEXSZ) < 0) return;
    std::vector<git_oid> parents;
    constexpr size_t kParentLine = 7 + GIT_OID_HEXSZ + 1;  // "parent " hex "\n"
    for (size_t at = 5 + GIT_OID_HEXSZ + 1; text.size() >= at + kParentLine && text.substr(at, 7) == "parent ";
         at += kParentLine) {
      git_oid parent;
      if (git_oid_fromstrn(&parent, text.data() + at + 7, GIT_OID_HEXSZ) < 0) break;
      parents.push_back(parent);
    }
    pending.insert(pending.end(), parents.rbegin(), parents.rend());
    obj.reset();
    std::string path;
    tree(tree_id, path, where);
  }

 private:
  struct Version {
    git::OdbObject object;
    std::vector<RawEntry> entries;  // in order
    const char* data() const { return static_cast<const char*>(git_odb_object_data(object.get())); }
    size_t size() const { return git_odb_object_size(object.get()); }
  };

  void tree(const git_oid& id, std::string& path, const std::string& where) {
    if (seen_.contains(id)) return;
    Version now;
    if (!read(id, where, &now.object) || git_odb_object_type(now.object.get()) != GIT_OBJECT_TREE) return;
    const char* data = now.data();
    const size_t size = now.size();
    if (size > UINT32_MAX) return;
    auto last = last_.find(path);
    const Version* before = last == last_.end() ? nullptr : &last->second;

    // The entries both versions start with (wholly inside the bytes they
    // start with alike), and those they end with.
    size_t head = 0, tail_from = 0;  // `before`'s entries [0, head) and [tail_from, n)
    size_t at = 0;                   // where `now`'s own entries start
    size_t shift = 0;                // `now`'s offset of a tail entry, less `before`'s
    if (before) {
      const char* old = before->data();
      const size_t old_size = before->size(), n = before->entries.size(), common = std::min(size, old_size);
      size_t prefix = static_cast<size_t>(std::mismatch(data, data + common, old).first - data);
      size_t suffix = 0;
      while (suffix < common - prefix && data[size - 1 - suffix] == old[old_size - 1 - suffix]) ++suffix;
      while (head < n && before->entries[head].end <= prefix) ++head;
      at = head < n ? before->entries[head].start : old_size;
      tail_from = n;
      while (tail_from > head && before->entries[tail_from - 1].start >= old_size - suffix) --tail_from;
      shift = size - old_size;  // modulo 2^N: added back below
      now.entries.assign(before->entries.begin(), before->entries.begin() + static_cast<std::ptrdiff_t>(head));
    }
    // This version's own entries, up to where the rest is the same as
    // `before`'s tail, entry for entry.
    const size_t own_from = now.entries.size();
    size_t t = tail_from;
    const size_t n_before = before ? before->entries.size() : 0;
    while (at < size) {
      if (before) {
        while (t < n_before && before->entries[t].start + shift < at) ++t;
        if (t < n_before && before->entries[t].start + shift == at) break;
      }
      RawEntry e;
      if (!parse_entry(data, size, at, e)) return;  // not a tree
      now.entries.push_back(e);
      at = e.end;
    }
    const size_t own_to = now.entries.size();
    if (at < size) {
      for (size_t k = t; k < n_before; ++k) {
        RawEntry e = before->entries[k];
        e.start = static_cast<std::uint32_t>(e.start + shift);
        e.name = static_cast<std::uint32_t>(e.name + shift);
        e.end = static_cast<std::uint32_t>(e.end + shift);
        now.entries.push_back(e);
      }
    }

    const size_t path_size = path.size();
    for (size_t k = own_from; k < own_to; ++k) {
      if (full()) return;
      const RawEntry& e = now.entries[k];
      const char* name = data + e.name;
      const size_t name_size = e.end - GIT_OID_RAWSZ - 1 - e.name;
      git_oid entry_id;
      std::memcpy(entry_id.id, data + e.end - GIT_OID_RAWSZ, GIT_OID_RAWSZ);
      if (e.type == GIT_OBJECT_TREE) {
        path.append("/").append(name, name_size);
        tree(entry_id, path, where);
        path.resize(path_size);
      } else if (e.type == GIT_OBJECT_BLOB) {
        blob(entry_id, path, std::string_view(name, name_size), where);
      }
    }
    last_[path] = std::move(now);
  }

  static constexpr int kMaxReported = 20;
  std::vector<Finding>& out_;
  git::Odb odb_;
  OidSet seen_;
  std::map<std::string, Version> last_;  // by directory path, "" for the top
  int damaged_ = 0;
};

// How many objects the repository's pack files hold (the last entry of
// each .idx file's fan-out table is its count), at most 4 million: about
// what a walk of every object sees, so its set is sized once.
size_t packed_object_count(git_repository* repo) {
  namespace fs = std::filesystem;
  std::error_code ec;
  size_t total = 0;
  const fs::path dir = fs::path(git_repository_path(repo)) / "objects" / "pack";
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".idx") continue;
    std::ifstream in(it->path(), std::ios::binary);
    unsigned char head[8 + 256 * 4];
    if (!in.read(reinterpret_cast<char*>(head), sizeof head)) continue;
    const bool v2 = head[0] == 0xff && head[1] == 't' && head[2] == 'O' && head[3] == 'c';
    const unsigned char* last = head + (v2 ? 8 : 0) + 255 * 4;
    total += (size_t{last[0]} << 24) | (size_t{last[1]} << 16) | (size_t{last[2]} << 8) | size_t{last[3]};
  }
  return std::min<size_t>(total, size_t{4} << 20);
}

std::string paths_text(const std::vector<PathChange>& changes) {
  std::string out;
  size_t shown = 0;
  for (const auto& c : changes) {
    if (shown == 5) {
      out += fmt::format(" and {} more", changes.size() - shown);
      break;
    }
    out += (shown++ ? ", " : "") + c.path;
  }
  return out;
}

// Why `id` is not on HEAD's first-parent chain, and where the two
// first-parent histories part (the newest commit of `id`'s chain that is on
// HEAD's), for the message of a rewritten history.
std::string not_on_chain(git_repository* repo, const git_oid& id, const git_oid& head, const char* what) {
  const std::string hex = git::object_id(id).hex();
  OidSet chain;
  for (git_oid at = head;;) {
    chain.insert(at);
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &at) < 0) break;
    git::Commit c(raw);
    if (git_commit_parentcount(raw) == 0) break;
    at = *git_commit_parent_id(raw, 0);
  }
  std::string where;
  for (git_oid at = id;;) {
    if (chain.contains(at)) {
      where = fmt::format("; the histories part after commit {}", short_hex(at));
      break;
    }
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &at) < 0) break;
    git::Commit c(raw);
    if (git_commit_parentcount(raw) == 0) break;
    at = *git_commit_parent_id(raw, 0);
  }
  if (in_history_of(repo, id, head))
    return fmt::format("{} {} is no longer on HEAD's first-parent history, only behind a merge's other parent; a "
                       "merge does not undo a rewrite{}",
                       what, hex, where);
  return fmt::format("HEAD's history no longer contains {} {}{}", what, hex, where);
}

// ---------------------------------------------------------------------------
// The history check's parts.

// refs/replace/* and .git/info/grafts make `git log`, `git show` and `git
// blame` show other objects than the history holds; prevent reads the
// objects themselves (libgit2 follows neither), so the two would disagree
// without a word.
void replaced_objects(const GitRepo& git, std::vector<Finding>& out) {
  git_reference_iterator* raw = nullptr;
  if (git_reference_iterator_glob_new(&raw, git.raw(), "refs/replace/*") == 0) {
    git::Owned<git_reference_iterator, git_reference_iterator_free> it(raw);
    const char* name = nullptr;
    while (git_reference_next_name(&name, it.get()) == 0) {
      std::string_view replaced = std::string_view(name).substr(std::string_view("refs/replace/").size());
      out.push_back(error("history",
                          fmt::format("a replacement ref: git log, show and blame show object {} as another one, "
                                      "while prevent reads the real one; after review, remove it with `git replace "
                                      "-d {}` ({})",
                                      replaced.substr(0, 12), replaced.substr(0, 12), name)));
    }
  }
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(git_repository_path(git.raw())) / "info" / "grafts", ec))
    out.push_back(error("history",
                        "a grafts file: git shows commits with other parents than they have, while prevent reads "
                        "the real ones; after review, remove it (.git/info/grafts)"));
}

// A commit of the first-parent chain by its committer's date.
struct Dated {
  git_oid id;
  std::int64_t time;
  bool hand;
};

// Commit dates go forwards along the chain. Where one commit is dated
// before its parent, either it was dated too early or its parent too late
// (a clock set ahead, GIT_COMMITTER_DATE in the future): blamed is the one
// whose removal puts the dates in order again with the commits around it;
// when both would, the one dated after the clock, then a hand commit over
// a program's, then the later one as before.
void date_findings(const std::vector<Dated>& chain, std::vector<Finding>& out) {
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const size_t n = chain.size();
  std::set<size_t> blamed_late, blamed_early;
  for (size_t c = 1; c < n; ++c) {
    const size_t p = c - 1;
    if (chain[c].time >= chain[p].time) continue;
    const bool drop_parent = p == 0 || chain[p - 1].time <= chain[c].time;
    const bool drop_child = c + 1 == n || chain[p].time <= chain[c + 1].time;
    bool parent_late;
    if (drop_parent != drop_child) parent_late = drop_parent;
    else if (!drop_parent) parent_late = false;
    else if ((chain[p].time > now + 86400) != (chain[c].time > now + 86400)) parent_late = chain[p].time > now + 86400;
    else if (chain[p].hand != chain[c].hand) parent_late = chain[p].hand;
    else parent_late = false;
    if (parent_late) blamed_late.insert(p);
    else blamed_early.insert(c);
  }
  for (size_t i = 0; i < n; ++i) {
    const std::string hex = git::object_id(chain[i].id).hex();
    if (blamed_late.contains(i))
      out.push_back(error("history",
                          fmt::format("commit {} is dated after the commit that follows it ({}): the history was "
                                      "rewritten or a clock was wrong (commit {})",
                                      hex.substr(0, 12), short_hex(chain[i + 1].id), hex)));
    else if (blamed_early.contains(i))
      out.push_back(error("history",
                          fmt::format("commit {} is dated before its parent: the history was rewritten or a clock "
                                      "was wrong (commit {})",
                                      hex.substr(0, 12), hex)));
    else if (chain[i].time > now + 86400)
      out.push_back(error("history",
                          fmt::format("commit {} is dated in the future: the history was rewritten or a clock was "
                                      "wrong (commit {})",
                                      hex.substr(0, 12), hex)));
  }
}

// A case file's version as a record, without the vocabularies (they may
// have grown since); nullopt when it does not read.
std::optional<Case> case_version(const GitRepo& git, const git_oid& id, const std::string& path) {
  try {
    YNode node = parse_yaml(git.read_blob(id, path), path);
    validate_against_schema(node, SchemaKind::case_record, path);
    return case_from_node(node, path);
  } catch (const Failure&) {
    return std::nullopt;
  }
}

std::optional<Meeting> meeting_version(const GitRepo& git, const git_oid& id, const std::string& path) {
  try {
    return read_meeting(git.read_blob(id, path), path);
  } catch (const Failure&) {
    return std::nullopt;
  }
}

std::string record_name(const std::string& path) {
  std::string name = path.substr(path.rfind('/') + 1);
  if (name.ends_with(".yaml")) name.resize(name.size() - 5);
  return name;
}

// Whether a commit added exactly one file to releases/ and changed no
// other there: the release register only ever grows, one answer at a time
// (docs/disclosure.md).
bool added_one_release(git_repository* repo, git_tree* before, git_tree* after, const char* dir = "releases") {
  auto subtree = [&](git_tree* root) -> git::Tree {
    const git_tree_entry* e = root ? git_tree_entry_byname(root, dir) : nullptr;
    git_tree* t = nullptr;
    if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE && git_tree_lookup(&t, repo, git_tree_entry_id(e)) == 0)
      return git::Tree(t);
    return git::Tree(nullptr);
  };
  git::Tree a = subtree(before), b = subtree(after);
  if (!b) return false;
  const size_t old_count = a ? git_tree_entrycount(a.get()) : 0;
  if (git_tree_entrycount(b.get()) != old_count + 1) return false;
  for (size_t i = 0; i < old_count; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(a.get(), i);
    const git_tree_entry* now = git_tree_entry_byname(b.get(), git_tree_entry_name(e));
    if (!now || !git_oid_equal(git_tree_entry_id(now), git_tree_entry_id(e))) return false;
  }
  return true;
}

// What a commit did to foi/ (the FOI requests, docs/foi.md): the files it
// added, changed and removed there, and the one it changed.
struct FoiDelta {
  size_t added = 0, changed = 0, removed = 0;
  std::optional<git_oid> before, after;  // the one file changed, when changed == 1
  std::string path;
};
FoiDelta foi_delta(git_repository* repo, git_tree* before, git_tree* after) {
  auto subtree = [&](git_tree* root) -> git::Tree {
    const git_tree_entry* e = root ? git_tree_entry_byname(root, "foi") : nullptr;
    git_tree* t = nullptr;
    if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE && git_tree_lookup(&t, repo, git_tree_entry_id(e)) == 0)
      return git::Tree(t);
    return git::Tree(nullptr);
  };
  FoiDelta d;
  git::Tree a = subtree(before), b = subtree(after);
  const size_t na = a ? git_tree_entrycount(a.get()) : 0, nb = b ? git_tree_entrycount(b.get()) : 0;
  for (size_t i = 0; i < nb; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(b.get(), i);
    const git_tree_entry* old = a ? git_tree_entry_byname(a.get(), git_tree_entry_name(e)) : nullptr;
    if (!old) {
      ++d.added;
    } else if (!git_oid_equal(git_tree_entry_id(old), git_tree_entry_id(e)) ||
               git_tree_entry_filemode(old) != git_tree_entry_filemode(e)) {
      ++d.changed;
      d.before = *git_tree_entry_id(old);
      d.after = *git_tree_entry_id(e);
      d.path = fmt::format("foi/{}", git_tree_entry_name(e));
    }
  }
  for (size_t i = 0; i < na; ++i)
    if (!b || !git_tree_entry_byname(b.get(), git_tree_entry_name(git_tree_entry_byindex(a.get(), i)))) ++d.removed;
  return d;
}

// Whether `foi close` could have made the change of one foi/ file: the
// same request, with a closure it did not have before.
bool closed_one_request(const GitRepo& git, const FoiDelta& d) {
  if (d.added || d.removed || d.changed != 1) return false;
  try {
    FoiRequest a = read_foi_request(git.read_blob(*d.before, d.path), d.path);
    FoiRequest b = read_foi_request(git.read_blob(*d.after, d.path), d.path);
    return !a.closed && b.closed && a.reference == b.reference && a.received == b.received && a.due == b.due &&
           a.period == b.period;
  } catch (const Failure&) {
    return false;
  }
}

// Whether keys/ of `tree` holds keys/recipients.yaml, a file, and nothing
// else: what `keys add` and `keys remove` leave (docs/encryption.md).
bool keys_only_recipients(git_repository* repo, git_tree* tree) {
  const git_tree_entry* e = tree ? git_tree_entry_byname(tree, "keys") : nullptr;
  if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE) return false;
  git_tree* keys_raw = nullptr;
  if (git_tree_lookup(&keys_raw, repo, git_tree_entry_id(e)) != 0) return false;
  git::Tree keys(keys_raw);
  if (git_tree_entrycount(keys.get()) != 1) return false;
  const git_tree_entry* only = git_tree_entry_byindex(keys.get(), 0);
  return std::string_view(git_tree_entry_name(only)) == "recipients.yaml" &&
         is_plain_file(git_tree_entry_filemode(only));
}

// Why a commit with a Prevent-Action trailer is not what its action
// writes (action_scope.hpp); empty when it is. Names fields and files,
// never a value nor the trailer's own text.
std::string outside_action(const Store& store, const CommitMeta& m, const std::vector<PathChange>& changes,
                           const std::vector<std::string>& others, bool first, bool one_release,
                           const FoiDelta& foi, bool keys_only_recipients, bool one_purge, bool had_keys) {
  const ActionScope* scope = action_scope(*m.action);
  if (!scope) return "its Prevent-Action is none that prevent writes";
  const std::string_view action = scope->action;
  if (scope->files == ActionFiles::merge) return m.merge() ? "" : fmt::format("{} makes merges only", action);
  if (scope->files == ActionFiles::store)
    return first ? "" : "init makes only the first commit of a store";
  if (scope->files == ActionFiles::schemas) {
    if (!changes.empty()) return fmt::format("{} changes only {}, but it changed records", action, scope->says);
    for (const auto& o : others)
      if (o != "schemas") return fmt::format("{} changes only {}, but it changed {}", action, scope->says, o);
    return "";
  }
  if (scope->files == ActionFiles::new_release) {
    if (!changes.empty()) return fmt::format("{} {} only, but it changed records", action, scope->says);
    for (const auto& o : others)
      if (o != "releases") return fmt::format("{} {} only, but it changed {}", action, scope->says, o);
    return one_release ? "" : fmt::format("{} {} only, and never changes or removes one", action, scope->says);
  }
  if (scope->files == ActionFiles::new_purge) {
    if (!changes.empty()) return fmt::format("{} {} only, but it changed records", action, scope->says);
    for (const auto& o : others)
      if (o != "purges") return fmt::format("{} {} only, but it changed {}", action, scope->says, o);
    return one_purge ? "" : fmt::format("{} {} only, and never changes or removes one", action, scope->says);
  }
  if (scope->files == ActionFiles::new_foi || scope->files == ActionFiles::one_foi) {
    if (!changes.empty()) return fmt::format("{} {} only, but it changed records", action, scope->says);
    for (const auto& o : others)
      if (o != "foi") return fmt::format("{} {} only, but it changed {}", action, scope->says, o);
    if (scope->files == ActionFiles::new_foi)
      return foi.added == 1 && !foi.changed && !foi.removed
                 ? ""
                 : fmt::format("{} {} only, and never changes or removes one", action, scope->says);
    return closed_one_request(store.git(), foi)
               ? ""
               : fmt::format("{} changes only {}, adding its closure, and nothing else", action, scope->says);
  }
  if (scope->files == ActionFiles::keys) {
    if (!changes.empty()) return fmt::format("{} changes only {}, but it changed records", action, scope->says);
    if (others.size() != 1 || others.front() != "keys")
      return fmt::format("{} changes only {}, but it changed {}", action, scope->says,
                         others.empty() ? std::string("nothing") : others.front());
    return keys_only_recipients ? "" : fmt::format("{} changes only {}, and keys/ holds nothing else", action, scope->says);
  }
  if (scope->files == ActionFiles::sealed_cases) {
    // encrypt: keys/recipients.yaml added to a store that had no keys/,
    // and the case files it sealed (none in a store without cases).
    if (had_keys || others.size() != 1 || others.front() != "keys" || !keys_only_recipients)
      return fmt::format("{} adds keys/recipients.yaml to a plain store and seals its case files, and changes "
                         "nothing else",
                         action);
    // No case file changed: a store without cases, or one whose older
    // versions a later purge-plaintext sealed as encrypt did, so that the
    // encrypt commit, re-made, no longer changes them (its trailers still
    // name them).
    if (changes.empty()) return "";
  } else {
    if (!others.empty())
      return fmt::format("{} changes only {}, but it changed {}", action, scope->says, others.front());
    // The program makes no commit that changes nothing.
    if (changes.empty())
      return fmt::format("it changed nothing, and prevent makes no commit of {} that changes nothing", action);
  }
  auto under = [](const PathChange& c, const char* dir) { return c.path.starts_with(dir); };
  if (scope->files == ActionFiles::resolved) {
    // One record that was there, holding fewer conflicts after: what the
    // conflict's value put in place may be anywhere in the record.
    if (changes.size() != 1 || !changes.front().before || !changes.front().after)
      return fmt::format("{} changes only {}", action, scope->says);
    const PathChange& c = changes.front();
    std::optional<size_t> before, after;
    if (under(c, "panels/")) {
      auto b = meeting_version(store.git(), *c.before, c.path), a = meeting_version(store.git(), *c.after, c.path);
      if (b && a) before = b->conflicts.size(), after = a->conflicts.size();
    } else {
      auto b = case_version(store.git(), *c.before, c.path), a = case_version(store.git(), *c.after, c.path);
      if (b && a) before = b->conflicts.size(), after = a->conflicts.size();
    }
    if (!before || !after) return "a version of the record that prevent cannot have written, as it does not read";
    if (*after >= *before) return fmt::format("{} takes a conflict out of the record, but its conflicts did not go down", action);
    return "";
  }
  switch (scope->files) {
    case ActionFiles::new_cases: {
      std::vector<std::string> ids;
      for (const auto& c : changes) {
        if (!under(c, "cases/") || c.before || !c.after)
          return fmt::format("{} {}, but it changed {}", action, scope->says, c.path);
        ids.push_back(record_name(c.path));
      }
      if (ids.empty()) return fmt::format("{} {}, but it added none", action, scope->says);
      std::vector<std::string> named = m.cases;
      std::sort(ids.begin(), ids.end());
      std::sort(named.begin(), named.end());
      const bool counted = m.case_count && named.empty() && *m.case_count == std::to_string(ids.size());
      if (!counted && named != ids) return "its Prevent-Case trailers do not name the cases it added";
      return "";
    }
    case ActionFiles::new_meeting:
    case ActionFiles::one_meeting: {
      const bool is_new = scope->files == ActionFiles::new_meeting;
      if (changes.size() != 1 || !under(changes.front(), "panels/") || !changes.front().after ||
          changes.front().before.has_value() == is_new)
        return fmt::format("{} changes only {}{}", action, scope->says,
                           is_new ? "" : " that was there before");
      return "";
    }
    case ActionFiles::case_or_meeting:
      // edit --meeting: one meeting file that was there, corrected.
      if (changes.size() == 1 && under(changes.front(), "panels/")) {
        const PathChange& c = changes.front();
        if (!c.before || !c.after || !m.cases.empty())
          return fmt::format("{} changes one case's file or one meeting file that was there before, and nothing else",
                             action);
        auto before = meeting_version(store.git(), *c.before, c.path), after = meeting_version(store.git(), *c.after, c.path);
        if (!before || !after) return "a version of the meeting that prevent cannot have written, as it does not read";
        OutsideScope o = meeting_change_outside(*before, *after);
        if (o.empty()) return "";
        std::string fields;
        for (size_t i = 0; i < o.fields.size() && i < 5; ++i) fields += (i ? ", " : "") + o.fields[i];
        if (o.fields.size() > 5) fields += fmt::format(" and {} more", o.fields.size() - 5);
        if (!o.why.empty() && !fields.empty())
          return fmt::format("{} changes only a meeting's roles, agencies and police markings: {} ({})", action, o.why,
                             fields);
        if (!o.why.empty()) return fmt::format("{} changes only a meeting's roles, agencies and police markings, but {}", action, o.why);
        return fmt::format("{} changes only a meeting's roles, agencies and police markings, but it changed {}", action,
                           fields);
      }
      [[fallthrough]];
    case ActionFiles::one_case:
    case ActionFiles::linked_cases:
    case ActionFiles::erased_cases:
    case ActionFiles::sealed_cases: {
      std::vector<PathChange> case_changes;
      if (scope->files == ActionFiles::sealed_cases) {
        // encrypt: each meeting file it changed was there, and only its
        // correction reasons were sealed (no trailer names a meeting).
        for (const auto& c : changes) {
          if (!under(c, "panels/")) {
            case_changes.push_back(c);
            continue;
          }
          if (!c.before || !c.after)
            return fmt::format("{} changes case and meeting files that were there before, and nothing else", action);
          auto before = meeting_version(store.git(), *c.before, c.path),
               after = meeting_version(store.git(), *c.after, c.path);
          if (!before || !after)
            return "a version of the meeting that prevent cannot have written, as it does not read";
          OutsideScope o = meeting_sealing_outside(*before, *after);
          if (!o.why.empty())
            return fmt::format("{} only seals a meeting's correction reasons, but {} ({})", action, o.why, c.path);
          if (!o.fields.empty())
            return fmt::format("{} only seals a meeting's correction reasons, but it changed {} ({})", action,
                               o.fields.front(), c.path);
        }
        if (case_changes.empty()) return "";
      }
      const std::vector<PathChange>& record_changes =
          scope->files == ActionFiles::sealed_cases ? case_changes : changes;
      const bool pair = scope->files == ActionFiles::linked_cases;
      const bool many = scope->files == ActionFiles::erased_cases || scope->files == ActionFiles::sealed_cases;
      const size_t most = many ? record_changes.size() : pair ? 2 : 1;
      bool shape = !record_changes.empty() && record_changes.size() <= most;
      for (const auto& c : record_changes) shape = shape && under(c, "cases/") && c.before && c.after;
      if (!shape)
        return many   ? fmt::format("{} changes case files that were there before, and nothing else", action)
               : pair ? fmt::format("{} changes one or two case files that were there before, and nothing else", action)
                      : fmt::format("{} changes one case's file that was there before, and nothing else", action);
      std::vector<std::string> ids, named = m.cases;
      for (const auto& c : record_changes) ids.push_back(record_name(c.path));
      std::sort(ids.begin(), ids.end());
      std::sort(named.begin(), named.end());
      // An erase or encrypt of more than 20 cases gives their count (SPEC §8).
      const bool counted = many && m.case_count && named.empty() && *m.case_count == std::to_string(ids.size());
      // encrypt: every case it changed is named (or counted), but a named
      // case may be unchanged once purge-plaintext sealed its older versions
      // (docs/encryption.md).
      const bool sealed = scope->files == ActionFiles::sealed_cases;
      auto within_count = [&] {
        size_t n = 0;
        const std::string& t = *m.case_count;
        const auto r = std::from_chars(t.data(), t.data() + t.size(), n);
        return r.ec == std::errc() && r.ptr == t.data() + t.size() && ids.size() <= n;
      };
      const bool named_all =
          sealed && (named.empty() ? m.case_count && within_count()
                                   : std::includes(named.begin(), named.end(), ids.begin(), ids.end()));
      if (ids != named && !counted && !named_all)
        return pair || many ? "its Prevent-Case trailers do not name the cases it changed"
                            : "its Prevent-Case trailer does not name the case it changed";
      OutsideScope o;
      for (const auto& c : record_changes) {
        auto before = case_version(store.git(), *c.before, c.path), after = case_version(store.git(), *c.after, c.path);
        if (!before || !after) return "a version of the case that prevent cannot have written, as it does not read";
        OutsideScope one = case_change_outside(*scope, *before, *after);
        o.fields.insert(o.fields.end(), one.fields.begin(), one.fields.end());
        if (o.why.empty()) o.why = one.why;
      }
      if (o.empty()) return "";
      std::string fields;
      for (size_t i = 0; i < o.fields.size() && i < 5; ++i) fields += (i ? ", " : "") + o.fields[i];
      if (o.fields.size() > 5) fields += fmt::format(" and {} more", o.fields.size() - 5);
      if (!o.why.empty() && !fields.empty()) return fmt::format("{} changes only {}: {} ({})", action, scope->says, o.why, fields);
      if (!o.why.empty()) return fmt::format("{} changes only {}, but {}", action, scope->says, o.why);
      return fmt::format("{} changes only {}, but it changed {}", action, scope->says, fields);
    }
    default:
      return "";
  }
}

// prevent.yaml along the history: each change made outside `init` is
// listed (its settings are not personal data, so they are named); the
// vocabulary entries removed are remembered, to say which of them a record
// at HEAD still uses. (SPEC §5: a store may add entries but never drop one
// a record uses.)
class ConfigChanges {
 public:
  void step(const Store& store, const HistoryStep& s, std::vector<Finding>& out) {
    const git_tree_entry* a = s.parent_tree ? git_tree_entry_byname(s.parent_tree, "prevent.yaml") : nullptr;
    const git_tree_entry* b = git_tree_entry_byname(s.tree, "prevent.yaml");
    if (!a && !b) return;
    if (a && b && git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b))) return;
    const CommitMeta& m = s.meta;
    auto tree = [&](const git_tree_entry* e) -> std::optional<YNode> {
      if (!e) return std::nullopt;
      try {
        return parse_yaml(store.git().read_blob(*git_tree_entry_id(e), "prevent.yaml"), "prevent.yaml");
      } catch (const Failure&) {
        return std::nullopt;
      }
    };
    std::optional<YNode> before = tree(a), after = tree(b);
    std::vector<std::string> names;
    if (before && after) {
      for (const auto& c : diff_configs(&*before, &*after)) {
        names.push_back(c.field);
        const std::string_view f = c.field;
        // vocabularies.<name>[<key>], removed
        if (f.starts_with("vocabularies.") && f.ends_with("]") && !c.to && f.find('[') != std::string_view::npos) {
          const size_t open = f.find('[');
          Removed r{std::string(f.substr(13, open - 13)), std::string(f.substr(open + 1, f.size() - open - 2)),
                    m.short_id()};
          // Once per entry: a removal made on another copy and merged is
          // walked once, but an entry removed twice is one finding.
          if (std::none_of(removed_.begin(), removed_.end(),
                           [&](const Removed& x) { return x.vocabulary == r.vocabulary && x.key == r.key; }))
            removed_.push_back(std::move(r));
        }
      }
    }
    if (m.action == "init" && !s.parent_tree) return;
    std::string what;
    for (size_t i = 0; i < names.size() && i < 8; ++i) what += (i ? ", " : "") + names[i];
    if (names.size() > 8) what += fmt::format(" and {} more", names.size() - 8);
    if (what.empty()) what = !b ? "removed the file" : "the file does not read";
    out.push_back({Finding::Level::notice, Exit::ok, "config",
                   fmt::format("configuration change: commit {} by {} <{}> on {} changed prevent.yaml outside `prevent "
                               "init`: {} (`prevent log` shows the values)",
                               m.short_id(), m.author_name, m.author_email, m.display_time(), what)});
  }

  void finish(const Store& store, std::vector<Finding>& out) {
    const Config& cfg = store.config();
    // SPEC §7: never below 3 for --foi. 0 is "off", for internal use.
    if (cfg.suppression_threshold == 1 || cfg.suppression_threshold == 2)
      out.push_back({Finding::Level::error, Exit::refused, "config",
                     fmt::format("suppression_threshold is {}: counts of 1 to {} would leave the council unsuppressed; "
                                 "set it to 3 or more (0 turns suppression off for internal use) (prevent.yaml)",
                                 cfg.suppression_threshold, cfg.suppression_threshold)});
    else if (cfg.suppression_threshold == 0)
      out.push_back({Finding::Level::notice, Exit::ok, "config",
                     "suppression_threshold is 0: reports are not suppressed unless --suppress or --foi is given; "
                     "FOI answers (--foi) still suppress with at least 3 (prevent.yaml)"});
    removed_at_head(store, out);
  }

 private:
  struct Removed {
    std::string vocabulary, key, commit;
  };

  // The vocabulary of `cfg` called `name`.
  static Vocabulary* vocabulary(Config& cfg, const std::string& name) {
    for (Vocabulary* v : {&cfg.routes, &cfg.sectors, &cfg.genders, &cfg.concern_types, &cfg.age_bands, &cfg.services,
                          &cfg.support_types})
      if (v->name == name) return v;
    return nullptr;
  }

  void removed_at_head(const Store& store, std::vector<Finding>& out) {
    // The entries removed and not added back since.
    Config with = store.config();
    std::vector<Removed> gone;
    for (const auto& r : removed_) {
      Vocabulary* v = vocabulary(with, r.vocabulary);
      if (!v || v->contains(r.key)) continue;
      v->entries.push_back({r.key, r.key, std::nullopt, std::nullopt});
      gone.push_back(r);
    }
    if (gone.empty()) return;
    for (const auto& f : store.case_files()) {
      std::string text;
      try {
        text = store.git().read_blob(git::oid(f.blob), f.path);
      } catch (const Failure&) {
        continue;  // the records check reports it
      }
      if (std::none_of(gone.begin(), gone.end(), [&](const Removed& r) { return text.find(r.key) != std::string::npos; }))
        continue;
      auto c = case_version(store.git(), git::oid(f.blob), f.path);
      if (!c) continue;
      for (const auto& r : gone) {
        // Uses r.key when the vocabularies with it read the case and
        // those without it do not.
        Config without = with;
        auto& entries = vocabulary(without, r.vocabulary)->entries;
        std::erase_if(entries, [&](const VocabEntry& e) { return e.key == r.key; });
        try {
          check_case_vocabularies(*c, without, f.path);
          continue;
        } catch (const Failure&) {
        }
        try {
          check_case_vocabularies(*c, with, f.path);
        } catch (const Failure&) {
          continue;
        }
        out.push_back({Finding::Level::error, Exit::invalid_data, "config",
                       fmt::format("commit {} removed {} from the {} vocabulary while a record still uses it; add "
                                   "it back to prevent.yaml ({})",
                                   r.commit, r.key, r.vocabulary, f.path)});
      }
    }
  }

  std::vector<Removed> removed_;
};

// One recorded verified head (`what`, kept at `where`) against HEAD: it
// must be on HEAD's first-parent chain, or with `ahead_ok` HEAD on its.
void judge_verified(git_repository* repo, const RecordedHead& recorded, const git_oid& head, const char* what,
                    const std::string& where, bool ahead_ok, std::vector<Finding>& out) {
  if (!recorded.present) return;
  if (!recorded.id) {
    out.push_back(error("verified-head", fmt::format("{} is not a commit id ({})", what, where)));
    return;
  }
  git_odb* odb_raw = nullptr;
  const bool exists = git_repository_odb(&odb_raw, repo) == 0 && git_odb_exists(odb_raw, &*recorded.id);
  git::Odb odb(odb_raw);
  if (!exists) {
    out.push_back(error("verified-head", fmt::format("history rewritten: {} {} is no longer in the repository ({})",
                                                     what, git::object_id(*recorded.id).hex(), where)));
    return;
  }
  if (on_first_parent_chain(repo, *recorded.id, head)) return;
  if (ahead_ok && on_first_parent_chain(repo, head, *recorded.id)) return;
  out.push_back(error("verified-head",
                      fmt::format("history rewritten: {} ({})", not_on_chain(repo, *recorded.id, head, what), where)));
}

}  // namespace

std::vector<Finding> check_repository(const Store& store) {
  std::vector<Finding> out;
  // A handle of its own, so that the walk may run beside another on the
  // store's (libgit2 handles are not shared between threads).
  git_repository* opened = nullptr;
  if (git_repository_open(&opened, git_repository_path(store.git().raw())) < 0) {
    out.push_back(error("repository", fmt::format("cannot open the repository: {} (.git)", git_error_text())));
    return out;
  }
  git::Owned<git_repository, git_repository_free> own(opened);
  git_repository* repo = own.get();
  ObjectWalk objects(repo, out);
  if (!objects.ok()) {
    out.push_back(error("repository", fmt::format("cannot open the object database: {} (.git)", git_error_text())));
    return out;
  }
  objects.expect(packed_object_count(repo));
  git_oid head;
  if (git_reference_name_to_id(&head, repo, "HEAD") < 0) {
    out.push_back(error("repository", fmt::format("cannot read HEAD: {} (.git)", git_error_text())));
    return out;
  }
  // Every commit from HEAD through all its parents, each once (the set of
  // ids read), followed by hand: git_revwalk keeps every commit it has
  // walked until it is freed (49 MB at 437,686 commits). A damaged commit
  // is reported like any object, and what only it leads to is not reached.
  std::vector<git_oid> pending{head};
  while (!pending.empty() && !objects.full()) {
    const git_oid id = pending.back();
    pending.pop_back();
    objects.commit(id, pending);
  }
  return out;
}

// Whether a merge's prevent.yaml is the one its second parent holds.
bool config_from_other_parent(git_commit* merge, git_tree* tree) {
  git_commit* raw = nullptr;
  if (git_commit_parentcount(merge) < 2 || git_commit_parent(&raw, merge, 1) < 0) return false;
  git::Commit other(raw);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, raw) < 0) return false;
  git::Tree other_tree(t);
  const git_tree_entry* a = git_tree_entry_byname(tree, "prevent.yaml");
  const git_tree_entry* b = git_tree_entry_byname(other_tree.get(), "prevent.yaml");
  return a && b && git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b));
}

std::vector<Finding> check_history(const Store& store, HistoryChecks which) {
  std::vector<Finding> out;
  git_repository* repo = store.git().raw();
  if (which.history) replaced_objects(store.git(), out);
  std::vector<Dated> dates;
  ConfigChanges config;
  // Each commit's directories are the next commit's parent's.
  SubtreeMemo memo;
  // One commit: of the first-parent chain (`chain`), or one a merge
  // brought in, checked the same way against its own first parent. The
  // order of dates is judged along the chain only.
  std::function<void(const HistoryStep&, bool)> check_commit = [&](const HistoryStep& s, bool chain) {
      const CommitMeta& m = s.meta;
      std::vector<PathChange> changes = changed_records(repo, s.parent_tree, s.tree, chain ? &memo : nullptr);
      if (which.authors && !changes.empty() && (m.author_name.empty() || m.author_email.empty()))
        out.push_back({Finding::Level::error, Exit::store, "authors",
                       fmt::format("commit {} changed records without an author {} ({})", m.short_id(),
                                   m.author_name.empty() ? "name" : "e-mail", paths_text(changes))});
      // A merge whose prevent.yaml is its other parent's brought the change
      // in: the commit that made it, among those walked, is reported.
      if (which.config && !(chain && s.meta.merge() && config_from_other_parent(s.commit, s.tree)))
        config.step(store, s, out);
      if (!which.history) return;
      if (chain) dates.push_back({*git_commit_id(s.commit), m.commit_time, m.hand_edit()});
      for (const auto& c : changes)
        if (c.path.starts_with("cases/") && c.before && !c.after)
          out.push_back({Finding::Level::error, Exit::store, "history",
                         fmt::format("a case file was deleted in commit {}; prevent never deletes a case, so its "
                                     "number cannot be reused ({})",
                                     m.short_id(), c.path)});
      // A merge of `prevent sync` is recomputed from its parents: the same
      // tree, and it is the program's; another tree hides a hand edit.
      std::optional<std::string> sync_differs;
      const bool sync_merge = m.merge() && m.parents == 2 && m.action == "sync";
      if (sync_merge) sync_differs = sync_merge_differs(store, git::object_id(*git_commit_id(s.commit)));
      if (sync_merge && sync_differs)
        out.push_back({Finding::Level::error, Exit::store, "history",
                       fmt::format("sync merge: commit {} by {} <{}> on {} is not prevent's merge of its parents: {}",
                                   m.short_id(), m.author_name, m.author_email, m.display_time(), *sync_differs)});
      else if (m.merge() && !sync_merge)
        out.push_back({Finding::Level::notice, Exit::ok, "history",
                       fmt::format("merge: commit {} by {} <{}> on {} merges {} other histor{}{}; prevent checks each "
                                   "commit the merge brought in, but not the merge's own tree",
                                   m.short_id(), m.author_name, m.author_email, m.display_time(), m.parents - 1,
                                   m.parents == 2 ? "y" : "ies",
                                   m.action == "sync" ? ", and no `prevent sync` of this version verified it" : "")});
      if (m.hand_edit()) {
        const auto others = changed_other_paths(s.parent_tree, s.tree);
        if (std::find(others.begin(), others.end(), "releases") != others.end())
          out.push_back({Finding::Level::notice, Exit::ok, "history",
                         fmt::format("hand edit: commit {} by {} <{}> on {} changed the release register outside "
                                     "prevent (releases)",
                                     m.short_id(), m.author_name, m.author_email, m.display_time())});
        if (std::find(others.begin(), others.end(), "foi") != others.end())
          out.push_back({Finding::Level::notice, Exit::ok, "history",
                         fmt::format("hand edit: commit {} by {} <{}> on {} changed the FOI requests outside "
                                     "prevent (foi)",
                                     m.short_id(), m.author_name, m.author_email, m.display_time())});
        if (std::find(others.begin(), others.end(), "keys") != others.end())
          out.push_back({Finding::Level::notice, Exit::ok, "history",
                         fmt::format("hand edit: commit {} by {} <{}> on {} changed who can unlock the store "
                                     "outside prevent (keys)",
                                     m.short_id(), m.author_name, m.author_email, m.display_time())});
        if (!changes.empty())
          out.push_back({Finding::Level::notice, Exit::ok, "history",
                         fmt::format("hand edit: commit {} by {} <{}> on {} changed records outside prevent ({})",
                                     m.short_id(), m.author_name, m.author_email, m.display_time(),
                                     paths_text(changes))});
        return;
      }
      // A trailer is text anyone can copy: the change must be one its
      // action makes (action_scope.hpp).
      const std::vector<std::string> others = changed_other_paths(s.parent_tree, s.tree);
      std::string why = outside_action(store, m, changes, others, s.parent_tree == nullptr,
                                       added_one_release(store.git().raw(), s.parent_tree, s.tree),
                                       foi_delta(store.git().raw(), s.parent_tree, s.tree),
                                       keys_only_recipients(store.git().raw(), s.tree),
                                       added_one_release(store.git().raw(), s.parent_tree, s.tree, "purges"),
                                       s.parent_tree && git_tree_entry_byname(s.parent_tree, "keys"));
      if (!why.empty()) {
        std::string where = paths_text(changes);
        for (const auto& o : others) where += (where.empty() ? "" : ", ") + o;
        out.push_back({Finding::Level::notice, Exit::ok, "history",
                       fmt::format("hand edit: commit {} by {} <{}> on {} changed records outside prevent, whatever "
                                   "its trailer says: {}{}",
                                   m.short_id(), m.author_name, m.author_email, m.display_time(), why,
                                   where.empty() ? "" : fmt::format(" ({})", where))});
      }
  };
  try {
    walk_history(store.git(), [&](const HistoryStep& s) {
      check_commit(s, true);
      // What a merge brought in through its other parents: made on another
      // copy, or pushed to the shared remote by anyone who can push, and
      // held to the same checks (docs/audit.md, "Merges").
      if (s.meta.merge() && (which.history || which.authors || which.config)) {
        // One merge's commits that cannot be read are reported, and the
        // walk goes on with the rest of the history.
        try {
          walk_merged_history(store.git(), s.commit, [&](const HistoryStep& side) { check_commit(side, false); });
        } catch (const Failure& f) {
          out.push_back(error(which.history ? "history" : which.authors ? "authors" : "config",
                              fmt::format("{} (the commits merge {} brought in)", f.what(), s.meta.short_id())));
        }
      }
    });
  } catch (const Failure& f) {
    out.push_back(error(which.history ? "history" : which.authors ? "authors" : "config", f.what()));
  }
  if (which.history) date_findings(dates, out);
  if (which.config) config.finish(store, out);
  return out;
}

std::vector<Finding> check_verified_head(const Store& store) {
  std::vector<Finding> out;
  const GitRepo& git = store.git();
  git_repository* repo = git.raw();
  auto head = git.head();
  if (!head) return out;
  const std::string file = shown_state_path("verified-head");

  judge_verified(repo, read_verified_head(git), *head, "the last verified head", file, false, out);
  judge_verified(repo, read_verified_ref(git, kVerifiedRef), *head, "the published verified head", kVerifiedRef,
                 false, out);
  // Another store's, fetched (docs/audit.md): it may be ahead of HEAD
  // (verified there, not yet merged here), but never off its chain.
  git_reference_iterator* it_raw = nullptr;
  if (git_reference_iterator_glob_new(&it_raw, repo, kRemoteVerifiedRefs) == 0) {
    git::Owned<git_reference_iterator, git_reference_iterator_free> it(it_raw);
    std::vector<std::string> names;
    const char* name = nullptr;
    while (git_reference_next_name(&name, it.get()) == 0) names.emplace_back(name);
    for (const auto& n : names)
      judge_verified(repo, read_verified_ref(git, n.c_str()), *head, "a remote's verified head", n, true, out);
  }

  // The remote-tracking branches of the current branch: the upstream, and
  // <remote>/<branch> of every remote.
  git_reference* head_raw = nullptr;
  if (git_repository_head(&head_raw, repo) < 0) return out;
  git::Reference head_ref(head_raw);
  if (!git_reference_is_branch(head_ref.get())) return out;
  const char* branch = nullptr;
  git_branch_name(&branch, head_ref.get());
  std::set<std::string> tracking;
  // The remotes, from `remote.<name>.url` in the configuration, and the
  // upstream from `branch.<name>.remote` and `.merge`, read as entries.
  // (Not git_remote_list nor git_branch_upstream: libgit2 1.5's regex
  // matching of `url.*.insteadof` behind them leaks memory.) The upstream
  // is taken to be fetched by the default refspec, as `git clone` sets.
  std::set<std::string> remotes;
  git_config* cfg_raw = nullptr;
  if (branch && git_repository_config_snapshot(&cfg_raw, repo) == 0) {
    git::Config cfg(cfg_raw);
    const std::string prefix = fmt::format("branch.{}.", branch);
    std::string upstream_remote, upstream_merge;
    git_config_iterator* it_raw = nullptr;
    if (git_config_iterator_new(&it_raw, cfg.get()) == 0) {
      git::ConfigIterator it(it_raw);
      git_config_entry* entry = nullptr;
      while (git_config_next(&entry, it.get()) == 0) {
        std::string_view key = entry->name;
        if (key.starts_with("remote.") && key.ends_with(".url") && key.size() > 11)
          remotes.emplace(key.substr(7, key.size() - 11));
        if (key == prefix + "remote") upstream_remote = entry->value ? entry->value : "";
        if (key == prefix + "merge") upstream_merge = entry->value ? entry->value : "";
      }
    }
    constexpr std::string_view kHeads = "refs/heads/";
    if (!upstream_remote.empty() && upstream_remote != "." && upstream_merge.starts_with(kHeads)) {
      const std::string name =
          fmt::format("refs/remotes/{}/{}", upstream_remote, upstream_merge.substr(kHeads.size()));
      git_oid id;
      if (git_reference_name_to_id(&id, repo, name.c_str()) == 0)
        tracking.insert(name);
    }
  }
  for (const auto& remote : remotes) {
    std::string name = fmt::format("refs/remotes/{}/{}", remote, branch);
    git_oid id;
    if (git_reference_name_to_id(&id, repo, name.c_str()) == 0) tracking.insert(name);
  }
  for (const auto& name : tracking) {
    git_oid up;
    if (git_reference_name_to_id(&up, repo, name.c_str()) < 0) continue;
    if (on_first_parent_chain(repo, up, *head) || on_first_parent_chain(repo, *head, up)) continue;
    std::string shown = name.substr(std::string("refs/remotes/").size());
    if (in_history_of(repo, up, *head)) {
      out.push_back(error("verified-head",
                          fmt::format("history diverged from {}: {} ({})", shown,
                                      not_on_chain(repo, up, *head, "its head"), name)));
      continue;
    }
    size_t ahead = 0, behind = 0;
    git_graph_ahead_behind(&ahead, &behind, repo, &*head, &up);
    out.push_back(error("verified-head",
                        fmt::format("history diverged from {}: it has {} commit{} that HEAD's history does not "
                                    "contain, and HEAD has {} that it lacks (a rewritten history, or work not yet "
                                    "merged) ({})",
                                    shown, behind, behind == 1 ? "" : "s", ahead, name)));
  }
  return out;
}

std::vector<Finding> check_since_verified(const Store& store, const std::string& hash) {
  std::vector<Finding> out;
  git_repository* repo = store.git().raw();
  const bool hex = hash.size() >= 7 && hash.size() <= GIT_OID_HEXSZ &&
                   hash.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
  if (!hex)
    fail(Exit::invalid_data, "--since-verified: not a commit id (7 to 40 hexadecimal digits) (command line)");
  auto head = store.git().head();
  if (!head) return out;
  git_oid prefix;
  git_commit* raw = nullptr;
  RecordedHead given{true, std::nullopt};
  if (git_oid_fromstrn(&prefix, hash.c_str(), hash.size()) == 0 &&
      git_commit_lookup_prefix(&raw, repo, &prefix, hash.size()) == 0) {
    given.id = *git_commit_id(raw);
    git_commit_free(raw);
  }
  if (!given.id) {
    out.push_back(error("verified-head",
                        fmt::format("history rewritten: the verified head given, {}, is no commit of the repository "
                                    "(--since-verified)",
                                    hash)));
    return out;
  }
  judge_verified(repo, given, *head, "the verified head given", "--since-verified", false, out);
  return out;
}

}  // namespace prevent

#include "history_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "git_handles.hpp"
#include "git_repo.hpp"
#include "history_walk.hpp"
#include "oid_set.hpp"
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

std::vector<Finding> check_history(const Store& store, HistoryChecks which) {
  std::vector<Finding> out;
  git_repository* repo = store.git().raw();
  // Each commit's directories are the next commit's parent's.
  SubtreeMemo memo;
  try {
    walk_history(store.git(), [&](const HistoryStep& s) {
      const CommitMeta& m = s.meta;
      std::vector<PathChange> changes = changed_records(repo, s.parent_tree, s.tree, &memo);
      if (which.authors && !changes.empty() && (m.author_name.empty() || m.author_email.empty()))
        out.push_back({Finding::Level::error, Exit::store, "authors",
                       fmt::format("commit {} changed records without an author {} ({})", m.short_id(),
                                   m.author_name.empty() ? "name" : "e-mail", paths_text(changes))});
      if (!which.history) return;
      if (s.parent_commit_time && m.commit_time < *s.parent_commit_time)
        out.push_back({Finding::Level::error, Exit::store, "history",
                       fmt::format("commit {} is dated before its parent: the history was rewritten or a clock "
                                   "was wrong (commit {})",
                                   m.short_id(), m.hex_id())});
      for (const auto& c : changes)
        if (c.path.starts_with("cases/") && c.before && !c.after)
          out.push_back({Finding::Level::error, Exit::store, "history",
                         fmt::format("a case file was deleted in commit {}; prevent never deletes a case, so its "
                                     "number cannot be reused ({})",
                                     m.short_id(), c.path)});
      if (m.hand_edit() && !changes.empty())
        out.push_back({Finding::Level::notice, Exit::ok, "history",
                       fmt::format("hand edit: commit {} by {} <{}> on {} changed records outside prevent ({})",
                                   m.short_id(), m.author_name, m.author_email, m.display_time(),
                                   paths_text(changes))});
    });
  } catch (const Failure& f) {
    out.push_back(error(which.history ? "history" : "authors", f.what()));
  }
  return out;
}

std::vector<Finding> check_verified_head(const Store& store) {
  std::vector<Finding> out;
  const GitRepo& git = store.git();
  git_repository* repo = git.raw();
  auto head = git.head();
  if (!head) return out;
  const std::string file = shown_state_path("verified-head");

  RecordedHead recorded = read_verified_head(git);
  if (recorded.present && !recorded.id) {
    out.push_back(error("verified-head", fmt::format("the recorded verified head is not a commit id ({})", file)));
  } else if (recorded.id) {
    git_odb* odb_raw = nullptr;
    bool exists = git_repository_odb(&odb_raw, repo) == 0 && git_odb_exists(odb_raw, &*recorded.id);
    git::Odb odb(odb_raw);
    if (!exists) {
      out.push_back(error("verified-head",
                          fmt::format("history rewritten: the last verified head {} is no longer in the repository "
                                      "({})",
                                      git::object_id(*recorded.id).hex(), file)));
    } else if (!in_history_of(repo, *recorded.id, *head)) {
      git_oid base;
      std::string where = git_merge_base(&base, repo, &*recorded.id, &*head) == 0
                              ? fmt::format("; the histories part after commit {}", short_hex(base))
                              : "";
      out.push_back(error("verified-head",
                          fmt::format("history rewritten: HEAD's history no longer contains the last verified "
                                      "head {}{} ({})",
                                      git::object_id(*recorded.id).hex(), where, file)));
    }
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
  git_reference* up_raw = nullptr;
  if (git_branch_upstream(&up_raw, head_ref.get()) == 0) {
    git::Reference up(up_raw);
    tracking.insert(git_reference_name(up.get()));
  }
  // The remotes, from `remote.<name>.url` in the configuration. (Not
  // git_remote_list: libgit2 1.5's regex matching behind it leaks memory.)
  std::set<std::string> remotes;
  git_config* cfg_raw = nullptr;
  if (branch && git_repository_config_snapshot(&cfg_raw, repo) == 0) {
    git::Config cfg(cfg_raw);
    git_config_iterator* it_raw = nullptr;
    if (git_config_iterator_new(&it_raw, cfg.get()) == 0) {
      git::ConfigIterator it(it_raw);
      git_config_entry* entry = nullptr;
      while (git_config_next(&entry, it.get()) == 0) {
        std::string_view key = entry->name;
        if (key.starts_with("remote.") && key.ends_with(".url") && key.size() > 11)
          remotes.emplace(key.substr(7, key.size() - 11));
      }
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
    if (in_history_of(repo, up, *head) || in_history_of(repo, *head, up)) continue;
    size_t ahead = 0, behind = 0;
    git_graph_ahead_behind(&ahead, &behind, repo, &*head, &up);
    std::string shown = name.substr(std::string("refs/remotes/").size());
    out.push_back(error("verified-head",
                        fmt::format("history diverged from {}: it has {} commit{} that HEAD's history does not "
                                    "contain, and HEAD has {} that it lacks (a rewritten history, or work not yet "
                                    "merged) ({})",
                                    shown, behind, behind == 1 ? "" : "s", ahead, name)));
  }
  return out;
}

}  // namespace prevent

#include "history_check.hpp"

#include <fmt/format.h>

#include <set>
#include <string>
#include <unordered_set>

#include "git_handles.hpp"
#include "history.hpp"
#include "verified_head.hpp"

namespace prevent {

namespace {

std::string hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}
std::string short_hex(const git_oid& id) { return hex(id).substr(0, 12); }

Finding error(const char* check, std::string message) {
  return {Finding::Level::error, Exit::store, check, std::move(message)};
}

// Reads every object once, checking it against its id.
class ObjectWalk {
 public:
  ObjectWalk(git_repository* repo, std::vector<Finding>& out) : repo_(repo), out_(out) {
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, repo) == 0) odb_.reset(odb);
  }

  bool ok() const { return odb_ != nullptr; }
  bool full() const { return damaged_ >= kMaxReported; }

  // False when the object is damaged (reported).
  bool read(const git_oid& id, const std::string& where) {
    if (!seen_.insert(std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ)).second) return true;
    git_odb_object* raw = nullptr;
    if (git_odb_read(&raw, odb_.get(), &id) < 0) {
      if (damaged_++ < kMaxReported)
        out_.push_back(error("repository", fmt::format("object {} cannot be read: {} ({})", hex(id),
                                                       git_error_text(), where)));
      return false;
    }
    git::OdbObject obj(raw);
    return true;
  }

  void tree(const git_oid& id, const std::string& where) {
    if (seen_.contains(std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ))) return;
    if (!read(id, where)) return;
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo_, &id) < 0) return;
    git::Tree t(raw);
    for (size_t i = 0, n = git_tree_entrycount(t.get()); i < n && !full(); ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(t.get(), i);
      if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
        tree(*git_tree_entry_id(e), where);
      else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
        read(*git_tree_entry_id(e), where);
    }
  }

 private:
  static constexpr int kMaxReported = 20;
  git_repository* repo_;
  std::vector<Finding>& out_;
  git::Odb odb_;
  std::unordered_set<std::string> seen_;
  int damaged_ = 0;
};

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
  git_repository* repo = store.git().raw();
  ObjectWalk objects(repo, out);
  if (!objects.ok()) {
    out.push_back(error("repository", fmt::format("cannot open the object database: {} (.git)", git_error_text())));
    return out;
  }
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo) < 0 || git_revwalk_push_head(raw) < 0) {
    if (raw) git_revwalk_free(raw);
    out.push_back(error("repository", fmt::format("cannot read HEAD: {} (.git)", git_error_text())));
    return out;
  }
  git::Revwalk walk(raw);
  git_oid id;
  int rc = 0;
  while (!objects.full() && (rc = git_revwalk_next(&id, walk.get())) == 0) {
    std::string where = fmt::format("commit {}", short_hex(id));
    if (!objects.read(id, where)) continue;
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo, &id) < 0) continue;
    git::Commit commit(c);
    objects.tree(*git_commit_tree_id(c), where);
  }
  if (rc < 0 && rc != GIT_ITEROVER)
    out.push_back(error("repository",
                        fmt::format("the history cannot be walked: {} (.git)", git_error_text())));
  return out;
}

std::vector<Finding> check_history(const Store& store, HistoryChecks which) {
  std::vector<Finding> out;
  git_repository* repo = store.git().raw();
  try {
    walk_history(store.git(), [&](const HistoryStep& s) {
      const CommitMeta& m = s.meta;
      std::vector<PathChange> changes = changed_records(repo, s.parent_tree, s.tree);
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
  const std::string file = ".git/prevent/verified-head";

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
                                      hex(*recorded.id), file)));
    } else if (!in_history_of(repo, *recorded.id, *head)) {
      git_oid base;
      std::string where = git_merge_base(&base, repo, &*recorded.id, &*head) == 0
                              ? fmt::format("; the histories part after commit {}", short_hex(base))
                              : "";
      out.push_back(error("verified-head",
                          fmt::format("history rewritten: HEAD's history no longer contains the last verified "
                                      "head {}{} ({})",
                                      hex(*recorded.id), where, file)));
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
  git_config* cfg = nullptr;
  if (branch && git_repository_config_snapshot(&cfg, repo) == 0) {
    git_config_iterator* it = nullptr;
    if (git_config_iterator_new(&it, cfg) == 0) {
      git_config_entry* entry = nullptr;
      while (git_config_next(&entry, it) == 0) {
        std::string_view key = entry->name;
        if (key.starts_with("remote.") && key.ends_with(".url") && key.size() > 11)
          remotes.emplace(key.substr(7, key.size() - 11));
      }
      git_config_iterator_free(it);
    }
    git_config_free(cfg);
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

// The walk of the history behind history.hpp, for the audit layer: the
// first-parent chain from HEAD, oldest first (and the commits each merge
// brought in), and what each commit changed
// under cases/ and panels/, compared by subtree ids before descending.
#pragma once

#include <git2.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "git_handles.hpp"
#include "git_repo.hpp"
#include "history.hpp"

namespace prevent {

// A file under cases/ or panels/ that differs between a commit and its
// parent; `before`/`after` are nullopt when it did not exist.
struct PathChange {
  std::string path;
  std::optional<git_oid> before;
  std::optional<git_oid> after;
};

// One commit of the first-parent chain, for a walker.
struct HistoryStep {
  const CommitMeta& meta;
  git_commit* commit;
  git_tree* tree;
  git_tree* parent_tree;  // nullptr for the first commit
  std::optional<std::int64_t> parent_commit_time;
};

// Calls `fn` for every commit of HEAD's first-parent chain, oldest first.
// Failure(store) when a commit or tree cannot be read.
void walk_history(const GitRepo& git, const std::function<void(const HistoryStep&)>& fn);

// Calls `fn` for every commit a merge brought in: reachable from its other
// parents and not from its first, merges among them included, oldest
// first (each after its parents); each step's parent is the commit's own
// first parent. Failure(store) when one cannot be read.
void walk_merged_history(const GitRepo& git, git_commit* merge, const std::function<void(const HistoryStep&)>& fn);

// The directories read for one comparison, kept for the next one of a walk:
// there, this commit's tree is the next one's parent's, and a year's
// directory (thousands of entries, too big for libgit2's object cache) need
// not be read a second time.
class SubtreeMemo {
 public:
  // A directory read in the step before, or for this one; null when not.
  git_tree* find(const git_oid& id) const;
  void keep(git_tree* tree);  // a reference of its own
  void next_step();           // what the step before read is dropped

 private:
  std::vector<git::Tree> before_, now_;
};

// The files under cases/ and panels/ that differ between two trees (either
// may be null), comparing subtree ids before descending; `memo`, when
// given, is asked for directories before they are read.
std::vector<PathChange> changed_records(git_repository* repo, git_tree* before, git_tree* after,
                                        SubtreeMemo* memo = nullptr);
// The top-level entries other than cases/ and panels/ that differ.
std::vector<std::string> changed_other_paths(git_tree* before, git_tree* after);

}  // namespace prevent

// The store's history as the audit trail (SPEC §8): which commits changed
// which records, and how, field by field. `prevent log` renders it; the
// history checks of `prevent check` walk it.
//
// History is the first-parent chain from HEAD, oldest first: the order in
// which the program made its commits. A merge is seen as one commit bringing
// its changes into the chain.
//
// Cost: a commit is compared with its parent by the ids of the `cases` and
// `panels` subtrees first, then of each year's subtree, then of each file,
// so a commit that changed one file costs one directory comparison, never a
// whole-tree diff; `case_history` looks up the one path per commit.
#pragma once

#include <git2.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "case_id.hpp"
#include "date.hpp"
#include "git_handles.hpp"
#include "record_diff.hpp"
#include "store.hpp"

namespace prevent {

struct CommitMeta {
  git_oid id{};
  std::string author_name;
  std::string author_email;
  std::int64_t author_time = 0;  // seconds since the epoch
  int author_offset = 0;         // minutes east of UTC
  std::int64_t commit_time = 0;  // the committer's time
  std::optional<std::string> action;  // the Prevent-Action trailer

  bool hand_edit() const { return !action.has_value(); }
  // The author's calendar day in the author's own time zone.
  Date author_date() const;
  // `2026-11-27T10:02:03+00:00`
  std::string iso_time() const;
  // `2026-11-27 10:02:03 +00:00`
  std::string display_time() const;
  std::string short_id() const;  // 12 hex digits
  std::string hex_id() const;
};

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

// What one commit did to one record.
struct RecordLog {
  enum class Kind { case_file, meeting };
  Kind kind = Kind::case_file;
  std::string key;   // the case ID, or the meeting's date
  std::string path;  // cases/YYYY/ID.yaml or panels/DATE.yaml
  std::vector<FieldChange> changes;
};

struct LogEntry {
  CommitMeta commit;
  std::vector<RecordLog> records;
  std::vector<std::string> other_paths;  // e.g. prevent.yaml, schemas
};

struct LogFilter {
  std::optional<Date> since, until;  // inclusive, by the author's date
  std::string author;                // substring of name or e-mail, any case
  std::string action;                // a Prevent-Action value, or "hand-edit"
};

// `prevent log ID`: every commit (that passes the filter) that changed the
// case's file, or a panel meeting file whose new version names the case.
// Failure(not_found) when no commit ever had the case's file.
std::vector<LogEntry> case_history(const Store& store, const CaseId& id, const LogFilter& filter,
                                   ShowPersonal show);

bool passes(const LogFilter& filter, const CommitMeta& commit);

// `prevent log`: every commit of the chain that passes the filter.
std::vector<LogEntry> store_history(const Store& store, const LogFilter& filter, ShowPersonal show);

// The Prevent-Action values of SPEC §8 and "hand-edit", for --action.
const std::vector<std::string>& log_actions();

}  // namespace prevent

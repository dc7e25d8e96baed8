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
// whole-tree diff; `case_history` looks up the one path per commit. (The
// walk itself: history_walk.hpp, store-internal.)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "case_id.hpp"
#include "date.hpp"
#include "object_id.hpp"
#include "record_diff.hpp"
#include "store.hpp"

namespace prevent {

struct CommitMeta {
  ObjectId id;
  std::string author_name;
  std::string author_email;
  std::int64_t author_time = 0;  // seconds since the epoch
  int author_offset = 0;         // minutes east of UTC
  std::int64_t commit_time = 0;  // the committer's time
  int commit_offset = 0;         // minutes east of UTC
  // Anyone sets the author and its date (GIT_AUTHOR_DATE); the committer's
  // are those of whoever made the commit object.
  std::string committer_name;
  std::string committer_email;
  unsigned parents = 0;
  std::optional<std::string> action;  // the Prevent-Action trailer
  std::vector<std::string> cases;     // the Prevent-Case trailers
  std::optional<std::string> case_count;  // the Prevent-Case-Count trailer (imports over 20 cases)

  bool hand_edit() const { return !action.has_value(); }
  bool merge() const { return parents > 1; }
  // The author's calendar day in the author's own time zone.
  Date author_date() const;
  // `2026-11-27T10:02:03+00:00`
  std::string iso_time() const;
  // `2026-11-27 10:02:03 +00:00`
  std::string display_time() const;
  // The same, of the commit date (the committer's).
  std::string commit_iso_time() const;
  std::string commit_display_time() const;
  // The author's date and the commit date more than a day apart: the
  // author's date was set by hand, or the commit rewritten later.
  bool author_date_differs() const;
  std::string short_id() const;  // 12 hex digits
  std::string hex_id() const;
};

// What one commit did to one record.
struct RecordLog {
  enum class Kind { case_file, meeting, config };
  Kind kind = Kind::case_file;
  std::string key;   // the case ID, the meeting's date, or prevent.yaml
  std::string path;  // cases/YYYY/ID.yaml, panels/DATE.yaml or prevent.yaml
  std::vector<FieldChange> changes;
};

// A commit's signature as `prevent log` shows it (docs/signing.md).
struct SignatureCheck {
  enum class State { none, good, bad, unverified };
  State state = State::none;
  std::string problem;  // one line, no personal data; empty when good
};

struct LogEntry {
  CommitMeta commit;
  std::vector<RecordLog> records;        // prevent.yaml's settings too (Kind::config)
  std::vector<std::string> other_paths;  // e.g. prevent.yaml, schemas
  SignatureCheck signature;
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

// The case → commits index behind `prevent log ID`: one file per year
// directory of cases, .git/prevent/log-v1/cases-YYYY (docs/store.md).
//
// For every file under cases/YYYY/ a year's file lists the commits of
// HEAD's first-parent chain that changed it, and for every "YYYY-N" of that
// year that a panel meeting file could name (the tail of a case ID) the
// commits that changed such a meeting. `log ID` then reads only the
// commits it names, instead of walking the whole history. A year's file is
// built the first time one of its cases is logged, by one walk that reads
// the year's directory only when its id changes (as `git log -- PATH`).
//
// It is derived, never a source of truth:
// - it names commits only; the log is still computed from those commits'
//   trees, exactly as a walk of the whole history would, and a commit named
//   wrongly (a meeting that does not name the case after all) adds nothing;
// - it is stamped with the head it was built for; when HEAD has moved on
//   (that head is on HEAD's first-parent chain) only the new commits are
//   read; otherwise (history rewritten), or when anything in the file is
//   off (first line, lengths, positions, checksums), it is rebuilt;
// - it holds commit ids, paths under cases/ (IDs only) and "YYYY-N"
//   numbers: no personal data.
//
// A file is a first line naming its year's directory and a chain of
// segments, each bringing the index from one head to the next; a segment
// carries the tag (a keyed MAC, side_file.hpp) of the one before it and of
// itself. A write by prevent
// appends one segment for its commit to each file whose head is that
// commit's parent; a `log ID` that extends or rebuilds a file rewrites it
// through a temporary file and a rename, as one segment when there are many.
#pragma once

#include <git2.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "git_repo.hpp"

namespace prevent {

struct LogIndexSegment {
  std::optional<git_oid> parent;  // the head it extends; nullopt: from the first commit
  git_oid head{};                 // the head it brings the index to
  std::vector<git_oid> commits;   // the commits it names, oldest first
  // key → positions in `commits`, ascending. Keys: "f" + a path under
  // cases/ ("fcases/2026/PRV-2026-0001.yaml"), "m" + "YYYY-N" ("m2026-0001").
  std::vector<std::pair<std::string, std::vector<std::uint32_t>>> keys;
};

// The bytes of the file of `scope` ("cases/2026") for `segments` (each
// one's parent must be the previous one's head, the first one's nullopt).
std::string encode_log_index(std::string_view scope, const std::vector<LogIndexSegment>& segments);
// The bytes of one more segment to append to a file whose last segment has
// checksum `previous_sum`.
std::string encode_log_segment(const LogIndexSegment& segment, const git_oid& previous_sum);
// nullopt when `bytes` are not a well-formed, unbroken index of `scope`.
std::optional<std::vector<LogIndexSegment>> decode_log_index(std::string_view scope, std::string_view bytes);

// The keys of the index.
std::string log_index_file_key(std::string_view path);
std::string log_index_mention_key(std::string_view case_id);  // "PRV-2026-0001" → "m2026-0001"
// Every mention key a meeting's text could satisfy: each "-YYYY-N…" in it
// (four digits, a hyphen, and all the digits that follow). A case ID named
// in the text always gives its key; other matches only cost a look.
std::vector<std::string> log_index_mention_keys(std::string_view text);

// The commits of HEAD's first-parent chain, oldest first, that changed the
// file at `path` or a meeting that may name `case_id`; a superset of those
// whose log entry is not empty. Brings the index up to date first (and
// saves it when it can: a store it cannot write to is only slower).
// Failure(store) when the history cannot be read.
std::vector<git_oid> log_index_commits(const GitRepo& git, const std::string& path, std::string_view case_id);

// After a write by prevent: appends `commit` to the index when the index
// exists and its head is the commit's first parent. Never fails: an index
// left behind is brought up to date by the next `log ID`.
void log_index_after_commit(const GitRepo& git, const git_oid& commit) noexcept;

// Where the index lives (a directory), and the file of one year's
// directory of cases ("cases/2026" → .git/prevent/log-v1/cases-2026).
std::string log_index_dir(const GitRepo& git);
std::string log_index_path(const GitRepo& git, std::string_view scope);

}  // namespace prevent

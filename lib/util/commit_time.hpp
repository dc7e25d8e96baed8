// The time of a commit as git reads it from GIT_AUTHOR_DATE and
// GIT_COMMITTER_DATE, so that `prevent` dates its commits as git would when
// they are set (an import of old records, the example store's history).
//
// A subset of git's forms (git's own parser also takes RFC 2822 and more):
//   @SECONDS [±HHMM]        seconds since the epoch, optionally with a zone
//   SECONDS ±HHMM           git's raw form (as `git cat-file commit` shows)
//   YYYY-MM-DD[T| ]HH:MM[:SS][ ][Z|±HH[:]MM]
//                           ISO 8601; without a zone, the local one
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "date.hpp"

namespace prevent {

struct CommitTime {
  std::int64_t seconds = 0;  // since the epoch
  int offset_minutes = 0;    // east of UTC
};

std::optional<CommitTime> parse_commit_time(std::string_view text);

// The calendar day of a commit time in its own zone (as `git log` shows it).
Date local_day(const CommitTime& t);

}  // namespace prevent

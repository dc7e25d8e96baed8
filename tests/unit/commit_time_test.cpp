// The commit time prevent reads from GIT_AUTHOR_DATE / GIT_COMMITTER_DATE,
// in the forms git reads (docs/store.md, "Author, committer and date").
#include <doctest/doctest.h>

#include <string>

#include "commit_time.hpp"

using prevent::parse_commit_time;

namespace {

std::string show(std::string_view text) {
  auto t = parse_commit_time(text);
  return t ? std::to_string(t->seconds) + " " + std::to_string(t->offset_minutes) : std::string("(none)");
}

}  // namespace

TEST_CASE("a commit time is read in git's raw form and as @seconds") {
  CHECK(show("1795770000 +0000") == "1795770000 0");
  CHECK(show("1795770000 +0100") == "1795770000 60");
  CHECK(show("1795770000 -0530") == "1795770000 -330");
  CHECK(show("@1795770000 +0000") == "1795770000 0");
  CHECK(show("@0 +0000") == "0 0");
}

TEST_CASE("a commit time is read in ISO 8601 with its zone") {
  // 2025-01-06 09:14:00 UTC = 1736154840
  CHECK(show("2025-01-06T09:14:00+00:00") == "1736154840 0");
  CHECK(show("2025-01-06T09:14:00Z") == "1736154840 0");
  CHECK(show("2025-01-06 09:14:00 +0000") == "1736154840 0");
  CHECK(show("2025-01-06T09:14+00:00") == "1736154840 0");
  // Summer time: 10:14 at +01:00 is 09:14 UTC.
  CHECK(show("2025-07-06T10:14:00+01:00") == std::to_string(1736154840 + 181 * 86400) + " 60");
  CHECK(show("2025-01-06T04:14:00-05:00") == "1736154840 -300");
}

TEST_CASE("a commit time without a zone is the local time") {
  auto t = parse_commit_time("2025-01-06T09:14:00");
  REQUIRE(t);
  CHECK(t->seconds + t->offset_minutes * 60 == 1736154840);
}

TEST_CASE("a commit time prevent cannot read is refused, not guessed") {
  for (const char* bad : {"", "yesterday", "1795770000", "@", "@abc", "1795770000 0000", "1795770000 +000",
                          "2025-01-06", "2025-01-06T9:14:00Z", "2025-01-06T24:00:00Z", "2025-01-06T09:60:00Z",
                          "2025-02-30T09:14:00Z", "2025-01-06T09:14:00+25:00", "2025-01-06T09:14:00Q",
                          "2025-01-06T09:14:00+00:00x", "Mon, 6 Jan 2025 09:14:00 +0000", "@99999999999999 +0000"}) {
    CAPTURE(bad);
    CHECK(show(bad) == "(none)");
  }
}

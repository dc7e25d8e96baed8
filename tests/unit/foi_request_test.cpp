// FOI requests (docs/foi.md): the statutory deadline of FOI Act 2000
// s.10(1), the record's file and its canonical form.
#include <doctest/doctest.h>

#include <string>

#include "calendar.hpp"
#include "failure.hpp"
#include "foi_list.hpp"
#include "foi_request.hpp"

using prevent::Date;
using prevent::FoiRequest;
using prevent::HolidayCalendar;

namespace {

Date d(const char* s) { return *Date::parse(s); }

std::string due(const char* received, const HolidayCalendar& cal = {}) {
  return prevent::foi_due_date(d(received), cal).str();
}

}  // namespace

TEST_CASE("an FOI answer is due on the twentieth working day following receipt") {
  // Monday 2 November 2026: day 1 is Tuesday 3, four weekends later day 20
  // is Monday 30 November.
  CHECK(due("2026-11-02") == "2026-11-30");
  // Friday 6 November: day 1 is Monday 9.
  CHECK(due("2026-11-06") == "2026-12-04");
}

TEST_CASE("a request received on a day off counts from the next working day") {
  // Saturday 7 and Sunday 8 November 2026: day 1 is Monday 9, as for a
  // request received on Friday 6.
  CHECK(due("2026-11-07") == "2026-12-04");
  CHECK(due("2026-11-08") == "2026-12-04");
}

TEST_CASE("bank holidays are not working days for the FOI deadline") {
  // Thursday 10 December 2026: Christmas Day (Friday 25), the Boxing Day
  // substitute (Monday 28) and New Year's Day (Friday 1 January) are
  // skipped: due Tuesday 12 January 2027, not Thursday 7.
  CHECK(due("2026-12-10") == "2027-01-12");
  // Friday 14 August 2026: the summer bank holiday, Monday 31 August.
  CHECK(due("2026-08-14") == "2026-09-14");
}

TEST_CASE("a store's own days off move the FOI deadline too") {
  HolidayCalendar cal({}, {d("2026-11-16")}, {});
  CHECK(due("2026-11-02", cal) == "2026-12-01");
  // A bank holiday the store works on (`calendar.removed`) is a working day.
  HolidayCalendar working_christmas({}, {}, {d("2026-12-25")});
  CHECK(due("2026-12-10", working_christmas) == "2027-01-11");
}

TEST_CASE("an FOI request file is named by its number, never by its reference") {
  CHECK(prevent::foi_request_path(7) == "foi/0007.yaml");
  CHECK(prevent::foi_request_number("0007.yaml") == 7);
  CHECK_FALSE(prevent::foi_request_number("0000.yaml"));
  CHECK_FALSE(prevent::foi_request_number("FOI-1.yaml"));
  CHECK_FALSE(prevent::foi_request_number("0007.yml"));
}

TEST_CASE("an FOI request reads back as it was written, canonically") {
  FoiRequest r{"FOI/2026/0117", d("2026-11-02"), d("2026-11-30"), "2026-Q3",
               prevent::FoiClosure{d("2026-11-20"), prevent::FoiCloseReason::answered_elsewhere}};
  const std::string text = prevent::write_foi_request(r);
  CHECK(text ==
        "# yaml-language-server: $schema=../schemas/foi.schema.json\n"
        "request: FOI/2026/0117\nreceived: 2026-11-02\ndue: 2026-11-30\nperiod: \"2026-Q3\"\n"
        "closed:\n  date: 2026-11-20\n  reason: answered-elsewhere\n");
  FoiRequest back = prevent::read_foi_request(text, "foi/0001.yaml");
  CHECK(prevent::write_foi_request(back) == text);
}

TEST_CASE("an FOI request file has no room for a requester's name") {
  std::string text = "request: FOI-1\nreceived: 2026-11-02\ndue: 2026-11-30\nrequester: Zorvan Quillet\n";
  CHECK_THROWS_AS(prevent::read_foi_request(text, "foi/0001.yaml"), prevent::Failure);
  std::string spaced = "request: Zorvan Quillet\nreceived: 2026-11-02\ndue: 2026-11-30\n";
  CHECK_THROWS_AS(prevent::read_foi_request(spaced, "foi/0001.yaml"), prevent::Failure);
  std::string early = "request: FOI-1\nreceived: 2026-11-02\ndue: 2026-11-02\n";
  CHECK_THROWS_AS(prevent::read_foi_request(early, "foi/0001.yaml"), prevent::Failure);
}

TEST_CASE("a request is answered when a release names it, and late by the first answer's date") {
  std::vector<FoiRequest> requests = {
      {"FOI-1", d("2026-11-02"), d("2026-11-30"), std::nullopt, std::nullopt},
      {"FOI-2", d("2026-11-02"), d("2026-11-30"), std::nullopt,
       prevent::FoiClosure{d("2026-11-10"), prevent::FoiCloseReason::withdrawn}},
      {"FOI-3", d("2026-11-03"), d("2026-12-01"), std::nullopt, std::nullopt}};
  std::vector<prevent::Release> releases(2);
  releases[0].number = 1;
  releases[0].request = "FOI-1";
  releases[0].as_of = d("2026-12-02");
  releases[1].number = 2;
  releases[1].request = "OTHER";
  releases[1].as_of = d("2026-12-02");
  auto rows = prevent::foi_list(requests, releases, d("2026-12-03"));
  REQUIRE(rows.size() == 3u);
  CHECK(rows[0].status == prevent::FoiStatus::answered);
  CHECK(rows[0].releases == std::vector<int>{1});
  CHECK(rows[0].days_overdue == 2);
  CHECK(rows[1].status == prevent::FoiStatus::closed);
  CHECK(rows[1].days_overdue == -20);
  CHECK(rows[2].status == prevent::FoiStatus::open);
  CHECK(rows[2].days_overdue == 2);
  auto due = prevent::foi_due_rows(rows, d("2026-11-30"), 0);
  CHECK(due.empty());
  due = prevent::foi_due_rows(rows, d("2026-11-30"), 1);
  REQUIRE(due.size() == 1u);
  CHECK(due[0].reference == "FOI-3");
  CHECK(due[0].days_overdue == -1);
}

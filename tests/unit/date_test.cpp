// Date: strict ISO parsing, calendar arithmetic, ages, durations and periods
// (SPEC §2.2 dates, §4 rules 5 and 8, §6 `--within` and `--period`).
#include <doctest/doctest.h>

#include <limits>
#include <string>

#include "date.hpp"

using prevent::Date;

namespace {

std::string iso(const std::optional<Date>& d) { return d ? d->str() : std::string("(none)"); }

Date ymd(int y, unsigned m, unsigned d) { return Date::from_ymd(y, m, d); }

}  // namespace

TEST_CASE("a date is read only in the strict form YYYY-MM-DD") {
  CHECK(iso(Date::parse("2026-11-03")) == "2026-11-03");
  CHECK(iso(Date::parse("1900-01-01")) == "1900-01-01");
  CHECK(iso(Date::parse("2999-12-31")) == "2999-12-31");

  CHECK_FALSE(Date::parse("2026-2-3"));
  CHECK_FALSE(Date::parse("2026-02-3"));
  CHECK_FALSE(Date::parse("26-02-03"));
  CHECK_FALSE(Date::parse("2026/02/03"));
  CHECK_FALSE(Date::parse("03-02-2026"));
  CHECK_FALSE(Date::parse("20260203"));
  CHECK_FALSE(Date::parse(""));
  CHECK_FALSE(Date::parse("2026-02-03x"));
  CHECK_FALSE(Date::parse("2026-02-03 "));
  CHECK_FALSE(Date::parse(" 2026-02-03"));
  CHECK_FALSE(Date::parse("2026-02-03\n"));
  CHECK_FALSE(Date::parse("2026-02-03T00:00"));
  CHECK_FALSE(Date::parse("+026-02-03"));
  CHECK_FALSE(Date::parse("2026-+2-03"));
  CHECK_FALSE(Date::parse("2026-0a-03"));
}

TEST_CASE("a date that is not a real calendar day is refused") {
  CHECK_FALSE(Date::parse("2026-02-30"));
  CHECK_FALSE(Date::parse("2026-02-29"));  // 2026 is not a leap year
  CHECK_FALSE(Date::parse("2100-02-29"));  // century, not a leap year
  CHECK_FALSE(Date::parse("2026-04-31"));
  CHECK_FALSE(Date::parse("2026-13-01"));
  CHECK_FALSE(Date::parse("2026-00-10"));
  CHECK_FALSE(Date::parse("2026-01-00"));
  CHECK_FALSE(Date::parse("2026-01-32"));
}

TEST_CASE("29 February is a real day in a leap year") {
  CHECK(iso(Date::parse("2024-02-29")) == "2024-02-29");
  CHECK(iso(Date::parse("2028-02-29")) == "2028-02-29");
  CHECK(iso(Date::parse("2000-02-29")) == "2000-02-29");
  CHECK(prevent::is_leap_year(2024));
  CHECK(prevent::is_leap_year(2000));
  CHECK_FALSE(prevent::is_leap_year(1900));
  CHECK_FALSE(prevent::is_leap_year(2026));
  CHECK(prevent::days_in_month(2024, 2) == 29);
  CHECK(prevent::days_in_month(2026, 2) == 28);
  CHECK(prevent::days_in_month(2026, 4) == 30);
  CHECK(prevent::days_in_month(2026, 12) == 31);
}

TEST_CASE("years outside 1900 to 2999 are refused") {
  CHECK_FALSE(Date::parse("1899-12-31"));
  CHECK_FALSE(Date::parse("3000-01-01"));
  CHECK_FALSE(Date::parse("0000-01-01"));
}

TEST_CASE("a date written out reads back as the same date, every day of five years") {
  for (Date d = ymd(2024, 1, 1); d <= ymd(2028, 12, 31); d = d.add_days(1)) {
    auto back = Date::parse(d.str());
    REQUIRE(back);
    CHECK(*back == d);
  }
  Date d = ymd(2026, 11, 3);
  CHECK(d.year() == 2026);
  CHECK(d.month() == 11u);
  CHECK(d.day() == 3u);
  CHECK(d.str() == "2026-11-03");
  CHECK(ymd(2026, 1, 5).str() == "2026-01-05");
}

TEST_CASE("dates compare and subtract as days") {
  CHECK(ymd(2026, 3, 1) - ymd(2026, 2, 1) == 28);
  CHECK(ymd(2024, 3, 1) - ymd(2024, 2, 1) == 29);
  CHECK(ymd(2027, 1, 1) - ymd(2026, 1, 1) == 365);
  CHECK(ymd(2026, 1, 1) < ymd(2026, 1, 2));
  CHECK(ymd(2026, 12, 31).add_days(1).str() == "2027-01-01");
  CHECK(ymd(2026, 3, 1).add_days(-1).str() == "2026-02-28");
  CHECK(Date::from_days(0).str() == "1970-01-01");
}

TEST_CASE("weekday counts Monday as 0 and Sunday as 6") {
  CHECK(Date::from_days(0).weekday() == 3);     // 1970-01-01 was a Thursday
  CHECK(ymd(2026, 1, 5).weekday() == 0);        // Monday
  CHECK(ymd(2026, 11, 3).weekday() == 1);       // Tuesday
  CHECK(ymd(2026, 4, 2).weekday() == 3);        // Thursday
  CHECK(ymd(2026, 11, 6).weekday() == 4);       // Friday
  CHECK(ymd(2026, 11, 7).weekday() == 5);       // Saturday
  CHECK(ymd(2026, 11, 8).weekday() == 6);       // Sunday
  CHECK(ymd(1969, 12, 31).weekday() == 2);      // before the epoch: Wednesday
}

TEST_CASE("31 January plus one month is the last day of February") {
  CHECK(ymd(2026, 1, 31).add_months(1).str() == "2026-02-28");
  CHECK(ymd(2028, 1, 31).add_months(1).str() == "2028-02-29");
  CHECK(ymd(2026, 1, 30).add_months(1).str() == "2026-02-28");
  CHECK(ymd(2026, 1, 28).add_months(1).str() == "2026-02-28");
}

TEST_CASE("31 August plus six months is the end of February") {
  CHECK(ymd(2026, 8, 31).add_months(6).str() == "2027-02-28");
  CHECK(ymd(2027, 8, 31).add_months(6).str() == "2028-02-29");
  CHECK(ymd(2026, 8, 31).add_months(12).str() == "2027-08-31");
  CHECK(ymd(2026, 3, 31).add_months(6).str() == "2026-09-30");
}

TEST_CASE("adding months crosses year ends and can go backwards") {
  CHECK(ymd(2026, 12, 15).add_months(1).str() == "2027-01-15");
  CHECK(ymd(2026, 11, 30).add_months(3).str() == "2027-02-28");
  CHECK(ymd(2026, 6, 10).add_months(24).str() == "2028-06-10");
  CHECK(ymd(2026, 3, 31).add_months(-1).str() == "2026-02-28");
  CHECK(ymd(2026, 1, 15).add_months(-1).str() == "2025-12-15");
  CHECK(ymd(2026, 5, 17).add_months(0).str() == "2026-05-17");
}

TEST_CASE("a birthday counts on the day itself") {
  Date birth = ymd(2008, 5, 17);
  CHECK(prevent::age_on(birth, ymd(2026, 5, 17)) == 18);
  CHECK(prevent::age_on(birth, ymd(2026, 5, 16)) == 17);
  CHECK(prevent::age_on(birth, ymd(2026, 4, 30)) == 17);
  CHECK(prevent::age_on(birth, ymd(2026, 6, 1)) == 18);
  CHECK(prevent::age_on(birth, ymd(2026, 12, 31)) == 18);
  CHECK(prevent::age_on(birth, birth) == 0);
  CHECK(prevent::age_on(birth, ymd(2009, 5, 16)) == 0);
  CHECK(prevent::age_on(birth, ymd(2009, 5, 17)) == 1);
}

TEST_CASE("a person born on 29 February is a year older by 1 March") {
  Date birth = ymd(2008, 2, 29);
  CHECK(prevent::age_on(birth, ymd(2026, 2, 27)) == 17);
  CHECK(prevent::age_on(birth, ymd(2026, 3, 1)) == 18);
  CHECK(prevent::age_on(birth, ymd(2028, 2, 29)) == 20);
}

TEST_CASE("durations are a number of days or weeks") {
  CHECK(prevent::parse_duration_days("7d") == 7);
  CHECK(prevent::parse_duration_days("1d") == 1);
  CHECK(prevent::parse_duration_days("0d") == 0);
  CHECK(prevent::parse_duration_days("30d") == 30);
  CHECK(prevent::parse_duration_days("2w") == 14);
  CHECK(prevent::parse_duration_days("52w") == 364);
}

TEST_CASE("a malformed duration is refused") {
  CHECK_FALSE(prevent::parse_duration_days(""));
  CHECK_FALSE(prevent::parse_duration_days("7"));
  CHECK_FALSE(prevent::parse_duration_days("d"));
  CHECK_FALSE(prevent::parse_duration_days("w"));
  CHECK_FALSE(prevent::parse_duration_days("7x"));
  CHECK_FALSE(prevent::parse_duration_days("7m"));
  CHECK_FALSE(prevent::parse_duration_days("-7d"));
  CHECK_FALSE(prevent::parse_duration_days("+7d"));
  CHECK_FALSE(prevent::parse_duration_days("1.5w"));
  CHECK_FALSE(prevent::parse_duration_days(" 7d"));
  CHECK_FALSE(prevent::parse_duration_days("7d "));
  CHECK_FALSE(prevent::parse_duration_days("7 d"));
  CHECK_FALSE(prevent::parse_duration_days("7dd"));
  CHECK_FALSE(prevent::parse_duration_days("d7"));
  CHECK_FALSE(prevent::parse_duration_days("99999999999d"));
}

TEST_CASE("a month period runs from its first to its last day") {
  auto p = prevent::parse_period("2026-11");
  REQUIRE(p);
  CHECK(p->from.str() == "2026-11-01");
  CHECK(p->to.str() == "2026-11-30");

  auto feb = prevent::parse_period("2024-02");
  REQUIRE(feb);
  CHECK(feb->to.str() == "2024-02-29");
  auto feb26 = prevent::parse_period("2026-02");
  REQUIRE(feb26);
  CHECK(feb26->to.str() == "2026-02-28");
  auto dec = prevent::parse_period("2026-12");
  REQUIRE(dec);
  CHECK(dec->from.str() == "2026-12-01");
  CHECK(dec->to.str() == "2026-12-31");
}

TEST_CASE("a quarter period is a calendar quarter") {
  auto q1 = prevent::parse_period("2026-Q1");
  REQUIRE(q1);
  CHECK(q1->from.str() == "2026-01-01");
  CHECK(q1->to.str() == "2026-03-31");
  auto q2 = prevent::parse_period("2026-Q2");
  REQUIRE(q2);
  CHECK(q2->from.str() == "2026-04-01");
  CHECK(q2->to.str() == "2026-06-30");
  auto q3 = prevent::parse_period("2026-Q3");
  REQUIRE(q3);
  CHECK(q3->from.str() == "2026-07-01");
  CHECK(q3->to.str() == "2026-09-30");
  auto q4 = prevent::parse_period("2026-Q4");
  REQUIRE(q4);
  CHECK(q4->from.str() == "2026-10-01");
  CHECK(q4->to.str() == "2026-12-31");
}

TEST_CASE("FY2025 runs from 1 April 2025 to 31 March 2026") {
  auto p = prevent::parse_period("FY2025");
  REQUIRE(p);
  CHECK(p->from.str() == "2025-04-01");
  CHECK(p->to.str() == "2026-03-31");
  auto leap = prevent::parse_period("FY2027");
  REQUIRE(leap);
  CHECK(leap->from.str() == "2027-04-01");
  CHECK(leap->to.str() == "2028-03-31");
}

TEST_CASE("a malformed period is refused") {
  for (const char* bad : {"", "2026", "2026-1", "2026-13", "2026-00", "2026-Q0", "2026-Q5", "2026-Q", "2026-q3",
                          "2026-Q3x", "2026-11-01", "26-11", "FY25", "FY202", "fy2025", "FY2025x", "FY 2025",
                          "FY-2025", "Q3-2026", "2026/11", " 2026-11", "2026-11 ", "1899-12", "3000-01"}) {
    CAPTURE(bad);
    CHECK_FALSE(prevent::parse_period(bad));
  }
}

TEST_CASE("date arithmetic never leaves the years a date may have") {
  CHECK(Date::earliest().str() == "1900-01-01");
  CHECK(Date::latest().str() == "2999-12-31");
  const Date d = ymd(2026, 11, 3);
  CHECK(d.add_days(2'000'000'000).str() == "2999-12-31");
  CHECK(d.add_days(-2'000'000'000).str() == "1900-01-01");
  CHECK(d.add_days(std::numeric_limits<long>::max()).str() == "2999-12-31");
  CHECK(d.add_days(std::numeric_limits<long>::min()).str() == "1900-01-01");
  CHECK(ymd(2999, 12, 30).add_days(28).str() == "2999-12-31");
  CHECK(ymd(2999, 12, 30).add_days(1).str() == "2999-12-31");
  CHECK(ymd(1900, 1, 2).add_days(-1).str() == "1900-01-01");
  // add_months with numbers that once overflowed and read past the table of
  // month lengths.
  CHECK(d.add_months(2'000'000'000).str() == "2999-12-31");
  CHECK(d.add_months(-2'000'000'000).str() == "1900-01-01");
  CHECK(d.add_months(std::numeric_limits<int>::max()).str() == "2999-12-31");
  CHECK(d.add_months(std::numeric_limits<int>::min()).str() == "1900-01-01");
  CHECK(d.add_months(std::numeric_limits<long>::max()).str() == "2999-12-31");
  CHECK(d.add_months(std::numeric_limits<long>::min()).str() == "1900-01-01");
  CHECK(ymd(2999, 8, 31).add_months(4).str() == "2999-12-31");
  CHECK(ymd(2999, 8, 31).add_months(5).str() == "2999-12-31");
  CHECK(ymd(1900, 3, 31).add_months(-2).str() == "1900-01-31");
  CHECK(ymd(1900, 3, 31).add_months(-3).str() == "1900-01-01");
  // The ordinary cases keep working near the ends.
  CHECK(ymd(2999, 1, 31).add_months(1).str() == "2999-02-28");
  CHECK(ymd(1900, 12, 31).add_months(-10).str() == "1900-02-28");  // 1900 was not a leap year
}

TEST_CASE("a month outside 1 to 12 has no days") {
  CHECK(prevent::days_in_month(2026, 0) == 0);
  CHECK(prevent::days_in_month(2026, 13) == 0);
  CHECK(prevent::days_in_month(2026, 4'000'000'000u) == 0);
}

// England and Wales bank holidays and working days (SPEC §4 rule 2, §5
// `holidays`, §6.1 triage due date).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "calendar.hpp"

using prevent::Date;

namespace {

std::vector<std::string> strs(const std::vector<Date>& dates) {
  std::vector<std::string> out;
  for (Date d : dates) out.push_back(d.str());
  return out;
}

Date ymd(int y, unsigned m, unsigned d) { return Date::from_ymd(y, m, d); }

std::set<Date> holidays_of(std::initializer_list<int> years) {
  std::set<Date> out;
  for (int y : years)
    for (Date d : prevent::england_wales_bank_holidays(y)) out.insert(d);
  return out;
}

}  // namespace

TEST_CASE("the 2026 England and Wales bank holidays are the published ones") {
  std::vector<std::string> expected = {"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04",
                                       "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"};
  CHECK(strs(prevent::england_wales_bank_holidays(2026)) == expected);
}

TEST_CASE("the 2027 bank holidays move Christmas and Boxing Day off the weekend") {
  std::vector<std::string> expected = {"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03",
                                       "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"};
  CHECK(strs(prevent::england_wales_bank_holidays(2027)) == expected);
}

TEST_CASE("the 2028 bank holidays move New Year's Day to Monday 3 January") {
  std::vector<std::string> expected = {"2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01",
                                       "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26"};
  CHECK(strs(prevent::england_wales_bank_holidays(2028)) == expected);
}

TEST_CASE("bank holidays never fall on a weekend") {
  for (int y = 2020; y <= 2040; ++y) {
    auto days = prevent::england_wales_bank_holidays(y);
    CAPTURE(y);
    CHECK(days.size() == 8u);
    for (Date d : days) {
      CAPTURE(d.str());
      CHECK(d.weekday() < 5);
    }
  }
}

TEST_CASE("Easter Sunday follows the Gregorian computus") {
  CHECK(prevent::easter_sunday(2024).str() == "2024-03-31");
  CHECK(prevent::easter_sunday(2025).str() == "2025-04-20");
  CHECK(prevent::easter_sunday(2026).str() == "2026-04-05");
  CHECK(prevent::easter_sunday(2027).str() == "2027-03-28");
  CHECK(prevent::easter_sunday(2028).str() == "2028-04-16");
  CHECK(prevent::easter_sunday(2019).str() == "2019-04-21");
  CHECK(prevent::easter_sunday(2038).str() == "2038-04-25");  // the latest possible date
  CHECK(prevent::easter_sunday(2285).str() == "2285-03-22");  // the earliest possible date
  for (int y = 1990; y <= 2100; ++y) CHECK(prevent::easter_sunday(y).weekday() == 6);
}

TEST_CASE("Friday plus one working day is Monday") {
  std::set<Date> none;
  CHECK(prevent::add_working_days(ymd(2026, 11, 6), 1, none).str() == "2026-11-09");
  CHECK(prevent::add_working_days(ymd(2026, 11, 3), 1, none).str() == "2026-11-04");
  CHECK(prevent::add_working_days(ymd(2026, 11, 3), 5, none).str() == "2026-11-10");
  CHECK(prevent::add_working_days(ymd(2026, 11, 3), 0, none).str() == "2026-11-03");
}

TEST_CASE("Saturday plus five working days is the next Friday") {
  std::set<Date> none;
  CHECK(prevent::add_working_days(ymd(2026, 11, 7), 5, none).str() == "2026-11-13");
  CHECK(prevent::add_working_days(ymd(2026, 11, 8), 1, none).str() == "2026-11-09");  // Sunday + 1
  CHECK(prevent::add_working_days(ymd(2026, 11, 7), 1, none).str() == "2026-11-09");  // Saturday + 1
}

TEST_CASE("working days skip the Easter weekend's bank holidays") {
  auto hol = holidays_of({2026});
  // Thursday 2 April 2026: Good Friday, the weekend and Easter Monday are skipped.
  CHECK(prevent::add_working_days(ymd(2026, 4, 2), 1, hol).str() == "2026-04-07");
  CHECK(prevent::add_working_days(ymd(2026, 4, 2), 5, hol).str() == "2026-04-13");
  // Without the holidays the same count lands earlier.
  CHECK(prevent::add_working_days(ymd(2026, 4, 2), 5, {}).str() == "2026-04-09");
}

TEST_CASE("working days over Christmas skip the weekend and three bank holidays") {
  auto hol = holidays_of({2026, 2027});
  // Wednesday 23 December 2026 + 5: Thu 24, [Fri 25, Sat, Sun, Mon 28], Tue 29,
  // Wed 30, Thu 31, [Fri 1 Jan, Sat, Sun], Mon 4 January 2027.
  CHECK(prevent::add_working_days(ymd(2026, 12, 23), 5, hol).str() == "2027-01-04");
}

TEST_CASE("a holiday added by hand is skipped too") {
  std::set<Date> hol = {ymd(2026, 11, 9)};  // a one-off Monday holiday
  CHECK(prevent::add_working_days(ymd(2026, 11, 6), 1, hol).str() == "2026-11-10");
  // A holiday that falls at a weekend changes nothing.
  std::set<Date> weekend = {ymd(2026, 11, 7)};
  CHECK(prevent::add_working_days(ymd(2026, 11, 6), 1, weekend).str() == "2026-11-09");
}

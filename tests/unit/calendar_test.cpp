// England and Wales bank holidays and working days (SPEC §4 rule 2, §5
// `holidays`, §6.1 triage due date).
#include <doctest/doctest.h>

#include <limits>
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


using prevent::HolidayCalendar;

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
  for (int y = 1980; y <= 2100; ++y) {
    auto days = prevent::england_wales_regular_holidays(y);
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
  HolidayCalendar none;
  CHECK(prevent::add_working_days(ymd(2026, 11, 6), 1, none).str() == "2026-11-09");
  CHECK(prevent::add_working_days(ymd(2026, 11, 3), 1, none).str() == "2026-11-04");
  CHECK(prevent::add_working_days(ymd(2026, 11, 3), 5, none).str() == "2026-11-10");
  CHECK(prevent::add_working_days(ymd(2026, 11, 3), 0, none).str() == "2026-11-03");
}

TEST_CASE("Saturday plus five working days is the next Friday") {
  HolidayCalendar none;
  CHECK(prevent::add_working_days(ymd(2026, 11, 7), 5, none).str() == "2026-11-13");
  CHECK(prevent::add_working_days(ymd(2026, 11, 8), 1, none).str() == "2026-11-09");  // Sunday + 1
  CHECK(prevent::add_working_days(ymd(2026, 11, 7), 1, none).str() == "2026-11-09");  // Saturday + 1
}

TEST_CASE("working days skip the Easter weekend's bank holidays") {
  HolidayCalendar hol;
  // Thursday 2 April 2026: Good Friday, the weekend and Easter Monday are skipped.
  CHECK(prevent::add_working_days(ymd(2026, 4, 2), 1, hol).str() == "2026-04-07");
  CHECK(prevent::add_working_days(ymd(2026, 4, 2), 5, hol).str() == "2026-04-13");
  // With both days removed the same count lands earlier.
  HolidayCalendar none({}, {}, {ymd(2026, 4, 3), ymd(2026, 4, 6)});
  CHECK(prevent::add_working_days(ymd(2026, 4, 2), 5, none).str() == "2026-04-09");
}

TEST_CASE("working days over Christmas skip the weekend and three bank holidays") {
  HolidayCalendar hol;
  // Wednesday 23 December 2026 + 5: Thu 24, [Fri 25, Sat, Sun, Mon 28], Tue 29,
  // Wed 30, Thu 31, [Fri 1 Jan, Sat, Sun], Mon 4 January 2027.
  CHECK(prevent::add_working_days(ymd(2026, 12, 23), 5, hol).str() == "2027-01-04");
}

TEST_CASE("a holiday added by hand is skipped too") {
  HolidayCalendar hol({}, {ymd(2026, 11, 9)}, {});  // a one-off Monday holiday
  CHECK(prevent::add_working_days(ymd(2026, 11, 6), 1, hol).str() == "2026-11-10");
  // A holiday that falls at a weekend changes nothing.
  HolidayCalendar weekend({}, {ymd(2026, 11, 7)}, {});
  CHECK(prevent::add_working_days(ymd(2026, 11, 6), 1, weekend).str() == "2026-11-09");
}

// The England and Wales dates as published at https://www.gov.uk/bank-holidays,
// copied verbatim, one row a year.
const std::vector<std::vector<std::string>> published = {
    {"2018-01-01", "2018-03-30", "2018-04-02", "2018-05-07", "2018-05-28", "2018-08-27", "2018-12-25", "2018-12-26"},
    {"2019-01-01", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26", "2019-12-25", "2019-12-26"},
    // Early May bank holiday (VE day) moved from Monday 4 to Friday 8 May.
    {"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"},
    {"2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"},
    // Spring bank holiday moved to Thursday 2 June, the Platinum Jubilee on
    // Friday 3 June, the State Funeral of Queen Elizabeth II on Monday 19 September.
    {"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19",
     "2022-12-26", "2022-12-27"},
    // The coronation of King Charles III on Monday 8 May.
    {"2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25",
     "2023-12-26"},
    {"2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"},
    {"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"},
    {"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"},
};

TEST_CASE("the bank holidays of 2018 to 2026 are the published England and Wales dates") {
  for (const auto& year : published) {
    int y = std::stoi(year.front().substr(0, 4));
    CAPTURE(y);
    CHECK(strs(prevent::england_wales_bank_holidays(y)) == year);
    // A store with no exceptions has exactly these days off, and no others.
    HolidayCalendar cal;
    CHECK(strs(cal.holidays_of(y)) == year);
    int holidays = 0;
    for (Date d = ymd(y, 1, 1); d <= ymd(y, 12, 31); d = d.add_days(1)) holidays += cal.is_holiday(d) ? 1 : 0;
    CHECK(holidays == static_cast<int>(year.size()));
  }
}

TEST_CASE("the rules give the bank holidays of 2027 to 2030 with their substitute days") {
  // Christmas Day 2027 is a Saturday and Boxing Day a Sunday: Monday 27 and
  // Tuesday 28 December. New Year's Day 2028 is a Saturday: Monday 3 January.
  // Boxing Day 2026 is a Saturday: Monday 28 December (in the table above).
  const std::vector<std::vector<std::string>> rules = {
      {"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"},
      {"2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26"},
      {"2029-01-01", "2029-03-30", "2029-04-02", "2029-05-07", "2029-05-28", "2029-08-27", "2029-12-25", "2029-12-26"},
      {"2030-01-01", "2030-04-19", "2030-04-22", "2030-05-06", "2030-05-27", "2030-08-26", "2030-12-25", "2030-12-26"},
  };
  for (const auto& year : rules) {
    int y = std::stoi(year.front().substr(0, 4));
    CAPTURE(y);
    CHECK(strs(prevent::england_wales_bank_holidays(y)) == year);
    CHECK(strs(HolidayCalendar().holidays_of(y)) == year);
  }
}

TEST_CASE("a Sunday Christmas gives Boxing Day the Monday and Christmas the Tuesday") {
  // 2022 (published) and 2033: the same two weekdays either way.
  CHECK(strs(prevent::england_wales_regular_holidays(2033)).back() == "2033-12-27");
  CHECK(HolidayCalendar().is_holiday(ymd(2033, 12, 26)));
  CHECK(HolidayCalendar().is_holiday(ymd(2033, 12, 27)));
  CHECK_FALSE(HolidayCalendar().is_holiday(ymd(2033, 12, 28)));
}

TEST_CASE("the one-off changes are not in the rules of other years") {
  HolidayCalendar cal;
  CHECK_FALSE(cal.is_holiday(ymd(2020, 5, 4)));  // the moved early May Monday of 2020 is a working day
  CHECK(cal.is_holiday(ymd(2020, 5, 8)));
  CHECK_FALSE(cal.is_holiday(ymd(2022, 5, 30)));  // spring bank holiday 2022 moved to 2 June
  CHECK(cal.is_holiday(ymd(2022, 9, 19)));
  CHECK(cal.is_holiday(ymd(2023, 5, 8)));
  CHECK_FALSE(cal.is_holiday(ymd(2024, 5, 10)));
  CHECK(cal.is_holiday(ymd(2031, 5, 5)));  // an ordinary early May Monday
  // The regular rules alone, for comparison.
  CHECK(strs(prevent::england_wales_regular_holidays(2020))[3] == "2020-05-04");
}

TEST_CASE("a store moves a future holiday with one day added and one removed") {
  // A proclamation moving the early May bank holiday of 2031 to Friday 9 May.
  HolidayCalendar cal({}, {ymd(2031, 5, 9)}, {ymd(2031, 5, 5)});
  CHECK(strs(cal.holidays_of(2031)) == std::vector<std::string>{"2031-01-01", "2031-04-11", "2031-04-14",
                                                                 "2031-05-09", "2031-05-26", "2031-08-25",
                                                                 "2031-12-25", "2031-12-26"});
  // Friday 2 May 2031 + 1 working day: Monday 5 is a working day now.
  CHECK(prevent::add_working_days(ymd(2031, 5, 2), 1, cal).str() == "2031-05-05");
  // Thursday 8 May + 1: Friday 9 is the holiday, so Monday 12.
  CHECK(prevent::add_working_days(ymd(2031, 5, 8), 1, cal).str() == "2031-05-12");
  // Other years are untouched.
  CHECK(strs(cal.holidays_of(2030)) == strs(HolidayCalendar().holidays_of(2030)));
}

TEST_CASE("an older store's explicit list replaces the rules for the years it lists, and only those") {
  // A store made in 2026 listed 2026-2028; it also left out Easter Monday 2027
  // (as a council that works that day might).
  std::set<Date> listed;
  for (int y : {2026, 2027, 2028})
    for (Date d : prevent::england_wales_bank_holidays(y))
      if (d != ymd(2027, 3, 29)) listed.insert(d);
  HolidayCalendar cal(listed, {}, {});
  CHECK_FALSE(cal.is_holiday(ymd(2027, 3, 29)));  // the list decides 2027
  CHECK(cal.is_holiday(ymd(2027, 3, 26)));
  CHECK(cal.holidays_of(2027).size() == 7u);
  // 2029 is not listed: the rules give its holidays, where before the list ran out.
  CHECK(cal.is_holiday(ymd(2029, 1, 1)));
  CHECK(strs(cal.holidays_of(2029)) == strs(HolidayCalendar().holidays_of(2029)));
  // Nor is 2022: the published calendar applies.
  CHECK(cal.is_holiday(ymd(2022, 6, 3)));
  // An addition still applies within a listed year.
  HolidayCalendar with_extra(listed, {ymd(2027, 6, 4)}, {});
  CHECK(with_extra.is_holiday(ymd(2027, 6, 4)));
}

TEST_CASE("adding working days stops at the last date a date may have, at once") {
  HolidayCalendar none;
  CHECK(prevent::add_working_days(ymd(2026, 11, 3), 2'000'000'000, none).str() == "2999-12-31");
  CHECK(prevent::add_working_days(ymd(2026, 11, 3), std::numeric_limits<int>::max(), none).str() == "2999-12-31");
  CHECK(prevent::add_working_days(ymd(2999, 12, 30), 260, none).str() == "2999-12-31");
  CHECK(prevent::add_working_days(ymd(2999, 12, 31), 1, none).str() == "2999-12-31");
  CHECK(prevent::add_working_days(ymd(2026, 11, 3), -5, none).str() == "2026-11-03");
  // 260 working days is about a year: the largest triage target.
  CHECK(prevent::add_working_days(ymd(2026, 1, 2), 260, HolidayCalendar()).year() == 2027);
}

// Working days and the England and Wales bank holidays.
#pragma once

#include <set>
#include <vector>

#include "date.hpp"

namespace prevent {

// The regular England and Wales bank holidays of a year, by the rules of the
// Banking and Financial Dealings Act 1971 and the standing royal
// proclamations: New Year's Day, Good Friday, Easter Monday, early May, spring
// and summer bank holidays, Christmas Day and Boxing Day, with substitute days
// when a fixed holiday falls at a weekend.
std::vector<Date> england_wales_regular_holidays(int year);

// The published England and Wales bank holidays of a year: the regular ones
// with the one-off changes of the published calendar (a holiday moved, an
// extra day for a jubilee, a state funeral, a coronation), which the program
// knows from 2018 on (calendar.cpp). A later one-off is added to a store's
// prevent.yaml (`calendar.added` / `calendar.removed`) until a newer program
// knows it.
std::vector<Date> england_wales_bank_holidays(int year);

Date easter_sunday(int year);

// The days that are not working days besides weekends: the England and Wales
// bank holidays of any year, changed by a store's prevent.yaml.
//
// - `listed` is an older store's explicit `holidays` list. For each year in
//   which it lists at least one day, the listed days are that year's holidays
//   instead of the rules, so the due dates of stores made before the rules
//   stay as they were. Years it does not cover follow the rules.
// - `added` are extra days off; `removed` are days the rules (or the list)
//   give that are working days after all. A moved holiday is one of each.
//   Both apply on top of the rules and of the list. A day is never in both
//   (parse_config refuses that).
class HolidayCalendar {
 public:
  HolidayCalendar() = default;  // the England and Wales bank holidays alone
  HolidayCalendar(std::set<Date> listed, std::set<Date> added, std::set<Date> removed);

  bool is_holiday(Date d) const;
  bool is_working_day(Date d) const { return d.weekday() < 5 && !is_holiday(d); }
  // Every holiday of `year`, in order (weekend days among them included).
  std::vector<Date> holidays_of(int year) const;

  const std::set<Date>& listed() const { return listed_; }
  const std::set<Date>& added() const { return added_; }
  const std::set<Date>& removed() const { return removed_; }

 private:
  std::set<Date> listed_, added_, removed_;
  std::set<int> listed_years_;
};

// `date` plus `n` working days: weekends and holidays are skipped, counting
// starts the day after `date` (Friday + 1 = Monday; Saturday + 5 = Friday).
// Saturates at Date::latest(), however large `n` is.
Date add_working_days(Date date, int n, const HolidayCalendar& calendar);

}  // namespace prevent

#include "calendar.hpp"

#include <algorithm>
#include <array>

namespace prevent {

Date easter_sunday(int y) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31, day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date::from_ymd(y, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

namespace {

bool weekend(Date d) { return d.weekday() >= 5; }

Date first_monday(int y, unsigned m) {
  Date d = Date::from_ymd(y, m, 1);
  while (d.weekday() != 0) d = d.add_days(1);
  return d;
}

Date last_monday(int y, unsigned m) {
  Date d = Date::from_ymd(y, m, days_in_month(y, m));
  while (d.weekday() != 0) d = d.add_days(-1);
  return d;
}

// The eight regular holidays, unsorted, without allocating: working-day
// counts ask for them once per day counted.
std::array<Date, 8> regular(int y) {
  std::array<Date, 8> out;
  Date new_year = Date::from_ymd(y, 1, 1);
  while (weekend(new_year)) new_year = new_year.add_days(1);
  out[0] = new_year;
  Date easter = easter_sunday(y);
  out[1] = easter.add_days(-2);
  out[2] = easter.add_days(1);
  out[3] = first_monday(y, 5);
  out[4] = last_monday(y, 5);
  out[5] = last_monday(y, 8);
  // Christmas Day then Boxing Day; one at a weekend moves to the next weekday
  // not already taken (Sat 25 → Mon 27, Sun 26 → Tue 28; Sun 25 → Mon 26,
  // so Boxing Day on that Monday moves to Tuesday 27: the same two days).
  Date christmas = Date::from_ymd(y, 12, 25);
  while (weekend(christmas)) christmas = christmas.add_days(1);
  Date boxing = Date::from_ymd(y, 12, 26);
  while (weekend(boxing) || boxing == christmas) boxing = boxing.add_days(1);
  out[6] = christmas;
  out[7] = boxing;
  return out;
}

// One-off changes to the regular holidays, as published at
// https://www.gov.uk/bank-holidays (England and Wales), by royal proclamation.
struct OneOff {
  int y;
  unsigned m, d;
  bool added;  // false: a regular holiday that was moved away from this day
};
constexpr std::array<OneOff, 7> one_offs{{
    {2020, 5, 4, false},  // early May bank holiday moved to Friday 8 May (75th anniversary of VE day)
    {2020, 5, 8, true},
    {2022, 5, 30, false},  // spring bank holiday moved to Thursday 2 June (Platinum Jubilee)
    {2022, 6, 2, true},
    {2022, 6, 3, true},    // Platinum Jubilee bank holiday
    {2022, 9, 19, true},   // State Funeral of Queen Elizabeth II
    {2023, 5, 8, true},    // coronation of King Charles III
}};

bool published_holiday(Date d) {
  int y = d.year();
  unsigned m = d.month(), day = d.day();
  for (const auto& o : one_offs)
    if (o.y == y && o.m == m && o.d == day) return o.added;
  // Outside these windows no regular holiday can fall (Good Friday is 20
  // March at the earliest, Easter Monday 26 April at the latest).
  bool window = (m == 1 && day <= 3) || (m == 3 && day >= 20) || (m == 4 && day <= 26) || m == 5 ||
                (m == 8 && day >= 25) || (m == 12 && day >= 25);
  if (!window) return false;
  auto days = regular(y);
  return std::find(days.begin(), days.end(), d) != days.end();
}

}  // namespace

std::vector<Date> england_wales_regular_holidays(int y) {
  auto days = regular(y);
  std::vector<Date> out(days.begin(), days.end());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Date> england_wales_bank_holidays(int y) {
  std::vector<Date> out;
  for (Date d : regular(y))
    if (published_holiday(d)) out.push_back(d);
  for (const auto& o : one_offs)
    if (o.y == y && o.added) out.push_back(Date::from_ymd(o.y, o.m, o.d));
  std::sort(out.begin(), out.end());
  return out;
}

HolidayCalendar::HolidayCalendar(std::set<Date> listed, std::set<Date> added, std::set<Date> removed)
    : listed_(std::move(listed)), added_(std::move(added)), removed_(std::move(removed)) {
  for (Date d : listed_) listed_years_.insert(d.year());
}

bool HolidayCalendar::is_holiday(Date d) const {
  if (removed_.contains(d)) return false;
  if (added_.contains(d)) return true;
  if (listed_years_.contains(d.year())) return listed_.contains(d);
  return published_holiday(d);
}

std::vector<Date> HolidayCalendar::holidays_of(int year) const {
  std::set<Date> days;
  if (listed_years_.contains(year)) {
    days.insert(listed_.lower_bound(Date::from_ymd(year, 1, 1)), listed_.upper_bound(Date::from_ymd(year, 12, 31)));
  } else {
    for (Date d : england_wales_bank_holidays(year)) days.insert(d);
  }
  for (Date d : added_)
    if (d.year() == year) days.insert(d);
  for (Date d : removed_) days.erase(d);
  return {days.begin(), days.end()};
}

Date add_working_days(Date date, int n, const HolidayCalendar& calendar) {
  // n working days take at least n calendar days: an n that reaches past
  // the last date is the last date, at once, whatever n is.
  const Date last = Date::latest();
  if (n > 0 && n > last - date) return last;
  Date d = date;
  for (int i = 0; i < n; ++i) {
    do {
      if (d >= last) return last;
      d = d.add_days(1);
    } while (!calendar.is_working_day(d));
  }
  return d;
}

}  // namespace prevent

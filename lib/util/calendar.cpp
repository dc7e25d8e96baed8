#include "calendar.hpp"

#include <algorithm>

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

}  // namespace

std::vector<Date> england_wales_bank_holidays(int y) {
  std::vector<Date> out;
  Date new_year = Date::from_ymd(y, 1, 1);
  while (weekend(new_year)) new_year = new_year.add_days(1);
  out.push_back(new_year);
  Date easter = easter_sunday(y);
  out.push_back(easter.add_days(-2));
  out.push_back(easter.add_days(1));
  out.push_back(first_monday(y, 5));
  out.push_back(last_monday(y, 5));
  out.push_back(last_monday(y, 8));
  // Christmas Day then Boxing Day; one at a weekend moves to the next weekday
  // not already taken (Sat 25 → Mon 27, Sun 26 → Tue 28).
  for (unsigned day : {25u, 26u}) {
    Date d = Date::from_ymd(y, 12, day);
    while (weekend(d) || std::find(out.begin(), out.end(), d) != out.end()) d = d.add_days(1);
    out.push_back(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Date add_working_days(Date date, int n, const std::set<Date>& holidays) {
  auto working = [&](Date d) { return !weekend(d) && !holidays.contains(d); };
  Date d = date;
  for (int i = 0; i < n; ++i) {
    d = d.add_days(1);
    while (!working(d)) d = d.add_days(1);
  }
  return d;
}

}  // namespace prevent

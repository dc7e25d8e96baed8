#include "date.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace prevent {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
long days_from_civil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

struct Civil {
  int y;
  unsigned m;
  unsigned d;
};

Civil civil_from_days(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

Date Date::from_ymd(int y, unsigned m, unsigned d) { return from_days(days_from_civil(y, m, d)); }

std::optional<Date> Date::parse(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto ys = s.substr(0, 4), ms = s.substr(5, 2), ds = s.substr(8, 2);
  if (!all_digits(ys) || !all_digits(ms) || !all_digits(ds)) return std::nullopt;
  int y = to_int(ys);
  unsigned m = static_cast<unsigned>(to_int(ms)), d = static_cast<unsigned>(to_int(ds));
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return from_ymd(y, m, d);
}

Date Date::today() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return from_ymd(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                  static_cast<unsigned>(local.tm_mday));
}

int Date::year() const { return civil_from_days(days_).y; }
unsigned Date::month() const { return civil_from_days(days_).m; }
unsigned Date::day() const { return civil_from_days(days_).d; }

int Date::weekday() const {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  long w = (days_ + 3) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

std::string Date::str() const {
  auto c = civil_from_days(days_);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.y, c.m, c.d);
  return buf;
}

Date Date::earliest() { return from_days(days_from_civil(1900, 1, 1)); }
Date Date::latest() { return from_days(days_from_civil(2999, 12, 31)); }

Date Date::add_days(long n) const {
  const long lo = earliest().days_, hi = latest().days_;
  long r = 0;
  if (__builtin_add_overflow(days_, n, &r)) return n > 0 ? latest() : earliest();
  return from_days(std::clamp(r, lo, hi));
}

Date Date::add_months(long n) const {
  auto c = civil_from_days(days_);
  // Months since year 0, kept within 1900-01 … 2999-12 before anything is
  // divided, so the month index is never negative and the year fits an int.
  const long first = 1900L * 12, last = 2999L * 12 + 11;
  long months = 0;
  if (__builtin_add_overflow(static_cast<long>(c.y) * 12 + static_cast<long>(c.m - 1), n, &months))
    return n > 0 ? latest() : earliest();
  if (months > last) return latest();
  if (months < first) return earliest();
  int y = static_cast<int>(months / 12);
  unsigned m = static_cast<unsigned>(months % 12) + 1;
  unsigned d = std::min(c.d, days_in_month(y, m));
  return from_ymd(y, m, d);
}

int age_on(Date birth, Date on) {
  int age = on.year() - birth.year();
  if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) --age;
  return age;
}

std::optional<long> parse_duration_days(std::string_view s) {
  if (s.size() < 2 || s.size() > 6) return std::nullopt;
  char unit = s.back();
  auto n = s.substr(0, s.size() - 1);
  if (!all_digits(n)) return std::nullopt;
  long v = to_int(n);
  if (unit == 'd') return v;
  if (unit == 'w') return v * 7;
  return std::nullopt;
}

std::optional<Period> parse_period(std::string_view s) {
  // FYYYYY: the financial year starting 1 April YYYY.
  if (s.size() == 6 && s[0] == 'F' && s[1] == 'Y' && all_digits(s.substr(2))) {
    int y = to_int(s.substr(2));
    if (y < 1900 || y > 2998) return std::nullopt;
    return Period{Date::from_ymd(y, 4, 1), Date::from_ymd(y + 1, 3, 31)};
  }
  if (s.size() == 7 && s[4] == '-' && all_digits(s.substr(0, 4))) {
    int y = to_int(s.substr(0, 4));
    if (y < 1900 || y > 2999) return std::nullopt;
    if (s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
      unsigned q = static_cast<unsigned>(s[6] - '0');
      unsigned first = (q - 1) * 3 + 1;
      return Period{Date::from_ymd(y, first, 1),
                    Date::from_ymd(y, first + 2, days_in_month(y, first + 2))};
    }
    if (all_digits(s.substr(5, 2))) {
      unsigned m = static_cast<unsigned>(to_int(s.substr(5, 2)));
      if (m < 1 || m > 12) return std::nullopt;
      return Period{Date::from_ymd(y, m, 1), Date::from_ymd(y, m, days_in_month(y, m))};
    }
  }
  return std::nullopt;
}

}  // namespace prevent

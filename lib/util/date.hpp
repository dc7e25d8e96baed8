// Date: the one calendar date type of prevent (proleptic Gregorian, no time).
//
// Stored as days since 1970-01-01 so that comparisons and differences are
// plain integer arithmetic. Text form is ISO 8601 `YYYY-MM-DD` only.
//
// Input dates are years 1900-2999 (parse). Arithmetic never leaves that
// range: add_days, add_months and add_working_days (calendar.hpp) saturate
// at earliest() and latest(), so no amount in a setting or a record can
// overflow, reach an invalid month, or print a date the input would refuse.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace prevent {

class Date {
 public:
  Date() = default;
  static Date from_ymd(int year, unsigned month, unsigned day);  // must be valid
  static Date from_days(long days) { Date d; d.days_ = days; return d; }

  // Strict ISO form: exactly YYYY-MM-DD and a real calendar day; years 1900-2999.
  static std::optional<Date> parse(std::string_view text);
  static Date today();  // the local calendar day
  static Date earliest();  // 1900-01-01, the first date parse() accepts
  static Date latest();    // 2999-12-31, the last

  int year() const;
  unsigned month() const;
  unsigned day() const;
  long days() const { return days_; }
  // 0 = Monday … 6 = Sunday
  int weekday() const;

  std::string str() const;

  // `n` days later (earlier when negative), saturating at earliest() and latest().
  Date add_days(long n) const;
  // Calendar months, clamped to the end of the month (31 Jan + 1 = 28/29 Feb),
  // saturating at earliest() and latest().
  Date add_months(long n) const;

  friend long operator-(Date a, Date b) { return a.days_ - b.days_; }
  friend auto operator<=>(Date, Date) = default;
  friend bool operator==(Date, Date) = default;

 private:
  long days_ = 0;
};

bool is_leap_year(int year);
unsigned days_in_month(int year, unsigned month);  // 0 for a month outside 1-12

// Whole years from `birth` to `on` (age on that day; a birthday counts on the day).
int age_on(Date birth, Date on);

// How a message says what form a value must take, the same wherever it is
// given (an option, a file, a CSV cell): a date given as 25/12/2026,
// 2026-13-01 or 2026-02-30 meets the same words, with an example.
inline constexpr std::string_view kDateForm = "expected a date as YYYY-MM-DD, e.g. 2026-12-03";
inline constexpr std::string_view kDurationForm = "expected a duration as Nd or Nw, e.g. 7d or 2w";
inline constexpr std::string_view kPeriodForm =
    "expected a period as YYYY-MM, YYYY-Qn or FYYYYY, e.g. 2026-11, 2026-Q3 or FY2025";

// `--within` durations: `Nd` or `Nw`; returns days.
std::optional<long> parse_duration_days(std::string_view text);

// `--period`: YYYY-MM, YYYY-Qn, FYYYYY (1 April YYYY – 31 March YYYY+1).
struct Period {
  Date from;
  Date to;  // inclusive
};
std::optional<Period> parse_period(std::string_view text);

}  // namespace prevent

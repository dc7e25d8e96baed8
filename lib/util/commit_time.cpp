#include "commit_time.hpp"

#include <ctime>

#include "date.hpp"

namespace prevent {

namespace {

// Reads exactly `n` digits at `pos`.
std::optional<int> digits(std::string_view s, size_t& pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

// `±HHMM` or `±HH:MM` at `pos`, to the end of the text.
std::optional<int> zone(std::string_view s, size_t pos) {
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return std::nullopt;
  const int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  auto h = digits(s, pos, 2);
  if (pos < s.size() && s[pos] == ':') ++pos;
  auto m = digits(s, pos, 2);
  if (!h || !m || pos != s.size() || *h > 14 || *m > 59) return std::nullopt;
  return sign * (*h * 60 + *m);
}

int local_offset_minutes(std::time_t t) {
  std::tm local{};
  localtime_r(&t, &local);
  return static_cast<int>(local.tm_gmtoff / 60);
}

// `@SECONDS [±HHMM]` and `SECONDS ±HHMM`.
std::optional<CommitTime> parse_epoch(std::string_view s) {
  const bool at = !s.empty() && s[0] == '@';
  size_t pos = at ? 1 : 0;
  std::int64_t v = 0;
  size_t start = pos;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (pos - start >= 12) return std::nullopt;  // beyond the year 33000
    v = v * 10 + (s[pos] - '0');
    ++pos;
  }
  if (pos == start) return std::nullopt;
  if (pos == s.size()) {
    if (!at) return std::nullopt;  // a bare number could be a year or a day: refused
    return CommitTime{v, local_offset_minutes(static_cast<std::time_t>(v))};
  }
  if (s[pos] != ' ') return std::nullopt;
  auto off = zone(s, pos + 1);
  if (!off) return std::nullopt;
  return CommitTime{v, *off};
}

std::optional<CommitTime> parse_iso(std::string_view s) {
  if (s.size() < 16) return std::nullopt;
  auto day = Date::parse(s.substr(0, 10));
  if (!day || (s[10] != 'T' && s[10] != ' ')) return std::nullopt;
  size_t pos = 11;
  auto hh = digits(s, pos, 2);
  if (!hh || pos >= s.size() || s[pos++] != ':') return std::nullopt;
  auto mm = digits(s, pos, 2);
  if (!mm) return std::nullopt;
  int ss = 0;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    auto v = digits(s, pos, 2);
    if (!v) return std::nullopt;
    ss = *v;
  }
  if (*hh > 23 || *mm > 59 || ss > 59) return std::nullopt;
  const std::int64_t local = static_cast<std::int64_t>(day->days()) * 86400 + *hh * 3600 + *mm * 60 + ss;
  if (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos == s.size()) {
    // No zone: the local one, as git does (mktime knows the summer time).
    std::tm tm{};
    tm.tm_year = day->year() - 1900;
    tm.tm_mon = static_cast<int>(day->month()) - 1;
    tm.tm_mday = static_cast<int>(day->day());
    tm.tm_hour = *hh;
    tm.tm_min = *mm;
    tm.tm_sec = ss;
    tm.tm_isdst = -1;
    std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    return CommitTime{static_cast<std::int64_t>(t), local_offset_minutes(t)};
  }
  if (s[pos] == 'Z' && pos + 1 == s.size()) return CommitTime{local, 0};
  auto off = zone(s, pos);
  if (!off) return std::nullopt;
  return CommitTime{local - *off * 60, *off};
}

}  // namespace

std::optional<CommitTime> parse_commit_time(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text[0] == '@') return parse_epoch(text);
  if (auto iso = parse_iso(text)) return iso;
  return parse_epoch(text);
}

Date local_day(const CommitTime& t) {
  const std::int64_t local = t.seconds + std::int64_t{t.offset_minutes} * 60;
  std::int64_t days = local / 86400;
  if (local % 86400 < 0) --days;
  return Date::from_days(static_cast<long>(days));
}

}  // namespace prevent

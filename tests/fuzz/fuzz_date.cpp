// libFuzzer target: the parsers of option values: dates, periods,
// durations and case IDs.
//
// What parses must print back as the same text (dates, IDs) and be in
// range; periods run from their first to their last day. Any sanitizer
// report (overflow, out-of-range access) or broken property is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "case_id.hpp"
#include "date.hpp"

using namespace prevent;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto d = Date::parse(text)) {
    if (d->str() != text) std::abort();
    if (d->year() < 1900 || d->year() > 2999) std::abort();
    if (Date::from_ymd(d->year(), d->month(), d->day()) != *d) std::abort();
    (void)d->add_months(24).str();
    (void)d->weekday();
  }
  if (auto p = parse_period(text)) {
    if (p->to < p->from || p->from.day() != 1) std::abort();
    // Ends on a month's last day. Dates saturate at Date::latest()
    // (2999-12-31), the last day of the last month there is.
    if (p->to.add_days(1).day() != 1 && p->to != Date::latest()) std::abort();
  }
  if (auto n = parse_duration_days(text)) {
    if (*n < 0) std::abort();
  }
  if (auto id = parse_case_id(text)) {
    if (id->str() != text) std::abort();
    if (text.find('/') != std::string_view::npos || text.find('.') != std::string_view::npos) std::abort();
  }
  return 0;
}

#include "labels.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace prevent {

namespace {

constexpr std::array<std::string_view, 12> kMonths{"January", "February", "March",     "April",   "May",      "June",
                                                   "July",    "August",   "September", "October", "November", "December"};

}  // namespace

std::string stage_label(Stage stage) {
  switch (stage) {
    case Stage::awaiting_triage: return "Awaiting triage";
    case Stage::no_further_action: return "No further action";
    case Stage::signposted: return "Signposted";
    case Stage::police_managed: return "Police-managed";
    case Stage::awaiting_panel: return "Awaiting a panel";
    case Stage::not_adopted: return "Not adopted";
    case Stage::awaiting_consent: return "Adopted, awaiting consent";
    case Stage::supported: return "Receiving support";
    case Stage::post_closure: return "Closed, post-closure reviews to come";
    case Stage::closed: return "Closed";
    case Stage::voided: return "Voided (entered in error)";
  }
  return std::string(stage_key(stage));
}

std::string due_label(DueKind item, const Config& config) {
  switch (item) {
    case DueKind::triage: return "Triage";
    case DueKind::panel: return "Panel hearing";
    case DueKind::consent: return "Consent to support";
    case DueKind::monthly_review: return "Monthly review";
    case DueKind::action: return "Support action";
    case DueKind::post_closure_6: return fmt::format("{}-month post-closure review", config.post_closure_first_months);
    case DueKind::post_closure_12:
      return fmt::format("{}-month post-closure review", config.post_closure_second_months);
    case DueKind::extended_review: return "Extended post-closure review";
    case DueKind::retention: return "Erasure of personal data (retention)";
    case DueKind::conflict: return "Conflict left by a merge";
  }
  return std::string(key_of(item));
}

std::string month_label(std::string_view ym) {
  int year = 0, month = 0;
  if (ym.size() != 7 || ym[4] != '-') return std::string(ym);
  auto y = std::from_chars(ym.data(), ym.data() + 4, year);
  auto m = std::from_chars(ym.data() + 5, ym.data() + 7, month);
  if (y.ec != std::errc{} || m.ec != std::errc{} || month < 1 || month > 12) return std::string(ym);
  return fmt::format("{} {}", kMonths[static_cast<size_t>(month - 1)], year);
}

std::string long_date(Date day) {
  return fmt::format("{} {} {}", static_cast<unsigned>(day.day()), kMonths[day.month() - 1], day.year());
}

}  // namespace prevent

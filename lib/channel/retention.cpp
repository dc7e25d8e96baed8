#include "retention.hpp"

#include <algorithm>

namespace prevent {

std::optional<Date> retention_start(const Case& c, RetentionStart start) {
  switch (start) {
    case RetentionStart::referral: return c.referral.received;
    case RetentionStart::triage:
      if (c.triage) return c.triage->completed;
      return std::nullopt;
    case RetentionStart::panel_decision: {
      std::optional<Date> last;
      for (const auto& h : c.panel) last = std::max(last.value_or(h.meeting), h.meeting);
      return last;
    }
    case RetentionStart::closure:
      if (c.closure) return c.closure->date;
      return std::nullopt;
    case RetentionStart::last_review: {
      if (!c.closure) return std::nullopt;
      Date last = c.closure->date;
      for (const auto& r : c.reviews)
        if (r.kind != ReviewKind::monthly && r.date > last) last = r.date;
      return last;
    }
    case RetentionStart::voided: {
      std::optional<Date> on;
      for (const auto& v : c.voided)
        if (v.what == kVoidedCase) on = std::max(on.value_or(v.date), v.date);
      return on;
    }
  }
  return std::nullopt;
}

Date birthday_floor(Date referred, int age, int birthday) {
  // The latest date of birth that gives `age` on `referred` (the stand-in
  // of the record without personal data), then that person's birthday as
  // age_on counts it: one born on 29 February has it on 1 March in a
  // common year.
  Date born = referred.add_months(-12L * age);
  Date on = born.add_months(12L * birthday);
  if (on.day() < born.day()) on = on.add_days(1);
  return on;
}

std::optional<RetentionDue> retention_due(const Case& c, Stage stage, const Config& config) {
  if (c.erasure || !is_final(stage)) return std::nullopt;
  for (const auto& rule : config.retention) {
    if (std::find(rule.stages.begin(), rule.stages.end(), stage) == rule.stages.end()) continue;
    // prevent.yaml gives each stage a start event its cases have had
    // (config.cpp); a record edited by hand into another shape counts from
    // its referral, so that it is listed rather than kept unseen.
    Date start = retention_start(c, rule.start).value_or(c.referral.received);
    Date erase_from = start.add_months(12L * rule.years.value_or(0) + rule.months.value_or(0));
    // The child floor: only for a person known to be under 18 at referral.
    // Without a date of birth there is no birthday to wait for, and
    // holding the record back for ever is not a retention period: the
    // rule's own period applies (docs/retention.md).
    if (rule.not_before_birthday)
      if (auto age = age_at_referral(c); age && *age < 18)
        erase_from = std::max(erase_from, birthday_floor(c.referral.received, *age, *rule.not_before_birthday));
    return RetentionDue{&rule, erase_from};
  }
  return std::nullopt;
}

}  // namespace prevent

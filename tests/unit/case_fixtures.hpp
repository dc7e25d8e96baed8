// Cases at each stage of the workflow, built by the workflow's own actions
// (case_actions.hpp), for the unit tests of the units that read them.
// Every name and text is fictional.
#pragma once

#include <functional>
#include <optional>

#include "case_actions.hpp"
#include "case_record.hpp"
#include "config.hpp"
#include "test_support.hpp"

namespace prevent::fixtures {

using prevent::test::d;

inline const Config& cfg() {
  static const Config c = default_config("Test", "PRV", 2026);
  return c;
}

inline Case referred() {
  Case c;
  c.id = "PRV-2026-0001";
  c.referral.received = d("2026-01-05");
  c.referral.route = "email";
  c.referral.sector = "education";
  c.referral.agency = "Quillet Academy";
  c.referral.referrer_role = "Designated Safeguarding Lead";
  c.referral.subject.name = PersonalText("Zorvan Quillet");
  c.referral.subject.date_of_birth = PersonalDate(d("2000-03-10"));
  c.referral.subject.gender = "male";
  c.referral.concern_type = "extreme-right-wing";
  c.referral.concern_summary = PersonalText("Fictional summary");
  return c;
}

inline Triage to_panel() {
  Triage t;
  t.completed = d("2026-01-08");
  t.outcome = TriageOutcome::channel_panel;
  t.section36 = Section36{d("2026-01-08"), "Counter Terrorism Policing North West"};
  return t;
}

inline Hearing hearing(const char* date, PanelDecision decision) {
  Hearing h;
  h.meeting = d(date);
  h.decision = decision;
  return h;
}

inline Case awaiting_panel() {
  Case c = referred();
  apply_triage(c, to_panel());
  return c;
}

inline Case awaiting_consent() {
  Case c = awaiting_panel();
  apply_decision(c, hearing("2026-02-05", PanelDecision::adopt), cfg());
  return c;
}

inline Case supported() {
  Case c = awaiting_consent();
  apply_consent(c, Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}, cfg());
  return c;
}

inline Action action(const char* added, const char* due) {
  Action a;
  a.support = "ideological-mentoring";
  a.provider = PersonalText("Zedshire Mentoring");
  a.added = d(added);
  a.due = d(due);
  return a;
}

inline ReviewInput review(const char* date, ReviewKind kind, ReviewOutcome outcome,
                   std::optional<ClosureReason> reason = std::nullopt) {
  ReviewInput in;
  in.review.date = d(date);
  in.review.kind = kind;
  in.review.outcome = outcome;
  in.reason = reason;
  return in;
}

// Supported, then closed by the panel at a monthly review on 2 April 2026.
inline Case closed() {
  Case c = supported();
  apply_review(c, review("2026-04-02", ReviewKind::monthly, ReviewOutcome::close, ClosureReason::no_further_concerns),
               cfg());
  return c;
}

}  // namespace prevent::fixtures

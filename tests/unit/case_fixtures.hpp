// Cases at each stage of the workflow, built by the workflow's own actions
// (case_actions.hpp), for the unit tests of the units that read them.
// Every name and text is fictional.
#pragma once

#include <functional>
#include <optional>

#include "case_actions.hpp"
#include "case_record.hpp"
#include "config.hpp"
#include "meeting.hpp"
#include "test_support.hpp"

namespace prevent::fixtures {

using prevent::test::d;

inline const Config& cfg() {
  static const Config c = default_config("Test", "PRV", 2026);
  return c;
}

// A case with every section of SPEC §3 filled in, including `previous` and
// `corrections`, and text that needs quoting.
inline Case full_case() {
  Case c;
  c.id = "PRV-2026-0014";
  Referral& r = c.referral;
  r.received = d("2026-01-05");
  r.route = "transfer-in";
  r.from_area = "Zedshire";
  r.sector = "education";
  r.agency = "Quillet Academy";
  r.referrer_role = "Designated Safeguarding Lead";
  r.subject.name = PersonalText("Zorvan Quillet");
  r.subject.date_of_birth = PersonalDate(d("2010-05-17"));
  r.subject.gender = "male";
  r.subject.postcode_district = Personal<std::optional<std::string>>("ZZ1");
  r.concern_type = "extreme-right-wing";
  r.concern_summary = PersonalText("Fictional: shared \"quoted\" material # online");
  c.previous_ids = {"PRV-2026-0002"};
  c.related = {"PRV-2025-0003"};

  Triage t;
  t.completed = d("2026-01-08");
  t.outcome = TriageOutcome::channel_panel;
  t.signposted_to = {"early-help"};
  t.section36 = Section36{d("2026-01-08"), "Counter Terrorism Policing North West"};
  t.rationale = PersonalNote("Fictional rationale");
  c.triage = t;

  c.assessments.push_back({d("2026-01-20"), "VAF", "medium", "low", "low", PersonalNote("Fictional assessment")});
  c.assessments.push_back({d("2026-02-20"), "PAF", "low", "low", "low", PersonalNote()});

  c.panel.push_back({d("2026-01-22"), PanelDecision::defer, std::nullopt, {}, PersonalNote()});
  c.panel.push_back({d("2026-02-05"), PanelDecision::adopt, "consensus", {"mental-health"}, PersonalNote("Fictional panel note")});

  c.consent = {Consent{ConsentStatus::requested, ConsentGiver::parent_guardian, d("2026-11-13")},
               Consent{ConsentStatus::given, ConsentGiver::parent_guardian, d("2026-11-20")}};
  c.support_plan.push_back({"A1", "ideological-mentoring", PersonalText("Home Office approved intervention provider"),
                            d("2026-11-20"), d("2027-01-31"), ActionStatus::done, d("2027-01-20"), std::nullopt});
  c.support_plan.push_back(
      {"A2", "family-support", PersonalText("Zedshire Family Service"), d("2026-11-25"), d("2027-03-31"), ActionStatus::open, std::nullopt, std::nullopt});

  c.chronology.push_back({d("2026-01-06"), "info-request", PersonalText("Zedshire NHS FT"), PersonalNote("Fictional text")});
  c.chronology.push_back({d("2026-01-07"), "info-received", PersonalText("Zedshire NHS FT"), PersonalNote()});

  c.reviews.push_back({d("2026-12-17"), ReviewKind::monthly, d("2026-12-17"), ReviewOutcome::continue_, PersonalNote("Fictional notes")});
  c.reviews.push_back({d("2027-01-14"), ReviewKind::monthly, std::nullopt, ReviewOutcome::close, PersonalNote()});
  c.closure = Closure{d("2027-01-14"), ClosureReason::no_further_concerns};

  c.corrections.push_back(
      {d("2027-01-20"), {"triage.completed", "referral.received"}, PersonalText("Fictional correction reason")});

  Episode e;
  e.consent = {Consent{ConsentStatus::given, ConsentGiver::parent_guardian, d("2026-02-10")}};
  e.support_plan.push_back({"A1", "education-training", PersonalText("Zedshire College"), d("2026-02-10"), d("2026-04-30"),
                            ActionStatus::done, d("2026-04-20"), std::nullopt});
  e.reviews.push_back({d("2026-03-05"), ReviewKind::monthly, std::nullopt, ReviewOutcome::close, PersonalNote("Fictional earlier notes")});
  e.reviews.push_back({d("2026-09-07"), ReviewKind::post_closure_6, std::nullopt, ReviewOutcome::reopen, PersonalNote()});
  e.closure = Closure{d("2026-03-05"), ClosureReason::no_further_concerns};
  e.reopened = d("2026-09-07");
  c.previous.push_back(e);
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

// A panel meeting with a chair, an attendee, the police, an apology and
// one case on its agenda (the merge and resolve tests of meetings).
inline Meeting panel_meeting() {
  Meeting m;
  m.date = d("2026-12-03");
  m.chair = Member{"Prevent Lead", "Zedshire Council", false};
  m.attendees = {Member{"Social Worker", "Zedshire Children's Services", false},
                 Member{"Detective Sergeant", "Counter Terrorism Policing North West", true}};
  m.apologies = {Member{"Head of Year", "Quillet Academy", false}};
  m.agenda = {AgendaItem{"PRV-2026-0014", "panel", false}};
  return m;
}

}  // namespace prevent::fixtures

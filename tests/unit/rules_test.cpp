// The rules of SPEC §4 that every write checks: refused with exit 4, a
// message naming the rule and the case, and never the person's details.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "test_support.hpp"
#include "failure.hpp"
#include "rules.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {




const Config& config() {
  static const Config c = default_config("Test", "PRV", 2026);
  return c;
}

Meeting meeting_on(const char* date, bool police) {
  Meeting m;
  m.date = d(date);
  m.chair = Member{"Prevent Lead", "Zedshire Council", false};
  m.attendees.push_back(Member{"Social Worker", "Zedshire Children's Services", false});
  if (police) m.attendees.push_back(Member{"Detective Sergeant", "Counter Terrorism Policing North West", true});
  return m;
}

// The panel meetings on file, for RuleContext::meeting.
struct Panels {
  std::map<Date, Meeting> meetings;
  Panels() {
    for (const char* date : {"2026-01-22", "2026-02-05", "2026-03-05"}) meetings[d(date)] = meeting_on(date, true);
  }
  RuleContext context(const char* as_of = "2026-12-01") const {
    return RuleContext{config(), d(as_of), [this](Date date) -> const Meeting* {
                         auto it = meetings.find(date);
                         return it == meetings.end() ? nullptr : &it->second;
                       }};
  }
};

const char* kName = "Zorvan Quillet";
const char* kSummary = "Fictional summary of the concern";

Case referred() {
  Case c;
  c.id = "PRV-2026-0001";
  c.referral.received = d("2026-01-05");
  c.referral.route = "email";
  c.referral.sector = "education";
  c.referral.agency = "Quillet Academy";
  c.referral.referrer_role = "Designated Safeguarding Lead";
  c.referral.subject.name = PersonalText(kName);
  c.referral.subject.date_of_birth = PersonalDate(d("2000-03-10"));
  c.referral.subject.gender = "male";
  c.referral.subject.postcode_district = Personal<std::optional<std::string>>("ZZ1");
  c.referral.concern_type = "extreme-right-wing";
  c.referral.concern_summary = PersonalText(kSummary);
  return c;
}

Case triaged_to_panel() {
  Case c = referred();
  Triage t;
  t.completed = d("2026-01-08");
  t.outcome = TriageOutcome::channel_panel;
  t.section36 = Section36{d("2026-01-08"), "Counter Terrorism Policing North West"};
  t.rationale = PersonalNote("Fictional rationale");
  c.triage = t;
  c.chronology.push_back({d("2026-01-06"), "info-request", PersonalText("Zedshire NHS FT"), PersonalNote("Fictional text")});
  c.assessments.push_back({d("2026-01-20"), "VAF", "medium", "low", "low", PersonalNote("Fictional notes")});
  return c;
}

Case adopted() {
  Case c = triaged_to_panel();
  c.panel.push_back(Hearing{d("2026-02-05"), PanelDecision::adopt, std::string("consensus"), {}, PersonalNote("Fictional")});
  return c;
}

Case supported() {
  Case c = adopted();
  c.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}};
  c.support_plan.push_back({"A1", "ideological-mentoring", PersonalText("Zedshire Mentoring"), d("2026-02-10"), d("2026-04-30"),
                            ActionStatus::done, d("2026-03-30"), std::nullopt});
  c.reviews.push_back({d("2026-03-05"), ReviewKind::monthly, d("2026-03-05"), ReviewOutcome::continue_, PersonalNote("Fictional")});
  return c;
}

// A fully valid case: adopted, supported, closed by a review, 6-month review done.
Case closed_case() {
  Case c = supported();
  c.reviews.push_back({d("2026-04-02"), ReviewKind::monthly, std::nullopt, ReviewOutcome::close, PersonalNote()});
  c.closure = Closure{d("2026-04-02"), ClosureReason::no_further_concerns};
  c.reviews.push_back({d("2026-10-02"), ReviewKind::post_closure_6, std::nullopt, ReviewOutcome::no_concerns, PersonalNote()});
  return c;
}

void check_no_personal_data(const Failure& f) {
  std::string all = std::string(f.what()) + "\n" + f.hint();
  for (const auto& line : f.details()) all += "\n" + line;
  CHECK_FALSE(has(all, "Zorvan"));
  CHECK_FALSE(has(all, "Quillet"));
  CHECK_FALSE(has(all, kSummary));
  CHECK_FALSE(has(all, "Fictional"));
  CHECK_FALSE(has(all, "ZZ1"));
}

void passes(const Case& c, const Panels& panels = Panels(), const char* as_of = "2026-12-01") {
  auto f = failure_of([&] { check_case_rules(c, panels.context(as_of)); });
  CHECK_MESSAGE(!f, (f ? std::string(f->what()) : std::string()));
}

// Refused with exit 4, naming one of the rules and the case.
void refused(const Case& c, std::initializer_list<int> rules, const Panels& panels = Panels(),
             const char* as_of = "2026-12-01") {
  auto f = failure_of([&] { check_case_rules(c, panels.context(as_of)); });
  REQUIRE_MESSAGE(f.has_value(), "the rules accepted the case");
  std::string msg = f->what();
  CAPTURE(msg);
  CHECK(f->code() == Exit::refused);
  bool named = false;
  for (int r : rules) named = named || has(msg, "rule " + std::to_string(r));
  CHECK_MESSAGE(named, "the message does not name the rule");
  CHECK(has(msg, c.id));
  check_no_personal_data(*f);
}

void refused(const Case& c, int rule, const Panels& panels = Panels(), const char* as_of = "2026-12-01") {
  refused(c, {rule}, panels, as_of);
}

}  // namespace

TEST_CASE("a fully valid adopted and closed case passes every rule") {
  passes(closed_case());
  passes(referred());
  passes(triaged_to_panel());
  passes(adopted());
  passes(supported());
}

// Rule 1

TEST_CASE("nothing may be dated after today") {
  refused(closed_case(), 1, Panels(), "2026-10-01");  // the 6-month review is tomorrow
  Case c = referred();
  passes(c, Panels(), "2026-01-05");                  // received today is fine
  refused(c, 1, Panels(), "2026-01-04");
}

TEST_CASE("nothing in an earlier episode is dated after today either") {
  // An imported case may carry earlier episodes: rule 1 holds for them too.
  Case c = triaged_to_panel();
  Episode e;
  e.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}};
  e.reviews.push_back({d("2026-12-10"), ReviewKind::post_closure_6, std::nullopt, ReviewOutcome::reopen, PersonalNote()});
  e.closure = Closure{d("2026-12-05"), ClosureReason::no_further_concerns};
  e.reopened = d("2026-12-10");
  c.previous.push_back(e);
  refused(c, 1, Panels(), "2026-12-01");
}

TEST_CASE("the date of birth is before the referral") {
  Case c = referred();
  c.referral.subject.date_of_birth = PersonalDate(d("2026-01-06"));
  refused(c, 1);
  c.referral.subject.date_of_birth = PersonalDate(d("2026-01-05"));
  refused(c, 1);
}

// Rule 2

TEST_CASE("a channel-panel outcome needs a Section 36 decision") {
  Case c = triaged_to_panel();
  c.triage->section36.reset();
  refused(c, 2);
  Case no_body = triaged_to_panel();
  no_body.triage->section36->by = "";
  refused(no_body, 2);
}

TEST_CASE("a Section 36 decision goes only with a channel-panel outcome") {
  Case c = triaged_to_panel();
  c.triage->outcome = TriageOutcome::no_further_action;
  refused(c, 2);
}

TEST_CASE("a signposted outcome names at least one service") {
  Case c = triaged_to_panel();
  c.triage->outcome = TriageOutcome::signposted;
  c.triage->section36.reset();
  refused(c, 2);
  c.triage->signposted_to = {"early-help"};
  passes(c);
}

TEST_CASE("triage is on or after the referral") {
  Case c = triaged_to_panel();
  c.triage->completed = d("2026-01-04");
  refused(c, {2, 9});
}

// Rule 3

TEST_CASE("a case not triaged to the panel cannot be heard") {
  Case c = triaged_to_panel();
  c.triage->outcome = TriageOutcome::police_managed;
  c.triage->section36.reset();
  c.panel.push_back(Hearing{d("2026-02-05"), PanelDecision::adopt, std::nullopt, {}, PersonalNote()});
  refused(c, 3);
  Case untriaged = referred();
  untriaged.panel.push_back(Hearing{d("2026-02-05"), PanelDecision::defer, std::nullopt, {}, PersonalNote()});
  refused(untriaged, 3);
}

TEST_CASE("an adopted case is not heard again") {
  Case c = adopted();
  c.panel.push_back(Hearing{d("2026-03-05"), PanelDecision::adopt, std::nullopt, {}, PersonalNote()});
  refused(c, 3);
}

TEST_CASE("a case not adopted is not heard again") {
  Case c = triaged_to_panel();
  c.panel.push_back(Hearing{d("2026-02-05"), PanelDecision::not_adopt, std::nullopt, {}, PersonalNote()});
  passes(c);
  c.panel.push_back(Hearing{d("2026-03-05"), PanelDecision::defer, std::nullopt, {}, PersonalNote()});
  refused(c, 3);
}

TEST_CASE("a deferred case may be heard again") {
  Case c = triaged_to_panel();
  c.panel.push_back(Hearing{d("2026-01-22"), PanelDecision::defer, std::nullopt, {}, PersonalNote()});
  c.panel.push_back(Hearing{d("2026-02-05"), PanelDecision::adopt, std::nullopt, {}, PersonalNote()});
  passes(c);
}

TEST_CASE("panel decisions are in date order") {
  Case c = triaged_to_panel();
  c.panel.push_back(Hearing{d("2026-02-05"), PanelDecision::defer, std::nullopt, {}, PersonalNote()});
  c.panel.push_back(Hearing{d("2026-01-22"), PanelDecision::defer, std::nullopt, {}, PersonalNote()});
  refused(c, 3);
}

// Rule 4

TEST_CASE("a decision needs a police representative at the meeting") {
  Panels without_police;
  without_police.meetings[d("2026-02-05")] = meeting_on("2026-02-05", false);
  refused(adopted(), 4, without_police);
  Panels with_police;
  passes(adopted(), with_police);
}

TEST_CASE("a review held at a meeting needs a police representative there, closing or reopening too") {
  Panels without_police;
  without_police.meetings[d("2026-03-05")] = meeting_on("2026-03-05", false);
  refused(supported(), 4, without_police);  // a monthly review held at the meeting
  Case closing = supported();
  closing.reviews[0].outcome = ReviewOutcome::close;
  closing.closure = Closure{d("2026-03-05"), ClosureReason::no_further_concerns};
  refused(closing, 4, without_police);
  // A reopening review at the meeting of 2 October 2026, moved with its
  // episode into `previous`.
  Case reopened = closed_case();
  reopened.reviews[0].meeting.reset();
  reopened.reviews.back().meeting = d("2026-10-02");
  reopened.reviews.back().outcome = ReviewOutcome::reopen;
  reopened.previous.push_back(
      Episode{reopened.consent, reopened.support_plan, reopened.reviews, reopened.closure, d("2026-10-02")});
  reopened.consent.clear();
  reopened.support_plan.clear();
  reopened.reviews.clear();
  reopened.closure.reset();
  Panels with_police;
  with_police.meetings[d("2026-10-02")] = meeting_on("2026-10-02", true);
  passes(reopened, with_police);
  with_police.meetings[d("2026-10-02")] = meeting_on("2026-10-02", false);
  refused(reopened, 4, with_police);
}

TEST_CASE("case business at a meeting is a decision or a review held there, in any episode") {
  CHECK(case_business_at(adopted(), d("2026-02-05")));
  CHECK_FALSE(case_business_at(adopted(), d("2026-03-05")));
  CHECK(case_business_at(supported(), d("2026-03-05")));
  Case c = supported();
  c.previous.push_back(Episode{{}, {}, c.reviews, std::nullopt, std::nullopt});
  c.reviews.clear();
  CHECK(case_business_at(c, d("2026-03-05")));
  CHECK_FALSE(case_business_at(referred(), d("2026-03-05")));
}

TEST_CASE("a meeting with case business recorded keeps a police representative") {
  Meeting m = meeting_on("2026-03-05", false);
  CHECK_NOTHROW(police_stay_while_business_recorded(m, {}));
  auto f = failure_of([&] { police_stay_while_business_recorded(m, {"PRV-2026-0001", "PRV-2026-0002"}); });
  REQUIRE(f);
  CHECK(f->code() == Exit::refused);
  CHECK(has(f->what(), "rule 4"));
  CHECK(has(f->what(), "PRV-2026-0001, PRV-2026-0002"));
  CHECK(has(f->what(), "s.37"));
  CHECK_NOTHROW(police_stay_while_business_recorded(meeting_on("2026-03-05", true), {"PRV-2026-0001"}));
}

TEST_CASE("a past meeting's agenda is not refilled; one on the day or ahead is") {
  CHECK_NOTHROW(past_agenda_stands(d("2026-03-05"), d("2026-03-05")));
  CHECK_NOTHROW(past_agenda_stands(d("2026-03-05"), d("2026-03-01")));
  auto f = failure_of([&] { past_agenda_stands(d("2026-03-05"), d("2026-03-06")); });
  REQUIRE(f);
  CHECK(f->code() == Exit::refused);
  CHECK(has(f->what(), "rule 4"));
  CHECK(has(f->what(), "panels/2026-03-05.yaml"));
}

TEST_CASE("the chair stays the chair of the meeting") {
  Meeting m = meeting_on("2026-03-05", true);
  CHECK_NOTHROW(chair_stays(m, Member{"Social Worker", "Zedshire Children's Services", false}, "--remove"));
  auto f = failure_of([&] { chair_stays(m, Member{"prevent lead", "Zedshire  Council", false}, "--remove"); });
  REQUIRE(f);
  CHECK(f->code() == Exit::refused);
  CHECK(has(f->what(), "--remove"));
}

TEST_CASE("a decision at a meeting that does not exist is not found") {
  Case c = adopted();
  c.panel[0].meeting = d("2026-02-12");
  auto f = failure_of([&] { check_case_rules(c, Panels().context()); });
  REQUIRE(f);
  CHECK(f->code() == Exit::not_found);
  CHECK(has(f->what(), "2026-02-12"));
  CHECK(has(f->what(), c.id));
  check_no_personal_data(*f);
}

TEST_CASE("a review held at a meeting that does not exist is not found") {
  Case c = supported();
  c.reviews.push_back({d("2026-04-02"), ReviewKind::monthly, d("2026-04-02"), ReviewOutcome::continue_, PersonalNote()});
  auto f = failure_of([&] { check_case_rules(c, Panels().context()); });
  REQUIRE(f);
  CHECK(f->code() == Exit::not_found);
}

// Rule 5

TEST_CASE("consent by the subject is refused under 18") {
  Case c = adopted();
  c.referral.subject.date_of_birth = PersonalDate(d("2010-05-17"));
  c.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}};
  refused(c, 5);
  c.consent.back().by = ConsentGiver::parent_guardian;
  passes(c);
}

TEST_CASE("consent by the subject counts an 18th birthday on the consent date") {
  Case c = adopted();
  c.referral.subject.date_of_birth = PersonalDate(d("2008-02-10"));
  c.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}};
  passes(c);
  c.consent.back().date = d("2026-02-09");
  refused(c, 5);
}

TEST_CASE("no consent is accepted without a date of birth: who may consent turns on age") {
  Case c = adopted();
  c.referral.subject.date_of_birth = PersonalDate();
  c.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}};
  refused(c, 5);
  c.consent.back().by = ConsentGiver::parent_guardian;
  refused(c, 5);
  c.consent.back().by = ConsentGiver::best_interests;
  c.consent.back().capacity_assessed = d("2026-02-01");
  refused(c, 5);
  c.referral.subject.date_of_birth = PersonalDate(d("2000-03-10"));
  passes(c);
}

TEST_CASE("consent by an under-18 subject is refused in an earlier episode too") {
  Case c = adopted();
  c.referral.subject.date_of_birth = PersonalDate(d("2010-05-17"));
  Episode e;
  e.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}};
  c.previous.push_back(e);
  refused(c, 5);
}

TEST_CASE("support actions need consent given") {
  Case c = adopted();
  c.support_plan.push_back({"A1", "life-skills", PersonalText("Zedshire Youth"), d("2026-02-10"), d("2026-03-10"), ActionStatus::open,
                            std::nullopt, std::nullopt});
  refused(c, 5);
  c.consent = {Consent{ConsentStatus::requested, ConsentGiver::subject, d("2026-02-06")}};
  refused(c, 5);
  c.consent.back().status = ConsentStatus::given;
  passes(c);
}

TEST_CASE("consent is recorded only for an adopted case") {
  Case c = triaged_to_panel();
  c.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}};
  refused(c, 5);
}

// Rule 6

TEST_CASE("declined consent without closure is refused") {
  Case c = adopted();
  c.consent = {Consent{ConsentStatus::declined, ConsentGiver::subject, d("2026-02-10")}};
  refused(c, 6);
  c.closure = Closure{d("2026-02-10"), ClosureReason::consent_declined};
  passes(c);
}

TEST_CASE("withdrawn consent without closure is refused") {
  Case c = supported();
  c.consent = {Consent{ConsentStatus::withdrawn, ConsentGiver::subject, d("2026-03-10")}};
  refused(c, 6);
  c.closure = Closure{d("2026-03-10"), ClosureReason::consent_withdrawn};
  passes(c);
}

TEST_CASE("a consent closure reason must match the consent recorded") {
  Case c = supported();
  c.closure = Closure{d("2026-03-10"), ClosureReason::consent_withdrawn};
  refused(c, 6);
  Case declined = adopted();
  declined.consent = {Consent{ConsentStatus::declined, ConsentGiver::subject, d("2026-02-10")}};
  declined.closure = Closure{d("2026-02-10"), ClosureReason::consent_withdrawn};
  refused(declined, 6);
}

// Rule 7 (structure)

TEST_CASE("a closure other than by consent comes from a close review") {
  Case c = supported();
  c.closure = Closure{d("2026-04-02"), ClosureReason::no_further_concerns};
  refused(c, 7);
}

TEST_CASE("a post-closure review needs a closed case") {
  Case c = supported();
  c.reviews.push_back({d("2026-04-02"), ReviewKind::post_closure_6, std::nullopt, ReviewOutcome::no_concerns, PersonalNote()});
  refused(c, 7);
}

TEST_CASE("reviews belong to an adopted case") {
  Case c = triaged_to_panel();
  c.reviews.push_back({d("2026-02-05"), ReviewKind::monthly, std::nullopt, ReviewOutcome::continue_, PersonalNote()});
  refused(c, 7);
}

// Rule 9

TEST_CASE("the Section 36 decision is on or after receipt") {
  Case c = triaged_to_panel();
  c.triage->section36->decided = d("2026-01-02");
  refused(c, 9);
}

TEST_CASE("the first panel meeting is on or after triage") {
  Case c = adopted();
  c.triage->completed = d("2026-02-06");
  refused(c, 9);
}

TEST_CASE("consent is on or after the adopting meeting") {
  Case c = supported();
  c.consent.back().date = d("2026-02-01");
  c.support_plan[0].added = d("2026-02-06");
  refused(c, 9);
}

TEST_CASE("an action is added on or after consent and due on or after it is added") {
  Case early = supported();
  early.support_plan[0].added = d("2026-02-09");
  refused(early, 9);
  Case due = supported();
  due.support_plan[0].due = d("2026-02-09");
  refused(due, 9);
  Case closed = supported();
  closed.support_plan[0].closed = d("2026-02-09");
  refused(closed, 9);
}

TEST_CASE("an open action has no closed date and a done one has one") {
  Case open = supported();
  open.support_plan[0].status = ActionStatus::open;
  refused(open, 9);
  Case done = supported();
  done.support_plan[0].closed.reset();
  refused(done, 9);
}

TEST_CASE("support actions are numbered A1, A2 in order") {
  Case c = supported();
  c.support_plan[0].id = "A2";
  refused(c, 9);
}

TEST_CASE("reviews are on or after the adopting meeting") {
  Case c = supported();
  c.reviews.insert(c.reviews.begin(), Review{d("2026-02-01"), ReviewKind::monthly, std::nullopt, ReviewOutcome::continue_, PersonalNote()});
  refused(c, 9);
}

TEST_CASE("a review held at a meeting has the meeting's date") {
  Case c = supported();
  c.reviews[0].meeting = d("2026-02-05");
  refused(c, 9);
}

TEST_CASE("the closure is on or after every monthly review") {
  Case c = closed_case();
  c.reviews.insert(c.reviews.begin() + 2, Review{d("2026-04-10"), ReviewKind::monthly, std::nullopt, ReviewOutcome::continue_, PersonalNote()});
  refused(c, 9);
}

TEST_CASE("post-closure reviews are on or after the closure") {
  Case c = closed_case();
  c.reviews.back().date = d("2026-03-20");
  refused(c, 9);
}

TEST_CASE("assessments and chronology entries are on or after receipt") {
  Case a = triaged_to_panel();
  a.assessments[0].date = d("2026-01-02");
  refused(a, 9);
  Case ch = triaged_to_panel();
  ch.chronology[0].date = d("2025-12-31");
  refused(ch, 9);
}

TEST_CASE("an earlier episode was closed before it was reopened") {
  Case c = adopted();
  Episode e;
  e.closure = Closure{d("2026-03-05"), ClosureReason::no_further_concerns};
  e.reopened = d("2026-03-01");
  c.previous.push_back(e);
  refused(c, 9);
}

// Rule 10

TEST_CASE("a case cannot be related to itself") {
  Case c = referred();
  c.related = {"PRV-2025-0003"};
  passes(c);
  c.related.push_back(c.id);
  refused(c, 10);
}

// Where a case stands (the stage table of SPEC §3) and what falls due on it
// (SPEC §6.1, §4 rules 7 and 8).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "test_support.hpp"
#include "workflow.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {


Config cfg() {
  static const Config c = default_config("Test", "PRV", 2026);
  return c;
}

std::string stage(const Case& c) { return std::string(stage_key(stage_of(c, cfg()))); }

// A referral received on Monday 5 January 2026.
Case referred(const char* received = "2026-01-05") {
  Case c;
  c.id = "PRV-2026-0001";
  c.referral.received = d(received);
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

Case triaged(const std::string& outcome) {
  Case c = referred();
  Triage t;
  t.completed = d("2026-01-08");
  t.outcome = key<TriageOutcome>(outcome);
  if (outcome == "signposted") t.signposted_to = {"early-help"};
  if (outcome == "channel-panel") t.section36 = Section36{d("2026-01-08"), "Counter Terrorism Policing North West"};
  c.triage = t;
  return c;
}

void hear(Case& c, const char* meeting, const char* decision) {
  c.panel.push_back(Hearing{d(meeting), key<PanelDecision>(decision), std::string("consensus"), {}, PersonalNote()});
}

Case adopted() {
  Case c = triaged("channel-panel");
  hear(c, "2026-02-05", "adopt");
  return c;
}

Case supported() {
  Case c = adopted();
  c.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}};
  return c;
}

void review(Case& c, const char* date, const char* kind, const char* outcome) {
  c.reviews.push_back(Review{d(date), key<ReviewKind>(kind), std::nullopt, key<ReviewOutcome>(outcome), PersonalNote()});
}

// Supported, then closed by a monthly review with outcome close.
Case closed_on(const char* date) {
  Case c = supported();
  review(c, "2026-03-05", "monthly", "continue");
  review(c, date, "monthly", "close");
  c.closure = Closure{d(date), ClosureReason::no_further_concerns};
  return c;
}

// Closed on 2 April 2026, then reopened at the 6-month review on 2 October 2026:
// the episode moves into `previous`.
Case reopened(bool with_reopened_date = true) {
  Case c = closed_on("2026-04-02");
  review(c, "2026-10-02", "post-closure-6", "reopen");
  Episode e;
  e.consent = c.consent;
  e.support_plan = c.support_plan;
  e.reviews = c.reviews;
  e.closure = c.closure;
  if (with_reopened_date) e.reopened = d("2026-10-02");
  c.previous.push_back(e);
  c.consent.clear();
  c.support_plan.clear();
  c.reviews.clear();
  c.closure.reset();
  return c;
}

std::vector<std::string> items(const Case& c) {
  std::vector<std::string> out;
  for (const auto& i : due_items(c, cfg())) out.push_back(std::string(key_of(i.item)) + " " + i.due.str() + (i.action_id.empty() ? "" : " " + i.action_id));
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("the stages are those of SPEC section 3 in order") {
  V keys;
  for (Stage s : all_stages()) keys.push_back(std::string(stage_key(s)));
  CHECK(keys == V{"awaiting-triage", "no-further-action", "signposted", "police-managed", "awaiting-panel",
                  "not-adopted", "awaiting-consent", "supported", "post-closure", "closed", "voided"});
  for (Stage s : all_stages()) CHECK(parse_stage(stage_key(s)) == s);
  CHECK_FALSE(parse_stage("open"));
  CHECK_FALSE(parse_stage(""));
}

TEST_CASE("the final stages are the triage outcomes, not-adopted, closed and voided") {
  V finals;
  for (Stage s : all_stages())
    if (is_final(s)) finals.push_back(std::string(stage_key(s)));
  CHECK(finals == V{"no-further-action", "signposted", "police-managed", "not-adopted", "closed", "voided"});
}

TEST_CASE("a referral without triage is awaiting triage") { CHECK(stage(referred()) == "awaiting-triage"); }

TEST_CASE("a final triage outcome is the stage") {
  CHECK(stage(triaged("no-further-action")) == "no-further-action");
  CHECK(stage(triaged("signposted")) == "signposted");
  CHECK(stage(triaged("police-managed")) == "police-managed");
}

TEST_CASE("a case triaged to the panel and not yet heard is awaiting panel") {
  CHECK(stage(triaged("channel-panel")) == "awaiting-panel");
}

TEST_CASE("a deferred case is awaiting panel again") {
  Case c = triaged("channel-panel");
  hear(c, "2026-01-22", "defer");
  CHECK(stage(c) == "awaiting-panel");
  hear(c, "2026-02-05", "defer");
  CHECK(stage(c) == "awaiting-panel");
  hear(c, "2026-02-19", "adopt");
  CHECK(stage(c) == "awaiting-consent");
}

TEST_CASE("a case the panel did not adopt is not-adopted") {
  Case c = triaged("channel-panel");
  hear(c, "2026-01-22", "defer");
  hear(c, "2026-02-05", "not-adopt");
  CHECK(stage(c) == "not-adopted");
}

TEST_CASE("an adopted case waits for consent until it is given") {
  Case c = adopted();
  CHECK(stage(c) == "awaiting-consent");
  c.consent = {Consent{ConsentStatus::requested, ConsentGiver::parent_guardian, d("2026-02-06")}};
  CHECK(stage(c) == "awaiting-consent");
  c.consent.back().status = ConsentStatus::given;
  CHECK(stage(c) == "supported");
}

TEST_CASE("a closed adopted case is in post-closure until its reviews are done") {
  Case c = closed_on("2026-04-02");
  CHECK(stage(c) == "post-closure");
  review(c, "2026-10-02", "post-closure-6", "no-concerns");
  CHECK(stage(c) == "post-closure");
  review(c, "2027-04-02", "post-closure-12", "no-concerns");
  CHECK(stage(c) == "closed");
}

TEST_CASE("declined consent closes the case but its post-closure reviews still fall due") {
  Case c = adopted();
  c.consent = {Consent{ConsentStatus::declined, ConsentGiver::parent_guardian, d("2026-02-12")}};
  c.closure = Closure{d("2026-02-12"), ClosureReason::consent_declined};
  CHECK(stage(c) == "post-closure");
  CHECK(items(c) == V{"post-closure-6 2026-08-12", "post-closure-12 2027-02-12"});
}

TEST_CASE("continue at the 12-month review means an extended review is due") {
  Case c = closed_on("2026-04-02");
  review(c, "2026-10-02", "post-closure-6", "no-concerns");
  review(c, "2027-04-02", "post-closure-12", "continue");
  CHECK(stage(c) == "post-closure");
  CHECK(items(c) == V{"extended-review 2027-10-02"});
  review(c, "2027-10-02", "extended", "continue");
  CHECK(stage(c) == "post-closure");
  CHECK(items(c) == V{"extended-review 2028-04-02"});
}

TEST_CASE("extensions stop at 24 months after closure") {
  Case c = closed_on("2026-04-02");
  review(c, "2026-10-02", "post-closure-6", "no-concerns");
  review(c, "2027-04-02", "post-closure-12", "continue");
  review(c, "2027-10-02", "extended", "continue");
  review(c, "2028-04-02", "extended", "continue");
  CHECK(stage(c) == "closed");
  CHECK(items(c).empty());
}

TEST_CASE("an extended review with no concerns closes the case") {
  Case c = closed_on("2026-04-02");
  review(c, "2026-10-02", "post-closure-6", "no-concerns");
  review(c, "2027-04-02", "post-closure-12", "continue");
  review(c, "2027-10-02", "extended", "no-concerns");
  CHECK(stage(c) == "closed");
}

TEST_CASE("a reopened case goes back to awaiting panel") {
  Case c = reopened();
  CHECK(stage(c) == "awaiting-panel");
  REQUIRE(reopened_on(c));
  CHECK(reopened_on(c)->str() == "2026-10-02");
  CHECK(current_hearings(c).empty());
  CHECK(adopting_hearing(c) == nullptr);
  // The panel target runs from the reopening review.
  CHECK(items(c) == V{"panel 2026-10-30"});
}

TEST_CASE("a reopened episode without its reopening date counts from the reopening review") {
  Case c = reopened(false);
  CHECK(stage(c) == "awaiting-panel");
  REQUIRE(reopened_on(c));
  CHECK(reopened_on(c)->str() == "2026-10-02");
}

TEST_CASE("a reopened case heard again starts a new episode") {
  Case c = reopened();
  hear(c, "2026-10-15", "adopt");
  CHECK(stage(c) == "awaiting-consent");
  REQUIRE(adopting_hearing(c) != nullptr);
  CHECK(adopting_hearing(c)->meeting.str() == "2026-10-15");
  CHECK(items(c) == V{"consent 2026-10-29"});
  c.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-10-20")}};
  CHECK(stage(c) == "supported");
}

TEST_CASE("triage falls due five working days after receipt, over a weekend and a bank holiday") {
  // Thursday 2 April 2026: Good Friday and Easter Monday are bank holidays.
  CHECK(items(referred("2026-04-02")) == V{"triage 2026-04-13"});
  // Wednesday 23 December 2026: Christmas, the Boxing Day substitute and New Year's Day.
  CHECK(items(referred("2026-12-23")) == V{"triage 2027-01-04"});
  // An ordinary week: Monday + 5 working days is the next Monday.
  CHECK(items(referred("2026-11-02")) == V{"triage 2026-11-09"});
}

TEST_CASE("a case awaiting panel is due at panel 28 days after the Section 36 decision") {
  CHECK(items(triaged("channel-panel")) == V{"panel 2026-02-05"});
  Case deferred = triaged("channel-panel");
  hear(deferred, "2026-01-22", "defer");
  CHECK(items(deferred) == V{"panel 2026-02-05"});
}

TEST_CASE("consent falls due 14 days after the adopting meeting") {
  CHECK(items(adopted()) == V{"consent 2026-02-19"});
  Case c = triaged("channel-panel");
  hear(c, "2026-01-22", "defer");
  hear(c, "2026-02-05", "adopt");
  CHECK(items(c) == V{"consent 2026-02-19"});
}

TEST_CASE("the monthly review falls due 28 days after the last review") {
  Case c = supported();
  CHECK(items(c) == V{"monthly-review 2026-03-05"});  // from the adopting meeting
  review(c, "2026-03-05", "monthly", "continue");
  CHECK(items(c) == V{"monthly-review 2026-04-02"});
  review(c, "2026-03-20", "monthly", "continue");
  CHECK(items(c) == V{"monthly-review 2026-04-17"});
}

TEST_CASE("open support actions are due, done and cancelled ones are not") {
  Case c = supported();
  c.support_plan.push_back({"A1", "mental-health", PersonalText("Zedshire NHS FT"), d("2026-02-10"), d("2026-03-31"), ActionStatus::open,
                            std::nullopt, std::nullopt});
  c.support_plan.push_back({"A2", "life-skills", PersonalText("Zedshire Youth"), d("2026-02-10"), d("2026-02-20"), ActionStatus::done,
                            d("2026-02-18"), std::nullopt});
  c.support_plan.push_back({"A3", "housing", PersonalText("Zedshire Homes"), d("2026-02-11"), d("2026-02-25"), ActionStatus::cancelled,
                            d("2026-02-12"), std::nullopt});
  c.support_plan.push_back({"A4", "employment", PersonalText("Zedshire Jobs"), d("2026-02-12"), d("2026-03-01"), ActionStatus::open,
                            std::nullopt, std::nullopt});
  CHECK(items(c) == V{"action 2026-03-01 A4", "monthly-review 2026-03-05", "action 2026-03-31 A1"});
}

TEST_CASE("post-closure reviews fall due 6 and 12 months after closure, clamped to the month's end") {
  Case c = closed_on("2026-08-31");
  CHECK(items(c) == V{"post-closure-6 2027-02-28", "post-closure-12 2027-08-31"});
  review(c, "2027-02-28", "post-closure-6", "no-concerns");
  CHECK(items(c) == V{"post-closure-12 2027-08-31"});
}

TEST_CASE("final stages have nothing due") {
  CHECK(items(triaged("no-further-action")).empty());
  CHECK(items(triaged("signposted")).empty());
  CHECK(items(triaged("police-managed")).empty());
  Case not_adopted = triaged("channel-panel");
  hear(not_adopted, "2026-02-05", "not-adopt");
  CHECK(items(not_adopted).empty());
  Case closed = closed_on("2026-04-02");
  review(closed, "2026-10-02", "post-closure-6", "no-concerns");
  review(closed, "2027-04-02", "post-closure-12", "no-concerns");
  CHECK(items(closed).empty());
}

TEST_CASE("the age band is the age on the referral date") {
  Case c = referred("2026-11-03");
  c.referral.subject.date_of_birth = PersonalDate(d("2010-11-04"));
  CHECK(age_band(c, cfg()) == "11-15");
  c.referral.subject.date_of_birth = PersonalDate(d("2010-11-03"));  // 16th birthday on the day
  CHECK(age_band(c, cfg()) == "16-17");
  c.referral.subject.date_of_birth = PersonalDate(d("1975-11-03"));
  CHECK(age_band(c, cfg()) == "51-plus");
  c.referral.subject.date_of_birth = PersonalDate();
  CHECK(age_band(c, cfg()) == "not-known");
}

// Who may consent for the person on a day (SPEC §4 rule 5; Channel Duty
// Guidance; Mental Capacity Act 2005), and the consent history: dated
// entries appended, never overwritten, the latest one counting.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "case_fixtures.hpp"
#include "consent_giver.hpp"
#include "correction.hpp"
#include "rules.hpp"
#include "test_support.hpp"
#include "void_entry.hpp"
#include "workflow.hpp"

using namespace prevent;
using namespace prevent::test;
using namespace prevent::fixtures;

namespace {

Consent entry(ConsentStatus status, ConsentGiver by, const char* date,
              std::optional<const char*> capacity_assessed = std::nullopt) {
  Consent k{status, by, d(date)};
  if (capacity_assessed) k.capacity_assessed = d(*capacity_assessed);
  return k;
}

Consent given(ConsentGiver by, const char* date, std::optional<const char*> capacity = std::nullopt) {
  return entry(ConsentStatus::given, by, date, capacity);
}

std::optional<ConsentProblem> problem(const Consent& k, std::optional<const char*> dob) {
  AgeFacts age;
  age.received = d("2026-01-01");
  if (dob) {
    age.date_of_birth = d(*dob);
    age.age_at_referral = age_on(*age.date_of_birth, age.received);
  }
  return consent_giver_problem(k, age, "PRV-2026-0001");
}

// The same judged from the age at referral alone (an encrypted record
// read without its key), the person born on `dob` and referred on `received`.
std::optional<ConsentProblem> problem_sealed(const Consent& k, const char* dob, const char* received) {
  AgeFacts age;
  age.received = d(received);
  age.age_at_referral = age_on(d(dob), age.received);
  age.date_of_birth_hidden = true;
  return consent_giver_problem(k, age, "PRV-2026-0001");
}

bool valid(const Consent& k, std::optional<const char*> dob) { return !problem(k, dob).has_value(); }

// Every rule of SPEC §4 on the whole record (police at every meeting).
void rules_hold(const Case& c) {
  static std::map<Date, Meeting> meetings;
  auto ctx = RuleContext{cfg(), d("2026-12-01"), [](Date date) -> const Meeting* {
                           auto& m = meetings[date];
                           m.date = date;
                           m.chair = Member{"Prevent Lead", "Zedshire Council", false};
                           m.attendees = {Member{"Detective Sergeant", "Zedshire Police", true}};
                           return &m;
                         }};
  check_case_rules(c, ctx);
}

Failure refused_by_rule(const Case& c, int rule) {
  auto f = failure_of([&] { rules_hold(c); });
  REQUIRE(f);
  CHECK(f->code() == Exit::refused);
  CHECK_MESSAGE(has(f->what(), "rule " + std::to_string(rule) + " "), f->what());
  return *f;
}

Case with_dob(Case c, const char* dob) {
  c.referral.subject.date_of_birth = PersonalDate(d(dob));
  return c;
}

}  // namespace

// --- Age --------------------------------------------------------------------

TEST_CASE("the subject consents from their 18th birthday, counted on the consent date") {
  CHECK(valid(given(ConsentGiver::subject, "2026-02-10"), "2008-02-10"));
  CHECK_FALSE(valid(given(ConsentGiver::subject, "2026-02-09"), "2008-02-10"));
  // A parent or guardian consents up to the day before, not on it.
  CHECK(valid(given(ConsentGiver::parent_guardian, "2026-02-09"), "2008-02-10"));
  CHECK_FALSE(valid(given(ConsentGiver::parent_guardian, "2026-02-10"), "2008-02-10"));
}

TEST_CASE("a person born on 29 February is 18 on 1 March of a common year") {
  // 2026 is a common year: no 29 February; the 18th birthday is 1 March.
  CHECK_FALSE(valid(given(ConsentGiver::subject, "2026-02-28"), "2008-02-29"));
  CHECK(valid(given(ConsentGiver::parent_guardian, "2026-02-28"), "2008-02-29"));
  CHECK(valid(given(ConsentGiver::subject, "2026-03-01"), "2008-02-29"));
  CHECK_FALSE(valid(given(ConsentGiver::parent_guardian, "2026-03-01"), "2008-02-29"));
  // Born on 29 February 2012: 18 on 1 March 2030, not on 28 February.
  CHECK_FALSE(valid(given(ConsentGiver::subject, "2030-02-28"), "2012-02-29"));
  CHECK(valid(given(ConsentGiver::subject, "2030-03-01"), "2012-02-29"));
  // An adult born on 29 February is an adult on 29 February of a leap year.
  CHECK(valid(given(ConsentGiver::subject, "2028-02-29"), "2008-02-29"));
}

TEST_CASE("a parent or guardian consents only for a child, and the hint names what an adult may give") {
  auto p = problem(given(ConsentGiver::parent_guardian, "2026-11-20"), "2004-07-23");
  REQUIRE(p);
  CHECK(has(p->what, "consent given by parent-guardian on 2026-11-20"));
  CHECK(has(p->what, "18 or over"));
  CHECK(has(p->hint, "--by subject"));
  CHECK(has(p->hint, "--by attorney-or-deputy"));
  CHECK(has(p->hint, "--by best-interests"));
  CHECK(has(p->hint, "--capacity-assessed"));
}

TEST_CASE("a subject under 18 is refused with a parent-guardian hint") {
  auto p = problem(given(ConsentGiver::subject, "2026-11-20"), "2009-07-23");
  REQUIRE(p);
  CHECK(has(p->what, "under 18"));
  CHECK(has(p->hint, "--by parent-guardian"));
}

// --- Capacity -----------------------------------------------------------------

TEST_CASE("attorney-or-deputy and best-interests are only for adults (Mental Capacity Act 2005)") {
  for (auto by : {ConsentGiver::attorney_or_deputy, ConsentGiver::best_interests}) {
    CAPTURE(key_of(by));
    auto child = problem(given(by, "2026-11-20", "2026-11-01"), "2009-07-23");
    REQUIRE(child);
    CHECK(has(child->what, "under 18"));
    CHECK(has(child->hint, "--by parent-guardian"));
    CHECK(valid(given(by, "2026-11-20", "2026-11-01"), "1990-01-01"));
  }
}

TEST_CASE("consent for an adult who lacks capacity needs the date capacity was assessed") {
  for (auto by : {ConsentGiver::attorney_or_deputy, ConsentGiver::best_interests}) {
    CAPTURE(key_of(by));
    auto none = problem(given(by, "2026-11-20"), "1990-01-01");
    REQUIRE(none);
    CHECK(has(none->what, "capacity was assessed"));
    CHECK(has(none->hint, "--capacity-assessed DATE, on or before 2026-11-20"));
  }
}

TEST_CASE("capacity is assessed on or before the consent, never after") {
  CHECK(valid(given(ConsentGiver::best_interests, "2026-11-20", "2026-11-20"), "1990-01-01"));
  auto late = problem(given(ConsentGiver::best_interests, "2026-11-20", "2026-11-21"), "1990-01-01");
  REQUIRE(late);
  CHECK(has(late->what, "2026-11-21"));
  CHECK(has(late->hint, "on or before 2026-11-20"));
}

TEST_CASE("a capacity assessment goes only with attorney-or-deputy or best-interests") {
  auto subject = problem(given(ConsentGiver::subject, "2026-11-20", "2026-11-01"), "1990-01-01");
  REQUIRE(subject);
  CHECK(has(subject->hint, "leave out --capacity-assessed"));
  CHECK_FALSE(valid(given(ConsentGiver::parent_guardian, "2026-11-20", "2026-11-01"), "2009-07-23"));
}

TEST_CASE("without a date of birth no consent is accepted, and the hint says how to record one") {
  for (auto by : {ConsentGiver::subject, ConsentGiver::parent_guardian, ConsentGiver::attorney_or_deputy,
                  ConsentGiver::best_interests}) {
    CAPTURE(key_of(by));
    auto p = problem(given(by, "2026-11-20", by == ConsentGiver::subject || by == ConsentGiver::parent_guardian
                                                 ? std::nullopt
                                                 : std::optional<const char*>("2026-11-01")),
                     std::nullopt);
    REQUIRE(p);
    CHECK(has(p->what, "date of birth is not recorded"));
    CHECK(has(p->hint, "prevent correct PRV-2026-0001 referral.subject.date_of_birth=YYYY-MM-DD"));
  }
}

TEST_CASE("every entry of every consent history is judged on its own date") {
  // Adopted 2026-02-05; born 2008-03-01: 18 on 2026-03-01.
  Case c = with_dob(awaiting_consent(), "2008-03-01");
  c.consent = {entry(ConsentStatus::requested, ConsentGiver::parent_guardian, "2026-02-10"),
               given(ConsentGiver::subject, "2026-03-01")};
  rules_hold(c);
  // The earlier entry, by the subject while 17, is refused though the latest is valid.
  c.consent.front().by = ConsentGiver::subject;
  auto f = refused_by_rule(c, 5);
  CHECK(has(f.what(), "consent requested by subject on 2026-02-10"));
  // And in an earlier episode.
  Case e = with_dob(awaiting_consent(), "2008-03-01");
  Episode old;
  old.consent = {given(ConsentGiver::subject, "2026-02-10")};
  e.previous.push_back(old);
  refused_by_rule(e, 5);
}

TEST_CASE("no refusal names the person's date of birth") {
  Case c = with_dob(awaiting_consent(), "2008-03-01");
  c.consent = {given(ConsentGiver::subject, "2026-02-10")};
  auto f = refused_by_rule(c, 5);
  CHECK_FALSE(has(f.what(), "2008"));
  CHECK_FALSE(has(f.hint(), "2008"));
}

// --- History ------------------------------------------------------------------

TEST_CASE("consent entries are appended, never overwritten, and the latest counts for the stage") {
  Case c = awaiting_consent();
  apply_consent(c, entry(ConsentStatus::requested, ConsentGiver::subject, "2026-02-06"), cfg());
  CHECK(stage_of(c, cfg()) == Stage::awaiting_consent);
  apply_consent(c, entry(ConsentStatus::requested, ConsentGiver::subject, "2026-02-08"), cfg());
  apply_consent(c, given(ConsentGiver::subject, "2026-02-10"), cfg());
  CHECK(stage_of(c, cfg()) == Stage::supported);
  apply_consent(c, entry(ConsentStatus::withdrawn, ConsentGiver::subject, "2026-03-01"), cfg());
  REQUIRE(c.consent.size() == 4);
  CHECK(c.consent[0].date == d("2026-02-06"));
  CHECK(c.consent[2].status == ConsentStatus::given);
  CHECK(latest_consent(c)->status == ConsentStatus::withdrawn);
  CHECK(c.closure->reason == ClosureReason::consent_withdrawn);
  rules_hold(c);
}

TEST_CASE("a consent entry dated before the latest one is refused (rule 9)") {
  Case c = awaiting_consent();
  apply_consent(c, entry(ConsentStatus::requested, ConsentGiver::subject, "2026-02-10"), cfg());
  auto f = failure_of([&] { apply_consent(c, given(ConsentGiver::subject, "2026-02-09"), cfg()); });
  REQUIRE(f);
  CHECK(f->code() == Exit::refused);
  CHECK(has(f->what(), "rule 9"));
  CHECK(has(f->hint(), "--date 2026-02-10 or later"));
  // On a record built another way (an import, a hand edit), the rule holds too.
  c.consent.push_back(given(ConsentGiver::subject, "2026-02-09"));
  refused_by_rule(c, 9);
}

TEST_CASE("a consent history ends with a refusal or a withdrawal (rule 6)") {
  Case c = awaiting_consent();
  c.consent = {entry(ConsentStatus::declined, ConsentGiver::subject, "2026-02-10"),
               given(ConsentGiver::subject, "2026-02-12")};
  refused_by_rule(c, 6);
}

TEST_CASE("voiding consent voids the latest entry; the earlier ones stand") {
  Case c = awaiting_consent();
  apply_consent(c, entry(ConsentStatus::requested, ConsentGiver::subject, "2026-02-06"), cfg());
  apply_consent(c, given(ConsentGiver::subject, "2026-02-10"), cfg());
  apply_void(c, parse_void_target("consent"), d("2026-06-01"), "Recorded on the wrong case");
  REQUIRE(c.consent.size() == 1);
  CHECK(c.consent[0].status == ConsentStatus::requested);
  CHECK(stage_of(c, cfg()) == Stage::awaiting_consent);
  REQUIRE(c.voided.back().consent);
  CHECK(c.voided.back().consent->status == ConsentStatus::given);
  CHECK(c.voided.back().what == "consent");
  rules_hold(c);
}

TEST_CASE("consent voided while support actions stand on it is refused; a voided withdrawal leaves them standing") {
  Case c = supported();
  add_support_action(c, Action{"", "life-skills", PersonalText("Zedshire Youth"), d("2026-02-11"), d("2026-04-01"),
                               ActionStatus::open, std::nullopt, std::nullopt},
                     cfg());
  auto f = failure_of([&] { apply_void(c, parse_void_target("consent"), d("2026-06-01"), "Wrong case"); });
  REQUIRE(f);
  CHECK(f->code() == Exit::refused);
  CHECK(has(f->hint(), "prevent void PRV-2026-0001 action:A1"));
  apply_consent(c, entry(ConsentStatus::withdrawn, ConsentGiver::subject, "2026-03-01"), cfg());
  apply_void(c, parse_void_target("consent"), d("2026-06-01"), "Recorded in error");
  CHECK(stage_of(c, cfg()) == Stage::supported);
  CHECK_FALSE(c.closure);
  CHECK(c.voided.back().closure->reason == ClosureReason::consent_withdrawn);
  rules_hold(c);
}

// --- The form before the history was kept -------------------------------------

TEST_CASE("the single consent mapping of an older store reads as a history of one") {
  const std::string text = std::string(kCaseSchemaComment) +
      "id: PRV-2026-0001\n"
      "referral:\n"
      "  received: 2026-01-05\n"
      "  route: email\n"
      "  source:\n"
      "    sector: education\n"
      "    agency: Quillet Academy\n"
      "    referrer_role: Designated Safeguarding Lead\n"
      "  subject:\n"
      "    name: Zorvan Quillet\n"
      "    date_of_birth: 2000-03-10\n"
      "    gender: male\n"
      "  concern:\n"
      "    type: extreme-right-wing\n"
      "    summary: Fictional summary\n"
      "triage:\n"
      "  completed: 2026-01-08\n"
      "  outcome: channel-panel\n"
      "  section36:\n"
      "    decided: 2026-01-08\n"
      "    by: Counter Terrorism Policing North West\n"
      "panel:\n"
      "  - meeting: 2026-02-05\n"
      "    decision: adopt\n"
      "consent:\n"
      "  status: given\n"
      "  by: subject\n"
      "  date: 2026-02-10\n";
  Case c = read_case(text, "cases/2026/PRV-2026-0001.yaml", cfg());
  REQUIRE(c.consent.size() == 1);
  CHECK(c.consent[0].status == ConsentStatus::given);
  CHECK(c.consent[0].date == d("2026-02-10"));
  CHECK(stage_of(c, cfg()) == Stage::supported);
  rules_hold(c);
  // Written back, it is a history of one, in the list form.
  CHECK(has(write_case(c), "consent:\n  - status: given\n    by: subject\n    date: 2026-02-10\n"));
  // A defect in the old form is named as it is written.
  auto f = failure_of([&] { read_case(replace(text, "date: 2026-02-10", "date: 2026-02-30"), "case.yaml", cfg()); });
  REQUIRE(f);
  CHECK(has(f->what(), "consent.date"));
}

// --- Correcting the date of birth ---------------------------------------------

TEST_CASE("a corrected date of birth that would make a recorded consent invalid is refused, naming the consent") {
  Case c = supported();  // consent given by the subject on 2026-02-10; born 2000-03-10
  const Case before = c;
  auto f = failure_of(
      [&] { apply_correction(c, {{"referral.subject.date_of_birth", "2009-03-10"}}, "Typo", d("2026-06-01"), cfg()); });
  REQUIRE(f);
  CHECK(f->code() == Exit::refused);
  CHECK(has(f->what(), "rule 5"));
  CHECK(has(f->what(), "consent given by subject on 2026-02-10"));
  CHECK_FALSE(has(f->what(), "2009"));
  CHECK(has(f->hint(), "prevent void PRV-2026-0001 consent"));
  CHECK(c.corrections.size() == before.corrections.size());
  // Removing it is refused the same way; a date that keeps the person an adult is not.
  CHECK(failure_of(
      [&] { apply_correction(c, {{"referral.subject.date_of_birth", ""}}, "Unknown", d("2026-06-01"), cfg()); }));
  apply_correction(c, {{"referral.subject.date_of_birth", "2001-03-10"}}, "Typo", d("2026-06-01"), cfg());
  CHECK(c.referral.subject.date_of_birth.reveal() == d("2001-03-10"));
}

TEST_CASE("consent.FIELD names the latest entry of the history when corrected") {
  Case c = awaiting_consent();
  apply_consent(c, entry(ConsentStatus::requested, ConsentGiver::subject, "2026-02-06"), cfg());
  apply_consent(c, given(ConsentGiver::subject, "2026-02-10"), cfg());
  auto fields = apply_correction(c, {{"consent.date", "2026-02-11"}}, "Typo", d("2026-06-01"), cfg());
  CHECK(fields == std::vector<std::string>{"consent.2.date"});
  CHECK(c.consent[1].date == d("2026-02-11"));
  CHECK(c.consent[0].date == d("2026-02-06"));
  auto f = failure_of([&] { apply_correction(c, {{"consent.1.status", "given"}}, "No", d("2026-06-01"), cfg()); });
  REQUIRE(f);
  CHECK(has(f->what(), "a decision cannot be corrected"));
}

TEST_CASE("rule 5 from the age at referral alone: decided away from the 18th birthday, a question for the key near it") {
  // Born 2008-06-15, referred 2025-03-01 at 16: 18 on 2026-06-15.
  const char* dob = "2008-06-15";
  const char* received = "2025-03-01";
  // Well before: a child for certain.
  CHECK_FALSE(problem_sealed(given(ConsentGiver::parent_guardian, "2025-04-01"), dob, received));
  CHECK(problem_sealed(given(ConsentGiver::subject, "2025-04-01"), dob, received));
  CHECK_FALSE(problem_sealed(given(ConsentGiver::subject, "2025-04-01"), dob, received)->needs_key);
  // Within the year of the birthday: only the key can tell.
  auto near = problem_sealed(given(ConsentGiver::subject, "2026-05-01"), dob, received);
  REQUIRE(near);
  CHECK(near->needs_key);
  CHECK(near->what.find("2008") == std::string::npos);
  // Well after: an adult for certain.
  CHECK_FALSE(problem_sealed(given(ConsentGiver::subject, "2027-04-01"), dob, received));
  CHECK(problem_sealed(given(ConsentGiver::parent_guardian, "2027-04-01"), dob, received));
}

TEST_CASE("adult_on from the age at referral agrees with the date of birth wherever it decides") {
  // Every birthday of a leap-year span against consent days from two years
  // before the referral to three after: never a wrong answer, only unknowns.
  const Date received = d("2026-03-01");
  for (Date dob = d("2007-01-01"); dob < d("2010-01-01"); dob = dob.add_days(13)) {
    AgeFacts sealed;
    sealed.received = received;
    sealed.age_at_referral = age_on(dob, received);
    sealed.date_of_birth_hidden = true;
    for (Date day = d("2024-03-01"); day < d("2029-03-01"); day = day.add_days(17)) {
      auto answer = adult_on(sealed, day);
      if (answer) CHECK(*answer == (age_on(dob, day) >= 18));
    }
  }
}

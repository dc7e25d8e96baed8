// The retention schedule (docs/retention.md): when the personal data of a
// case in a final stage should be erased, under which rule.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "case_fixtures.hpp"
#include "due_list.hpp"
#include "retention.hpp"
#include "retention_list.hpp"
#include "schema.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;
using namespace prevent::fixtures;

namespace {

// A rule of `stages` from `start`, for a config of one's own.
RetentionRule rule(const char* name, std::vector<Stage> stages, RetentionStart start, std::optional<int> years,
                   std::optional<int> months = std::nullopt, std::optional<int> birthday = std::nullopt) {
  RetentionRule r;
  r.name = name;
  r.stages = std::move(stages);
  r.start = start;
  r.years = years;
  r.months = months;
  r.not_before_birthday = birthday;
  return r;
}

// The defaults with the one rule for `stage` replaced by `r`.
Config with_rule(Stage stage, RetentionRule r) {
  Config c = cfg();
  for (auto& old : c.retention) std::erase(old.stages, stage);
  std::erase_if(c.retention, [](const RetentionRule& x) { return x.stages.empty(); });
  r.stages = {stage};
  c.retention.push_back(std::move(r));
  return c;
}

Case with_dob(Case c, std::optional<const char*> dob) {
  c.referral.subject.date_of_birth = dob ? PersonalDate(d(*dob)) : PersonalDate();
  return c;
}

// Triaged as no further action on `date`.
Case triaged_nfa(const char* date = "2026-01-08") {
  Case c = referred();
  Triage t;
  t.completed = d(date);
  t.outcome = TriageOutcome::no_further_action;
  apply_triage(c, t);
  return c;
}

Case not_adopted() {
  Case c = awaiting_panel();
  apply_decision(c, hearing("2026-02-05", PanelDecision::defer), cfg());
  apply_decision(c, hearing("2026-03-05", PanelDecision::not_adopt), cfg());
  return c;
}

// Closed 2026-04-02; post-closure reviews 2026-10-02 and 2027-04-02.
Case fully_closed() {
  Case c = closed();
  apply_review(c, review("2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::no_concerns), cfg());
  apply_review(c, review("2027-04-02", ReviewKind::post_closure_12, ReviewOutcome::no_concerns), cfg());
  return c;
}

Case voided_case(const char* on = "2026-01-20") {
  Case c = referred();
  VoidedEntry v;
  v.what = std::string(kVoidedCase);
  v.date = d(on);
  v.reason = PersonalText("Fictional duplicate");
  c.voided.push_back(v);
  return c;
}

Date erase_from(const Case& c, const Config& config = cfg()) {
  auto due = retention_due(c, config);
  REQUIRE(due.has_value());
  return due->erase_from;
}

std::string rule_of(const Case& c, const Config& config = cfg()) {
  auto due = retention_due(c, config);
  REQUIRE(due.has_value());
  return due->rule->name;
}

}  // namespace

TEST_CASE("the start events and stages of a rule are those the prevent.yaml schema lists") {
  std::vector<std::string> starts;
  for (auto k : keys_of<RetentionStart>()) starts.emplace_back(k);
  CHECK(starts == schema_enum(SchemaKind::config, "retention.start"));
  std::vector<std::string> finals;
  for (Stage s : all_stages())
    if (is_final(s)) finals.emplace_back(stage_key(s));
  CHECK(finals == schema_enum(SchemaKind::config, "retention.stages"));
}

TEST_CASE("the default schedule names every final stage once, and only final stages") {
  std::vector<Stage> named;
  for (const auto& r : default_retention())
    for (Stage s : r.stages) {
      CHECK(is_final(s));
      CHECK(std::find(named.begin(), named.end(), s) == named.end());
      named.push_back(s);
    }
  for (Stage s : all_stages()) CHECK(is_final(s) == (std::find(named.begin(), named.end(), s) != named.end()));
  CHECK(cfg().retention.size() == default_retention().size());
}

TEST_CASE("the defaults: three years after triage or the panel's decision, six after the last review, a month after a void") {
  CHECK(rule_of(triaged_nfa()) == "closed-at-triage");
  CHECK(erase_from(triaged_nfa()) == d("2029-01-08"));
  CHECK(rule_of(not_adopted()) == "not-adopted");
  CHECK(erase_from(not_adopted()) == d("2029-03-05"));  // the last decision, not the deferral
  CHECK(rule_of(fully_closed()) == "channel-case");
  CHECK(erase_from(fully_closed()) == d("2033-04-02"));  // born 2000: an adult at referral
  CHECK(rule_of(voided_case()) == "entered-in-error");
  CHECK(erase_from(voided_case()) == d("2026-02-20"));
}

TEST_CASE("a case still in hand has no erasure date") {
  for (const Case& c : {referred(), awaiting_panel(), awaiting_consent(), supported(), closed()})
    CHECK_FALSE(retention_due(c, cfg()).has_value());  // closed(): post-closure reviews to come
}

TEST_CASE("a case already erased is never due again") {
  Case c = triaged_nfa();
  c.erasure = Erasure{d("2027-01-01"), PersonalText("Fictional request")};
  CHECK_FALSE(retention_due(c, cfg()).has_value());
  std::vector<DueRow> due;
  add_due_rows(due, c, cfg(), d("2040-01-01"), 0);
  CHECK(due.empty());
  std::vector<RetentionRow> rows;
  add_retention_row(rows, c, cfg(), d("2040-01-01"), 0);
  CHECK(rows.empty());
}

TEST_CASE("every start event is the day it names") {
  Case c = fully_closed();  // received 2026-01-05, triaged 2026-01-08, adopted 2026-02-05, closed 2026-04-02
  CHECK(retention_start(c, RetentionStart::referral) == d("2026-01-05"));
  CHECK(retention_start(c, RetentionStart::triage) == d("2026-01-08"));
  CHECK(retention_start(c, RetentionStart::panel_decision) == d("2026-02-05"));
  CHECK(retention_start(c, RetentionStart::closure) == d("2026-04-02"));
  CHECK(retention_start(c, RetentionStart::last_review) == d("2027-04-02"));
  CHECK_FALSE(retention_start(c, RetentionStart::voided).has_value());
  CHECK(retention_start(voided_case("2026-01-21"), RetentionStart::voided) == d("2026-01-21"));
  CHECK_FALSE(retention_start(referred(), RetentionStart::triage).has_value());
  CHECK_FALSE(retention_start(awaiting_panel(), RetentionStart::panel_decision).has_value());
  // The last review of a closed case is a post-closure one: monthly reviews
  // before the closure do not count, and without any the closure stands.
  CHECK(retention_start(closed(), RetentionStart::last_review) == d("2026-04-02"));

  for (auto [start, day] : {std::pair{RetentionStart::referral, "2027-01-05"}, {RetentionStart::triage, "2027-01-08"},
                            {RetentionStart::panel_decision, "2027-02-05"}, {RetentionStart::closure, "2027-04-02"},
                            {RetentionStart::last_review, "2028-04-02"}}) {
    Config config = with_rule(Stage::closed, rule("one-year", {}, start, 1));
    CHECK(erase_from(c, config) == d(day));
    CHECK(rule_of(c, config) == "one-year");
  }
  Config config = with_rule(Stage::voided, rule("void", {}, RetentionStart::voided, std::nullopt, 0));
  CHECK(erase_from(voided_case("2026-01-21"), config) == d("2026-01-21"));  // a period of nothing: the day itself
}

TEST_CASE("periods are calendar months, clamped to the month's end, years and months together") {
  auto nfa_rule = [](std::optional<int> years, std::optional<int> months) {
    return with_rule(Stage::no_further_action, rule("nfa", {}, RetentionStart::triage, years, months));
  };
  CHECK(erase_from(triaged_nfa("2026-01-31"), nfa_rule(std::nullopt, 1)) == d("2026-02-28"));
  CHECK(erase_from(triaged_nfa("2027-01-31"), nfa_rule(std::nullopt, 13)) == d("2028-02-29"));  // a leap year
  CHECK(erase_from(triaged_nfa("2026-01-31"), nfa_rule(1, 1)) == d("2027-02-28"));
  CHECK(erase_from(triaged_nfa("2026-08-31"), nfa_rule(std::nullopt, 1)) == d("2026-09-30"));
  CHECK(erase_from(triaged_nfa("2026-12-31"), nfa_rule(2, 2)) == d("2029-02-28"));
  CHECK(erase_from(triaged_nfa("2026-03-15"), nfa_rule(0, 0)) == d("2026-03-15"));
  // 29 February: a year on is 28 February; four years on, 29 February again.
  CHECK(erase_from(triaged_nfa("2028-02-29"), nfa_rule(1, std::nullopt)) == d("2029-02-28"));
  CHECK(erase_from(triaged_nfa("2028-02-29"), nfa_rule(4, std::nullopt)) == d("2032-02-29"));
  CHECK(erase_from(triaged_nfa("2028-02-29"), nfa_rule(std::nullopt, 12)) == d("2029-02-28"));
  // Saturating at the last date a record may hold, never beyond it.
  CHECK(erase_from(triaged_nfa("2990-06-01"), nfa_rule(100, 1200)) == Date::latest());
}

TEST_CASE("a child's record is kept until the rule's birthday, then as an adult's") {
  // referred() is received 2026-01-05. Rule: 6 years after triage
  // (2032-01-08), not before the 24th birthday.
  Config config = with_rule(Stage::no_further_action, rule("nfa", {}, RetentionStart::triage, 6, std::nullopt, 24));
  // 11 at referral (born 2014-06-01): 24 on 2038-06-01; surely 24 on 2039-01-05.
  Case child = with_dob(triaged_nfa(), "2014-06-01");
  CHECK(age_at_referral(child) == 11);
  CHECK(erase_from(child, config) == d("2039-01-05"));
  // 17 at referral: the floor (2033-01-05) is after the period's end.
  CHECK(erase_from(with_dob(triaged_nfa(), "2008-06-01"), config) == d("2033-01-05"));
  // 18 at referral: an adult, no floor.
  CHECK(erase_from(with_dob(triaged_nfa(), "2008-01-05"), config) == d("2032-01-08"));
  // A floor that comes before the period's end changes nothing.
  Config early = with_rule(Stage::no_further_action, rule("nfa", {}, RetentionStart::triage, 6, std::nullopt, 18));
  CHECK(erase_from(with_dob(triaged_nfa(), "2009-06-01"), early) == d("2032-01-08"));  // 16: floor 2028-01-05
  // A rule without a floor keeps a child's record no longer than an adult's.
  CHECK(erase_from(child) == d("2029-01-08"));
}

TEST_CASE("without a known age the child floor does not apply: the rule's period does") {
  Config config = with_rule(Stage::no_further_action, rule("nfa", {}, RetentionStart::triage, 6, std::nullopt, 24));
  Case unknown = with_dob(triaged_nfa(), std::nullopt);
  CHECK_FALSE(age_at_referral(unknown).has_value());
  CHECK(erase_from(unknown, config) == d("2032-01-08"));
}

TEST_CASE("the child floor reads only the age at referral, as the record without personal data keeps it") {
  Config config = with_rule(Stage::no_further_action, rule("nfa", {}, RetentionStart::triage, 1, std::nullopt, 24));
  Case child = with_dob(triaged_nfa(), "2014-06-01");
  CHECK(erase_from(without_personal_data(child), config) == erase_from(child, config));
}

TEST_CASE("the birthday floor is never before the birthday, and less than a year after it") {
  // Every date of birth over four years (two leap days among them), for
  // referrals on a 29 February, at a month's end and mid-month.
  for (const char* referred_on : {"2024-02-29", "2026-01-31", "2026-07-15", "2027-03-01"}) {
    Date referred = d(referred_on);
    for (Date dob = d("2008-01-01"); dob <= d("2011-12-31"); dob = dob.add_days(1)) {
      int age = age_on(dob, referred);
      Date floor = birthday_floor(referred, age, 25);
      CHECK(age_on(dob, floor) >= 25);
      CHECK(age_on(dob, floor.add_days(-366)) < 25);
    }
  }
  // Referred on 29 February aged 10: born on 28 February 2014 at the
  // latest (2014 has no 29th), so surely 24 on 28 February 2038.
  CHECK(birthday_floor(d("2024-02-29"), 10, 24) == d("2038-02-28"));
  // Aged 16 that day: perhaps born on 29 February 2008, who is 25 on
  // 1 March 2033, not on the 28th of that common year.
  CHECK(birthday_floor(d("2024-02-29"), 16, 25) == d("2033-03-01"));
}

TEST_CASE("review due lists the erasure of a final-stage case as the item retention, by its date") {
  Case nfa = triaged_nfa();  // erase from 2029-01-08
  nfa.id = "PRV-2026-0002";
  Case open = referred();  // triage due in January 2026, long overdue by then
  std::vector<DueRow> rows;
  add_due_rows(rows, nfa, cfg(), d("2029-01-07"), 0);
  CHECK(rows.empty());  // not yet
  add_due_rows(rows, nfa, cfg(), d("2029-01-07"), 1);  // within a day
  add_due_rows(rows, open, cfg(), d("2029-01-07"), 1);
  sort_due_rows(rows);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].item == DueKind::triage);
  CHECK(rows[1].id == "PRV-2026-0002");
  CHECK(rows[1].stage == Stage::no_further_action);
  CHECK(rows[1].item == DueKind::retention);
  CHECK(rows[1].due == d("2029-01-08"));
  CHECK(rows[1].days_overdue == -1);
  Table t = due_table(rows);
  CHECK(*t.rows[1][2] == "retention");
}

TEST_CASE("retention due: id, stage, rule, erase_from, days_overdue, most overdue first, then by ID") {
  Case a = triaged_nfa("2026-01-09");
  a.id = "PRV-2026-0010";
  Case b = triaged_nfa("2026-01-08");
  b.id = "PRV-2026-0011";
  Case c = voided_case("2026-01-20");
  c.id = "PRV-2026-0009";
  Case e = fully_closed();  // 2033: not yet
  e.id = "PRV-2026-0001";
  Case f = triaged_nfa("2026-01-09");
  f.id = "PRV-2026-0002";
  std::vector<RetentionRow> rows;
  for (const Case& x : {a, b, c, e, f}) add_retention_row(rows, x, cfg(), d("2029-01-10"), 0);
  sort_retention_rows(rows);
  Table t = retention_table(rows);
  std::vector<std::string> names;
  for (const auto& col : t.columns) names.push_back(col.name);
  CHECK(names == std::vector<std::string>{"id", "stage", "rule", "erase_from", "days_overdue"});
  std::vector<std::string> lines;
  for (const auto& r : t.rows) lines.push_back(*r[0] + " " + *r[1] + " " + *r[2] + " " + *r[3] + " " + *r[4]);
  CHECK(lines == std::vector<std::string>{
                     "PRV-2026-0009 voided entered-in-error 2026-02-20 1055",
                     "PRV-2026-0011 no-further-action closed-at-triage 2029-01-08 2",
                     "PRV-2026-0002 no-further-action closed-at-triage 2029-01-09 1",
                     "PRV-2026-0010 no-further-action closed-at-triage 2029-01-09 1",
                 });
}

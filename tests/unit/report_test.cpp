// The report of SPEC §7: counting (docs/report.md), the state of a case on a
// day, nearest-rank percentiles, suppression, and the four renderings.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "disclosure.hpp"
#include "report.hpp"
#include "report_support.hpp"
#include "test_support.hpp"
#include "workflow.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {

Config cfg() {
  static const Config c = default_config("Test Borough", "PRV", 2026);
  return c;
}

int serial = 0;

Case referral(const char* received, const char* sector = "education", const char* dob = "2000-03-10") {
  Case c;
  c.id = "PRV-2026-" + std::to_string(1000 + ++serial);
  c.referral.received = d(received);
  c.referral.route = "email";
  c.referral.sector = sector;
  c.referral.agency = "Quillet Academy";
  c.referral.referrer_role = "Designated Safeguarding Lead";
  c.referral.subject.name = PersonalText("Zorvan Quillet");
  if (dob) c.referral.subject.date_of_birth = PersonalDate(d(dob));
  c.referral.subject.gender = "male";
  c.referral.concern_type = "extreme-right-wing";
  c.referral.concern_summary = PersonalText("Fictional summary of a made-up concern");
  return c;
}

void triage(Case& c, const char* date, const char* outcome, std::vector<std::string> signposted = {}) {
  Triage t;
  t.completed = d(date);
  t.outcome = key<TriageOutcome>(outcome);
  t.signposted_to = std::move(signposted);
  if (std::string(outcome) == "channel-panel") t.section36 = Section36{d(date), "Counter Terrorism Policing"};
  c.triage = t;
}

void hear(Case& c, const char* meeting, const char* decision, std::vector<std::string> signposted = {}) {
  c.panel.push_back(Hearing{d(meeting), key<PanelDecision>(decision), std::string("consensus"), std::move(signposted), PersonalNote()});
}

ReportOptions period(const char* from, const char* to, const char* as_of, int threshold = 0) {
  ReportOptions o;
  o.from = d(from);
  o.to = d(to);
  o.as_of = d(as_of);
  o.threshold = threshold;
  return o;
}

long value(const Report& r, std::string_view path, std::string_view key) {
  const ReportTable* t = r.table(path);
  REQUIRE(t != nullptr);
  for (const auto& c : t->cells)
    if (c.key == key) {
      REQUIRE(c.value.has_value());
      return *c.value;
    }
  FAIL("no cell " << key << " in " << path);
  return -1;
}

bool suppressed(const Report& r, std::string_view path, std::string_view key) {
  const ReportTable* t = r.table(path);
  REQUIRE(t != nullptr);
  for (const auto& c : t->cells)
    if (c.key == key) return c.suppressed;
  FAIL("no cell " << key << " in " << path);
  return false;
}

}  // namespace

TEST_CASE("nearest-rank percentiles: the value at rank ceil(p*n/100)") {
  std::vector<long> ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CHECK(nearest_rank(ten, 50) == 5);  // the lower middle of an even count
  CHECK(nearest_rank(ten, 90) == 9);
  std::vector<long> eleven{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  CHECK(nearest_rank(eleven, 50) == 6);
  CHECK(nearest_rank(eleven, 90) == 10);  // ceil(9.9) = 10
  CHECK(nearest_rank({7}, 50) == 7);
  CHECK(nearest_rank({7}, 90) == 7);
  CHECK_FALSE(nearest_rank({}, 50).has_value());
}

TEST_CASE("the cohort is the referrals received in the period, both ends included") {
  std::vector<Case> cases{referral("2026-06-30"), referral("2026-07-01"), referral("2026-09-30"),
                          referral("2026-10-01")};
  Report r = build_report(cases, cfg(), period("2026-07-01", "2026-09-30", "2026-11-27"));
  CHECK(value(r, "referrals", "total") == 2);
  CHECK(value(r, "referrals.by_month", "2026-07") == 1);
  CHECK(value(r, "referrals.by_month", "2026-08") == 0);
  CHECK(value(r, "referrals.by_month", "2026-09") == 1);
  CHECK(r.table("referrals.by_month")->cells.size() == 3);
  // Every vocabulary key, zeros included, in vocabulary order.
  const auto& sectors = r.table("referrals.by_sector")->cells;
  REQUIRE(sectors.size() == cfg().sectors.entries.size());
  CHECK(sectors.front().key == "education");
  CHECK(sectors.front().value == 2);
  CHECK(sectors[1].value == 0);
}

TEST_CASE("age band on the referral date: a birthday that day counts") {
  std::vector<Case> cases{referral("2026-07-10", "education", "2010-07-10"),  // 16 that day
                          referral("2026-07-10", "education", "2010-07-11"),  // 15 until tomorrow
                          referral("2026-07-10", "education", nullptr)};
  Report r = build_report(cases, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27"));
  CHECK(value(r, "referrals.by_age_band", "16-17") == 1);
  CHECK(value(r, "referrals.by_age_band", "11-15") == 1);
  CHECK(value(r, "referrals.by_age_band", "not-known") == 1);
}

TEST_CASE("outcomes count what happened by the as-of date, even after the period") {
  Case a = referral("2026-07-06");
  triage(a, "2026-10-05", "channel-panel");
  hear(a, "2026-10-20", "defer");
  hear(a, "2026-11-03", "adopt", {});
  Case b = referral("2026-07-07");
  triage(b, "2026-07-08", "signposted", {"early-help"});
  Case c = referral("2026-07-08");
  triage(c, "2026-07-09", "channel-panel");
  hear(c, "2026-08-05", "not-adopt", {"early-help", "housing"});
  Case only_deferred = referral("2026-07-09");
  triage(only_deferred, "2026-07-10", "channel-panel");
  hear(only_deferred, "2026-08-05", "defer");
  std::vector<Case> cases{a, b, c, only_deferred};

  Report r = build_report(cases, cfg(), period("2026-07-01", "2026-09-30", "2026-11-27"));
  CHECK(value(r, "outcomes", "signposted") == 1);
  CHECK(value(r, "outcomes", "discussed_at_panel") == 3);
  CHECK(value(r, "outcomes", "adopted") == 1);
  CHECK(value(r, "outcomes", "not_adopted") == 2);  // the deferred one too (SPEC §7)
  CHECK(value(r, "outcomes.signposted_to", "early-help") == 2);  // b at triage, c at panel
  CHECK(value(r, "outcomes.signposted_to", "housing") == 1);
  CHECK(value(r, "channel_cases.by_concern", "extreme-right-wing") == 1);
  // The state at the period's end: a still awaiting triage; the others final or awaiting panel.
  CHECK(value(r, "in_hand", "total") == 2);
  CHECK(value(r, "in_hand.by_stage", "awaiting-triage") == 1);
  CHECK(value(r, "in_hand.by_stage", "awaiting-panel") == 1);
  CHECK(value(r, "in_hand.overdue", "triage") == 1);
  CHECK(value(r, "in_hand.overdue", "panel") == 1);  // Section 36 on 10 July + 28 days

  // Looking from an earlier day, the adoption has not happened yet.
  Report earlier = build_report(cases, cfg(), period("2026-07-01", "2026-09-30", "2026-10-25"));
  CHECK(value(earlier, "outcomes", "adopted") == 0);
  CHECK(value(earlier, "outcomes", "discussed_at_panel") == 3);
}

TEST_CASE("timeliness: days to triage and to first panel, and the working-day target") {
  std::vector<Case> cases;
  // Received Monday 6 July 2026; the 5th working day after is Monday 13 July.
  for (const char* triaged : {"2026-07-06", "2026-07-07", "2026-07-13", "2026-07-14"}) {
    Case c = referral("2026-07-06");
    triage(c, triaged, "no-further-action");
    cases.push_back(c);
  }
  Case heard = referral("2026-07-06");
  triage(heard, "2026-07-08", "channel-panel");
  hear(heard, "2026-08-05", "defer");
  hear(heard, "2026-09-02", "adopt");
  cases.push_back(heard);
  cases.push_back(referral("2026-07-06"));  // not triaged
  Report r = build_report(cases, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27"));
  CHECK(value(r, "timeliness.referral_to_triage_days", "count") == 5);
  CHECK(value(r, "timeliness.referral_to_triage_days", "median") == 2);  // 0 1 2 7 8
  CHECK(value(r, "timeliness.referral_to_triage_days", "p90") == 8);
  CHECK(value(r, "timeliness.referral_to_first_panel_days", "count") == 1);
  CHECK(value(r, "timeliness.referral_to_first_panel_days", "median") == 30);
  CHECK(value(r, "timeliness.triaged_within_target", "count") == 4);
  CHECK(value(r, "timeliness.triaged_within_target", "of") == 5);
}

TEST_CASE("the state of a case on a day takes away everything after it") {
  Case c = referral("2026-01-05");
  triage(c, "2026-01-08", "channel-panel");
  hear(c, "2026-02-05", "adopt");
  c.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}};
  c.support_plan.push_back(Action{"A1", "ideological-mentoring", PersonalText("Provider"), d("2026-02-10"), d("2026-03-31"), ActionStatus::done,
                                  d("2026-03-20"), std::nullopt});
  c.reviews.push_back(Review{d("2026-03-05"), ReviewKind::monthly, std::nullopt, ReviewOutcome::close, PersonalNote()});
  c.closure = Closure{d("2026-03-05"), ClosureReason::no_further_concerns};
  CHECK(stage_of(case_on(c, d("2026-01-07")), cfg()) == Stage::awaiting_triage);
  CHECK(stage_of(case_on(c, d("2026-01-08")), cfg()) == Stage::awaiting_panel);
  CHECK(stage_of(case_on(c, d("2026-02-06")), cfg()) == Stage::awaiting_consent);
  Case mid = case_on(c, d("2026-03-01"));
  CHECK(stage_of(mid, cfg()) == Stage::supported);
  REQUIRE(mid.support_plan.size() == 1);
  CHECK(mid.support_plan[0].status == "open");  // closed only on 20 March
  CHECK_FALSE(mid.support_plan[0].closed.has_value());
  CHECK(stage_of(case_on(c, d("2026-03-05")), cfg()) == Stage::post_closure);
}

TEST_CASE("the state of a reopened case before its reopening is the closed episode") {
  Case c = referral("2026-01-05");
  triage(c, "2026-01-08", "channel-panel");
  hear(c, "2026-02-05", "adopt");
  Episode e;
  e.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}};
  e.reviews.push_back(Review{d("2026-03-05"), ReviewKind::monthly, std::nullopt, ReviewOutcome::close, PersonalNote()});
  e.reviews.push_back(Review{d("2026-09-07"), ReviewKind::post_closure_6, std::nullopt, ReviewOutcome::reopen, PersonalNote()});
  e.closure = Closure{d("2026-03-05"), ClosureReason::no_further_concerns};
  e.reopened = d("2026-09-07");
  c.previous.push_back(e);
  CHECK(stage_of(c, cfg()) == Stage::awaiting_panel);
  Case before = case_on(c, d("2026-06-30"));
  CHECK(before.previous.empty());
  CHECK(stage_of(before, cfg()) == Stage::post_closure);
}

TEST_CASE("primary suppression hides 1 to threshold-1; large totals and zeros stay when safe") {
  std::vector<Case> cases;
  for (int i = 0; i < 6; ++i) cases.push_back(referral("2026-07-06", "education"));
  for (int i = 0; i < 5; ++i) cases.push_back(referral("2026-07-06", "health"));
  cases.push_back(referral("2026-07-06", "police"));
  cases.push_back(referral("2026-07-06", "police"));
  Report r = build_report(cases, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27", 5));
  CHECK(value(r, "referrals", "total") == 13);
  CHECK_FALSE(suppressed(r, "referrals", "total"));
  CHECK(suppressed(r, "referrals.by_sector", "police"));
  CHECK_FALSE(suppressed(r, "referrals.by_sector", "community"));  // zero
  // Exactly one cell hidden: 13 - 6 - 5 would give it away, so the smallest
  // other non-zero cell (health, 5) is hidden too.
  CHECK(suppressed(r, "referrals.by_sector", "health"));
  CHECK_FALSE(suppressed(r, "referrals.by_sector", "education"));
  // Off: nothing hidden.
  Report off = build_report(cases, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27", 0));
  CHECK_FALSE(suppressed(off, "referrals.by_sector", "police"));
  CHECK(value(off, "referrals.by_sector", "police") == 2);
}

TEST_CASE("two hidden cells whose sum the total gives away are protected too") {
  std::vector<Case> cases;
  for (int i = 0; i < 6; ++i) cases.push_back(referral("2026-07-06", "education"));
  cases.push_back(referral("2026-07-06", "police"));
  cases.push_back(referral("2026-07-06", "health"));
  Report r = build_report(cases, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27", 5));
  CHECK(suppressed(r, "referrals.by_sector", "police"));
  CHECK(suppressed(r, "referrals.by_sector", "health"));
  // 8 - 6 = 2 = police + health, each at least 1: both would be 1. The
  // earlier report stopped at two hidden cells and gave them away.
  CHECK(suppressed(r, "referrals.by_sector", "education"));
  CHECK_FALSE(suppressed(r, "referrals", "total"));
}

TEST_CASE("a small number of late triages hides the within-target count, and medians of small counts") {
  std::vector<Case> cases;
  for (int i = 0; i < 7; ++i) {
    Case c = referral("2026-07-06");
    triage(c, i < 6 ? "2026-07-07" : "2026-07-31", "no-further-action");
    cases.push_back(c);
  }
  Case heard = referral("2026-07-06");
  triage(heard, "2026-07-07", "channel-panel");
  hear(heard, "2026-08-05", "adopt");
  cases.push_back(heard);
  Report r = build_report(cases, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27", 5));
  CHECK(value(r, "timeliness.triaged_within_target", "of") == 8);
  CHECK(suppressed(r, "timeliness.triaged_within_target", "count"));  // 8 - 7 = 1 late
  CHECK_FALSE(suppressed(r, "timeliness.referral_to_triage_days", "median"));
  CHECK(suppressed(r, "timeliness.referral_to_first_panel_days", "median"));  // one case
  CHECK(suppressed(r, "timeliness.referral_to_first_panel_days", "p90"));
  // adopted 1 of discussed 1: all three hidden. not_adopted is 0, but shown
  // under a hidden discussed it would say that everyone discussed was adopted.
  CHECK(suppressed(r, "outcomes", "discussed_at_panel"));
  CHECK(suppressed(r, "outcomes", "adopted"));
  CHECK(suppressed(r, "outcomes", "not_adopted"));
}

TEST_CASE("FOI answers keep the work in hand and timeliness to totals") {
  std::vector<Case> cases{referral("2026-07-06"), referral("2026-07-07")};
  ReportOptions o = period("2026-07-01", "2026-07-31", "2026-11-27", 5);
  o.foi = true;
  Report r = build_report(cases, cfg(), o);
  CHECK(r.table("in_hand.by_stage") == nullptr);
  CHECK(value(r, "in_hand", "total") == 2);
  CHECK(suppressed(r, "in_hand", "total"));  // a total is a count like any other
  CHECK(value(r, "in_hand", "overdue") == 2);
  CHECK(r.table("timeliness.referral_to_triage_days")->cells.size() == 1);
}

TEST_CASE("the four formats carry the same numbers") {
  std::vector<Case> cases;
  for (int i = 0; i < 7; ++i) cases.push_back(referral("2026-07-06", i < 6 ? "education" : "police"));
  Report r = build_report(cases, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27", 5));
  auto j = nlohmann::json::parse(render_report(r, ReportFormat::json));
  CHECK(j["area"] == "Test Borough");
  CHECK(j["period"]["from"] == "2026-07-01");
  CHECK(j["suppression"]["threshold"] == 5);
  CHECK(j["referrals"]["total"] == 7);
  CHECK(j["referrals"]["by_sector"]["education"] == "[c]");  // secondary: 7 - 6 would show police's 1
  CHECK(j["referrals"]["by_sector"]["police"] == "[c]");
  CHECK(j["referrals"]["by_sector"]["health"] == 0);
  CHECK(j["in_hand"]["at"] == "2026-07-31");
  CHECK(j["timeliness"]["referral_to_triage_days"]["median"].is_null());

  std::string csv = render_report(r, ReportFormat::csv);
  CHECK(has(csv, "table,category,count\r\n"));
  CHECK(has(csv, "referrals,total,7\r\n"));
  CHECK(has(csv, "referrals.by_sector,education,[c]\r\n"));
  CHECK(has(csv, "referrals.by_sector,health,0\r\n"));
  CHECK(has(csv, "report,suppression_threshold,5\r\n"));

  std::string md = render_report(r, ReportFormat::md);
  CHECK(has(md, "| Education | \\[c\\] |"));
  CHECK(has(md, "| Referrals received | 7 |"));

  std::string html = render_report(r, ReportFormat::html);
  CHECK(has(html, "<tr data-key=\"education\"><td>Education</td><td class=\"n\">[c]</td></tr>"));
  // Every sector that is not 0 is hidden: no chart, a sentence instead.
  CHECK_FALSE(has(html, "<svg class=\"chart\" data-table=\"referrals.by_sector\""));
  CHECK(has(html, "No chart: every count above 0 in this table is hidden ([c])."));
  CHECK_FALSE(has(html, "<script"));
}

TEST_CASE("text from prevent.yaml is escaped in html and md, and guarded in csv") {
  Config c = cfg();
  c.area = "=Borough <b>&</b> | x";
  Report r = build_report({}, c, period("2026-07-01", "2026-07-31", "2026-11-27"));
  std::string html = render_report(r, ReportFormat::html);
  CHECK(has(html, "=Borough &lt;b&gt;&amp;&lt;/b&gt; | x"));
  CHECK_FALSE(has(html, "<b>"));
  CHECK(has(render_report(r, ReportFormat::md), "=Borough \\<b\\>&\\</b\\> \\| x"));
  CHECK(has(render_report(r, ReportFormat::csv), "report,area,'=Borough <b>&</b> | x\r\n"));
}

TEST_CASE("no personal data in any format") {
  Case c = referral("2026-07-06", "education", "2009-02-14");
  triage(c, "2026-07-07", "no-further-action");
  c.triage->rationale = PersonalNote(std::string("Qzxv rationale phrase"));
  Report r = build_report({c}, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27"));
  for (auto f : {ReportFormat::json, ReportFormat::csv, ReportFormat::md, ReportFormat::html}) {
    std::string out = render_report(r, f);
    CHECK_FALSE(has(out, "Zorvan"));
    CHECK_FALSE(has(out, "2009-02-14"));
    CHECK_FALSE(has(out, "Fictional summary"));
    CHECK_FALSE(has(out, "Qzxv"));
  }
}

TEST_CASE("the report built one case at a time does not depend on the order the cases come in") {
  std::vector<Case> cases;
  for (int i = 0; i < 12; ++i) {
    Case c = referral(i % 3 ? "2026-05-04" : "2026-06-15", i % 2 ? "education" : "health");
    if (i % 4 != 3) triage(c, i % 3 ? "2026-05-06" : "2026-06-30", i % 5 ? "signposted" : "channel-panel",
                           i % 5 ? std::vector<std::string>{"early-help"} : std::vector<std::string>{});
    if (i % 5 == 0) hear(c, "2026-07-09", i % 2 ? "adopt" : "not-adopt");
    cases.push_back(c);
  }
  auto options = period("2026-04-01", "2027-03-31", "2026-11-27");
  const std::string whole = render_report(build_report(cases, cfg(), options), ReportFormat::json);
  const Config config = cfg();
  ReportBuilder backwards(config, options);
  for (auto it = cases.rbegin(); it != cases.rend(); ++it) backwards.add(*it);
  CHECK(render_report(backwards.finish(), ReportFormat::json) == whole);
  ReportBuilder none(config, options);
  CHECK(value(none.finish(), "referrals", "total") == 0);
}

TEST_CASE("a case voided as entered in error counts only as entered in error, voided entries nowhere") {
  Case dup = referral("2026-07-02");
  triage(dup, "2026-07-03", "channel-panel");
  VoidedEntry whole;
  whole.what = std::string(kVoidedCase);
  whole.date = d("2026-07-10");
  whole.reason = PersonalText("Fictional duplicate");
  dup.voided.push_back(whole);
  Case kept = referral("2026-07-05");
  triage(kept, "2026-07-06", "channel-panel");
  // A no-further-action triage voided: the case awaits triage again.
  VoidedEntry wrong;
  wrong.what = "triage";
  wrong.date = d("2026-07-08");
  wrong.reason = PersonalText("Fictional reason");
  wrong.triage = *kept.triage;
  wrong.triage->outcome = TriageOutcome::no_further_action;
  kept.voided.push_back(wrong);
  Report r = build_report({dup, kept}, cfg(), period("2026-07-01", "2026-09-30", "2026-10-15"));
  CHECK(value(r, "referrals", "total") == 1);
  CHECK(value(r, "referrals", "entered_in_error") == 1);
  CHECK(value(r, "referrals.by_sector", "education") == 1);
  CHECK(value(r, "outcomes", "no_further_action") == 0);
  CHECK(value(r, "in_hand", "total") == 1);
  CHECK(value(r, "in_hand.by_stage", "awaiting-panel") == 1);
  CHECK(value(r, "timeliness.referral_to_triage_days", "count") == 1);
}

namespace {

Personal<std::optional<std::string>> sealed(const char* key) {
  return Personal<std::optional<std::string>>(std::string(key));
}

std::vector<std::string> keys_of_table(const Report& r, std::string_view path) {
  std::vector<std::string> out;
  for (const auto& c : r.table(path)->cells) out.push_back(c.key);
  return out;
}

void adopt(Case& c, const char* meeting) {
  triage(c, "2026-07-08", "channel-panel");
  hear(c, meeting, "adopt");
}

}  // namespace

TEST_CASE("referrals by the optional categories: every key in order, a case without one not recorded") {
  Case a = referral("2026-07-06");
  a.referral.subject.ethnicity = sealed("white");
  a.referral.subject.mental_health = sealed("concern");
  a.referral.subject.neurodiversity = sealed("autism");
  a.referral.consent_to_referral = "given";
  Case b = referral("2026-07-07");
  b.referral.subject.ethnicity = sealed("white");
  b.referral.subject.neurodiversity = sealed("none");
  b.referral.consent_to_referral = "not-sought";
  Case c = referral("2026-07-08");  // recorded before the categories: none of them
  Report r = build_report({a, b, c}, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27"));
  CHECK(keys_of_table(r, "referrals.by_ethnicity") ==
        std::vector<std::string>{"asian", "black", "mixed", "white", "other", "not-stated", "not-recorded"});
  CHECK(value(r, "referrals.by_ethnicity", "white") == 2);
  CHECK(value(r, "referrals.by_ethnicity", "asian") == 0);
  CHECK(value(r, "referrals.by_ethnicity", "not-recorded") == 1);
  CHECK(keys_of_table(r, "referrals.by_mental_health") ==
        std::vector<std::string>{"concern", "no-concern", "not-known", "not-recorded"});
  CHECK(value(r, "referrals.by_mental_health", "concern") == 1);
  CHECK(value(r, "referrals.by_mental_health", "not-recorded") == 2);
  CHECK(value(r, "referrals.by_neurodiversity", "autism") == 1);
  CHECK(value(r, "referrals.by_neurodiversity", "none") == 1);
  CHECK(value(r, "referrals.by_neurodiversity", "not-recorded") == 1);
  CHECK(keys_of_table(r, "referrals.by_consent") ==
        std::vector<std::string>{"given", "not-given", "not-sought", "not-known", "not-recorded"});
  CHECK(value(r, "referrals.by_consent", "given") == 1);
  CHECK(value(r, "referrals.by_consent", "not-sought") == 1);
  CHECK(value(r, "referrals.by_consent", "not-recorded") == 1);
  // The JSON keeps the order and every key, zeros included. Ethnicity is
  // special-category data: its small counts are hidden even with the
  // report's suppression off (here the whole table: white 2 and not
  // recorded 1 would be narrowed by the shown total of 3 and the zeros);
  // consent to the referral is not.
  auto j = nlohmann::ordered_json::parse(render_report(r, ReportFormat::json));
  CHECK(j["referrals"]["by_ethnicity"].dump() ==
        R"({"asian":"[c]","black":"[c]","mixed":"[c]","white":"[c]","other":"[c]","not-stated":"[c]","not-recorded":"[c]"})");
  CHECK(j["referrals"]["by_consent"].dump() ==
        R"({"given":1,"not-given":0,"not-sought":1,"not-known":0,"not-recorded":1})");
}

TEST_CASE("special-category tables hide small numbers even with the report's suppression off") {
  std::vector<Case> cases;
  for (int i = 0; i < 8; ++i) {
    Case c = referral("2026-07-06");
    c.referral.subject.ethnicity = sealed(i < 7 ? "white" : "asian");
    c.referral.consent_to_referral = "given";
    cases.push_back(c);
  }
  cases.back().referral.consent_to_referral.reset();
  Report r = build_report(cases, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27", 0));
  CHECK_FALSE(r.suppression_applied());
  CHECK(suppressed(r, "referrals.by_ethnicity", "asian"));  // 1: below the store's threshold, 5
  // white 7 = 8 - 1 would give it away: the disclosure control hides it too
  // (the table sums to referrals.total, which stays shown).
  CHECK(suppressed(r, "referrals.by_ethnicity", "white"));
  CHECK_FALSE(suppressed(r, "referrals", "total"));
  CHECK(r.withheld.empty());
  CHECK_FALSE(suppressed(r, "referrals.by_ethnicity", "black"));
  CHECK_FALSE(suppressed(r, "referrals.by_mental_health", "not-recorded"));  // 8
  // Consent to the referral is not special-category data: shown as it is.
  CHECK_FALSE(suppressed(r, "referrals.by_consent", "not-recorded"));
  CHECK(value(r, "referrals.by_consent", "not-recorded") == 1);
  CHECK_FALSE(suppressed(r, "referrals.by_sector", "education"));
  const std::string md = render_report(r, ReportFormat::md);
  CHECK(has(md, "\\[c\\] marks a number withheld although suppression is off"));
}

TEST_CASE("a special-category table that only hiding the shown total could protect is withheld whole") {
  std::vector<Case> cases;
  for (int i = 0; i < 3; ++i) {
    Case c = referral("2026-07-06");
    c.referral.subject.ethnicity = sealed("white");
    cases.push_back(c);
  }
  Report r = build_report(cases, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27", 0));
  CHECK(value(r, "referrals", "total") == 3);  // suppression is off: the total is shown
  // white 3 = the total less the zeros: every cell of the table is hidden.
  const ReportTable* t = r.table("referrals.by_ethnicity");
  REQUIRE(t != nullptr);
  for (const auto& c : t->cells) CHECK(c.suppressed);
  CHECK(std::find(r.withheld.begin(), r.withheld.end(), "referrals.by_ethnicity") != r.withheld.end());
  CHECK_FALSE(suppressed(r, "referrals.by_sector", "education"));
}

TEST_CASE("Channel cases by gender and by sector, and how the closed ones left") {
  auto closed_case = [](const char* sector, const char* gender, ClosureReason reason) {
    Case c = referral("2026-07-06", sector);
    c.referral.subject.gender = gender;
    adopt(c, "2026-07-16");
    c.closure = Closure{d("2026-09-01"), reason};
    return c;
  };
  std::vector<Case> cases{
      closed_case("education", "female", ClosureReason::no_further_concerns),
      closed_case("education", "male", ClosureReason::no_further_concerns),
      closed_case("health", "male", ClosureReason::escalated_to_police),
      closed_case("police", "male", ClosureReason::transferred_out),
      closed_case("police", "female", ClosureReason::consent_declined),
      closed_case("community", "male", ClosureReason::consent_withdrawn),
      closed_case("other", "other", ClosureReason::other),
  };
  Case open = referral("2026-07-07", "prisons");  // adopted, not closed
  adopt(open, "2026-07-16");
  cases.push_back(open);
  Case closed_after = closed_case("prisons", "male", ClosureReason::no_further_concerns);
  closed_after.closure->date = d("2026-12-01");  // after the as-of date: still open
  cases.push_back(closed_after);
  Case not_adopted = referral("2026-07-08", "health");
  triage(not_adopted, "2026-07-09", "channel-panel");
  hear(not_adopted, "2026-07-16", "not-adopt");
  cases.push_back(not_adopted);

  Report r = build_report(cases, cfg(), period("2026-07-01", "2026-09-30", "2026-11-27"));
  CHECK(value(r, "outcomes", "adopted") == 9);
  CHECK(value(r, "channel_cases.by_gender", "female") == 2);
  CHECK(value(r, "channel_cases.by_gender", "male") == 6);
  CHECK(value(r, "channel_cases.by_gender", "other") == 1);
  CHECK(value(r, "channel_cases.by_gender", "not-known") == 0);
  CHECK(keys_of_table(r, "channel_cases.by_sector") == cfg().sectors.keys());
  CHECK(value(r, "channel_cases.by_sector", "education") == 2);
  CHECK(value(r, "channel_cases.by_sector", "prisons") == 2);
  CHECK(value(r, "channel_cases.by_sector", "health") == 1);  // not the one not adopted
  CHECK(value(r, "channel_cases", "closed") == 7);
  CHECK(keys_of_table(r, "channel_cases.closed_by_reason") ==
        std::vector<std::string>{"risk-reduced", "referred-to-other-services", "transferred-out",
                                 "consent-declined-or-withdrawn", "other"});
  CHECK(value(r, "channel_cases.closed_by_reason", "risk-reduced") == 2);
  CHECK(value(r, "channel_cases.closed_by_reason", "referred-to-other-services") == 1);
  CHECK(value(r, "channel_cases.closed_by_reason", "transferred-out") == 1);
  CHECK(value(r, "channel_cases.closed_by_reason", "consent-declined-or-withdrawn") == 2);
  CHECK(value(r, "channel_cases.closed_by_reason", "other") == 1);
  auto j = nlohmann::ordered_json::parse(render_report(r, ReportFormat::json));
  CHECK(j["channel_cases"]["closed"] == 7);
  CHECK(j["channel_cases"]["closed_by_reason"]["risk-reduced"] == 2);
  CHECK(has(render_report(r, ReportFormat::csv), "channel_cases.closed_by_reason,transferred-out,1\r\n"));
}

TEST_CASE("a reopened case counts as closed only when its current episode is") {
  Case c = referral("2026-07-06");
  adopt(c, "2026-07-16");
  Episode first;
  first.closure = Closure{d("2026-08-06"), ClosureReason::no_further_concerns};
  Review reopening;
  reopening.date = d("2026-09-10");
  reopening.kind = ReviewKind::post_closure_6;
  reopening.outcome = ReviewOutcome::reopen;
  first.reviews.push_back(reopening);
  first.reopened = d("2026-09-10");
  c.previous.push_back(first);
  Report r = build_report({c}, cfg(), period("2026-07-01", "2026-09-30", "2026-11-27"));
  CHECK(value(r, "channel_cases", "closed") == 0);
  // As of a day before the reopening, the first episode's closure stands.
  Report before = build_report({c}, cfg(), period("2026-07-01", "2026-09-30", "2026-09-01"));
  CHECK(value(before, "channel_cases", "closed") == 1);
  CHECK(value(before, "channel_cases.closed_by_reason", "risk-reduced") == 1);
}

TEST_CASE("md and html give percentages of the table's total, and none in a table with a hidden number") {
  std::vector<Case> cases;
  for (int i = 0; i < 10; ++i) cases.push_back(referral("2026-07-06", i < 6 ? "education" : "police"));
  Report open = build_report(cases, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27"));
  const std::string md = render_report(open, ReportFormat::md);
  CHECK(has(md, "| Category | Count | % |\n|---|--:|--:|\n| Education | 6 | 60% |\n| Police | 4 | 40% |\n"));
  const std::string html = render_report(open, ReportFormat::html);
  CHECK(has(html, "<tr data-key=\"police\"><td>Police</td><td class=\"n\">4</td><td class=\"p\">40%</td></tr>"));
  // Threshold 5: police 4 is hidden, and education with it; no percentage
  // anywhere in the table (6 of 10 = 60% would tell 4).
  Report hidden = build_report(cases, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27", 5));
  const std::string md5 = render_report(hidden, ReportFormat::md);
  CHECK(has(md5, "### Referrals by sector of the referrer\n\n| Category | Count |\n|---|--:|\n| Education | \\[c\\] |"));
  CHECK_FALSE(has(md5, "60%"));
  CHECK_FALSE(has(render_report(hidden, ReportFormat::html), "60%"));
  // The same table where nothing is hidden keeps them: all 10 in July.
  CHECK(has(md5, "| July 2026 | 10 | 100% |"));
  // A count that rounds to 0% of a large total shows as under 1%.
  std::vector<Case> many(250, referral("2026-07-06"));
  many.push_back(referral("2026-07-06", "police"));
  Report big = build_report(many, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27"));
  CHECK(has(render_report(big, ReportFormat::md), "| Police | 1 | <1% |"));
}

TEST_CASE("md and html put medians and percentiles under their own headings") {
  Case c = referral("2026-07-06");
  triage(c, "2026-07-08", "no-further-action");
  Report r = build_report({c}, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27"));
  const std::string md = render_report(r, ReportFormat::md);
  CHECK(has(md, "| Measure | Cases | Median (days) | 90th percentile (days) |\n|---|--:|--:|--:|\n"
                "| From referral to triage | 1 | 2 | 2 |\n| From referral to first panel | 0 | – | – |\n"));
  const std::string html = render_report(r, ReportFormat::html);
  CHECK(has(html, "<tr><th>Measure</th><th class=\"n\">Cases</th><th class=\"n\">Median (days)</th>"
                  "<th class=\"n\">90th percentile (days)</th></tr>"));
  CHECK(has(html, "<tr data-table=\"timeliness.referral_to_triage_days\"><td>From referral to triage</td>"
                  "<td class=\"n\">1</td><td class=\"n\">2</td><td class=\"n\">2</td></tr>"));
}

TEST_CASE("md and html label routes, stages, due items and months; json and csv keep the keys") {
  Case c = referral("2026-07-06");
  c.referral.route = "massh-children";
  Report r = build_report({c}, cfg(), period("2026-07-01", "2026-07-31", "2026-11-27"));
  for (auto f : {ReportFormat::md, ReportFormat::html}) {
    std::string out = render_report(r, f);
    // What a reader sees: html without its tags (data-key attributes hold the keys).
    for (auto open = out.find('<'); open != std::string::npos; open = out.find('<', open))
      out.erase(open, out.find('>', open) - open + 1);
    CHECK(has(out, "Multi-Agency Safeguarding and Support Hub (children)"));
    CHECK(has(out, "Awaiting triage"));
    CHECK(has(out, "6-month post-closure review"));
    CHECK(has(out, "July 2026"));
    CHECK(has(out, "1 July 2026 to 31 July 2026"));
    CHECK_FALSE(has(out, "massh-children"));
    CHECK_FALSE(has(out, "awaiting-triage"));
    CHECK_FALSE(has(out, "post-closure-6"));
  }
  const std::string csv = render_report(r, ReportFormat::csv);
  CHECK(has(csv, "referrals.by_route,massh-children,1\r\n"));
  CHECK(has(csv, "in_hand.by_stage,awaiting-triage,1\r\n"));
  CHECK(has(csv, "referrals.by_month,2026-07,1\r\n"));
}

TEST_CASE("html charts wrap long labels, draw only shown cells and say how many are hidden") {
  Config c = cfg();
  c.concern_types.entries[0].label = "A deliberately long fictional label that could never fit on one line of a chart";
  std::vector<Case> cases;
  for (int i = 0; i < 12; ++i) {
    Case k = referral("2026-07-06");
    k.referral.concern_type = i < 6 ? "islamist" : i < 11 ? "extreme-right-wing" : "other";
    cases.push_back(k);
  }
  Report r = build_report(cases, c, period("2026-07-01", "2026-07-31", "2026-11-27", 5));
  const std::string html = render_report(r, ReportFormat::html);
  const auto start = html.find("<svg class=\"chart\" data-table=\"referrals.by_concern\"");
  REQUIRE(start != std::string::npos);
  const std::string svg = html.substr(start, html.find("</svg>", start) - start);
  // other 1 is [c], and the smallest other cell (erw 5) with it: two hidden.
  // Lines of at most 38 characters, broken between words.
  CHECK(has(svg, "<tspan x=\"252\" dy=\"0\">A deliberately long fictional label</tspan>"
                 "<tspan x=\"252\" dy=\"13\">that could never fit on one line of a</tspan>"
                 "<tspan x=\"252\" dy=\"13\">chart</tspan>"));
  CHECK(has(svg, "Not drawn: 2 categories hidden ([c])"));
  size_t rects = 0;
  for (size_t at = svg.find("<rect"); at != std::string::npos; at = svg.find("<rect", at + 1)) ++rects;
  CHECK(rects == 1);  // islamist 6 only; zeros have no bar
  // Nothing shown above 0: a sentence in place of the chart.
  Report few = build_report({cases[0]}, c, period("2026-07-01", "2026-07-31", "2026-11-27", 5));
  CHECK(has(render_report(few, ReportFormat::html),
            "<p class=\"no-chart\">No chart: every count above 0 in this table is hidden ([c]).</p>"));
}

// ---------------------------------------------------------------------------
// The same period a year earlier (docs/report.md, "A year earlier")

namespace {

Report counts(const std::vector<Case>& cases, const ReportOptions& o) {
  static const Config config = cfg();
  ReportBuilder b(config, o);
  for (const auto& c : cases) b.add(c);
  return b.finish_counts();
}

Case referral_of(const char* received, const char* gender, const char* sector = "education") {
  Case c = referral(received, sector);
  c.referral.subject.gender = gender;
  return c;
}

// Whether a requester holding `answers` still has the whole of 1 to
// threshold-1 for every primary cell of each.
void check_every_primary_keeps_its_range(const std::vector<Release>& answers) {
  for (size_t i = 0; i < answers.size(); ++i)
    for (const auto& c : answers[i].cells) {
      if (!c.primary) continue;
      CAPTURE(i);
      CAPTURE(c.path);
      CAPTURE(c.key);
      const CellRange r = feasible_range(answers, {{i, c.path, c.key, 1.0}});
      CHECK((!r.min || *r.min <= 1 + 1e-6));
      CHECK((!r.max || *r.max >= answers[i].threshold - 1 - 1e-6));
    }
}

}  // namespace

TEST_CASE("a year earlier: the same quarter, financial year or month, and 29 February") {
  auto shifted = [](const char* from, const char* to, const char* as_of) {
    return year_earlier(period(from, to, as_of, 5));
  };
  ReportOptions q = shifted("2026-07-01", "2026-09-30", "2026-11-27");
  CHECK(q.from == d("2025-07-01"));
  CHECK(q.to == d("2025-09-30"));
  CHECK(q.as_of == d("2025-11-27"));  // the same distance from the period's end
  CHECK(q.threshold == 5);
  CHECK(period_label(q.from, q.to) == "2025-Q3");
  ReportOptions fy = shifted("2025-04-01", "2026-03-31", "2026-04-30");
  CHECK(fy.from == d("2024-04-01"));
  CHECK(fy.to == d("2025-03-31"));
  CHECK(period_label(fy.from, fy.to) == "FY2024");
  // A whole February stays whole, whichever year is the leap year.
  ReportOptions feb = shifted("2025-02-01", "2025-02-28", "2025-03-10");
  CHECK(feb.to == d("2024-02-29"));
  CHECK(period_label(feb.from, feb.to) == "February 2024");
  CHECK(shifted("2024-02-01", "2024-02-29", "2024-03-10").to == d("2023-02-28"));
  // A range of days: both ends a year back, 29 February to the 28th.
  ReportOptions days = shifted("2024-02-29", "2024-03-15", "2024-02-29");
  CHECK(days.from == d("2023-02-28"));
  CHECK(days.to == d("2023-03-15"));
  CHECK(days.as_of == d("2023-02-28"));
  CHECK(period_label(days.from, days.to) == "2023-02-28 to 2023-03-15");
  CHECK(period_label(d("2025-01-01"), d("2025-06-30")) == "2025-01-01 to 2025-06-30");
}

TEST_CASE("md and html show the same period a year earlier beside each count; json and csv do not") {
  std::vector<Case> cases;
  for (int i = 0; i < 3; ++i) cases.push_back(referral("2025-07-07", "education"));
  cases.push_back(referral("2025-08-04", "police"));
  for (int i = 0; i < 6; ++i) cases.push_back(referral("2026-07-06", "education"));
  for (int i = 0; i < 4; ++i) cases.push_back(referral("2026-08-03", "police"));
  triage(cases[0], "2025-07-09", "no-further-action");
  const ReportOptions o = period("2026-07-01", "2026-09-30", "2026-11-27");
  Report r = counts(cases, o);
  Report plain = r;
  protect_special_categories(plain, 0);
  protect_special_categories_with_year_earlier(r, counts(cases, year_earlier(o)), 0);
  REQUIRE(r.year_earlier != nullptr);
  CHECK(value(*r.year_earlier, "referrals", "total") == 4);

  const std::string md = render_report(r, ReportFormat::md);
  CHECK(has(md, "- Beside each count, headed 2025-Q3: the same period a year earlier, counted the same way: the "
                "referrals received from 1 July 2025 to 30 September 2025 and what became of them by 27 November "
                "2025, and the work in hand at the end of 30 September 2025\n"));
  CHECK(has(md, "| Category | Count | % | 2025-Q3 |\n|---|--:|--:|--:|\n| Education | 6 | 60% | 3 |\n"
                "| Police | 4 | 40% | 1 |\n"));
  // A month beside the same month a year earlier.
  CHECK(has(md, "| July 2026 | 6 | 60% | 3 |\n| August 2026 | 4 | 40% | 1 |\n| September 2026 | 0 | 0% | 0 |\n"));
  CHECK(has(md, "| No further action at triage | 0 | 1 |\n"));
  CHECK(has(md, "| From referral to triage | 0 | – | – |\n| From referral to triage, 2025-Q3 | 1 | 2 | 2 |\n"));
  // Special-category data a year earlier are protected too: 4 not recorded.
  CHECK(has(md, "### Referrals by ethnic group\n\n| Category | Count | % | 2025-Q3 |"));
  CHECK(has(md, "| Not recorded | 10 | 100% | \\[c\\] |"));
  CHECK(has(md, "| Not recorded | 10 | 100% | 4 |"));  // consent to the referral: not special

  const std::string html = render_report(r, ReportFormat::html);
  CHECK(has(html, "<tr><th>Category</th><th class=\"n\">Count</th><th class=\"p\">%</th><th class=\"n y\">2025-Q3</th></tr>"));
  CHECK(has(html, "<tr data-key=\"police\"><td>Police</td><td class=\"n\">4</td><td class=\"p\">40%</td>"
                  "<td class=\"n y\">1</td></tr>"));
  CHECK(has(html, "<td>From referral to triage, 2025-Q3</td><td class=\"n\">1</td>"));

  // json and csv keep their shape: the same text as without the column.
  CHECK(render_report(r, ReportFormat::json) == render_report(plain, ReportFormat::json));
  CHECK(render_report(r, ReportFormat::csv) == render_report(plain, ReportFormat::csv));
  CHECK(render_report(plain, ReportFormat::md).find("2025-Q3") == std::string::npos);
}

TEST_CASE("a year earlier with no referrals is said once, not shown as a column of zeros") {
  std::vector<Case> cases;
  for (int i = 0; i < 6; ++i) cases.push_back(referral("2026-07-06", "education"));
  const ReportOptions o = period("2026-07-01", "2026-09-30", "2026-11-27", 5);
  Report r = counts(cases, o);
  protect_with_year_earlier(r, counts(cases, year_earlier(o)), {});
  const std::string md = render_report(r, ReportFormat::md);
  CHECK(has(md, "- No referrals were received in the same period a year earlier (1 July 2025 to 30 September "
                "2025), so the tables have no column for it\n"));
  CHECK(has(md, "| Category | Count | % |\n|---|--:|--:|\n| Education | 6 | 100% |\n"));
  CHECK_FALSE(has(md, "2025-Q3"));
  CHECK_FALSE(has(render_report(r, ReportFormat::html), "class=\"n y\""));
}

TEST_CASE("a report and its year-earlier column are protected together") {
  // Fifteen months against the fifteen before them: the two share January
  // to March 2025. One woman and five men were referred then, five women
  // and five men from April 2025 on; nobody in 2024. The register holds
  // the answer for FY2025 (five women, five men). The earlier report hides
  // its one woman; shown as it is, this report's six women less the
  // register's five would give her away.
  std::vector<Case> cases;
  cases.push_back(referral_of("2025-01-06", "female"));
  for (int i = 0; i < 5; ++i) cases.push_back(referral_of("2025-01-06", "male"));
  for (int i = 0; i < 5; ++i) cases.push_back(referral_of("2025-05-06", "female"));
  for (int i = 0; i < 5; ++i) cases.push_back(referral_of("2025-05-06", "male"));

  ReportOptions fy = period("2025-04-01", "2026-03-31", "2026-04-30", 5);
  fy.foi = true;
  Report fy_answer = counts(cases, fy);
  protect(fy_answer, {});
  REQUIRE_FALSE(report_cell(fy_answer, "referrals.by_gender", "female").suppressed);
  Release fy_release = release_of(fy_answer);
  fy_release.number = 1;
  fy.threshold = 0;
  const std::vector<EarlierAnswer> register_{{fy_release, counts(cases, fy)}};

  const ReportOptions o = period("2025-01-01", "2026-03-31", "2026-04-30", 5);
  const ReportOptions before = year_earlier(o);
  REQUIRE(before.from == d("2024-01-01"));
  REQUIRE(before.to == d("2025-03-31"));

  // Each alone: the earlier report's woman is given away.
  Report alone_then = counts(cases, before), alone_now = counts(cases, o);
  protect(alone_then, register_);
  protect(alone_now, register_);
  REQUIRE(report_cell(alone_then, "referrals.by_gender", "female").suppressed);
  const std::vector<Release> alone{fy_release, release_of(alone_then), release_of(alone_now)};
  const CellRange given_away = feasible_range(alone, {{1, "referrals.by_gender", "female", 1.0}});
  REQUIRE(given_away.max.has_value());
  CHECK(*given_away.max < 1.5);

  // Together: no primary cell of the three can be narrowed.
  Report r = counts(cases, o);
  protect_with_year_earlier(r, counts(cases, before), register_);
  REQUIRE(r.year_earlier != nullptr);
  CHECK(report_cell(*r.year_earlier, "referrals.by_gender", "female").suppressed);
  check_every_primary_keeps_its_range({fy_release, release_of(*r.year_earlier), release_of(r)});
  // The hidden cells are in this report, the earlier one as it was alone.
  CHECK(release_of(*r.year_earlier).cells.size() == release_of(alone_then).cells.size());
  for (size_t i = 0; i < release_of(alone_then).cells.size(); ++i)
    CHECK(release_of(*r.year_earlier).cells[i].shown == release_of(alone_then).cells[i].shown);
}

TEST_CASE("the year-earlier column is proved against the release register: one adoption since an answer") {
  // 2025-Q3 was answered as of 15 October 2025 with 7 adoptions; an eighth
  // case was adopted on 5 November. The 2026-Q3 report's column for
  // 2025-Q3, as of 27 November 2025, set beside that answer must not show
  // that one adoption.
  std::vector<Case> cases;
  for (int i = 0; i < 8; ++i) {
    Case c = referral("2025-07-07");
    triage(c, "2025-07-08", "channel-panel");
    hear(c, i < 7 ? "2025-08-05" : "2025-11-05", "adopt");
    cases.push_back(c);
  }
  for (int i = 0; i < 4; ++i) cases.push_back(referral("2025-07-07", "police"));
  for (int i = 0; i < 6; ++i) cases.push_back(referral("2026-07-06"));
  ReportOptions q = period("2025-07-01", "2025-09-30", "2025-10-15", 5);
  q.foi = true;
  Report answer = counts(cases, q);
  protect(answer, {});
  REQUIRE(value(answer, "outcomes", "adopted") == 7);
  Release first = release_of(answer);
  first.number = 1;
  q.threshold = 0;
  const std::vector<EarlierAnswer> register_{{first, counts(cases, q)}};

  const ReportOptions o = period("2026-07-01", "2026-09-30", "2026-11-27", 5);
  Report r = counts(cases, o);
  protect_with_year_earlier(r, counts(cases, year_earlier(o)), register_);
  REQUIRE(r.year_earlier != nullptr);
  const Report& then = *r.year_earlier;
  CHECK(value(then, "outcomes", "adopted") == 8);
  CHECK_FALSE((!suppressed(answer, "outcomes", "adopted") && !suppressed(then, "outcomes", "adopted")));
  const std::vector<Release> answers{first, release_of(then), release_of(r)};
  const CellRange diff = feasible_range(answers, {{1, "outcomes", "adopted", 1.0}, {0, "outcomes", "adopted", -1.0}});
  CHECK((!diff.min || *diff.min <= 1 + 1e-6));
  CHECK((!diff.max || *diff.max >= 4 - 1e-6));
  check_every_primary_keeps_its_range(answers);
}

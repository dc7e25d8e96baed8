// The report of SPEC §7: counting (docs/report.md), the state of a case on a
// day, nearest-rank percentiles, suppression, and the four renderings.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report.hpp"
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
  CHECK(has(html, "<svg class=\"chart\" data-table=\"referrals.by_sector\""));
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

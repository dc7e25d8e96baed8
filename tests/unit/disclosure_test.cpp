// Disclosure control (docs/disclosure.md): the requester's programme, the
// proof per answer, secondary suppression of totals and zeros, hidden
// groups, the release register's text.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "disclosure.hpp"
#include "release_register.hpp"
#include "report.hpp"
#include "report_support.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {

const Config& cfg() {
  static const Config c = default_config("Test Borough", "PRV", 2026);
  return c;
}

int serial = 0;

Case referral(const char* received, const char* sector = "education", const char* gender = "male") {
  Case c;
  c.id = "PRV-2026-" + std::to_string(2000 + ++serial);
  c.referral.received = d(received);
  c.referral.route = "email";
  c.referral.sector = sector;
  c.referral.agency = "Quillet Academy";
  c.referral.referrer_role = "Designated Safeguarding Lead";
  c.referral.subject.name = PersonalText("Zorvan Quillet");
  c.referral.subject.date_of_birth = PersonalDate(d("2000-03-10"));
  c.referral.subject.gender = gender;
  c.referral.concern_type = "extreme-right-wing";
  c.referral.concern_summary = PersonalText("Fictional summary of a made-up concern");
  return c;
}

void adopt(Case& c, const char* meeting) {
  Triage t;
  t.completed = c.referral.received;
  t.outcome = TriageOutcome::channel_panel;
  t.section36 = Section36{c.referral.received, "Counter Terrorism Policing"};
  c.triage = t;
  c.panel.push_back(Hearing{d(meeting), PanelDecision::adopt, std::string("consensus"), {}, PersonalNote()});
}

ReportOptions foi(const char* from, const char* to, const char* as_of) {
  ReportOptions o;
  o.from = d(from);
  o.to = d(to);
  o.as_of = d(as_of);
  o.threshold = 5;
  o.foi = true;
  return o;
}

// The range a requester holding `answers` has for one cell of the last.
CellRange range_of(const std::vector<Release>& answers, const char* path, const char* key) {
  return feasible_range(answers, {{answers.size() - 1, path, key, 1.0}});
}

bool covers(const CellRange& r, double lo, double hi) {
  return (!r.min || *r.min <= lo + 1e-6) && (!r.max || *r.max >= hi - 1e-6);
}

// Every primary cell of the last answer keeps 1..threshold-1.
void check_primaries_keep_their_range(const std::vector<Release>& answers) {
  const Release& last = answers.back();
  for (const auto& c : last.cells) {
    if (!c.primary) continue;
    CAPTURE(c.path);
    CAPTURE(c.key);
    CHECK(covers(feasible_range(answers, {{answers.size() - 1, c.path, c.key, 1.0}}), 1, last.threshold - 1));
  }
}

}  // namespace

TEST_CASE("a total that gives away two hidden cells hides one more") {
  // female 7, male 10, other 1, not known 1, total 19: with the total and
  // both large cells shown, both hidden cells are 1.
  std::vector<Case> cases;
  for (int i = 0; i < 7; ++i) cases.push_back(referral("2026-07-06", i < 5 ? "education" : "health", "female"));
  for (int i = 0; i < 10; ++i) cases.push_back(referral("2026-07-06", i < 5 ? "police" : "community", "male"));
  cases.push_back(referral("2026-07-06", "health", "other"));
  cases.push_back(referral("2026-07-06", "health", "not-known"));
  Report r = build_report(cases, cfg(), foi("2026-07-01", "2026-09-30", "2026-11-27"));
  CHECK_FALSE(report_cell(r, "referrals", "total").suppressed);
  CHECK(report_cell(r, "referrals.by_gender", "other").suppressed);
  CHECK(report_cell(r, "referrals.by_gender", "not-known").suppressed);
  CHECK(report_cell(r, "referrals.by_gender", "female").suppressed);  // the smaller shown cell
  CHECK_FALSE(report_cell(r, "referrals.by_gender", "male").suppressed);
  check_primaries_keep_their_range({release_of(r)});
}

TEST_CASE("a small total is hidden, and a hidden group is not seen to share one category") {
  // Three referrals, all from education: total 3 is primary; were every
  // other sector shown as 0, everyone would be known to be from education.
  std::vector<Case> cases{referral("2026-07-06"), referral("2026-07-07"), referral("2026-07-08")};
  Report r = build_report(cases, cfg(), foi("2026-07-01", "2026-09-30", "2026-11-27"));
  CHECK(report_cell(r, "referrals", "total").suppressed);
  CHECK(report_cell(r, "referrals.by_sector", "education").suppressed);
  int hidden = 0;
  for (const auto& c : r.table("referrals.by_sector")->cells) hidden += c.suppressed;
  CHECK(hidden >= 2);
  // And a requester can see at least two sectors that could hold someone.
  std::vector<Release> answers{release_of(r)};
  int could = 0;
  for (const auto& c : r.table("referrals.by_sector")->cells) {
    auto range = range_of(answers, "referrals.by_sector", c.key.c_str());
    could += !range.max || *range.max > 0.5;
  }
  CHECK(could >= 2);
  check_primaries_keep_their_range(answers);
}

TEST_CASE("months add up to the quarter: the programme knows it") {
  Release quarter{0, "", d("2026-07-01"), d("2026-09-30"), d("2026-11-27"), 5, true,
                  {{"referrals", "total", 10L, false}}};
  Release july{0, "", d("2026-07-01"), d("2026-07-31"), d("2026-11-27"), 5, true, {{"referrals", "total", 4L, false}}};
  Release august{0, "", d("2026-08-01"), d("2026-08-31"), d("2026-11-27"), 5, true,
                 {{"referrals", "total", 3L, false}}};
  Release september{0, "", d("2026-09-01"), d("2026-09-30"), d("2026-11-27"), 5, true,
                    {{"referrals", "total", std::nullopt, false}}};
  auto r = range_of({quarter, july, august, september}, "referrals", "total");
  REQUIRE(r.min);
  REQUIRE(r.max);
  CHECK(*r.min == doctest::Approx(3));
  CHECK(*r.max == doctest::Approx(3));
  // Without the quarter, September could be anything.
  CHECK_FALSE(range_of({july, august, september}, "referrals", "total").max);
}

TEST_CASE("an answer is proved against the earlier answers of the register") {
  // The quarter was answered with every sector shown but one; the answer
  // for the financial year that holds it would give the hidden one away
  // if it showed the year's sectors as they are.
  std::vector<Case> cases;
  for (int i = 0; i < 12; ++i) cases.push_back(referral("2026-05-06", "education"));
  for (int i = 0; i < 6; ++i) cases.push_back(referral("2026-05-06", "police"));
  cases.push_back(referral("2026-05-07", "health"));
  for (int i = 0; i < 5; ++i) cases.push_back(referral("2026-08-06", "health"));
  Report q = build_report(cases, cfg(), foi("2026-04-01", "2026-06-30", "2026-11-27"));
  CHECK(report_cell(q, "referrals.by_sector", "health").suppressed);  // 1
  Release first = release_of(q);
  first.number = 1;

  ReportOptions year = foi("2026-04-01", "2027-03-31", "2027-04-30");
  ReportBuilder b(cfg(), year);
  for (const auto& c : cases) b.add(c);
  Report y = b.finish_counts();
  ReportBuilder bt(cfg(), ReportOptions{first.from, first.to, first.as_of, 0, true});
  for (const auto& c : cases) bt.add(c);
  protect(y, {{first, bt.finish_counts()}});
  // The year's health (6) less the rest of the year's health would be the
  // quarter's: the year cannot show both its health and its total as they are.
  std::vector<Release> answers{first, release_of(y)};
  for (const auto& c : first.cells) {
    if (!c.primary) continue;
    CAPTURE(c.path);
    CAPTURE(c.key);
    CHECK(covers(feasible_range(answers, {{0, c.path, c.key, 1.0}}), 1, 4));
  }
  check_primaries_keep_their_range(answers);
}

TEST_CASE("a hidden group the earlier answers already show to share one category keeps its zeros") {
  // The year's twelve referrals, every one without an ethnic group
  // recorded, were answered with that shown; the quarter's two inside it
  // are then known to have none either, whatever the quarter shows, so
  // hiding the quarter's zeros would protect nothing.
  std::vector<Case> cases;
  for (int i = 0; i < 10; ++i) cases.push_back(referral("2026-05-06", i < 6 ? "education" : "police"));
  cases.push_back(referral("2026-08-06"));
  cases.push_back(referral("2026-08-07"));
  Report y = build_report(cases, cfg(), foi("2026-04-01", "2027-03-31", "2027-04-30"));
  REQUIRE(report_cell(y, "referrals.by_ethnicity", "not-recorded").value == 12L);
  REQUIRE_FALSE(report_cell(y, "referrals.by_ethnicity", "not-recorded").suppressed);
  REQUIRE_FALSE(report_cell(y, "referrals.by_ethnicity", "asian").suppressed);
  Release first = release_of(y);
  first.number = 1;

  ReportBuilder b(cfg(), foi("2026-07-01", "2026-09-30", "2027-04-30"));
  for (const auto& c : cases) b.add(c);
  Report q = b.finish_counts();
  ReportBuilder bt(cfg(), ReportOptions{first.from, first.to, first.as_of, 0, true});
  for (const auto& c : cases) bt.add(c);
  protect(q, {{first, bt.finish_counts()}});
  CHECK(report_cell(q, "referrals", "total").suppressed);  // 2
  CHECK(report_cell(q, "referrals.by_ethnicity", "not-recorded").suppressed);
  for (const char* zero : {"asian", "black", "mixed", "white", "other", "not-stated"}) {
    CAPTURE(zero);
    CHECK_FALSE(report_cell(q, "referrals.by_ethnicity", zero).suppressed);
  }
  // The sectors of the quarter were never shown to be one: its zeros are
  // hidden as the hidden group needs.
  int hidden = 0;
  for (const auto& c : q.table("referrals.by_sector")->cells) hidden += c.suppressed;
  CHECK(hidden >= 2);
  check_primaries_keep_their_range({first, release_of(q)});
}

TEST_CASE("the same cohort at another as-of date: one adoption in between is not shown") {
  std::vector<Case> cases;
  for (int i = 0; i < 8; ++i) {
    Case c = referral("2026-07-06");
    adopt(c, i < 7 ? "2026-08-05" : "2026-11-05");
    cases.push_back(c);
  }
  for (int i = 0; i < 4; ++i) cases.push_back(referral("2026-07-06", "police"));
  Report before = build_report(cases, cfg(), foi("2026-07-01", "2026-09-30", "2026-10-15"));
  CHECK(report_cell(before, "outcomes", "adopted").value == 7);
  Release first = release_of(before);
  first.number = 1;
  ReportBuilder b(cfg(), foi("2026-07-01", "2026-09-30", "2026-11-27"));
  ReportBuilder bt(cfg(), ReportOptions{first.from, first.to, first.as_of, 0, true});
  for (const auto& c : cases) b.add(c), bt.add(c);
  Report after = b.finish_counts();
  protect(after, {{first, bt.finish_counts()}});
  CHECK(report_cell(after, "outcomes", "adopted").value == 8);
  const bool shown_then = !report_cell(before, "outcomes", "adopted").suppressed;
  const bool shown_now = !report_cell(after, "outcomes", "adopted").suppressed;
  CHECK_FALSE((shown_then && shown_now));
  // And the difference keeps its range.
  std::vector<Release> answers{first, release_of(after)};
  auto diff = feasible_range(answers, {{1, "outcomes", "adopted", 1.0}, {0, "outcomes", "adopted", -1.0}});
  CHECK(covers(diff, 1, 4));
}

TEST_CASE("referrals received after the as-of date are not counted") {
  std::vector<Case> cases{referral("2026-07-06"), referral("2026-07-20")};
  ReportOptions o = foi("2026-07-01", "2026-07-31", "2026-07-10");
  o.threshold = 0;
  o.foi = false;
  Report r = build_report(cases, cfg(), o);
  CHECK(report_cell(r, "referrals", "total").value == 1);
}

TEST_CASE("the release register's text reads back as written") {
  Release r{7, "FOI-2026-0117", d("2026-07-01"), d("2026-09-30"), d("2026-11-27"), 5, true,
            {{"referrals", "total", 19L, false},
             {"referrals.by_gender", "other", std::nullopt, true},
             {"referrals.by_gender", "female", std::nullopt, false},
             {"referrals.by_month", "2026-07", 0L, false}}};
  const std::string text = write_release(r);
  CHECK(has(text, "release: 7\n"));
  CHECK(has(text, "    other: \"[c] primary\"\n"));
  Release back = read_release(text, "releases/0007.yaml");
  CHECK(back.number == 7);
  CHECK(back.request == "FOI-2026-0117");
  CHECK(back.as_of == d("2026-11-27"));
  REQUIRE(back.cells.size() == 4);
  CHECK(back.cells[1].primary);
  CHECK_FALSE(back.cells[2].primary);
  CHECK_FALSE(back.cells[2].shown);
  CHECK(back.cells[3].shown == 0);
  CHECK(write_release(back) == text);
  CHECK(release_path(7) == "releases/0007.yaml");
}

TEST_CASE("a damaged release is refused as a store problem") {
  const std::string good = write_release(
      {1, "", d("2026-07-01"), d("2026-09-30"), d("2026-11-27"), 5, true, {{"referrals", "total", 19L, false}}});
  for (const auto& bad : {replace(good, "total: 19", "total: -1"), replace(good, "total: 19", "total: lots"),
                          replace(good, "threshold: 5", "threshold: 1"), replace(good, "to: 2026-09-30", "to: 2026-06-30"),
                          replace(good, "as_of: 2026-11-27", "as_of: soon"), replace(good, "release: 1", "release: 10000"),
                          replace(good, "referrals:", "\"referrals; rm -rf\":"), std::string("- a list\n")}) {
    CAPTURE(bad);
    auto f = failure_of([&] { read_release(bad, "releases/0001.yaml"); });
    REQUIRE(f);
    CHECK(f->code() == Exit::store);
  }
  CHECK(is_request_reference("FOI-2026/0117.a"));
  CHECK_FALSE(is_request_reference(""));
  CHECK_FALSE(is_request_reference("Zorvan Quillet"));
  CHECK_FALSE(is_request_reference("-x"));
  CHECK_FALSE(is_request_reference(std::string(41, 'a')));
}

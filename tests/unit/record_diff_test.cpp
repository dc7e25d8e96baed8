// The field-by-field diff of `prevent log`, and the list of (P) fields it
// relies on to keep personal data out.
#include "record_diff.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {

Case referred() {
  Case c;
  c.id = "PRV-2026-0001";
  c.referral.received = d("2026-01-05");
  c.referral.route = "email";
  c.referral.sector = "education";
  c.referral.agency = "Example Academy";
  c.referral.referrer_role = "Designated Safeguarding Lead";
  c.referral.subject.name = PersonalText("Zorvan Quillet");
  c.referral.subject.date_of_birth = PersonalDate(d("2000-03-10"));
  c.referral.subject.gender = "male";
  c.referral.concern_type = "extreme-right-wing";
  c.referral.concern_summary = PersonalText("Fictional summary Larkspindle");
  return c;
}

std::string lines(const std::vector<FieldChange>& changes) {
  std::string out;
  for (const auto& c : changes)
    out += c.field + ": " + (c.personal ? "P " : "") + c.from.value_or("(none)") + " -> " + c.to.value_or("(none)") + "\n";
  return out;
}

}  // namespace

TEST_CASE("the personal fields are those marked (P) in SPEC §3, at any list position") {
  for (const char* p : {"referral.subject.name", "referral.subject.date_of_birth", "referral.subject.postcode_district",
                        "referral.concern.summary", "triage.rationale", "assessments[2].notes", "panel[1].rationale",
                        "chronology[12].text", "reviews[3].notes", "corrections[1].reason",
                        "previous[1].reviews[2].notes", "chronology[12].with", "support_plan[A1].provider"})
    CHECK_MESSAGE(is_personal_field(p), p);
  for (const char* p : {"referral.subject.gender", "referral.concern.type", "triage.outcome", "panel[1].decision",
                        "corrections[1].fields", "id"})
    CHECK_MESSAGE(!is_personal_field(p), p);
}

TEST_CASE("a triage is shown field by field, its rationale as changed without the value") {
  Case before = referred();
  Case after = before;
  after.triage = Triage{d("2026-01-08"), TriageOutcome::channel_panel, {}, Section36{d("2026-01-08"), "Example CTP"},
                        PersonalNote(std::string("Fictional rationale Corvantile"))};
  auto changes = diff_cases(&before, &after, ShowPersonal::no);
  CHECK(lines(changes) ==
        "triage.completed: (none) -> 2026-01-08\n"
        "triage.outcome: (none) -> channel-panel\n"
        "triage.section36.decided: (none) -> 2026-01-08\n"
        "triage.section36.by: (none) -> Example CTP\n"
        "triage.rationale: P (none) -> (none)\n");
  auto shown = diff_cases(&before, &after, ShowPersonal::yes);
  CHECK(shown.back().to == "Fictional rationale Corvantile");
  CHECK(shown.back().personal);
}

TEST_CASE("support actions are named by their ID; closing one is two field changes") {
  Case before = referred();
  before.support_plan.push_back(Action{"A1", "mentoring", PersonalText("Provider"), d("2026-02-01"), d("2026-03-01"), ActionStatus::open, {}, std::nullopt});
  before.support_plan.push_back(Action{"A2", "housing", PersonalText("Provider"), d("2026-02-01"), d("2026-03-01"), ActionStatus::open, {}, std::nullopt});
  Case after = before;
  after.support_plan[1].status = ActionStatus::done;
  after.support_plan[1].closed = d("2026-02-20");
  CHECK(lines(diff_cases(&before, &after, ShowPersonal::no)) ==
        "support_plan[A2].status: open -> done\n"
        "support_plan[A2].closed: (none) -> 2026-02-20\n");
}

TEST_CASE("equal records give no changes; a list of values is one field") {
  Case c = referred();
  CHECK(diff_cases(&c, &c, ShowPersonal::yes).empty());
  Case a = c, b = c;
  a.related = {"PRV-2025-0003"};
  b.related = {"PRV-2025-0003", "PRV-2026-0007"};
  CHECK(lines(diff_cases(&a, &b, ShowPersonal::no)) == "related: PRV-2025-0003 -> PRV-2025-0003, PRV-2026-0007\n");
}

TEST_CASE("a new record lists every field; personal values are withheld") {
  Case c = referred();
  auto changes = diff_cases(nullptr, &c, ShowPersonal::no);
  std::string text = lines(changes);
  CHECK(has(text, "referral.subject.gender: (none) -> male\n"));
  CHECK(has(text, "referral.subject.name: P (none) -> (none)\n"));
  CHECK(!has(text, "Quillet"));
  CHECK(!has(text, "Larkspindle"));
  CHECK(!has(text, "2000-03-10"));
}

TEST_CASE("a meeting's changes show roles and agencies, but not the reason of a correction") {
  const YNode before = parse_yaml("date: 2026-12-03\nchair:\n  role: Prevent Lead\n  agency: Zedshire Council\n", "a");
  const YNode after = parse_yaml(
      "date: 2026-12-03\nchair:\n  role: Prevent Lead\n  agency: Zedshire Borough Council\ncorrections:\n"
      "  - date: 2026-12-05\n    fields:\n      - chair.agency\n    reason: Fictional reason\n",
      "b");
  auto changes = diff_meetings(&before, &after, ShowPersonal::no);
  bool agency = false, reason = false;
  for (const auto& c : changes) {
    if (c.field == "chair.agency") {
      agency = true;
      CHECK(c.to == std::optional<std::string>("Zedshire Borough Council"));
    }
    if (c.field == "corrections[1].reason") {
      reason = true;
      CHECK(c.personal);
      CHECK_FALSE(c.to.has_value());
    }
  }
  CHECK(agency);
  CHECK(reason);
  for (const auto& c : diff_meetings(&before, &after, ShowPersonal::yes))
    if (c.field == "corrections[1].reason") CHECK(c.to == std::optional<std::string>("Fictional reason"));
}

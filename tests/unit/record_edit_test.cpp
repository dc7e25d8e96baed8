// `prevent edit`: an edited record becomes the correction that makes the
// same change, and what is a workflow event is refused with its command.
#include "record_edit.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {

Config cfg() {
  static const Config c = default_config("Test", "PRV", 2026);
  return c;
}

// Adopted on 2026-02-02, consent given, one open action.
Case supported_case() {
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
  Triage t;
  t.completed = d("2026-01-07");
  t.outcome = TriageOutcome::channel_panel;
  t.section36 = Section36{d("2026-01-07"), "Counter Terrorism Policing North West"};
  c.triage = t;
  c.panel.push_back(Hearing{d("2026-02-02"), PanelDecision::adopt, std::string("consensus"), {}, {}});
  c.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-03")}};
  Action a;
  a.id = "A1";
  a.support = "ideological-mentoring";
  a.provider = PersonalText("Example Mentoring Service");
  a.added = d("2026-02-04");
  a.due = d("2026-03-31");
  a.status = ActionStatus::open;
  c.support_plan.push_back(a);
  return c;
}

std::optional<Failure> editing(const Case& before, const Case& after) {
  return failure_of([&] { edit_as_corrections(before, after, "edited record"); });
}

}  // namespace

TEST_CASE("an edited record becomes one correction per changed field, in record order") {
  Case before = supported_case(), after = before;
  after.referral.agency = "Example College";
  after.triage->completed = d("2026-01-06");
  after.support_plan[0].due = d("2026-04-30");
  after.referral.subject.name = PersonalText("Quorian Wembleton");
  auto changes = edit_as_corrections(before, after, "edited record");
  REQUIRE(changes.size() == 4);
  CHECK(changes[0].field == "referral.source.agency");
  CHECK(changes[0].value == "Example College");
  CHECK(changes[1].field == "referral.subject.name");
  CHECK(changes[2].field == "triage.completed");
  CHECK(changes[3].field == "support_plan.A1.due");
  // Made as a correction, it gives the edited record back.
  Case made = before;
  apply_correction(made, changes, "Fictional reason", d("2026-05-01"), cfg());
  made.corrections.clear();
  CHECK(write_case(made) == write_case(after));
}

TEST_CASE("an unchanged record is no correction") {
  CHECK(edit_as_corrections(supported_case(), supported_case(), "edited record").empty());
}

TEST_CASE("an optional field removed in the editor is removed by the correction") {
  Case before = supported_case(), after = before;
  after.panel[0].method.reset();
  auto changes = edit_as_corrections(before, after, "edited record");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].field == "panel.1.method");
  CHECK(changes[0].value.empty());
}

TEST_CASE("a changed decision is refused with the command that records one") {
  Case before = supported_case();
  Case after = before;
  after.triage->outcome = TriageOutcome::police_managed;
  auto f = editing(before, after);
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK(std::string(f->what()).starts_with("triage.outcome: a decision is a workflow event"));
  CHECK(f->hint().find("prevent triage PRV-2026-0001") != std::string::npos);

  after = before;
  after.panel[0].decision = PanelDecision::defer;
  f = editing(before, after);
  REQUIRE(f);
  CHECK(f->hint().find("prevent panel decide DATE PRV-2026-0001") != std::string::npos);

  after = before;
  after.support_plan[0].status = ActionStatus::done;
  f = editing(before, after);
  REQUIRE(f);
  CHECK(std::string(f->what()).starts_with("support_plan[A1].status:"));
  CHECK(f->hint().find("prevent panel action PRV-2026-0001 done") != std::string::npos);
}

TEST_CASE("an entry added or removed is a workflow event, refused with its command") {
  Case before = supported_case();
  Case after = before;
  after.panel.push_back(Hearing{d("2026-03-02"), PanelDecision::defer, std::nullopt, {}, {}});
  auto f = editing(before, after);
  REQUIRE(f);
  CHECK(std::string(f->what()).starts_with("panel[2]: a new entry is a workflow event"));

  after = before;
  after.support_plan.clear();
  f = editing(before, after);
  REQUIRE(f);
  CHECK(std::string(f->what()).starts_with("support_plan[A1]: an entry cannot be removed"));
  CHECK(f->hint().find("prevent void PRV-2026-0001 action:A<n>") != std::string::npos);

  after = before;
  after.closure = Closure{d("2026-03-02"), ClosureReason::no_further_concerns};
  f = editing(before, after);
  REQUIRE(f);
  CHECK(std::string(f->what()).starts_with("closure: a closure is a workflow event"));
}

TEST_CASE("the ID and the lists prevent keeps are not edited, and no message names a value") {
  Case before = supported_case();
  Case after = before;
  after.id = "PRV-2026-0009";
  auto f = editing(before, after);
  REQUIRE(f);
  CHECK(std::string(f->what()).starts_with("id: the ID of a case cannot be changed"));

  after = before;
  after.related = {"PRV-2025-0003"};
  f = editing(before, after);
  REQUIRE(f);
  CHECK(std::string(f->what()).starts_with("related: kept by prevent itself"));
  CHECK(std::string(f->what()).find("PRV-2025-0003") == std::string::npos);

  after = before;
  after.corrections.push_back(Correction{d("2026-03-01"), {"triage.completed"}, PersonalText("Secret reason")});
  f = editing(before, after);
  REQUIRE(f);
  CHECK(std::string(f->what()).find("Secret reason") == std::string::npos);
  CHECK(std::string(f->what()).find("kept by prevent itself") != std::string::npos);

  // The conflicts a merge left: resolved by their own command, not edited.
  before.conflicts.push_back(Conflict{"triage.completed", ConflictSide{"Alex Example", d("2026-03-01"), {}, {}},
                                      ConflictSide{"Sam Example", d("2026-03-02"), {}, {}}});
  after = before;
  after.conflicts[0].ours.personal_value = PersonalNote(std::string("Secret value"));
  f = editing(before, after);
  REQUIRE(f);
  CHECK(std::string(f->what()).starts_with("conflicts"));
  CHECK(std::string(f->what()).find("Secret value") == std::string::npos);
  CHECK(std::string(f->what()).find("kept by prevent itself") != std::string::npos);
}

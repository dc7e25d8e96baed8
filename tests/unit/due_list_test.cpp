// The coordinator's list of due and overdue work, and a panel meeting's
// agenda (SPEC §6.1).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "case_fixtures.hpp"
#include "due_list.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;
using namespace prevent::fixtures;

namespace {

std::vector<std::string> ids_and_items(const std::vector<DueRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.id + " " + std::string(key_of(r.item)));
  return out;
}

Case with_id(Case c, const char* id) {
  c.id = id;
  return c;
}

}  // namespace

TEST_CASE("the due list is most overdue first, then by case ID in number order, then by item") {
  std::vector<DueRow> rows = {
      {"PRV-2026-10000", Stage::supported, DueKind::monthly_review, d("2026-03-01"), 0},
      {"PRV-2026-9999", Stage::awaiting_panel, DueKind::panel, d("2026-03-01"), 0},
      {"PRV-2026-0005", Stage::supported, DueKind::monthly_review, d("2026-03-01"), 0},
      {"PRV-2026-0005", Stage::supported, DueKind::action, d("2026-03-01"), 0},
      {"PRV-2026-0100", Stage::awaiting_triage, DueKind::triage, d("2026-02-01"), 0},
  };
  sort_due_rows(rows);
  CHECK(ids_and_items(rows) == std::vector<std::string>{"PRV-2026-0100 triage", "PRV-2026-0005 action",
                                                        "PRV-2026-0005 monthly-review", "PRV-2026-9999 panel",
                                                        "PRV-2026-10000 monthly-review"});
}

TEST_CASE("only cases whose stage is not final are on the due list") {
  std::vector<DueRow> rows;
  Case not_adopted = awaiting_panel();
  apply_decision(not_adopted, hearing("2026-02-05", PanelDecision::not_adopt), cfg());
  add_due_rows(rows, not_adopted, cfg(), d("2027-01-01"), 0);
  CHECK(rows.empty());
  add_due_rows(rows, referred(), cfg(), d("2027-01-01"), 0);
  REQUIRE(rows.size() == 1u);
  CHECK(rows[0].stage == Stage::awaiting_triage);
  CHECK(rows[0].item == DueKind::triage);
  CHECK(rows[0].days_overdue == d("2027-01-01") - rows[0].due);
}

TEST_CASE("the window adds what falls due within it, with negative days overdue") {
  Case c = awaiting_consent();  // consent due some days after the adopting meeting
  std::vector<DueRow> today, within;
  add_due_rows(today, c, cfg(), d("2026-02-05"), 0);
  CHECK(today.empty());
  add_due_rows(within, c, cfg(), d("2026-02-05"), 365);
  REQUIRE(within.size() == 1u);
  CHECK(within[0].item == DueKind::consent);
  CHECK(within[0].days_overdue < 0);
}

TEST_CASE("a supported case has its monthly review and each open action due") {
  Case c = supported();
  add_support_action(c, action("2026-02-10", "2026-04-30"), cfg());
  add_support_action(c, action("2026-02-10", "2026-03-31"), cfg());
  close_support_action(c, "A2", ActionStatus::done, d("2026-03-01"));
  std::vector<DueRow> rows;
  add_due_rows(rows, c, cfg(), d("2026-12-31"), 0);
  sort_due_rows(rows);
  CHECK(ids_and_items(rows) == std::vector<std::string>{"PRV-2026-0001 monthly-review", "PRV-2026-0001 action"});
}

TEST_CASE("the due table's columns are id, stage, item, due, days_overdue, with the keys of SPEC section 6.1") {
  std::vector<DueRow> rows = {{"PRV-2026-0001", Stage::post_closure, DueKind::extended_review, d("2027-10-02"), -3}};
  Table t = due_table(rows);
  REQUIRE(t.columns.size() == 5u);
  CHECK(t.columns[0].name == "id");
  CHECK(t.columns[1].name == "stage");
  CHECK(t.columns[2].name == "item");
  CHECK(t.columns[3].name == "due");
  CHECK(t.columns[4].name == "days_overdue");
  REQUIRE(t.rows.size() == 1u);
  CHECK(t.rows[0] == std::vector<std::optional<std::string>>{"PRV-2026-0001", "post-closure", "extended-review",
                                                            "2027-10-02", "-3"});
}

TEST_CASE("an agenda takes every case awaiting panel, and reviews due before the next meeting") {
  std::vector<DueRow> rows;
  Date meeting = d("2026-02-05");
  add_agenda_rows(rows, with_id(awaiting_panel(), "PRV-2026-0001"), cfg(), meeting, meeting);   // panel, whenever due
  add_agenda_rows(rows, with_id(referred(), "PRV-2026-0002"), cfg(), meeting, meeting);         // triage: not for the panel
  Case s = with_id(supported(), "PRV-2026-0004");  // adopted 2026-02-05: monthly review due 2026-03-05
  add_agenda_rows(rows, s, cfg(), meeting, d("2026-03-04"));  // not before the next meeting
  CHECK(ids_and_items(rows) == std::vector<std::string>{"PRV-2026-0001 panel"});
  add_agenda_rows(rows, s, cfg(), meeting, d("2026-03-05"));  // due by then
  sort_due_rows(rows);
  CHECK(ids_and_items(rows) == std::vector<std::string>{"PRV-2026-0001 panel", "PRV-2026-0004 monthly-review"});
  CHECK(rows[1].days_overdue == meeting - rows[1].due);  // counted at the meeting
}

TEST_CASE("an agenda takes consent and support actions only when overdue at the meeting") {
  Case k = with_id(awaiting_consent(), "PRV-2026-0003");  // consent due 14 days after 2026-02-05
  std::vector<DueRow> rows;
  add_agenda_rows(rows, k, cfg(), d("2026-02-19"), d("2026-12-31"));  // due on the day: not overdue
  CHECK(rows.empty());
  add_agenda_rows(rows, k, cfg(), d("2026-02-20"), d("2026-02-20"));
  CHECK(ids_and_items(rows) == std::vector<std::string>{"PRV-2026-0003 consent"});
  Case s = supported();
  add_support_action(s, action("2026-02-10", "2026-02-20"), cfg());
  rows.clear();
  add_agenda_rows(rows, s, cfg(), d("2026-02-20"), d("2026-02-28"));
  CHECK(rows.empty());
  add_agenda_rows(rows, s, cfg(), d("2026-02-21"), d("2026-02-28"));
  CHECK(ids_and_items(rows) == std::vector<std::string>{"PRV-2026-0001 action"});
}

TEST_CASE("a case put on an agenda by hand comes for its first outstanding item, never for triage") {
  CHECK_FALSE(item_for_the_panel(referred(), cfg()).has_value());
  CHECK(item_for_the_panel(awaiting_panel(), cfg())->item == DueKind::panel);
  CHECK(item_for_the_panel(awaiting_consent(), cfg())->item == DueKind::consent);
  CHECK(item_for_the_panel(supported(), cfg())->item == DueKind::monthly_review);
  Case not_adopted = awaiting_panel();
  apply_decision(not_adopted, hearing("2026-02-05", PanelDecision::not_adopt), cfg());
  CHECK_FALSE(item_for_the_panel(not_adopted, cfg()).has_value());
}

TEST_CASE("a conflict a merge left is due from the later side's date, one row per conflict, in any stage") {
  Case c = awaiting_panel();
  apply_decision(c, hearing("2026-02-05", PanelDecision::not_adopt), cfg());  // a final stage
  ConflictSide ours{"Alex Example", d("2026-03-01"), std::string("x"), PersonalNote()};
  ConflictSide theirs{"Sam Example", d("2026-03-04"), std::string("y"), PersonalNote()};
  c.conflicts.push_back({"referral.source.agency", ours, theirs});
  c.conflicts.push_back({"panel[2026-02-05].method", theirs, ours});
  std::vector<DueRow> rows;
  add_due_rows(rows, c, cfg(), d("2026-03-03"), 0);
  CHECK(rows.empty());  // not due until the later side's date
  add_due_rows(rows, c, cfg(), d("2026-03-10"), 0);
  REQUIRE(rows.size() == 2u);
  for (const auto& r : rows) {
    CHECK(r.item == DueKind::conflict);
    CHECK(r.stage == Stage::not_adopted);
    CHECK(r.due == d("2026-03-04"));
    CHECK(r.days_overdue == 6);
  }
  // A case voided as entered in error takes no change: none listed.
  Case voided = c;
  voided.voided.push_back(VoidedEntry{});
  voided.voided.back().what = std::string(kVoidedCase);
  REQUIRE(is_voided_case(voided));
  rows.clear();
  add_due_rows(rows, voided, cfg(), d("2026-03-10"), 0);
  for (const auto& r : rows) CHECK(r.item != DueKind::conflict);
}

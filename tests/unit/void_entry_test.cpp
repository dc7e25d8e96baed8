// `prevent void`: an entry recorded in error moves aside unchanged and
// counts for nothing; a void that would leave an invalid record is refused
// with what to void first (void_entry.hpp).
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "case_fixtures.hpp"
#include "rules.hpp"
#include "test_support.hpp"
#include "void_entry.hpp"
#include "workflow.hpp"

using namespace prevent;
using namespace prevent::test;
using namespace prevent::fixtures;

namespace {

Stage stage(const Case& c) { return stage_of(c, cfg()); }

std::string void_it(Case& c, const char* what, const char* date = "2026-06-01") {
  return apply_void(c, parse_void_target(what), d(date), "Recorded against the wrong person");
}

Failure failure(const std::function<void()>& fn, Exit code) {
  auto f = failure_of(fn);
  REQUIRE(f);
  CHECK(f->code() == code);
  return *f;
}

// Every rule of SPEC §4 holds on the result (police at every meeting).
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

ChronologyEntry note(const char* date, const char* text) {
  return ChronologyEntry{d(date), "contact", PersonalText("Zedshire NHS"), PersonalNote(std::string(text))};
}

}  // namespace

TEST_CASE("WHAT names one entry in the forms the issue gives") {
  CHECK(parse_void_target("triage").kind == VoidTarget::Kind::triage);
  CHECK(parse_void_target("case").kind == VoidTarget::Kind::whole_case);
  CHECK(parse_void_target("action:A12").action_id == "A12");
  auto r = parse_void_target("review:2026-04-02:post-closure-6");
  CHECK(r.kind == VoidTarget::Kind::review);
  CHECK(r.review_kind == ReviewKind::post_closure_6);
  CHECK(r.text() == "review:2026-04-02:post-closure-6");
  CHECK(parse_void_target("note:2026-02-01:2").nth == 2);
  CHECK(parse_void_target("decision:2026-02-05").text() == "decision:2026-02-05");
  for (const char* bad : {"", "triage:2026-01-01", "panel:2026-02-05", "action:B1", "action:A0", "action:",
                          "note:2026-02-30", "note:2026-02-01:0", "review:2026-02-01:weekly", "decision:2026-02-05:2",
                          "assessment", "Zorvan Quillet"}) {
    auto f = failure([&] { parse_void_target(bad); }, Exit::invalid_data);
    CHECK_MESSAGE(!has(f.what(), "Zorvan"), f.what());
    CHECK(!f.hint().empty());
  }
  CHECK(has(failure([&] { parse_void_target("panel:2026-02-05"); }, Exit::invalid_data).hint(),
            "triage, assessment:DATE, decision:DATE"));
  CHECK(has(failure([&] { parse_void_target("review:2026-02-01:weekly"); }, Exit::invalid_data).hint(),
            "post-closure-6"));
}

TEST_CASE("a wrong triage voided returns the case to awaiting-triage, and it can be triaged again") {
  Case c = referred();
  Triage wrong;
  wrong.completed = d("2026-01-07");
  wrong.outcome = TriageOutcome::no_further_action;
  apply_triage(c, wrong);
  CHECK(stage(c) == Stage::no_further_action);
  CHECK(void_it(c, "triage", "2026-01-09") == "triage");
  CHECK(stage(c) == Stage::awaiting_triage);
  REQUIRE(c.voided.size() == 1u);
  CHECK(c.voided[0].what == "triage");
  CHECK(c.voided[0].date == d("2026-01-09"));
  REQUIRE(c.voided[0].triage);
  CHECK(c.voided[0].triage->outcome == TriageOutcome::no_further_action);  // unchanged
  apply_triage(c, to_panel());
  CHECK(stage(c) == Stage::awaiting_panel);
  rules_hold(c);
}

TEST_CASE("a triage the panel heard the case on is voided only after the panel entries") {
  Case c = awaiting_consent();
  auto f = failure([&] { void_it(c, "triage"); }, Exit::refused);
  CHECK(has(f.what(), "refused by rule 3"));
  CHECK(has(f.hint(), "prevent void PRV-2026-0001 decision:2026-02-05"));
  CHECK(c.triage);
  CHECK(c.voided.empty());
}

TEST_CASE("a wrongly recorded adoption is voided after what stands on it, latest first") {
  Case c = supported();
  c.support_plan.clear();
  add_support_action(c, action("2026-02-12", "2026-03-31"), cfg());
  auto f = failure([&] { void_it(c, "decision:2026-02-05"); }, Exit::refused);
  CHECK(has(f.hint(), "action:A1"));
  f = failure([&] { void_it(c, "consent"); }, Exit::refused);
  CHECK(has(f.what(), "refused by rule 5"));
  CHECK(has(f.hint(), "prevent void PRV-2026-0001 action:A1"));
  void_it(c, "action:A1");
  f = failure([&] { void_it(c, "decision:2026-02-05"); }, Exit::refused);
  CHECK(has(f.hint(), "consent"));
  void_it(c, "consent");
  void_it(c, "decision:2026-02-05");
  CHECK(stage(c) == Stage::awaiting_panel);
  CHECK(c.voided.size() == 3u);
  rules_hold(c);
  // Recorded rightly now: the panel did not adopt.
  apply_decision(c, hearing("2026-03-05", PanelDecision::not_adopt), cfg());
  CHECK(stage(c) == Stage::not_adopted);
  rules_hold(c);
}

TEST_CASE("a voided action's ID is not given again") {
  Case c = supported();
  add_support_action(c, action("2026-02-12", "2026-03-31"), cfg());
  add_support_action(c, action("2026-02-12", "2026-04-30"), cfg());
  void_it(c, "action:A1");
  rules_hold(c);  // A2 stands alone: numbered around the voided A1
  CHECK(add_support_action(c, action("2026-02-13", "2026-05-31"), cfg()) == "A3");
  rules_hold(c);
  void_it(c, "action:A3");
  CHECK(add_support_action(c, action("2026-02-14", "2026-05-31"), cfg()) == "A4");
  rules_hold(c);
  CHECK(failure([&] { void_it(c, "action:A3"); }, Exit::not_found).hint() ==
        "entries that can be voided on PRV-2026-0001: triage, decision:2026-02-05, consent, action:A2, action:A4, case");
}

TEST_CASE("voiding the review that closed a case reopens the episode as it was") {
  Case c = closed();
  CHECK(stage(c) == Stage::post_closure);
  void_it(c, "review:2026-04-02");
  CHECK(stage(c) == Stage::supported);
  CHECK_FALSE(c.closure);
  REQUIRE(c.voided.back().closure);
  CHECK(c.voided.back().closure->reason == ClosureReason::no_further_concerns);
  CHECK(c.voided.back().review->outcome == ReviewOutcome::close);
  rules_hold(c);
}

TEST_CASE("a closing review is voided only after the post-closure reviews") {
  Case c = closed();
  apply_review(c, review("2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::no_concerns), cfg());
  auto f = failure([&] { void_it(c, "review:2026-04-02", "2026-10-05"); }, Exit::refused);
  CHECK(has(f.what(), "refused by rule 8"));
  CHECK(has(f.hint(), "review:2026-10-02"));
  void_it(c, "review:2026-10-02", "2026-10-05");
  CHECK(stage(c) == Stage::post_closure);
  void_it(c, "review:2026-04-02", "2026-10-05");
  CHECK(stage(c) == Stage::supported);
}

TEST_CASE("declined consent voided takes its closure with it (rule 6)") {
  Case c = awaiting_consent();
  apply_consent(c, Consent{ConsentStatus::declined, ConsentGiver::parent_guardian, d("2026-02-12")}, cfg());
  CHECK(stage(c) == Stage::post_closure);
  void_it(c, "consent");
  CHECK(stage(c) == Stage::awaiting_consent);
  CHECK(c.voided.back().closure->reason == ClosureReason::consent_declined);
  rules_hold(c);
}

TEST_CASE("voiding the review that reopened a case brings the closed episode back") {
  Case c = closed();
  apply_review(c, review("2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::reopen), cfg());
  CHECK(stage(c) == Stage::awaiting_panel);
  void_it(c, "review:2026-10-02", "2026-10-03");
  CHECK(c.previous.empty());
  CHECK(stage(c) == Stage::post_closure);
  CHECK(c.reviews.size() == 1u);  // the closing review, back in the episode
  rules_hold(c);
}

TEST_CASE("two entries on one day are told apart, and a day without one is not found") {
  Case c = referred();
  apply_note(c, note("2026-01-06", "First Zorvan"));
  apply_note(c, note("2026-01-06", "Second Zorvan"));
  auto f = failure([&] { void_it(c, "note:2026-01-06"); }, Exit::invalid_data);
  CHECK(has(f.what(), "note:2026-01-06:N"));
  CHECK(has(f.hint(), "note:2026-01-06:1, note:2026-01-06:2"));
  CHECK_FALSE(has(f.what(), "Zorvan"));
  void_it(c, "note:2026-01-06:2");
  CHECK(c.chronology.size() == 1u);
  CHECK(c.voided[0].note->text.reveal() == std::optional<std::string>("Second Zorvan"));
  failure([&] { void_it(c, "note:2026-01-07"); }, Exit::not_found);
  failure([&] { void_it(c, "consent"); }, Exit::not_found);

  Case s = closed();
  // A 6-month review held late, on the day of the 12-month one.
  apply_review(s, review("2027-04-02", ReviewKind::post_closure_6, ReviewOutcome::no_concerns), cfg());
  apply_review(s, review("2027-04-02", ReviewKind::post_closure_12, ReviewOutcome::no_concerns), cfg());
  failure([&] { void_it(s, "review:2027-04-02", "2027-04-05"); }, Exit::invalid_data);
  void_it(s, "review:2027-04-02:post-closure-12", "2027-04-05");
  CHECK(s.reviews.back().kind == ReviewKind::post_closure_6);
}

TEST_CASE("a case voided as entered in error has the final stage voided and takes no change") {
  Case c = supported();
  void_it(c, "case");
  CHECK(stage(c) == Stage::voided);
  CHECK(is_final(Stage::voided));
  CHECK(due_items(c, cfg()).empty());
  CHECK(is_voided_case(c));
  CHECK_FALSE(c.consent.empty());  // nothing moved: the record is kept as it was
  auto f = failure([&] { refuse_if_voided(c); }, Exit::refused);
  CHECK(has(f.what(), "voided on 2026-06-01"));
  failure([&] { void_it(c, "consent"); }, Exit::refused);
  CHECK(voidable_entries(c).empty());
  rules_hold(c);
}

TEST_CASE("a void is dated on or after what it voids (rule 9)") {
  Case c = awaiting_panel();
  auto f = failure([&] { void_it(c, "triage", "2026-01-07"); }, Exit::refused);
  CHECK(has(f.what(), "refused by rule 9"));
}

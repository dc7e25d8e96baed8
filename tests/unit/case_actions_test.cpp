// The workflow's actions on one case (SPEC §6), each refusing what the
// Channel process does not allow from the case's stage (SPEC §4 rules 2-8).
#include <doctest/doctest.h>

#include <string>

#include "case_actions.hpp"
#include "case_fixtures.hpp"
#include "test_support.hpp"
#include "workflow.hpp"

using namespace prevent;
using namespace prevent::test;
using namespace prevent::fixtures;

namespace {

Stage stage(const Case& c) { return stage_of(c, cfg()); }

// The refusal `fn` throws: exit 4, naming rule `rule`.
Failure refusal(const std::function<void()>& fn, int rule) {
  auto f = failure_of(fn);
  REQUIRE(f);
  CHECK(f->code() == Exit::refused);
  CHECK_MESSAGE(has(f->what(), "refused by rule " + std::to_string(rule) + " ("), f->what());
  CHECK(has(f->what(), "(PRV-2026-0001)"));
  return *f;
}

}  // namespace

TEST_CASE("triage happens once (rule 2)") {
  Case c = awaiting_panel();
  CHECK(stage(c) == Stage::awaiting_panel);
  auto f = refusal([&] { apply_triage(c, to_panel()); }, 2);
  CHECK(has(f.what(), "already triaged on 2026-01-08"));
}

TEST_CASE("the panel decides only on a case awaiting panel (rule 3)") {
  Case untriaged = referred();
  auto f = refusal([&] { apply_decision(untriaged, hearing("2026-02-05", PanelDecision::adopt), cfg()); }, 3);
  CHECK(has(f.what(), "the case is awaiting-triage"));

  Case c = awaiting_consent();
  CHECK(stage(c) == Stage::awaiting_consent);
  refusal([&] { apply_decision(c, hearing("2026-03-05", PanelDecision::adopt), cfg()); }, 3);
}

TEST_CASE("a deferred case is heard again at a later meeting, not the same one (rule 3)") {
  Case c = awaiting_panel();
  apply_decision(c, hearing("2026-02-05", PanelDecision::defer), cfg());
  CHECK(stage(c) == Stage::awaiting_panel);
  auto f = refusal([&] { apply_decision(c, hearing("2026-02-05", PanelDecision::adopt), cfg()); }, 3);
  CHECK(has(f.what(), "last heard on 2026-02-05"));
  apply_decision(c, hearing("2026-02-19", PanelDecision::not_adopt), cfg());
  CHECK(stage(c) == Stage::not_adopted);
  CHECK(c.panel.size() == 2u);
}

TEST_CASE("consent is recorded only for an adopted case awaiting consent (rule 5)") {
  Case c = awaiting_panel();
  auto f = refusal(
      [&] { apply_consent(c, Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-10")}, cfg()); }, 5);
  CHECK(has(f.what(), "the case is awaiting-panel"));

  Case s = supported();
  CHECK(stage(s) == Stage::supported);
  CHECK_FALSE(s.closure);
}

TEST_CASE("declined consent closes the case with reason consent-declined (rule 6)") {
  Case c = awaiting_consent();
  apply_consent(c, Consent{ConsentStatus::declined, ConsentGiver::parent_guardian, d("2026-02-12")}, cfg());
  REQUIRE(c.closure);
  CHECK(c.closure->reason == ClosureReason::consent_declined);
  CHECK(c.closure->date == d("2026-02-12"));
  // The post-closure reviews still fall due.
  CHECK(stage(c) == Stage::post_closure);
}

TEST_CASE("consent is withdrawn only while the case is supported, and withdrawal closes it (rule 6)") {
  Case waiting = awaiting_consent();
  auto f = refusal(
      [&] {
        apply_consent(waiting, Consent{ConsentStatus::withdrawn, ConsentGiver::subject, d("2026-02-12")}, cfg());
      },
      6);
  CHECK(f.hint() == "a refusal before support starts is --status declined");

  Case c = supported();
  apply_consent(c, Consent{ConsentStatus::withdrawn, ConsentGiver::subject, d("2026-03-01")}, cfg());
  REQUIRE(c.closure);
  CHECK(c.closure->reason == ClosureReason::consent_withdrawn);
  CHECK(c.consent.back().status == ConsentStatus::withdrawn);
}

TEST_CASE("support actions are added only once consent is given, numbered A1, A2, … (rule 5)") {
  Case waiting = awaiting_consent();
  refusal([&] { add_support_action(waiting, action("2026-02-10", "2026-04-30"), cfg()); }, 5);

  Case c = supported();
  CHECK(add_support_action(c, action("2026-02-10", "2026-04-30"), cfg()) == "A1");
  CHECK(add_support_action(c, action("2026-02-11", "2026-05-30"), cfg()) == "A2");
  CHECK(c.support_plan[1].status == ActionStatus::open);
  CHECK_FALSE(c.support_plan[1].closed);
}

TEST_CASE("a support action is closed once, and an unknown one is not found") {
  Case c = supported();
  add_support_action(c, action("2026-02-10", "2026-04-30"), cfg());
  close_support_action(c, "A1", ActionStatus::done, d("2026-03-01"));
  CHECK(c.support_plan[0].status == ActionStatus::done);
  CHECK(c.support_plan[0].closed == d("2026-03-01"));
  auto f = refusal([&] { close_support_action(c, "A1", ActionStatus::cancelled, d("2026-03-02")); }, 5);
  CHECK(has(f.what(), "action A1 is already done"));
  auto missing = failure_of([&] { close_support_action(c, "A2", ActionStatus::done, d("2026-03-02")); });
  REQUIRE(missing);
  CHECK(missing->code() == Exit::not_found);
}

TEST_CASE("reviews are monthly until the panel closes the case (rule 7)") {
  Case c = supported();
  auto f = refusal([&] { apply_review(c, review("2026-03-05", ReviewKind::post_closure_6, ReviewOutcome::no_concerns), cfg()); }, 7);
  CHECK(has(f.what(), "the case is supported: its reviews are monthly"));
  apply_review(c, review("2026-03-05", ReviewKind::monthly, ReviewOutcome::continue_), cfg());
  CHECK(c.reviews.size() == 1u);
  CHECK_FALSE(c.closure);
}

TEST_CASE("only an adopted case is reviewed (rule 7)") {
  Case c = awaiting_panel();
  auto f = refusal([&] { apply_review(c, review("2026-03-05", ReviewKind::monthly, ReviewOutcome::continue_), cfg()); }, 7);
  CHECK(has(f.what(), "only an adopted case is reviewed; the case is awaiting-panel"));
}

TEST_CASE("a monthly review with outcome close closes the case with its reason (rule 7)") {
  Case c = closed();
  REQUIRE(c.closure);
  CHECK(c.closure->date == d("2026-04-02"));
  CHECK(c.closure->reason == ClosureReason::no_further_concerns);
  CHECK(stage(c) == Stage::post_closure);
}

TEST_CASE("a closure by consent does not come from a review (rule 6)") {
  Case c = supported();
  refusal(
      [&] {
        apply_review(c, review("2026-04-02", ReviewKind::monthly, ReviewOutcome::close, ClosureReason::consent_withdrawn),
                     cfg());
      },
      6);
  CHECK_FALSE(c.closure);
}

TEST_CASE("a closure reason goes with, and only with, the outcome close") {
  Case c = supported();
  auto f = failure_of([&] { apply_review(c, review("2026-04-02", ReviewKind::monthly, ReviewOutcome::close), cfg()); });
  REQUIRE(f);
  CHECK(f->code() == Exit::usage);
}

TEST_CASE("only a review after closure can reopen the case (rule 8)") {
  Case c = supported();
  refusal([&] { apply_review(c, review("2026-03-05", ReviewKind::monthly, ReviewOutcome::reopen), cfg()); }, 8);
}

TEST_CASE("a post-closure review is recorded only when it is outstanding (rule 8)") {
  Case c = closed();
  auto f = refusal(
      [&] { apply_review(c, review("2026-10-02", ReviewKind::extended, ReviewOutcome::no_concerns), cfg()); }, 8);
  CHECK(has(f.what(), "no extended review is outstanding; the next review is post-closure-6"));
  refusal([&] { apply_review(c, review("2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::close,
                                       ClosureReason::other), cfg()); },
          8);
  apply_review(c, review("2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::no_concerns), cfg());
  apply_review(c, review("2027-04-02", ReviewKind::post_closure_12, ReviewOutcome::no_concerns), cfg());
  CHECK(stage(c) == Stage::closed);
  refusal([&] { apply_review(c, review("2027-10-02", ReviewKind::extended, ReviewOutcome::no_concerns), cfg()); }, 8);
}

TEST_CASE("continue at the 12-month review makes an extended review outstanding (rule 8)") {
  Case c = closed();
  apply_review(c, review("2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::no_concerns), cfg());
  apply_review(c, review("2027-04-02", ReviewKind::post_closure_12, ReviewOutcome::continue_), cfg());
  CHECK(stage(c) == Stage::post_closure);
  apply_review(c, review("2027-10-02", ReviewKind::extended, ReviewOutcome::no_concerns), cfg());
  CHECK(stage(c) == Stage::closed);
}

TEST_CASE("reopening moves the closed episode aside and returns the case to the panel (rule 8)") {
  Case c = closed();
  apply_review(c, review("2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::reopen), cfg());
  CHECK(stage(c) == Stage::awaiting_panel);
  REQUIRE(c.previous.size() == 1u);
  const Episode& e = c.previous[0];
  CHECK(e.reopened == d("2026-10-02"));
  REQUIRE(e.closure);
  CHECK(e.closure->reason == ClosureReason::no_further_concerns);
  CHECK(e.reviews.size() == 2u);
  CHECK(e.consent.back().status == ConsentStatus::given);
  CHECK(c.consent.empty());
  CHECK_FALSE(c.closure);
  CHECK(c.reviews.empty());
  // Heard again at a meeting on or after the reopening (rule 9).
  refusal([&] { apply_decision(c, hearing("2026-09-30", PanelDecision::adopt), cfg()); }, 9);
  apply_decision(c, hearing("2026-10-15", PanelDecision::adopt), cfg());
  CHECK(stage(c) == Stage::awaiting_consent);
}

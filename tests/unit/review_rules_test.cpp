// Which review a case can have, when, and with which outcome (SPEC §4
// rules 7 and 8, issue 14): windows, order, outcomes per kind, and hints
// that list exactly what the refusing function accepts.
#include <doctest/doctest.h>

#include <string>

#include "case_actions.hpp"
#include "case_fixtures.hpp"
#include "review_rules.hpp"
#include "test_support.hpp"
#include "workflow.hpp"

using namespace prevent;
using namespace prevent::test;
using namespace prevent::fixtures;

namespace {

Review rv(const char* date, ReviewKind kind, ReviewOutcome outcome) {
  Review r;
  r.date = d(date);
  r.kind = kind;
  r.outcome = outcome;
  return r;
}

std::optional<ClosureReason> reason_for(ReviewOutcome o) {
  if (o == ReviewOutcome::close) return ClosureReason::no_further_concerns;
  return std::nullopt;
}

bool accepted(const Case& c, const char* date, ReviewKind kind, ReviewOutcome outcome) {
  return judge_review(review_choices(c, cfg()), rv(date, kind, outcome), reason_for(outcome), cfg()).ok;
}

// Case closed on 2026-04-02: the 6-month review falls due on 2026-10-02.
Case after_six_months() {
  Case c = closed();
  apply_review(c, review("2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::no_concerns), cfg());
  return c;
}

Case after_continue_at_twelve() {
  Case c = after_six_months();
  apply_review(c, review("2027-04-02", ReviewKind::post_closure_12, ReviewOutcome::continue_), cfg());
  return c;
}

}  // namespace

TEST_CASE("a post-closure review is recorded from review.early_days before it falls due, not a day earlier") {
  Case c = closed();
  // Due 2026-10-02; 28 days before is 2026-09-04.
  CHECK_FALSE(accepted(c, "2026-09-03", ReviewKind::post_closure_6, ReviewOutcome::no_concerns));
  CHECK(accepted(c, "2026-09-04", ReviewKind::post_closure_6, ReviewOutcome::no_concerns));
  CHECK(accepted(c, "2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::no_concerns));
  // Late is allowed: it is overdue, and `review due` says so.
  CHECK(accepted(c, "2027-01-15", ReviewKind::post_closure_6, ReviewOutcome::no_concerns));
  auto v = judge_review(review_choices(c, cfg()), rv("2026-09-03", ReviewKind::post_closure_6,
                                                     ReviewOutcome::no_concerns), std::nullopt, cfg());
  CHECK(v.rule.number == 8);
  CHECK(has(v.what, "falls due on 2026-10-02 and can be recorded from 2026-09-04 (review.early_days 28)"));
  CHECK(v.hint == "nothing can be recorded on 2026-09-03: the next review, post-closure-6, falls due on "
                  "2026-10-02 and can be recorded from 2026-09-04");
}

TEST_CASE("review.early_days moves the window") {
  Config c7 = cfg();
  c7.review_early_days = 7;
  Case c = closed();
  auto ch = review_choices(c, c7);
  CHECK(valid_on(ch, d("2026-09-24")).empty());
  CHECK(valid_on(ch, d("2026-09-25")).size() == 1u);
}

TEST_CASE("the post-closure reviews come in order: 6-month, then 12-month, then extended") {
  Case c = closed();
  CHECK_FALSE(accepted(c, "2027-04-02", ReviewKind::post_closure_12, ReviewOutcome::no_concerns));
  auto v = judge_review(review_choices(c, cfg()), rv("2027-04-02", ReviewKind::post_closure_12,
                                                     ReviewOutcome::no_concerns), std::nullopt, cfg());
  CHECK(v.what == "no post-closure-12 review is outstanding; the next review is post-closure-6");
  CHECK(v.hint == "valid on 2027-04-02: --kind post-closure-6 --outcome no-concerns|reopen");
  CHECK_FALSE(accepted(c, "2026-10-02", ReviewKind::extended, ReviewOutcome::no_concerns));
  CHECK_FALSE(accepted(c, "2026-10-02", ReviewKind::monthly, ReviewOutcome::continue_));

  Case six = after_six_months();
  CHECK_FALSE(accepted(six, "2027-03-04", ReviewKind::post_closure_12, ReviewOutcome::no_concerns));
  CHECK(accepted(six, "2027-03-05", ReviewKind::post_closure_12, ReviewOutcome::no_concerns));
  CHECK_FALSE(accepted(six, "2027-04-02", ReviewKind::post_closure_6, ReviewOutcome::no_concerns));
  CHECK_FALSE(accepted(six, "2027-10-02", ReviewKind::extended, ReviewOutcome::no_concerns));

  Case twelve = after_continue_at_twelve();
  CHECK(accepted(twelve, "2027-10-02", ReviewKind::extended, ReviewOutcome::no_concerns));
  CHECK_FALSE(accepted(twelve, "2027-09-03", ReviewKind::extended, ReviewOutcome::no_concerns));
}

TEST_CASE("a post-closure review is not dated before the one before it") {
  // A 6-month review recorded late, after the 12-month window opened.
  Case c = closed();
  apply_review(c, review("2027-03-20", ReviewKind::post_closure_6, ReviewOutcome::no_concerns), cfg());
  auto ch = review_choices(c, cfg());
  auto v = judge_review(ch, rv("2027-03-10", ReviewKind::post_closure_12, ReviewOutcome::no_concerns), std::nullopt,
                        cfg());
  CHECK_FALSE(v.ok);
  CHECK(has(v.what, "dated before the post-closure-6 review of 2027-03-20"));
  CHECK(has(v.hint, "nothing can be recorded on 2027-03-10"));
  CHECK(judge_review(ch, rv("2027-03-20", ReviewKind::post_closure_12, ReviewOutcome::no_concerns), std::nullopt,
                     cfg()).ok);
}

TEST_CASE("a monthly review continues the support or closes the case, nothing else") {
  Case c = supported();
  CHECK(accepted(c, "2026-03-05", ReviewKind::monthly, ReviewOutcome::continue_));
  CHECK(accepted(c, "2026-03-05", ReviewKind::monthly, ReviewOutcome::close));
  CHECK_FALSE(accepted(c, "2026-03-05", ReviewKind::monthly, ReviewOutcome::no_concerns));
  CHECK_FALSE(accepted(c, "2026-03-05", ReviewKind::monthly, ReviewOutcome::reopen));
  auto ch = review_choices(c, cfg());
  auto v = judge_review(ch, rv("2026-03-05", ReviewKind::monthly, ReviewOutcome::no_concerns), std::nullopt, cfg());
  CHECK(v.rule.number == 7);
  CHECK(v.hint == "valid on 2026-03-05: --kind monthly --outcome continue|close (close with --reason "
                  "no-further-concerns|escalated-to-police|transferred-out|other)");
  // The consent reasons close through `panel consent` (rule 6).
  auto k = judge_review(ch, rv("2026-03-05", ReviewKind::monthly, ReviewOutcome::close),
                        ClosureReason::consent_withdrawn, cfg());
  CHECK(k.rule.number == 6);
  CHECK(k.hint == v.hint);
}

TEST_CASE("the outcomes of each post-closure review: continue only where an extension follows") {
  Case c = closed();
  CHECK(accepted(c, "2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::no_concerns));
  CHECK(accepted(c, "2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::reopen));
  CHECK_FALSE(accepted(c, "2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::continue_));
  CHECK_FALSE(accepted(c, "2026-10-02", ReviewKind::post_closure_6, ReviewOutcome::close));

  Case six = after_six_months();
  for (auto o : {ReviewOutcome::continue_, ReviewOutcome::no_concerns, ReviewOutcome::reopen})
    CHECK(accepted(six, "2027-04-02", ReviewKind::post_closure_12, o));
  CHECK_FALSE(accepted(six, "2027-04-02", ReviewKind::post_closure_12, ReviewOutcome::close));

  // 12 → 18 → 24 months: continue at the 18-month review, not at the 24-month one.
  Case c18 = after_continue_at_twelve();
  CHECK(accepted(c18, "2027-10-02", ReviewKind::extended, ReviewOutcome::continue_));
  apply_review(c18, review("2027-10-02", ReviewKind::extended, ReviewOutcome::continue_), cfg());
  CHECK(stage_of(c18, cfg()) == Stage::post_closure);
  CHECK_FALSE(accepted(c18, "2028-04-02", ReviewKind::extended, ReviewOutcome::continue_));
  CHECK(accepted(c18, "2028-04-02", ReviewKind::extended, ReviewOutcome::no_concerns));
  auto v = judge_review(review_choices(c18, cfg()), rv("2028-04-02", ReviewKind::extended,
                                                       ReviewOutcome::continue_), std::nullopt, cfg());
  CHECK(has(v.what, "end 24 months after it"));
  CHECK(v.hint == "valid on 2028-04-02: --kind extended --outcome no-concerns|reopen");
}

TEST_CASE("the hint lists exactly what the refusing function accepts") {
  std::vector<Case> cases = {supported(), awaiting_consent(), closed(), after_six_months(),
                             after_continue_at_twelve(), awaiting_panel()};
  const char* dates[] = {"2026-03-05", "2026-09-03", "2026-09-04", "2026-10-02", "2027-03-05",
                         "2027-04-02", "2027-09-04", "2027-10-02", "2028-04-02"};
  for (const Case& c : cases)
    for (const char* date : dates) {
      auto ch = review_choices(c, cfg());
      std::string hint = review_hint(ch, d(date));
      for (const auto& k : KeyTable<ReviewKind>::entries)
        for (const auto& o : KeyTable<ReviewOutcome>::entries) {
          bool ok = judge_review(ch, rv(date, k.value, o.value), reason_for(o.value), cfg()).ok;
          // Listed: "--kind K --outcome …O…" in the hint's valid part.
          bool listed = false;
          for (const auto& w : valid_on(ch, d(date)))
            if (w.kind == k.value)
              for (auto x : w.outcomes) listed = listed || x == o.value;
          CHECK_MESSAGE(ok == listed, date, " ", k.key, " ", o.key);
          if (listed) {
            CHECK(has(hint, fmt::format("--kind {} --outcome ", k.key)));
            CHECK(has(hint, std::string(o.key)));
          }
        }
    }
}

TEST_CASE("a case not adopted, or with every post-closure review done, has no review") {
  auto ch = review_choices(awaiting_panel(), cfg());
  CHECK(ch.windows.empty());
  auto v = judge_review(ch, rv("2026-03-05", ReviewKind::monthly, ReviewOutcome::continue_), std::nullopt, cfg());
  CHECK(v.rule.number == 7);
  CHECK(v.what == "only an adopted case is reviewed; the case is awaiting-panel");
  Case done = after_six_months();
  apply_review(done, review("2027-04-02", ReviewKind::post_closure_12, ReviewOutcome::no_concerns), cfg());
  auto v2 = judge_review(review_choices(done, cfg()), rv("2027-10-02", ReviewKind::extended,
                                                          ReviewOutcome::no_concerns), std::nullopt, cfg());
  CHECK(v2.rule.number == 8);
  CHECK(v2.what == "the case is closed and every post-closure review is done");
}

TEST_CASE("closing a case closes its open support actions with it, unless kept") {
  Case c = supported();
  add_support_action(c, action("2026-02-12", "2026-05-01"), cfg());
  add_support_action(c, action("2026-02-12", "2026-05-01"), cfg());
  close_support_action(c, "A2", ActionStatus::done, d("2026-03-01"));
  Case kept = c;
  apply_review(c, review("2026-04-02", ReviewKind::monthly, ReviewOutcome::close, ClosureReason::other), cfg());
  CHECK(c.support_plan[0].status == ActionStatus::closed);
  CHECK(c.support_plan[0].closed == d("2026-04-02"));
  CHECK(c.support_plan[0].closed_with == ActionClosedWith::case_);
  CHECK(c.support_plan[1].status == ActionStatus::done);
  CHECK_FALSE(c.support_plan[1].closed_with);

  auto in = review("2026-04-02", ReviewKind::monthly, ReviewOutcome::close, ClosureReason::other);
  in.keep_actions = KeepActions::yes;
  apply_review(kept, in, cfg());
  CHECK(kept.support_plan[0].status == ActionStatus::open);

  reopen_actions_closed_with_case(c.support_plan);
  CHECK(c.support_plan[0].status == ActionStatus::open);
  CHECK_FALSE(c.support_plan[0].closed);
  CHECK(c.support_plan[1].status == ActionStatus::done);
}

TEST_CASE("withdrawn consent closes the open support actions with the case") {
  Case c = supported();
  add_support_action(c, action("2026-02-12", "2026-05-01"), cfg());
  apply_consent(c, Consent{ConsentStatus::withdrawn, ConsentGiver::subject, d("2026-03-01")}, cfg());
  CHECK(c.support_plan[0].status == ActionStatus::closed);
  CHECK(c.support_plan[0].closed == d("2026-03-01"));
}

TEST_CASE("recorded reviews outside the rules are reported, not refused") {
  Case c = closed();
  // As an older store may hold them: the 12-month review first, a day
  // after closure, and no-concerns at a monthly review.
  c.reviews.push_back(rv("2026-04-03", ReviewKind::post_closure_12, ReviewOutcome::no_concerns));
  c.reviews.insert(c.reviews.begin(), rv("2026-03-01", ReviewKind::monthly, ReviewOutcome::no_concerns));
  auto notes = review_rule_notices(c, cfg());
  REQUIRE(notes.size() == 2u);
  CHECK(has(notes[0], "the monthly review of 2026-03-01: no-concerns is the outcome of a review after closure"));
  CHECK(has(notes[1], "the post-closure-12 review of 2026-04-03: no post-closure-12 review is outstanding"));
  CHECK(review_rule_notices(after_continue_at_twelve(), cfg()).empty());
}

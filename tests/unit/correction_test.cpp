// `prevent correct` (SPEC §6): which fields can be corrected, and that the
// ID and the sequence of decisions cannot.
#include "correction.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"
#include "workflow.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {

Config cfg() {
  static const Config c = default_config("Test", "PRV", 2026);
  return c;
}

// Adopted on 2026-02-02 after a deferral on 2026-01-26, consent given,
// closed on 2026-03-02 by a review; both post-closure reviews done.
Case closed_case() {
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
  c.panel.push_back(Hearing{d("2026-01-26"), PanelDecision::defer, std::nullopt, {}, {}});
  c.panel.push_back(Hearing{d("2026-02-02"), PanelDecision::adopt, std::string("consensus"), {}, {}});
  c.consent = {Consent{ConsentStatus::given, ConsentGiver::subject, d("2026-02-03")}};
  c.reviews.push_back(Review{d("2026-03-02"), ReviewKind::monthly, std::nullopt, ReviewOutcome::close, {}});
  c.closure = Closure{d("2026-03-02"), ClosureReason::no_further_concerns};
  c.reviews.push_back(Review{d("2026-09-02"), ReviewKind::post_closure_6, std::nullopt, ReviewOutcome::no_concerns, {}});
  c.reviews.push_back(Review{d("2027-03-02"), ReviewKind::post_closure_12, std::nullopt, ReviewOutcome::no_concerns, {}});
  return c;
}

std::optional<Failure> correcting(Case& c, std::vector<FieldValue> changes) {
  return failure_of([&] { apply_correction(c, changes, "Fictional reason", d("2027-04-01"), cfg()); });
}

}  // namespace

TEST_CASE("a corrected field is recorded in its canonical spelling with the date and reason") {
  Case c = closed_case();
  auto fields = apply_correction(c, {{"panel[2].method", "majority"}, {"triage.completed", "2026-01-06"}},
                                 "Fictional reason", d("2027-04-01"), cfg());
  CHECK(fields == std::vector<std::string>{"panel.2.method", "triage.completed"});
  CHECK(c.panel[1].method == "majority");
  CHECK(c.triage->completed == d("2026-01-06"));
  REQUIRE(c.corrections.size() == 1);
  CHECK(c.corrections[0].date == d("2027-04-01"));
  CHECK(c.corrections[0].fields == fields);
  CHECK(c.corrections[0].reason.reveal() == "Fictional reason");
}

TEST_CASE("only the fields that changed are recorded, and nothing changed is refused") {
  Case c = closed_case();
  auto fields = apply_correction(c, {{"panel.2.method", "consensus"}, {"consent.date", "2026-02-04"}},
                                 "Fictional reason", d("2027-04-01"), cfg());
  CHECK(fields == std::vector<std::string>{"consent.1.date"});  // consent.date: the latest entry
  Case again = closed_case();
  auto f = correcting(again, {{"panel.2.method", "consensus"}});
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK(has(f->what(), "nothing to correct"));
  CHECK(again.corrections.empty());
}

TEST_CASE("the ID and the decisions cannot be corrected") {
  for (const char* field : {"id", "triage.outcome", "panel.1.decision", "consent.status", "reviews.1.outcome",
                            "reviews.2.kind"}) {
    Case c = closed_case();
    auto f = correcting(c, {{field, "x"}});
    REQUIRE_MESSAGE(f, field);
    CHECK(f->code() == Exit::invalid_data);
  }
}

TEST_CASE("the conflicts a merge left are kept by prevent, not corrected") {
  Case c = closed_case();
  c.conflicts.push_back(Conflict{"triage.completed", ConflictSide{"Alex Example", d("2027-03-30"), "2026-01-06", {}},
                                 ConflictSide{"Sam Example", d("2027-03-31"), "2026-01-08", {}}});
  for (const char* field : {"conflicts.1.field", "conflicts.1.ours.value"}) {
    Case before = c;
    auto f = correcting(before, {{field, "x"}});
    REQUIRE_MESSAGE(f, field);
    CHECK(f->code() == Exit::invalid_data);
    CHECK(has(f->what(), "conflicts: kept by prevent itself"));
    CHECK(before.conflicts[0].ours.value == "2026-01-06");
  }
}

TEST_CASE("a correction that would reorder the panel's hearings is refused") {
  Case c = closed_case();
  auto f = correcting(c, {{"panel.2.meeting", "2026-01-20"}});
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK(has(f->what(), "reorder"));
}

TEST_CASE("a correction that would change the case's stage is refused") {
  Case c = closed_case();
  REQUIRE(stage_key(stage_of(c, cfg())) == "closed");
  // A closure after the post-closure reviews would leave them outstanding.
  auto f = correcting(c, {{"closure.date", "2027-03-10"}});
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK(has(f->what(), "from closed to post-closure"));
}

TEST_CASE("a correction's messages never quote the value of a personal field") {
  Case c = closed_case();
  auto f = correcting(c, {{"referral.subject.postcode_district", "Secret Street 9"}});
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK_FALSE(has(f->what(), "Secret"));
  CHECK_FALSE(has(f->hint(), "Secret"));
  auto g = correcting(c, {{"referral.subject.date_of_birth", "1999-02-31"}});
  REQUIRE(g);
  CHECK_FALSE(has(g->what(), "1999"));
}

TEST_CASE("an optional field is removed by an empty value, a required one is not") {
  Case c = closed_case();
  apply_correction(c, {{"panel.2.method", ""}}, "Fictional reason", d("2027-04-01"), cfg());
  CHECK_FALSE(c.panel[1].method.has_value());
  Case c2 = closed_case();
  auto f = correcting(c2, {{"referral.subject.name", ""}});
  REQUIRE(f);
  CHECK(has(f->what(), "must not be empty"));
}

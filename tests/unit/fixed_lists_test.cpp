// The key tables of the record's fixed lists (fixed_lists.hpp) against the
// case schema's enums, and the due items against SPEC §6.1: a key added to
// one and not the other would read or write records the other refuses.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "case_record.hpp"
#include "fixed_lists.hpp"
#include "schema.hpp"
#include "test_support.hpp"
#include "workflow.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {

template <KeyedEnum E>
std::vector<std::string> table_keys() {
  std::vector<std::string> out;
  for (auto k : keys_of<E>()) out.emplace_back(k);
  return out;
}

template <KeyedEnum E>
void check_round_trip() {
  for (const auto& e : KeyTable<E>::entries) {
    CHECK(key_of(e.value) == e.key);
    CHECK(key_to<E>(e.key) == e.value);
  }
  CHECK_FALSE(key_to<E>(""));
  CHECK_FALSE(key_to<E>("unknown-key"));
}

std::vector<std::string> schema_keys(const char* path) { return schema_enum(SchemaKind::case_record, path); }

}  // namespace

TEST_CASE("the triage outcomes are the case schema's triage.outcome, in order") {
  CHECK(table_keys<TriageOutcome>() == schema_keys("triage.outcome"));
  check_round_trip<TriageOutcome>();
}

TEST_CASE("the panel decisions are the case schema's panel.decision, in order") {
  CHECK(table_keys<PanelDecision>() == schema_keys("panel.decision"));
  check_round_trip<PanelDecision>();
}

TEST_CASE("the consent statuses are the case schema's consent.status, in order") {
  CHECK(table_keys<ConsentStatus>() == schema_keys("consent.status"));
  check_round_trip<ConsentStatus>();
}

TEST_CASE("who consents is the case schema's consent.by, in order") {
  CHECK(table_keys<ConsentGiver>() == schema_keys("consent.by"));
  check_round_trip<ConsentGiver>();
}

TEST_CASE("the support action statuses are the case schema's support_plan.status, in order") {
  CHECK(table_keys<ActionStatus>() == schema_keys("support_plan.status"));
  check_round_trip<ActionStatus>();
}

TEST_CASE("what an action closed with is the case schema's support_plan.closed_with") {
  CHECK(table_keys<ActionClosedWith>() == schema_keys("support_plan.closed_with"));
  check_round_trip<ActionClosedWith>();
}

TEST_CASE("the review kinds are the case schema's reviews.kind, in order") {
  CHECK(table_keys<ReviewKind>() == schema_keys("reviews.kind"));
  check_round_trip<ReviewKind>();
}

TEST_CASE("the review outcomes are the case schema's reviews.outcome, in order") {
  CHECK(table_keys<ReviewOutcome>() == schema_keys("reviews.outcome"));
  check_round_trip<ReviewOutcome>();
}

TEST_CASE("the closure reasons are the case schema's closure.reason, in order") {
  CHECK(table_keys<ClosureReason>() == schema_keys("closure.reason"));
  check_round_trip<ClosureReason>();
}

TEST_CASE("the due items are SPEC section 6.1's items, in its order, then retention (issue 18) and conflict (issue 19)") {
  CHECK(table_keys<DueKind>() == std::vector<std::string>{"triage", "panel", "consent", "monthly-review", "action",
                                                           "post-closure-6", "post-closure-12", "extended-review",
                                                           "retention", "conflict"});
  check_round_trip<DueKind>();
}

TEST_CASE("the stages are SPEC section 3's stages, in workflow order, and voided (issue 14)") {
  CHECK(table_keys<Stage>() == std::vector<std::string>{"awaiting-triage", "no-further-action", "signposted",
                                                         "police-managed", "awaiting-panel", "not-adopted",
                                                         "awaiting-consent", "supported", "post-closure", "closed",
                                                         "voided"});
  check_round_trip<Stage>();
}

TEST_CASE("only declined or withdrawn consent closes the case, with the matching reason (rule 6)") {
  CHECK(closure_by_consent(ConsentStatus::declined) == ClosureReason::consent_declined);
  CHECK(closure_by_consent(ConsentStatus::withdrawn) == ClosureReason::consent_withdrawn);
  CHECK_FALSE(closure_by_consent(ConsentStatus::given));
  CHECK_FALSE(closure_by_consent(ConsentStatus::requested));
  for (const auto& e : KeyTable<ClosureReason>::entries)
    CHECK(is_closure_by_consent(e.value) == (e.key.rfind("consent-", 0) == 0));
}

TEST_CASE("each review kind answers the due item of the same name, extended the extended-review") {
  CHECK(due_kind_of(ReviewKind::monthly) == DueKind::monthly_review);
  CHECK(due_kind_of(ReviewKind::post_closure_6) == DueKind::post_closure_6);
  CHECK(due_kind_of(ReviewKind::post_closure_12) == DueKind::post_closure_12);
  CHECK(due_kind_of(ReviewKind::extended) == DueKind::extended_review);
  for (const auto& e : KeyTable<DueKind>::entries)
    CHECK(is_review(e.value) == (e.key.find("review") != std::string_view::npos || e.key.rfind("post-closure", 0) == 0));
}

TEST_CASE("a record with a fixed-list key the program does not know is invalid data") {
  Config cfg = default_config("Test", "PRV", 2026);
  std::string text =
      "id: PRV-2026-0001\n"
      "referral:\n"
      "  received: 2026-01-05\n"
      "  route: email\n"
      "  source:\n"
      "    sector: education\n"
      "    agency: Quillet Academy\n"
      "    referrer_role: Designated Safeguarding Lead\n"
      "  subject:\n"
      "    name: Zorvan Quillet\n"
      "    gender: male\n"
      "  concern:\n"
      "    type: extreme-right-wing\n"
      "    summary: Fictional summary\n"
      "triage:\n"
      "  completed: 2026-01-08\n"
      "  outcome: sent-elsewhere\n";
  auto f = failure_of([&] { read_case(text, "cases/2026/PRV-2026-0001.yaml", cfg); });
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK(has(f->what(), "triage.outcome"));
}

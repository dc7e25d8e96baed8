// The record's fixed lists that the workflow decides on (SPEC §3): each an
// enum with its key table (keyed_enum.hpp), in the order the case schema's
// `enum` lists them (a unit test holds the two together). The record keeps
// these values, not their keys: text is parsed once, where it comes in (the
// YAML record, a command-line option), and written back with key_of.
//
// Lists the workflow never decides on (route, method, chronology kind, the
// assessment levels) stay text, checked by the schema.
#pragma once

#include <array>
#include <optional>

#include "keyed_enum.hpp"

namespace prevent {

// triage.outcome: the police gateway assessment's result (SPEC §4 rule 2).
enum class TriageOutcome { no_further_action, signposted, police_managed, channel_panel };

// panel[].decision (SPEC §4 rule 3).
enum class PanelDecision { adopt, not_adopt, defer };

// consent.status (SPEC §4 rules 5 and 6).
enum class ConsentStatus { requested, given, declined, withdrawn };

// consent.by: who gave or refused consent (Channel Duty Guidance: a parent
// or guardian for a child).
enum class ConsentGiver { subject, parent_guardian, attorney_or_deputy, best_interests };

// support_plan[].status. `closed`: ended with the case when it closed
// (`closed_with: case`), neither done nor cancelled by the coordinator.
enum class ActionStatus { open, done, cancelled, closed };

// support_plan[].closed_with: what else ended an action marked `closed`.
enum class ActionClosedWith { case_ };

// reviews[].kind (SPEC §4 rules 7 and 8).
enum class ReviewKind { monthly, post_closure_6, post_closure_12, extended };

// reviews[].outcome. `continue` is a C++ keyword, hence the underscore.
enum class ReviewOutcome { continue_, close, no_concerns, reopen };

// closure.reason.
enum class ClosureReason {
  no_further_concerns,
  consent_declined,
  consent_withdrawn,
  escalated_to_police,
  transferred_out,
  other,
};

template <>
struct KeyTable<TriageOutcome> {
  static constexpr std::array<KeyEntry<TriageOutcome>, 4> entries{{
      {TriageOutcome::no_further_action, "no-further-action"},
      {TriageOutcome::signposted, "signposted"},
      {TriageOutcome::police_managed, "police-managed"},
      {TriageOutcome::channel_panel, "channel-panel"},
  }};
};

template <>
struct KeyTable<PanelDecision> {
  static constexpr std::array<KeyEntry<PanelDecision>, 3> entries{{
      {PanelDecision::adopt, "adopt"},
      {PanelDecision::not_adopt, "not-adopt"},
      {PanelDecision::defer, "defer"},
  }};
};

template <>
struct KeyTable<ConsentStatus> {
  static constexpr std::array<KeyEntry<ConsentStatus>, 4> entries{{
      {ConsentStatus::requested, "requested"},
      {ConsentStatus::given, "given"},
      {ConsentStatus::declined, "declined"},
      {ConsentStatus::withdrawn, "withdrawn"},
  }};
};

template <>
struct KeyTable<ConsentGiver> {
  static constexpr std::array<KeyEntry<ConsentGiver>, 4> entries{{
      {ConsentGiver::subject, "subject"},
      {ConsentGiver::parent_guardian, "parent-guardian"},
      {ConsentGiver::attorney_or_deputy, "attorney-or-deputy"},
      {ConsentGiver::best_interests, "best-interests"},
  }};
};

template <>
struct KeyTable<ActionStatus> {
  static constexpr std::array<KeyEntry<ActionStatus>, 4> entries{{
      {ActionStatus::open, "open"},
      {ActionStatus::done, "done"},
      {ActionStatus::cancelled, "cancelled"},
      {ActionStatus::closed, "closed"},
  }};
};

template <>
struct KeyTable<ActionClosedWith> {
  static constexpr std::array<KeyEntry<ActionClosedWith>, 1> entries{{
      {ActionClosedWith::case_, "case"},
  }};
};

template <>
struct KeyTable<ReviewKind> {
  static constexpr std::array<KeyEntry<ReviewKind>, 4> entries{{
      {ReviewKind::monthly, "monthly"},
      {ReviewKind::post_closure_6, "post-closure-6"},
      {ReviewKind::post_closure_12, "post-closure-12"},
      {ReviewKind::extended, "extended"},
  }};
};

template <>
struct KeyTable<ReviewOutcome> {
  static constexpr std::array<KeyEntry<ReviewOutcome>, 4> entries{{
      {ReviewOutcome::continue_, "continue"},
      {ReviewOutcome::close, "close"},
      {ReviewOutcome::no_concerns, "no-concerns"},
      {ReviewOutcome::reopen, "reopen"},
  }};
};

template <>
struct KeyTable<ClosureReason> {
  static constexpr std::array<KeyEntry<ClosureReason>, 6> entries{{
      {ClosureReason::no_further_concerns, "no-further-concerns"},
      {ClosureReason::consent_declined, "consent-declined"},
      {ClosureReason::consent_withdrawn, "consent-withdrawn"},
      {ClosureReason::escalated_to_police, "escalated-to-police"},
      {ClosureReason::transferred_out, "transferred-out"},
      {ClosureReason::other, "other"},
  }};
};

// SPEC §4 rule 6 (CTSA 2015 s.36(4)(e)): declined or withdrawn consent
// closes the case with the matching reason; nullopt for any other status.
constexpr std::optional<ClosureReason> closure_by_consent(ConsentStatus s) {
  if (s == ConsentStatus::declined) return ClosureReason::consent_declined;
  if (s == ConsentStatus::withdrawn) return ClosureReason::consent_withdrawn;
  return std::nullopt;
}

// A closure that came from consent (`panel consent`), not from a review.
constexpr bool is_closure_by_consent(ClosureReason r) {
  return r == ClosureReason::consent_declined || r == ClosureReason::consent_withdrawn;
}

}  // namespace prevent

// The actions of the Channel workflow on one case (SPEC §6): each changes a
// Case value and refuses (exit 4, naming the rule) what the process does not
// allow from the case's current stage. They do no I/O; update_case()
// (casework/case_update.hpp) runs one under the writer's lock, checks every
// rule of SPEC §4 on the result, and commits it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
#include "config.hpp"
#include "meeting.hpp"

namespace prevent {

// Rule 2: triage happens once.
void apply_triage(Case& c, Triage triage);

void apply_note(Case& c, ChronologyEntry entry);
void apply_assessment(Case& c, Assessment assessment);

// Rule 3: heard only while awaiting panel. (Rule 4, police present, is a
// rule on the whole record: check_case_rules.)
void apply_decision(Case& c, Hearing hearing, const Config& config);

// Whether closing a case leaves its open support actions open (the
// coordinator's `--keep-actions`) or closes them with it (the default).
enum class KeepActions { no, yes };

// Rules 5 and 6: consent after adoption; declined or withdrawn closes (and
// closes the open support actions with the case, unless kept). The entry is
// appended to the case's consent history (never overwriting one); who may
// consent on its date (consent_giver.hpp) is checked with every rule on the
// result.
void apply_consent(Case& c, Consent consent, const Config& config, KeepActions keep = KeepActions::no);

// Closing a case ends its open support actions with it: each becomes
// `closed` on the closure date with `closed_with: case` (issue 14).
void close_actions_with_case(Case& c, Date date);
// Undoing that closure (a void of the review or consent that made it): the
// actions closed with the case are open again, as they were.
void reopen_actions_closed_with_case(std::vector<Action>& plan);

// Rule 5: actions only with consent given. Returns the new action's ID.
std::string add_support_action(Case& c, Action action, const Config& config);
// `done` or `cancelled`. Failure(not_found) for an unknown action.
void close_support_action(Case& c, const std::string& action_id, ActionStatus status, Date date);

struct ReviewInput {
  Review review;
  std::optional<ClosureReason> reason;  // with outcome `close`
  KeepActions keep_actions = KeepActions::no;  // with outcome `close`
};
// Rules 7 and 8: which review fits the case and its date, with which
// outcome (review_rules.hpp), closure and reopening.
void apply_review(Case& c, ReviewInput input, const Config& config);

}  // namespace prevent

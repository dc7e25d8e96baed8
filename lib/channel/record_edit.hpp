// `prevent edit` (docs/commands.md): a case edited as a whole in an editor
// is turned into the correction of correction.hpp that makes the same
// change, so that an edit is judged, recorded and checked exactly as
// `prevent correct` is. The two versions are compared field by field (the
// history diff of record_diff.hpp); each changed leaf becomes one
// FIELD=VALUE.
//
// What is not a correction is refused here, naming the field and the
// command that records it: a workflow event (a triage outcome, a panel
// decision, a consent status, a review's kind or outcome, an action's
// status), an entry added to or removed from a list, a section added or
// removed (triage, closure), and what prevent keeps itself (the ID,
// `related`, `corrections`, `voided`, `previous`).
#pragma once

#include <string>
#include <vector>

#include "case_record.hpp"
#include "correction.hpp"

namespace prevent {

// The corrections that turn `before` into `after` (both valid records of
// the same case), in record order; empty when they are equal.
// Failure(invalid_data) for a change that is not a correction, naming the
// field (never a value) and the command to use, with `where` as the place.
std::vector<FieldValue> edit_as_corrections(const Case& before, const Case& after, const std::string& where);

}  // namespace prevent

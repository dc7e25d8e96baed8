// `prevent resolve` against a store: a conflict a merge left in a case
// (channel/conflict_resolution.hpp) resolved under the writer's lock, with
// every rule of SPEC §4 checked on the result, as one commit
// `resolve: ID FIELD` (Prevent-Action: resolve). The field is a path,
// never a value; the value chosen never reaches the message.
#pragma once

#include <string>

#include "case_id.hpp"
#include "conflict_resolution.hpp"
#include "date.hpp"
#include "store.hpp"

namespace prevent {

// Returns the case as committed. Failure(not_found) for an unknown case or
// no conflict on `field` (naming the conflicts the case holds), and the
// Failures of resolve_conflict and of the rules (refused, 4).
Case resolve_case_conflict(Store& store, const CaseId& id, Date as_of, const std::string& field,
                           const ConflictChoice& choice);

// The same for the panel meeting of `date`: one commit `resolve: DATE
// FIELD`. Failure(not_found) for no such meeting or no conflict on `field`;
// refused (rule 4) when the police would leave a meeting with decisions
// recorded at it.
Meeting resolve_meeting_conflict(Store& store, Date date, const std::string& field, const ConflictChoice& choice);

}  // namespace prevent

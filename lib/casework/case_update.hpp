// Recording a workflow action on one case: load it at HEAD under the
// writer's lock, apply one of the pure actions of channel/case_actions.hpp,
// check every rule of SPEC §4 on the result, and commit it as one commit.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "case_id.hpp"
#include "case_record.hpp"
#include "date.hpp"
#include "store.hpp"

namespace prevent {

// Loads the case, applies `change` (which returns the commit subject's
// "what"), checks every rule on the result, and commits with
// `<action>: <ID> <what>` and the trailers of SPEC §8. Holds the lock.
// Returns the case as committed (what the command confirms).
Case update_case(Store& store, const CaseId& id, Date as_of, std::string_view action, std::string_view trailer,
                 const std::function<std::string(Case&)>& change);

}  // namespace prevent

// `prevent void` against a store: the void of channel/void_entry.hpp made
// under the writer's lock, with every rule of SPEC §4 checked on what is
// left, as one commit.
#pragma once

#include <string>

#include "case_id.hpp"
#include "date.hpp"
#include "store.hpp"
#include "void_entry.hpp"

namespace prevent {

// Moves the entry aside and commits `void: ID <what>` with
// Prevent-Action: void. The reason ((P)) never reaches the commit message.
// Returns the WHAT recorded.
std::string void_case_entry(Store& store, const CaseId& id, Date as_of, const VoidTarget& target, Date date,
                            const std::string& reason);

}  // namespace prevent

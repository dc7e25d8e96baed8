// The rules of SPEC §4 that a whole case record must satisfy. Every write
// (`refer`, `import`, and each workflow command) checks the record it is
// about to commit against all of them; `check` runs them over the store.
// Rules 7 and 8 are schedules (`review due` reports them); only their
// structural parts are checked here (closure comes from a `close` review).
#pragma once

#include <functional>

#include "case_record.hpp"
#include "config.hpp"
#include "meeting.hpp"

namespace prevent {

struct RuleContext {
  const Config& config;
  Date as_of;  // "today" of rule 1
  // The meeting held on a date, or nullptr when panels/ has none.
  std::function<const Meeting*(Date)> meeting;
  // How refusals name the case; the case's ID when empty (a new referral's
  // ID does not exist yet, so it is named by where it came from).
  std::string label = {};
};

// Throws Failure(refused) naming the rule and the case — or
// Failure(not_found) when the record names a meeting that does not exist.
void check_case_rules(const Case& c, const RuleContext& ctx);

}  // namespace prevent

// The rules of SPEC §4 that a whole case record must satisfy. Every write
// (`refer`, `import`, and each workflow command) checks the record it is
// about to commit against all of them; `check` runs them over the store.
// Rules 7 and 8 are schedules (`review due` reports them); only their
// structural parts are checked here (closure comes from a `close` review).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "case_record.hpp"
#include "config.hpp"
#include "meeting.hpp"

namespace prevent {

// A rule of SPEC §4 as a refusal names it: its number and title. The
// titles are part of the messages the tests and users see.
struct Rule {
  int number;
  std::string_view title;
};

namespace rule {
inline constexpr Rule nothing_in_the_future{1, "nothing is dated in the future"};
inline constexpr Rule triage{2, "triage"};
inline constexpr Rule heard_while_awaiting_panel{3, "only a case awaiting panel is heard"};
inline constexpr Rule police_present{4, "a police representative must be present"};
inline constexpr Rule consent{5, "consent"};
inline constexpr Rule support_plan{5, "support plan"};
inline constexpr Rule refusal_closes{6, "declined or withdrawn consent closes the case"};
inline constexpr Rule reviews{7, "reviews"};
inline constexpr Rule post_closure_reviews{8, "post-closure reviews"};
inline constexpr Rule dates_follow_the_process{9, "dates follow the process"};
inline constexpr Rule repeat_referrals_linked{10, "repeat referrals are linked"};
}  // namespace rule

// The one refusal (exit 4): "refused by rule N (title): what (case)", with
// an optional hint that is a command the user can run.
[[noreturn]] void refuse(Rule r, std::string_view what, std::string_view case_label, std::string hint = {});

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

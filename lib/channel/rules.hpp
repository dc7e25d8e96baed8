// The rules of SPEC §4 that a whole case record must satisfy. Every write
// (`refer`, `import`, and each workflow command) checks the record it is
// about to commit against all of them; `check` runs them over the store.
// Rules 7 and 8 are schedules (`review due` reports them); only their
// structural parts are checked here (closure comes from a `close` review).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

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
inline constexpr Rule meeting_record{4, "the record of a panel meeting"};
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

// Case business recorded against the meeting of `date` (SPEC §4 rule 4): a
// decision heard there, or a review held there (`meeting: DATE`), closing
// or reopening cases included, in the current episode or an earlier one.
bool case_business_at(const Case& c, Date date);
// The dates of every meeting the case has business at, as case_business_at
// counts it (a date may repeat).
std::vector<Date> business_meetings(const Case& c);

// Rule 4 on a meeting being changed (`panel attend`): while case business
// is recorded at it (`cases`: their IDs), it keeps a police representative
// (CTSA 2015 s.37).
void police_stay_while_business_recorded(const Meeting& after, const std::vector<std::string>& cases);

// Rule 4 on a change of attendance: the chair (the local authority) stays
// the chair; `panel attend` neither removes them nor records them as the
// police or as sending apologies.
void chair_stays(const Meeting& m, const Member& who, std::string_view option);

// Rule 4 on an agenda: a past meeting's agenda is its record and is not
// refilled (`--fill`) after the day; `as_of` is "today".
void past_agenda_stands(Date meeting, Date as_of);

// Rule 4 on an agenda: a case with business recorded at the meeting stays
// on its agenda (`--drop`).
void agenda_keeps_case_business(Date meeting, const std::string& case_id, bool business_recorded);

// Throws Failure(refused) naming the rule and the case — or
// Failure(not_found) when the record names a meeting that does not exist.
void check_case_rules(const Case& c, const RuleContext& ctx);

}  // namespace prevent

// Who may consent for the person on a day (SPEC §4 rule 5; Channel Duty
// Guidance; Mental Capacity Act 2005), for each entry of a consent history:
//
//   subject             the person, only when 18 or over on the entry's date
//   parent-guardian     only for a child: under 18 on the entry's date
//   attorney-or-deputy  only for an adult, with the date their capacity to
//   best-interests      decide was assessed (capacity_assessed), on or
//                       before the entry's date
//
// Age is the person's age on the entry's date from the recorded date of
// birth: an 18th birthday counts on the day, and a person born on 29
// February is 18 on 1 March of a common year (age_on, date.hpp). Without a
// date of birth no entry can be judged, so none is accepted: the coordinator
// records the date of birth first (docs/decisions.md).
//
// Pure, and the one place the rule is written: rules.cpp checks every
// entry of every history on each write, `correct` names the consent a
// corrected date of birth would make invalid.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "case_record.hpp"
#include "date.hpp"

namespace prevent {

// How a refusal names an entry: its kind, who, and its date, e.g. "consent
// given by parent-guardian on 2026-11-20". Never personal data.
std::string consent_entry_name(const Consent& k);

// Why rule 5 refuses `k` for a person born on `dob` (nullopt: not known),
// and a hint naming what would be valid, or nullopt when it is valid.
// `case_id` goes into the hint's commands.
//
// In an encrypted store read without the key the date of birth is sealed:
// the age at referral kept in clear decides, except within a year of the
// 18th birthday, where the problem is `needs_key` (a write is refused until
// someone with the key records it; `check` without the key leaves it).
struct ConsentProblem {
  std::string what;
  std::string hint;
  bool needs_key = false;
};
std::optional<ConsentProblem> consent_giver_problem(const Consent& k, const AgeFacts& age,
                                                    std::string_view case_id);

}  // namespace prevent

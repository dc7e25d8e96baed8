// The retention schedule applied to one case (prevent.yaml `retention`,
// docs/retention.md): from which day the personal data of a case in a
// final stage should be erased, and under which rule. Nothing here erases:
// `prevent retention due` and `review due` list, a person decides, and
// `prevent erase` erases.
#pragma once

#include <optional>

#include "case_record.hpp"
#include "config.hpp"
#include "workflow.hpp"

namespace prevent {

struct RetentionDue {
  const RetentionRule* rule;  // a rule of the Config given
  Date erase_from;            // the first day the data should be gone
};

// When the personal data of `c` (whose stage is `stage`) should be erased:
// the rule naming its stage, its start event plus the rule's period in
// calendar months (clamped to the month's end, as the post-closure
// reviews), and for a person under 18 at referral no earlier than the
// rule's birthday. nullopt for a case still in hand (a stage that is not
// final), a case already erased (it has an `erasure`), or a stage no rule
// names (a Config made in code; prevent.yaml must name every final stage).
std::optional<RetentionDue> retention_due(const Case& c, Stage stage, const Config& config);
inline std::optional<RetentionDue> retention_due(const Case& c, const Config& config) {
  return retention_due(c, stage_of(c, config), config);
}

// The day of a start event on the case; nullopt when it has not happened.
// `last-review` is the latest post-closure review, else the closure.
std::optional<Date> retention_start(const Case& c, RetentionStart start);

// The first day on which a person `age` years old on `referred` is surely
// `birthday` years old: about `referred` plus (birthday - age) years (a
// 29 February birthday falls on 1 March in a common year). Only the age
// on the referral date is used (the date of birth is personal data, sealed
// with the case's key), so this can be up to a year after the birthday
// itself, never before it.
Date birthday_floor(Date referred, int age, int birthday);

}  // namespace prevent

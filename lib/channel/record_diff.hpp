// What changed in a record between two versions, field by field, for the
// audit log (`prevent log`): `triage.outcome: (none) → channel-panel`, not a
// line diff.
//
// Fields are named by their dotted path in the record's YAML tree (SPEC §3
// keys); list entries by their `id` when they have one (support_plan[A2])
// and otherwise by their 1-based position (panel[1], chronology[3]). A list
// of plain values (signposted_to, related) is one field.
//
// Personal data ((P) in SPEC §3, case_record's is_personal_field): the
// change is marked `personal` and, unless asked for, carries no values, so
// the values never leave this module.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
#include "meeting.hpp"
#include "yaml_doc.hpp"

namespace prevent {

enum class ShowPersonal { no, yes };

struct FieldChange {
  std::string field;
  std::optional<std::string> from;  // nullopt: not set before (or withheld)
  std::optional<std::string> to;    // nullopt: not set after (or withheld)
  bool personal = false;            // (P): from/to withheld unless ShowPersonal::yes
};

// Changes from `before` to `after`; a null pointer is a record that is not
// there. Equal records give no changes.
std::vector<FieldChange> diff_cases(const Case* before, const Case* after, ShowPersonal show);
// Meetings hold roles, agencies and case IDs, not personal data, but for
// the reason of each `corrections` entry (`prevent edit --meeting`).
std::vector<FieldChange> diff_meetings(const YNode* before, const YNode* after, ShowPersonal show);
// prevent.yaml holds settings, not personal data: each setting's old and new
// value (`suppression_threshold: 5 → 0`); a vocabulary entry added or
// removed is one change named by its key (`vocabularies.sectors[police]`)
// with its label.
std::vector<FieldChange> diff_configs(const YNode* before, const YNode* after);

}  // namespace prevent

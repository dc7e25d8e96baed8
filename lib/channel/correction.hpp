// `prevent correct` (SPEC §6): fixing a wrongly recorded field after the
// fact. The change is made on the record's YAML tree (case_to_node), so
// every field is addressed and typed the same way, then read back through
// case_from_node and judged as a whole: schema, vocabularies, and (by
// correct_case in casework/correct.hpp) every rule of SPEC §4.
//
// Addressing: a dotted path of the record's own keys (SPEC §3). List
// entries are named by their 1-based position (`panel.1.method`, also
// written `panel[1].method`), support actions by their ID
// (`support_plan.A1.due`). The ID, the decisions that make up the case's
// sequence of stages, and the lists kept by the program (`related`,
// `corrections`, `previous`) cannot be corrected this way (exit 5).
#pragma once

#include <string>
#include <vector>

#include "case_record.hpp"
#include "config.hpp"
#include "date.hpp"

namespace prevent {

struct FieldValue {
  std::string field;  // as given, e.g. "panel[1].method"
  std::string value;  // as given; empty removes an optional field
};

// Splits "FIELD=VALUE" (Failure(usage) without '=').
FieldValue parse_field_value(const std::string& text);

// The fields that can be corrected, one line each ("path  kind"), for help.
std::vector<std::string> correctable_fields();

// Applies the corrections to `c` and appends a `corrections` entry dated
// `date` with the fields that changed and `reason`. Returns those fields
// in their canonical spelling. Failure(invalid_data) for an unknown or
// uncorrectable field, a value of the wrong type or outside its list, a
// change to the case's stage or to the order of its panel hearings, or
// when nothing changes; Failure(not_found) for an unknown action ID.
// Never names a value in a message.
std::vector<std::string> apply_correction(Case& c, const std::vector<FieldValue>& changes,
                                          const std::string& reason, Date date, const Config& config);

// Whether `correct` can change `field` (a leaf named as the history diff or
// a correction names it: `panel[1].method`, `panel.1.method`): not the ID,
// not a decision, not a list prevent keeps itself.
bool is_correctable_field(const std::string& field);

// True when a corrected field is part of the person key of SPEC §4 rule 10.
bool changes_person_key(const std::vector<std::string>& fields);

}  // namespace prevent

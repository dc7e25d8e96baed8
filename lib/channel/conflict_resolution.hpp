// `prevent resolve` (docs/commands.md, docs/merge.md): a conflict a merge
// left in a case's `conflicts` list, resolved by a person. The conflict is
// taken out of the list and the chosen value put in its place: one side's
// recorded value (a side without one removes the field or the entry), or
// a value the person gives as YAML.
//
// The value is put in place through the walker `correct` uses
// (edit_case_fields), so it is read back through the schema like any field
// set by hand; the vocabularies are checked here, the rules of SPEC §4 by
// the caller on the whole record (casework/resolve.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
#include "config.hpp"

namespace prevent {

// What a person chose: a side, or a value of their own (YAML text: a scalar
// for a field, a mapping for a section or a list entry; `~` removes).
struct ConflictChoice {
  enum class Side { ours, theirs, value };
  Side side = Side::value;
  std::string value;  // for Side::value
};

// `--take ours|theirs|VALUE`: the words `ours` and `theirs` name a side,
// anything else is a value.
ConflictChoice parse_conflict_choice(const std::string& take);

// The index in c.conflicts of the first conflict on `field`, or none.
std::optional<size_t> find_conflict(const Case& c, const std::string& field);

// The case with the conflict at `index` resolved by `choice`: the conflict
// left out of `conflicts`, the value in place. Failure(invalid_data) for a
// value that is not valid there (YAML, schema, vocabulary) or a place the
// record no longer holds; Failure(store) when the value taken is sealed
// (docs/encryption.md: opening it needs the case's key). Messages name
// the field, never a value.
Case resolve_conflict(const Case& c, size_t index, const ConflictChoice& choice, const Config& config,
                      const std::string& where);

}  // namespace prevent

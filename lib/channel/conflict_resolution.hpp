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
#include "meeting.hpp"

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

// The same for a panel meeting's `conflicts` (docs/merge.md, "Meetings"):
// `attendance[ROLE@AGENCY]` takes `attendee`, `police`, `apology` or none
// (not listed); `chair.role`, `chair.agency`, `agenda[CASE,ITEM]` (a whole
// entry) and `agenda[CASE,ITEM].by_hand` are put in place on the meeting's
// tree and read back through the meeting schema. The meeting's `date` (its
// file name) is not resolved here: Failure(invalid_data). Rule 4 on the
// result is the caller's (a meeting with decisions keeps the police).
std::optional<size_t> find_conflict(const Meeting& m, const std::string& field);
Meeting resolve_conflict(const Meeting& m, size_t index, const ConflictChoice& choice, const std::string& where);

}  // namespace prevent

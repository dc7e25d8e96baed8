// A three-way merge of a case record, and of a panel meeting, by field and
// by list entry, never by line (issue 19 item 2; docs/merge.md).
//
// Given the common base and two sides (ours and theirs), each field is
// taken from the side that changed it; a field changed the same way on
// both is taken once. List entries are matched by their identity (a panel
// entry by its meeting, an action by its ID, …: the table of docs/merge.md),
// so entries added on either side are all kept, an entry deleted on one
// side and unchanged on the other is deleted, and an entry changed on both
// merges field by field.
//
// A field changed two different ways (or an entry changed on one side and
// deleted on the other) is a conflict: the merged record keeps, in place,
// what the base held (nothing where the base had nothing), and records
// both values, who and when, in its `conflicts` list. Nothing is lost.
//
// Personal data is compared as it is held: a sealed value (docs/encryption.md)
// is compared by its sealed text, never opened. A conflict's values are
// (P) when the field is or holds personal data (ConflictSide::personal_value).
//
// Pure: no git, no clock, no file system. The sides' authors and dates are
// given by the caller (the commits being merged).
#pragma once

#include <string>
#include <vector>

#include "case_record.hpp"
#include "date.hpp"
#include "meeting.hpp"

namespace prevent {

// Who made a side's changes and when: the author and the date of the
// side's commit, as a conflict records them.
struct MergeSide {
  std::string by;
  Date date;
};

// Which sides' changes a merge takes (docs/team.md, "A rule broken by the
// merge"). `none`: every change one side made is taken. `theirs`: a change
// only theirs made is held instead: the base's value stays in place and
// the change is a conflict, as a change made two ways is. `both`: a change
// either side made alone is held. A change both made the same way is taken
// in each. Lists of plain values (`related`, `signposted_to`) and lists
// whose entries are never changed (`corrections`, `conflicts`, a meeting's
// `declarations`) merge as they do without holding: a conflict on a whole
// list is not one `resolve` takes, and the corrections are the history of
// what each side did. (A rule such a list decides, a signposted triage's
// services, can so stay broken: sync reports it.)
enum class MergeHold { none, theirs, both };

struct CaseMerge {
  Case merged;
  // The paths of the conflicts this merge recorded (in merged.conflicts,
  // after any the sides already held), in record order.
  std::vector<std::string> conflicts;
  bool conflicted() const { return !conflicts.empty(); }
};

// `base` is null when the case is not in the common base: added on both
// sides (the same ID allocated twice). Then nothing is unchanged: what the
// sides give two values is a conflict; a section or entry in conflict is
// left out, and a field every case has holds ours in place (the one place
// the merge is not symmetric, docs/merge.md).
CaseMerge merge_cases(const Case* base, const Case& ours, const Case& theirs, const MergeSide& ours_side,
                      const MergeSide& theirs_side, MergeHold hold = MergeHold::none);

struct MeetingMerge {
  Meeting merged;
  // The conflicts this merge found, for the caller to add to
  // merged.conflicts (which holds those the sides already held, merged as
  // a list). The merged meeting holds the base's values in their places,
  // as a case does.
  std::vector<Conflict> conflicts;
  bool conflicted() const { return !conflicts.empty(); }
};

// Attendance is merged as a set of people (role and agency, as
// `same_member` compares them), each attending, attending for the police,
// or sending apologies: a person moved on one side moves, and moved two
// different ways is a conflict named `attendance[ROLE@AGENCY]`. The other
// fields merge as a case's do; `base` null as for merge_cases.
MeetingMerge merge_meetings(const Meeting* base, const Meeting& ours, const Meeting& theirs,
                            const MergeSide& ours_side, const MergeSide& theirs_side,
                            MergeHold hold = MergeHold::none);

}  // namespace prevent

namespace prevent {

// Where a conflict's `field` (docs/merge.md "Paths") stands in a case, in the
// addressing of edit_case_fields (case_record.hpp): map keys, and list
// entries by their 1-based position. Entries are found by the label their
// identity gives them, as the merge names them (the parts that are not (P);
// `#n`: the n-th entry of that label in the record's order).
struct ConflictPlace {
  std::vector<std::string> path;  // the field; for an entry, the list holding it
  // The path names a whole list entry: `position` is its place in the list
  // (1-based), none when the case holds no entry of that identity.
  bool entry = false;
  std::optional<size_t> position;
  bool mapping = false;  // the value is a mapping (an entry, a section), not a scalar
  bool plain = false;    // a scalar written as is: a date, a number, a boolean (YNode::plain)
  // For an entry: the keys of its date fields in record order; the first
  // one present orders it in its list, as the merge orders entries.
  std::vector<std::string> date_keys;
};

// None when `field` is not a path, or names nothing this case can hold
// (an unknown key, an entry inside an entry the case does not hold).
// Failure(invalid_data) when the label names two entries of the case alike
// (entries added since the merge).
std::optional<ConflictPlace> conflict_place(const Case& c, const std::string& field);

}  // namespace prevent

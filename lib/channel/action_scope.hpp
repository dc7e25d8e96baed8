// What each Prevent-Action may change (SPEC §8): the one table that
// `prevent check` holds every commit's trailer to, so that a trailer copied
// onto a plain `git commit` does not pass a hand edit off as the program's.
//
// The table says what the program's commands really write: `update_case`
// rewrites one case file, changed by one function of case_actions.hpp,
// correction.hpp or void_entry.hpp; the meeting commands rewrite one file
// of panels/; refer and import add case files; init makes the first commit;
// link and unlink change the `related` of one or two cases;
// erase turns the (P) values of one or more cases to `[erased]` and adds
// their `erasure`; upgrade brings schemas/ to this prevent's; report --foi adds a release;
// foi new adds one file of foi/ and foi close changes one; keys add and
// keys remove change keys/recipients.yaml; purge-plaintext adds its record
// to purges/; encrypt adds keys/recipients.yaml and seals the plain (P)
// values of every case and meeting. A case is judged by the
// top-level keys of the record (SPEC §3) that changed, compared as records,
// so a canonical rewrite of a hand-formatted file is no change.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "case_record.hpp"
#include "meeting.hpp"

namespace prevent {

// Which files an action's commit may change.
enum class ActionFiles {
  store,        // init: the first commit (no parent), which creates the store
  new_cases,    // refer, import: new case files, and nothing else
  one_case,     // the case actions: the file of the one case the commit names
  linked_cases, // link, unlink: one or two case files that were there, each named by a Prevent-Case trailer
  erased_cases, // erase: case files that were there, each named by a Prevent-Case trailer
  new_meeting,  // panel new: one new file of panels/
  one_meeting,  // panel attend, panel agenda: one file of panels/ that was there
  case_or_meeting, // edit: as one_case, or one file of panels/ that was there, gaining one corrections entry
  schemas,      // upgrade: files of schemas/
  new_release,  // report --foi: one new file of releases/, nothing else
  new_foi,      // foi new: one new file of foi/, nothing else
  one_foi,      // foi close: one file of foi/ that was there, nothing else
  keys,         // keys add, keys remove: keys/recipients.yaml that was there, nothing else
  new_purge,    // purge-plaintext: one new file of purges/, nothing else
  sealed_cases, // encrypt: keys/recipients.yaml added (no keys/ before), and case files that were there,
                // each named by a Prevent-Case trailer (or counted), each only sealed; and meeting files
                // that were there, only their correction reasons sealed
  merge,        // sync: a merge, which check recomputes from its parents (sync.hpp)
  resolved,     // resolve: one case file or meeting file that was there, with fewer conflicts
};

struct ActionScope {
  std::string_view action;  // the Prevent-Action value
  ActionFiles files;
  // one_case: the top-level keys of the record the action may change.
  std::vector<std::string_view> parts;
  // one_case: a list of the record that gains exactly one entry (`correct`
  // records itself in `corrections`, `void` in `voided`), or empty.
  std::string_view adds;
  // What the action changes, for a message: "the case's triage".
  std::string_view says;
};

// Every Prevent-Action the program writes, in the order of SPEC §8.
const std::vector<ActionScope>& action_scopes();

// The scope of a Prevent-Action value; null for a value no command writes.
const ActionScope* action_scope(std::string_view action);

// How a one_case commit's change of a case went outside its action: the
// field paths outside it (`referral.concern.type`), or a sentence; never a
// value. Empty when the change is the action's.
struct OutsideScope {
  std::vector<std::string> fields;  // changed fields the action does not change
  std::string why;                  // or why the change is not the action's
  bool empty() const { return fields.empty() && why.empty(); }
};
OutsideScope case_change_outside(const ActionScope& scope, const Case& before, const Case& after);

// How an `edit` commit of a meeting file (`edit --meeting`) went outside
// what edit corrects: the same date, agenda, declarations and number of
// attendees and apologies; one more corrections entry, the others as they
// were; and each field changed (the text of a role or agency, an
// attendee's police marking) named by the new entry. Empty when it is.
OutsideScope meeting_change_outside(const Meeting& before, const Meeting& after);

// How an `encrypt` commit's change of a meeting file went outside sealing
// it: a field changed that is not a correction's reason, a meeting that
// held sealed values before, or one left with a reason in plain text.
OutsideScope meeting_sealing_outside(const Meeting& before, const Meeting& after);

}  // namespace prevent

// `prevent edit ID` (docs/commands.md): a case edited as a whole in the
// user's editor, and committed as the correction that makes the same change
// (channel/record_edit.hpp), through the one path of `prevent correct`
// (correct.hpp): the same validation, rules, `corrections` entry and scope
// for `check`, with Prevent-Action: edit.
//
// The editing buffer holds the record, so personal data: it is a file of
// mode 0600 in the store's state directory (.git/prevent/), outside the
// work tree and the history, never in /tmp, and is removed when the command
// ends (EditBuffer).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "case_id.hpp"
#include "case_record.hpp"
#include "correct.hpp"
#include "date.hpp"
#include "meeting.hpp"
#include "store.hpp"

namespace prevent {

// The file the editor works on: created empty with mode 0600 (O_EXCL, no
// link followed), removed by the destructor whatever happened.
class EditBuffer {
 public:
  EditBuffer(const Store& store, std::string_view name);
  EditBuffer(const EditBuffer&) = delete;
  EditBuffer& operator=(const EditBuffer&) = delete;
  ~EditBuffer();
  const std::filesystem::path& path() const { return path_; }
  // Replaces the file's content (mode 0600 again, whatever the editor left).
  void write(std::string_view text) const;
  // The content as the editor left it; empty when the editor removed the
  // file. Failure(invalid_data) over the size of a record.
  std::string read() const;

 private:
  std::filesystem::path path_;
};

// What the edit starts from: the case at HEAD and its canonical text.
struct CaseEditStart {
  Case original;
  std::string text;
};
// Failure(not_found) for no such case; refused for a voided case.
CaseEditStart begin_case_edit(const Store& store, const CaseId& id);

// Where the messages of an edit place a problem: "edited record".
inline constexpr std::string_view kEditedRecord = "edited record";

// The text with each line that starts with `#` made empty (so the lines
// keep their numbers): what is judged. Blank when nothing else is left.
std::string without_comment_lines(std::string_view text);
// The text with the lines that start with `#` left out: what is compared
// (unchanged, emptied, the same again) and given back to the editor.
std::string record_lines(std::string_view text);
bool is_blank(std::string_view text);

// Judges an edited text (comments removed) against the case as it was,
// without writing: YAML, schema, vocabularies, what may be corrected, every
// rule of SPEC §4 as of `as_of`. Returns the fields the correction would
// name; empty when the record is unchanged. Throws the problem's Failure.
std::vector<std::string> judge_case_edit(const Store& store, const Case& original, std::string_view text, Date as_of);

// Commits the edit as one correction with `reason`, under the lock; refused
// (exit 6) when the case changed at HEAD since the edit began.
CorrectionDone commit_case_edit(Store& store, const Case& original, std::string_view text, Date as_of,
                                const std::string& reason);

// `prevent edit --meeting DATE`: the meeting at HEAD and its canonical
// text. Failure(not_found) for no such meeting.
struct MeetingEditStart {
  Meeting original;
  std::string text;
};
MeetingEditStart begin_meeting_edit(const Store& store, Date date);

// Judges an edited meeting (comments removed) against the meeting as it
// was, without writing: YAML, the meeting schema, what edit may correct
// (the text of roles and agencies, an attendee's police marking), people
// listed once, rule 4. The date, the agenda, declarations, who is listed
// and `corrections` are refused, naming the command that changes them.
// Returns the fields the correction names (`attendees.2.agency`); empty
// when the meeting is unchanged. Throws the problem's Failure.
std::vector<std::string> judge_meeting_edit(const Store& store, const Meeting& original, std::string_view text);

// Commits the edited meeting with a `corrections` entry (as_of, the
// fields, `reason`), under the lock, as `edit: DATE <fields>`; refused
// (exit 6) when the meeting changed at HEAD since the edit began. Returns
// the fields corrected.
std::vector<std::string> commit_meeting_edit(Store& store, const Meeting& original, std::string_view text, Date as_of,
                                             const std::string& reason);

}  // namespace prevent

// The panel meetings of a store (SPEC §6 `panel new`, `panel attend`,
// `panel agenda`): each write is one commit of panels/<DATE>.yaml under the
// writer's lock. Decisions on cases are recorded in the case files
// (case_update.hpp), never here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "date.hpp"
#include "due_list.hpp"
#include "failure.hpp"
#include "meeting.hpp"
#include "store.hpp"

namespace prevent {

// One person's entry as a flag of `panel new` or `panel attend` states it.
struct AttendanceChange {
  Member who;
  Presence to;
  std::string option;  // the flag, for messages: "--police"
};

// Applies the changes in order to `m` (pure): each person is listed once.
// Returns a notice for each change that changed nothing (someone already
// listed so), and for a police representative recorded as an attendee
// only. Refuses (rule 4) a change to the chair other than attending;
// Failure(not_found) for --remove of someone not listed.
std::vector<std::string> apply_attendance(Meeting& m, const std::vector<AttendanceChange>& changes);

// The cases with business recorded at the meeting on `date` (SPEC §4 rule
// 4). A case file that does not read might hold some: its Failure is thrown.
std::vector<std::string> cases_with_business(const Store& store, Date date);

// `panel new`: commits the meeting. Failure(invalid_data) when a meeting
// already exists on that date. Takes the lock.
void create_meeting(Store& store, const Meeting& m);

// `panel attend`: changes attendance (apply_attendance) and adds
// declarations of interest to the meeting on `date`, in one commit, or none
// when nothing changed. Failure(not_found) for no such meeting or a declared
// case that does not exist; refused (rule 4) when the meeting would be left
// without a police representative while case business is recorded at it.
// Returns the notices to show. Takes the lock.
std::vector<std::string> change_meeting(Store& store, Date date, const std::vector<AttendanceChange>& changes,
                                        std::vector<Declaration> declarations);

// `panel agenda`: what comes before the meeting on `date` (Failure(not_found)
// when there is none) and falls due by `until` (add_agenda_rows), in the
// order of SPEC §6.1, with the cases that have business recorded at the
// meeting and the case files that could not be read.
struct Agenda {
  std::vector<DueRow> rows;
  std::vector<std::string> business;  // IDs of cases with business recorded at the meeting
  std::vector<Failure> unreadable;
};
Agenda meeting_agenda(const Store& store, Date date, Date until);

// The default end of an agenda's window: the day before the next meeting
// in the store after `date`, else the day before `date` + 28 days.
Date agenda_until(const Store& store, Date date);

// The meeting after `date` in the store, if any.
std::optional<Date> next_meeting(const Store& store, Date date);

// `panel agenda --fill`: writes `agenda.rows` as the meeting's agenda,
// keeping the entries put there by hand and those of cases with business
// recorded at the meeting. Refused (rule 4) for a meeting before `as_of`.
// The caller holds the lock from before meeting_agenda(), and writes no
// agenda that is missing unreadable cases. Returns how many items the
// agenda written holds.
size_t write_agenda(Store& store, Date date, const Agenda& agenda, Date as_of);

// `panel agenda --add/--drop`: puts cases on the agenda by hand (for their
// first outstanding item) and takes cases off it, in one commit, or none
// when nothing changed. Failure(not_found) for a case that does not exist or
// a dropped case not on the agenda; refused (rule 3) for a case with nothing
// for the panel, (rule 4) for dropping a case with business recorded at the
// meeting. Returns the notices to show. Takes the lock.
std::vector<std::string> change_agenda(Store& store, Date date, const std::vector<CaseId>& add,
                                       const std::vector<CaseId>& drop);

}  // namespace prevent

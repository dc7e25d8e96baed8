// The panel meetings of a store (SPEC §6 `panel new`, `panel attend`,
// `panel agenda`): each write is one commit of panels/<DATE>.yaml under the
// writer's lock. Decisions on cases are recorded in the case files
// (case_update.hpp), never here.
#pragma once

#include <string>
#include <vector>

#include "date.hpp"
#include "due_list.hpp"
#include "failure.hpp"
#include "meeting.hpp"
#include "store.hpp"

namespace prevent {

// `panel new`: commits the meeting. Failure(invalid_data) when a meeting
// already exists on that date. Takes the lock.
void create_meeting(Store& store, const Meeting& m);

// `panel attend`: adds attendees and declarations of interest to the
// meeting on `date`. Failure(not_found) for no such meeting or a declared
// case that does not exist. Takes the lock.
void add_to_meeting(Store& store, Date date, std::vector<Member> attendees, std::vector<Declaration> declarations);

// `panel agenda`: the cases awaiting panel and the reviews falling due by
// the meeting on `date` (Failure(not_found) when there is none), in the
// order of SPEC §6.1, with the case files that could not be read.
struct Agenda {
  std::vector<DueRow> rows;
  std::vector<Failure> unreadable;
};
Agenda meeting_agenda(const Store& store, Date date);

// `panel agenda --fill`: writes `rows` as the meeting's agenda. The caller
// holds the lock from before meeting_agenda(), and writes no agenda that
// is missing unreadable cases.
void write_agenda(Store& store, Date date, const std::vector<DueRow>& rows);

}  // namespace prevent

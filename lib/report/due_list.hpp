// The coordinator's list of due and overdue work (SPEC §6.1), and the
// agenda of a panel meeting built from it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
#include "config.hpp"
#include "foi_list.hpp"
#include "meeting.hpp"
#include "table.hpp"
#include "workflow.hpp"

namespace prevent {

struct DueRow {
  std::string id;
  Stage stage;
  DueKind item;
  Date due;
  long days_overdue;  // as-of minus due; negative when not yet due
};

// Every item due on or before as_of + within_days, on cases whose stage is
// not final, and the erasure due under the retention schedule (item
// `retention`) on cases whose stage is; most overdue first, then by ID.
std::vector<DueRow> due_list(const std::vector<Case>& cases, const Config& config, Date as_of, long within_days);

// The same one case at a time: add_due_rows for each case, then
// sort_due_rows once.
void add_due_rows(std::vector<DueRow>& rows, const Case& c, const Config& config, Date as_of, long within_days);
void sort_due_rows(std::vector<DueRow>& rows);

// A conflict a merge left in a panel meeting (docs/merge.md): due from
// the later side's date, as a case's.
struct MeetingDueRow {
  Date meeting;
  Date due;
  long days_overdue;
};
// One row per conflict of `m` due on or before as_of + within_days.
void add_meeting_due_rows(std::vector<MeetingDueRow>& rows, const Meeting& m, Date as_of, long within_days);
// By due date, then meeting date.
void sort_meeting_due_rows(std::vector<MeetingDueRow>& rows);
// The stage column of a meeting's row (a meeting has no stage).
inline constexpr std::string_view kMeetingDueStage = "meeting";

// Columns id, stage, item, due, days_overdue. The open FOI requests of
// `foi` and the meetings' conflicts of `meetings` (each sorted) are merged
// in by due date: on the same day a case's rows first, then a meeting's,
// then a request's. A request's id is its reference, its stage and item
// `foi` (docs/foi.md); a meeting's id is its date, its stage `meeting`,
// its item `conflict`.
Table due_table(const std::vector<DueRow>& rows, const std::vector<FoiDueRow>& foi = {},
                const std::vector<MeetingDueRow>& meetings = {});

// What comes before the meeting of `date` and is due before the next one:
// every case awaiting panel, every review (monthly, post-closure, extended)
// due on or before `until`, and the consent and support actions overdue at
// the meeting (due before `date`). days_overdue is counted at the meeting's
// date. One case at a time, then sort_due_rows once.
void add_agenda_rows(std::vector<DueRow>& rows, const Case& c, const Config& config, Date date, Date until);

// The item a case is put on an agenda for by hand (`panel agenda --add`):
// its first outstanding item other than triage; none for a case awaiting
// triage or in a final stage.
std::optional<DueItem> item_for_the_panel(const Case& c, const Config& config);

}  // namespace prevent

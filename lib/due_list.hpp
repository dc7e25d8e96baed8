// The coordinator's list of due and overdue work (SPEC §6.1), and the
// agenda of a panel meeting built from it.
#pragma once

#include <string>
#include <vector>

#include "store.hpp"
#include "table.hpp"
#include "workflow.hpp"

namespace prevent {

struct DueRow {
  std::string id;
  Stage stage;
  std::string item;
  Date due;
  long days_overdue;  // as-of minus due; negative when not yet due
};

// Every item due on or before as_of + within_days, on cases whose stage is
// not final; most overdue first, then by ID.
std::vector<DueRow> due_list(const std::vector<Case>& cases, const Config& config, Date as_of, long within_days);

// Columns id, stage, item, due, days_overdue.
Table due_table(const std::vector<DueRow>& rows);

// What comes before the meeting of `date`: every case awaiting panel, and
// every review (monthly, post-closure, extended) due on or before the date.
// days_overdue is counted at the meeting's date.
std::vector<DueRow> agenda_for(const std::vector<Case>& cases, const Config& config, Date date);

}  // namespace prevent

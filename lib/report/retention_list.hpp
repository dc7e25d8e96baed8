// `prevent retention due`: the cases whose personal data should now be
// erased under the retention schedule (docs/retention.md). IDs, stages,
// rule names and dates only: never personal data.
#pragma once

#include <string>
#include <vector>

#include "case_record.hpp"
#include "config.hpp"
#include "table.hpp"
#include "workflow.hpp"

namespace prevent {

struct RetentionRow {
  std::string id;
  Stage stage;
  std::string rule;
  Date erase_from;
  long days_overdue;  // as-of minus erase_from; negative when not yet due
};

// The row of `c` when its erase-from date is on or before as_of +
// within_days; none for a case still in hand or already erased. One case
// at a time, then sort_retention_rows once.
void add_retention_row(std::vector<RetentionRow>& rows, const Case& c, const Config& config, Date as_of,
                       long within_days);
// Most overdue first, then by ID (as `review due`).
void sort_retention_rows(std::vector<RetentionRow>& rows);

// Columns id, stage, rule, erase_from, days_overdue.
Table retention_table(const std::vector<RetentionRow>& rows);

}  // namespace prevent

#include "retention_list.hpp"

#include <algorithm>

#include "listing.hpp"
#include "retention.hpp"

namespace prevent {

void add_retention_row(std::vector<RetentionRow>& rows, const Case& c, const Config& config, Date as_of,
                       long within_days) {
  Stage s = stage_of(c, config);
  auto due = retention_due(c, s, config);
  if (!due || due->erase_from > as_of.add_days(within_days)) return;
  rows.push_back({c.id, s, due->rule->name, due->erase_from, as_of - due->erase_from});
}

void sort_retention_rows(std::vector<RetentionRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const RetentionRow& a, const RetentionRow& b) {
    if (a.erase_from != b.erase_from) return a.erase_from < b.erase_from;  // most overdue first
    return case_id_less(a.id, b.id);
  });
}

Table retention_table(const std::vector<RetentionRow>& rows) {
  Table t;
  t.columns = {{"id", CellKind::text},
               {"stage", CellKind::text},
               {"rule", CellKind::text},
               {"erase_from", CellKind::date},
               {"days_overdue", CellKind::number}};
  for (const auto& r : rows)
    t.rows.push_back({r.id, std::string(key_of(r.stage)), r.rule, r.erase_from.str(), std::to_string(r.days_overdue)});
  return t;
}

}  // namespace prevent

#include "foi_list.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace prevent {

std::vector<FoiListRow> foi_list(const std::vector<FoiRequest>& requests, const std::vector<Release>& releases,
                                 Date as_of) {
  std::vector<FoiListRow> out;
  for (const auto& r : requests) {
    FoiListRow row{r.reference, r.received, r.due, r.period, FoiStatus::open, std::nullopt, std::nullopt, {}, 0};
    for (const auto& rel : releases) {
      if (rel.request != r.reference) continue;
      row.releases.push_back(rel.number);
      if (!row.done || rel.as_of < *row.done) row.done = rel.as_of;
    }
    if (!row.releases.empty()) {
      row.status = FoiStatus::answered;
    } else if (r.closed) {
      row.status = FoiStatus::closed;
      row.done = r.closed->date;
      row.reason = r.closed->reason;
    }
    std::sort(row.releases.begin(), row.releases.end());
    row.days_overdue = (row.done ? *row.done : as_of) - r.due;
    out.push_back(std::move(row));
  }
  return out;
}

Table foi_table(const std::vector<FoiListRow>& rows) {
  Table t;
  t.columns = {{"reference", CellKind::text}, {"received", CellKind::date}, {"due", CellKind::date},
               {"period", CellKind::text},    {"status", CellKind::text},   {"done", CellKind::date},
               {"reason", CellKind::text},    {"releases", CellKind::text}, {"days_overdue", CellKind::number}};
  for (const auto& r : rows) {
    std::optional<std::string> releases;
    for (int n : r.releases) releases = (releases ? *releases + " " : std::string()) + fmt::format("{:04}", n);
    t.rows.push_back({r.reference, r.received.str(), r.due.str(), r.period, std::string(key_of(r.status)),
                      r.done ? std::optional<std::string>(r.done->str()) : std::nullopt,
                      r.reason ? std::optional<std::string>(std::string(key_of(*r.reason))) : std::nullopt,
                      releases, std::to_string(r.days_overdue)});
  }
  return t;
}

std::vector<FoiDueRow> foi_due_rows(const std::vector<FoiListRow>& rows, Date as_of, long within_days) {
  const Date until = as_of.add_days(within_days);
  std::vector<FoiDueRow> out;
  for (const auto& r : rows)
    if (r.status == FoiStatus::open && r.due <= until) out.push_back({r.reference, r.due, as_of - r.due});
  std::sort(out.begin(), out.end(), [](const FoiDueRow& a, const FoiDueRow& b) {
    if (a.due != b.due) return a.due < b.due;
    return a.reference < b.reference;
  });
  return out;
}

}  // namespace prevent

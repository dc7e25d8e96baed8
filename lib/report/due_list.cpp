#include "due_list.hpp"

#include <algorithm>

#include "listing.hpp"
#include "retention.hpp"

namespace prevent {

void sort_due_rows(std::vector<DueRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const DueRow& a, const DueRow& b) {
    if (a.due != b.due) return a.due < b.due;  // most overdue first
    if (a.id != b.id) return case_id_less(a.id, b.id);
    return key_of(a.item) < key_of(b.item);  // the order of the keys, as the table shows them
  });
}

void add_due_rows(std::vector<DueRow>& rows, const Case& c, const Config& config, Date as_of, long within_days) {
  Date until = as_of.add_days(within_days);
  Stage s = stage_of(c, config);
  // A case in a final stage has one item left: the erasure of its personal
  // data under the retention schedule (docs/retention.md).
  if (auto r = retention_due(c, s, config); r && r->erase_from <= until)
    rows.push_back({c.id, s, DueKind::retention, r->erase_from, as_of - r->erase_from});
  // A conflict a merge left needs a person whatever the stage (a closed
  // case's too): one row per conflict, due from the later side's date. A
  // case voided as entered in error takes no change, so none is listed.
  if (!is_voided_case(c))
    for (const auto& k : c.conflicts)
      if (Date due = std::max(k.ours.date, k.theirs.date); due <= until)
        rows.push_back({c.id, s, DueKind::conflict, due, as_of - due});
  if (is_final(s)) return;
  for (const auto& d : due_items(c, config))
    if (d.due <= until) rows.push_back({c.id, s, d.item, d.due, as_of - d.due});
}

std::vector<DueRow> due_list(const std::vector<Case>& cases, const Config& config, Date as_of, long within_days) {
  std::vector<DueRow> rows;
  for (const auto& c : cases) add_due_rows(rows, c, config, as_of, within_days);
  sort_due_rows(rows);
  return rows;
}

void add_meeting_due_rows(std::vector<MeetingDueRow>& rows, const Meeting& m, Date as_of, long within_days) {
  const Date until = as_of.add_days(within_days);
  for (const auto& k : m.conflicts)
    if (Date due = std::max(k.ours.date, k.theirs.date); due <= until) rows.push_back({m.date, due, as_of - due});
}

void sort_meeting_due_rows(std::vector<MeetingDueRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const MeetingDueRow& a, const MeetingDueRow& b) {
    return a.due != b.due ? a.due < b.due : a.meeting < b.meeting;
  });
}

Table due_table(const std::vector<DueRow>& rows, const std::vector<FoiDueRow>& foi,
                const std::vector<MeetingDueRow>& meetings) {
  Table t;
  t.columns = {{"id", CellKind::text},
               {"stage", CellKind::text},
               {"item", CellKind::text},
               {"due", CellKind::date},
               {"days_overdue", CellKind::number}};
  auto next_foi = foi.begin();
  auto next_meeting = meetings.begin();
  // The requests and meetings due before `due` (all: none), by due date, a
  // meeting's row before a request's on the same day.
  auto add_foi_until = [&](std::optional<Date> due) {
    auto before = [&](Date d) { return !due || d < *due; };
    while (true) {
      const bool m = next_meeting != meetings.end() && before(next_meeting->due);
      const bool f = next_foi != foi.end() && before(next_foi->due);
      if (m && (!f || next_meeting->due <= next_foi->due)) {
        t.rows.push_back({next_meeting->meeting.str(), std::string(kMeetingDueStage),
                          std::string(key_of(DueKind::conflict)), next_meeting->due.str(),
                          std::to_string(next_meeting->days_overdue)});
        ++next_meeting;
      } else if (f) {
        t.rows.push_back({next_foi->reference, std::string(kFoiDueItem), std::string(kFoiDueItem),
                          next_foi->due.str(), std::to_string(next_foi->days_overdue)});
        ++next_foi;
      } else {
        break;
      }
    }
  };
  for (const auto& r : rows) {
    add_foi_until(r.due);
    t.rows.push_back({r.id, std::string(key_of(r.stage)), std::string(key_of(r.item)), r.due.str(), std::to_string(r.days_overdue)});
  }
  add_foi_until(std::nullopt);
  return t;
}

void add_agenda_rows(std::vector<DueRow>& rows, const Case& c, const Config& config, Date date, Date until) {
  Stage s = stage_of(c, config);
  if (is_final(s)) return;
  for (const auto& d : due_items(c, config)) {
    bool take = d.item == DueKind::panel || (is_review(d.item) && d.due <= until) ||
                ((d.item == DueKind::consent || d.item == DueKind::action) && d.due < date);
    if (take) rows.push_back({c.id, s, d.item, d.due, date - d.due});
  }
}

std::optional<DueItem> item_for_the_panel(const Case& c, const Config& config) {
  if (is_final(stage_of(c, config))) return std::nullopt;
  for (const auto& d : due_items(c, config))
    if (d.item != DueKind::triage) return d;
  return std::nullopt;
}

}  // namespace prevent

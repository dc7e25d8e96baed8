#include "listing.hpp"

#include <algorithm>

namespace prevent {

bool case_id_less(const std::string& a, const std::string& b) {
  auto x = parse_case_id(a), y = parse_case_id(b);
  if (x && y) return std::tie(x->prefix, x->year, x->number) < std::tie(y->prefix, y->year, y->number);
  return a < b;
}

Table list_cases(const Store& store, const ListFilter& f) {
  Table t;
  t.columns = {{"id", CellKind::text},     {"stage", CellKind::text},   {"received", CellKind::date},
               {"sector", CellKind::text}, {"concern", CellKind::text}, {"next_due", CellKind::date}};
  // The related-to case's own links, read once.
  std::vector<std::string> target_related;
  if (f.related_to)
    if (auto other = parse_case_id(*f.related_to); other && store.find_case_file(*other))
      target_related = store.load_case(*other).related;
  auto files = store.case_files();
  std::sort(files.begin(), files.end(), [](const CaseFile& a, const CaseFile& b) { return case_id_less(a.id, b.id); });
  for (const auto& file : files) {
    Case c = store.load_case(file);
    Stage s = stage_of(c, store.config());
    if (f.stage && s != *f.stage) continue;
    if (f.sector && c.referral.sector != *f.sector) continue;
    if (f.concern && c.referral.concern_type != *f.concern) continue;
    if (f.received_from && c.referral.received < *f.received_from) continue;
    if (f.received_to && c.referral.received > *f.received_to) continue;
    if (f.related_to) {
      bool linked = std::find(c.related.begin(), c.related.end(), *f.related_to) != c.related.end() ||
                    std::find(target_related.begin(), target_related.end(), c.id) != target_related.end();
      if (!linked) continue;
    }
    auto due = due_items(c, store.config());
    std::optional<std::string> next;
    if (!due.empty()) next = due.front().due.str();
    t.rows.push_back({c.id, std::string(stage_key(s)), c.referral.received.str(), c.referral.sector,
                      c.referral.concern_type, next});
  }
  return t;
}

}  // namespace prevent

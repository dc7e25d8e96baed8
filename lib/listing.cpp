#include "listing.hpp"

#include <charconv>
#include <optional>
#include <string_view>

#include <algorithm>

namespace prevent {

namespace {

// PREFIX-YEAR-NUMBER split for ordering, without allocating (sorting
// 100,000 IDs calls this millions of times); nullopt when it does not split.
struct IdOrder {
  std::string_view prefix;
  long year = 0;
  long number = 0;
};
std::optional<IdOrder> id_order(std::string_view id) {
  const size_t last = id.rfind('-');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  const size_t mid = id.rfind('-', last - 1);
  if (mid == std::string_view::npos) return std::nullopt;
  IdOrder o;
  o.prefix = id.substr(0, mid);
  auto number = [](std::string_view digits, long& out) {
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return !digits.empty() && ec == std::errc{} && end == digits.data() + digits.size();
  };
  if (!number(id.substr(mid + 1, last - mid - 1), o.year) || !number(id.substr(last + 1), o.number))
    return std::nullopt;
  return o;
}

}  // namespace

bool case_id_less(const std::string& a, const std::string& b) {
  auto x = id_order(a), y = id_order(b);
  if (x && y) return std::tie(x->prefix, x->year, x->number) < std::tie(y->prefix, y->year, y->number);
  return a < b;
}

Table list_cases(const std::vector<Case>& all, const Config& config, const ListFilter& f) {
  Table t;
  t.columns = {{"id", CellKind::text},     {"stage", CellKind::text},   {"received", CellKind::date},
               {"sector", CellKind::text}, {"concern", CellKind::text}, {"next_due", CellKind::date}};
  // The related-to case's own links.
  std::vector<std::string> target_related;
  if (f.related_to)
    for (const auto& c : all)
      if (c.id == *f.related_to) target_related = c.related;
  std::vector<const Case*> cases;
  for (const auto& c : all) cases.push_back(&c);
  std::sort(cases.begin(), cases.end(), [](const Case* a, const Case* b) { return case_id_less(a->id, b->id); });
  for (const Case* cp : cases) {
    const Case& c = *cp;
    Stage s = stage_of(c, config);
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
    auto due = due_items(c, config);
    std::optional<std::string> next;
    if (!due.empty()) next = due.front().due.str();
    t.rows.push_back({c.id, std::string(stage_key(s)), c.referral.received.str(), c.referral.sector,
                      c.referral.concern_type, next});
  }
  return t;
}

}  // namespace prevent

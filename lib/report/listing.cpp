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

// id_order's result kept for sorting many IDs: the prefix as a length, so
// it stays valid when the string holding the ID moves.
struct IdSortKey {
  bool split = false;
  size_t prefix = 0;
  long year = 0;
  long number = 0;
};
IdSortKey sort_key(std::string_view id) {
  auto o = id_order(id);
  if (!o) return {};
  return {true, o->prefix.size(), o->year, o->number};
}
// case_id_less on precomputed keys.
bool key_less(std::string_view a, const IdSortKey& x, std::string_view b, const IdSortKey& y) {
  if (!x.split || !y.split) return a < b;
  if (int c = a.substr(0, x.prefix).compare(b.substr(0, y.prefix)); c != 0) return c < 0;
  if (x.year != y.year) return x.year < y.year;
  return x.number < y.number;
}

}  // namespace

bool case_id_less(const std::string& a, const std::string& b) {
  auto x = id_order(a), y = id_order(b);
  if (x && y) return std::tie(x->prefix, x->year, x->number) < std::tie(y->prefix, y->year, y->number);
  return a < b;
}

void CaseLister::add(const Case& c) {
  const ListFilter& f = filter_;
  if (f.related_to && c.id == *f.related_to) target_related_ = c.related;
  Stage s = stage_of(c, config_);
  if (f.stage && s != *f.stage) return;
  // A case voided as entered in error is listed only when asked for.
  if (!f.stage && s == Stage::voided) return;
  if (f.sector && c.referral.sector != *f.sector) return;
  if (f.concern && c.referral.concern_type != *f.concern) return;
  if (f.received_from && c.referral.received < *f.received_from) return;
  if (f.received_to && c.referral.received > *f.received_to) return;
  bool linked = false;
  if (f.related_to) linked = std::find(c.related.begin(), c.related.end(), *f.related_to) != c.related.end();
  std::optional<Date> next;
  auto due = due_items(c, config_);
  if (!due.empty()) next = due.front().due;
  rows_.push_back({c.id, s, c.referral.received, c.referral.sector, c.referral.concern_type, next, linked});
}

Table CaseLister::finish() {
  Table t;
  t.columns = {{"id", CellKind::text},     {"stage", CellKind::text},   {"received", CellKind::date},
               {"sector", CellKind::text}, {"concern", CellKind::text}, {"next_due", CellKind::date}};
  // Sorted as case_id_less would, each ID split once rather than at every
  // comparison (100,000 IDs take millions of comparisons).
  std::vector<IdSortKey> keys;
  keys.reserve(rows_.size());
  for (const auto& r : rows_) keys.push_back(sort_key(r.id));
  std::vector<size_t> order(rows_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return key_less(rows_[a].id, keys[a], rows_[b].id, keys[b]); });
  std::vector<const Row*> rows;
  rows.reserve(rows_.size());
  for (size_t i : order) rows.push_back(&rows_[i]);
  t.rows.reserve(rows.size());
  for (const Row* r : rows) {
    // A case linked either way: it names the target, or the target names it
    // (known only once every case has been seen).
    if (filter_.related_to && !r->linked &&
        std::find(target_related_.begin(), target_related_.end(), r->id) == target_related_.end())
      continue;
    std::optional<std::string> next;
    if (r->next_due) next = r->next_due->str();
    t.rows.push_back({r->id, std::string(stage_key(r->stage)), r->received.str(), r->sector, r->concern, next});
  }
  return t;
}

}  // namespace prevent

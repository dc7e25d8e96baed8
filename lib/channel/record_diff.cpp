#include "record_diff.hpp"

#include <fmt/format.h>

namespace prevent {

namespace {

// A scalar's text, or a list of scalars joined with ", ".
std::optional<std::string> leaf_value(const YNode* n) {
  if (!n || n->is_null()) return std::nullopt;
  if (n->is_scalar()) return n->value;
  std::vector<std::string> parts;
  for (const auto& item : n->items) parts.push_back(item.is_scalar() ? item.value : "…");
  if (parts.empty()) return std::nullopt;
  return fmt::format("{}", fmt::join(parts, ", "));
}

bool is_list_of_maps(const YNode* n) {
  if (!n || !n->is_seq() || n->items.empty()) return false;
  for (const auto& item : n->items)
    if (!item.is_map()) return false;
  return true;
}

// The name of a list entry in a field path: its `id` (a vocabulary entry's
// `key`) when it has one, else its 1-based position.
std::string entry_key(const YNode& item, size_t index, const char* id_key) {
  if (const YNode* id = item.find(id_key); id && id->is_scalar() && !id->value.empty()) return id->value;
  return std::to_string(index + 1);
}

class Differ {
 public:
  Differ(ShowPersonal show, bool (*personal)(std::string_view)) : show_(show), personal_(personal) {}
  // prevent.yaml: vocabulary entries named by their key, and one line for
  // an entry added or removed (its label), not one per key of it.
  Differ& vocabulary_entries() {
    id_key_ = "key";
    whole_entries_ = true;
    return *this;
  }

  std::vector<FieldChange> changes;

  void node(const std::string& path, const YNode* a, const YNode* b) {
    if (a && a->is_null()) a = nullptr;
    if (b && b->is_null()) b = nullptr;
    if (!a && !b) return;
    bool a_map = a && a->is_map(), b_map = b && b->is_map();
    if ((a_map || !a) && (b_map || !b)) {
      map(path, a, b);
      return;
    }
    if ((is_list_of_maps(a) || !a) && (is_list_of_maps(b) || !b)) {
      list(path, a, b);
      return;
    }
    leaf(path, a, b);
  }

 private:
  void map(const std::string& path, const YNode* a, const YNode* b) {
    auto sub = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
    // Keys in the order of the newer version, then those only in the older.
    if (b)
      for (const auto& [key, value] : b->entries) node(sub(key), a ? a->find(key) : nullptr, &value);
    if (a)
      for (const auto& [key, value] : a->entries)
        if (!b || !b->find(key)) node(sub(key), &value, nullptr);
  }

  void list(const std::string& path, const YNode* a, const YNode* b) {
    std::vector<std::pair<std::string, const YNode*>> older, newer;
    if (a)
      for (size_t i = 0; i < a->items.size(); ++i) older.emplace_back(entry_key(a->items[i], i, id_key_), &a->items[i]);
    if (b)
      for (size_t i = 0; i < b->items.size(); ++i) newer.emplace_back(entry_key(b->items[i], i, id_key_), &b->items[i]);
    auto find = [](const auto& v, const std::string& k) -> const YNode* {
      for (const auto& [key, n] : v)
        if (key == k) return n;
      return nullptr;
    };
    for (const auto& [key, n] : newer) entry(fmt::format("{}[{}]", path, key), find(older, key), n);
    for (const auto& [key, n] : older)
      if (!find(newer, key)) entry(fmt::format("{}[{}]", path, key), n, nullptr);
  }

  void entry(const std::string& path, const YNode* a, const YNode* b) {
    if (!whole_entries_ || (a && b)) return node(path, a, b);
    auto label = [](const YNode* n) -> std::optional<std::string> {
      const YNode* l = n ? n->find("label") : nullptr;
      return l && l->is_scalar() ? l->value : std::string("(entry)");
    };
    changes.push_back({path, a ? label(a) : std::nullopt, b ? label(b) : std::nullopt, false});
  }

  void leaf(const std::string& path, const YNode* a, const YNode* b) {
    auto from = leaf_value(a), to = leaf_value(b);
    if (from == to) return;
    FieldChange c{path, std::move(from), std::move(to), personal_ && personal_(path)};
    if (c.personal && show_ == ShowPersonal::no) {
      c.from.reset();
      c.to.reset();
    }
    changes.push_back(std::move(c));
  }

  ShowPersonal show_;
  bool (*personal_)(std::string_view);
  const char* id_key_ = "id";
  bool whole_entries_ = false;
};

}  // namespace

std::vector<FieldChange> diff_cases(const Case* before, const Case* after, ShowPersonal show) {
  std::optional<YNode> a, b;
  if (before) a = case_to_node(*before);
  if (after) b = case_to_node(*after);
  Differ d(show, is_personal_field);
  d.node("", a ? &*a : nullptr, b ? &*b : nullptr);
  return std::move(d.changes);
}

std::vector<FieldChange> diff_configs(const YNode* before, const YNode* after) {
  Differ d(ShowPersonal::yes, nullptr);
  d.vocabulary_entries().node("", before, after);
  return std::move(d.changes);
}

namespace {

// A meeting's one (P) field: the reason of a correction (`prevent edit
// --meeting`).
bool is_personal_meeting_field(std::string_view path) {
  return path.starts_with("corrections[") && path.ends_with(".reason");
}

}  // namespace

std::vector<FieldChange> diff_meetings(const YNode* before, const YNode* after, ShowPersonal show) {
  Differ d(show, is_personal_meeting_field);
  d.node("", before, after);
  return std::move(d.changes);
}

}  // namespace prevent

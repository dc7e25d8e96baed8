#include "conflict_resolution.hpp"

#include <fmt/format.h>

#include "failure.hpp"
#include "record_merge.hpp"
#include "text.hpp"
#include "yaml_doc.hpp"

namespace prevent {

namespace {

// The node at `path` (map keys, 1-based positions) of a case's tree.
const YNode* node_at(const YNode& root, const std::vector<std::string>& path) {
  const YNode* n = &root;
  for (const auto& step : path) {
    if (n->is_map()) {
      n = n->find(step);
    } else if (n->is_seq()) {
      const size_t pos = std::stoul(step);
      n = pos >= 1 && pos <= n->items.size() ? &n->items[pos - 1] : nullptr;
    } else {
      n = nullptr;
    }
    if (!n) return nullptr;
  }
  return n;
}

// The date that orders an entry in its list: its first date field present.
std::optional<Date> entry_date(const YNode& entry, const std::vector<std::string>& keys) {
  for (const auto& k : keys)
    if (const YNode* d = entry.find(k); d && d->is_scalar()) return Date::parse(d->value);
  return std::nullopt;
}

// Inserts `entry` after every entry dated on or before it, as the merge
// places an entry only one side holds (docs/merge.md, "Order").
void insert_by_date(YNode& list, YNode entry, const std::vector<std::string>& keys) {
  size_t at = list.items.size();
  if (auto day = entry_date(entry, keys))
    while (at > 0) {
      auto before = entry_date(list.items[at - 1], keys);
      if (!before || *before <= *day) break;
      --at;
    }
  list.items.insert(list.items.begin() + static_cast<long>(at), std::move(entry));
}

// A value as the place takes it: a mapping for an entry or a section, else
// one scalar. `what` names the value's origin in messages.
YNode value_node(const ConflictPlace& place, YNode n, const std::string& field, const std::string& where) {
  if (place.mapping) {
    if (!n.is_map())
      fail(Exit::invalid_data, fmt::format("{}: the value must be a mapping of the entry's keys ({})", field, where),
               "give it as YAML, e.g. '{date: 2027-01-07, kind: monthly, …}', or take a side");
    return n;
  }
  if (!n.is_scalar())
    fail(Exit::invalid_data, fmt::format("{}: the value must be a single value, not a list or a mapping ({})", field,
                                         where));
  return place.plain ? YNode::plain(n.value) : YNode::text(n.value);
}

}  // namespace

ConflictChoice parse_conflict_choice(const std::string& take) {
  if (take == "ours") return {ConflictChoice::Side::ours, {}};
  if (take == "theirs") return {ConflictChoice::Side::theirs, {}};
  return {ConflictChoice::Side::value, take};
}

std::optional<size_t> find_conflict(const Case& c, const std::string& field) {
  for (size_t i = 0; i < c.conflicts.size(); ++i)
    if (c.conflicts[i].field == field) return i;
  return std::nullopt;
}

Case resolve_conflict(const Case& c, size_t index, const ConflictChoice& choice, const Config& config,
                      const std::string& where) {
  const std::string field = c.conflicts.at(index).field;
  Case out = c;
  const Conflict conflict = out.conflicts[index];
  out.conflicts.erase(out.conflicts.begin() + static_cast<long>(index));
  const auto place = conflict_place(out, field);
  if (!place)
    fail(Exit::invalid_data,
         fmt::format("{}: the record no longer holds the place this conflict names ({})", field, where),
         "`prevent show ID` shows the record; `prevent edit ID` changes it by hand");

  // The value chosen; none: the field or the entry is removed.
  std::optional<YNode> value;
  if (choice.side == ConflictChoice::Side::value) {
    const std::string& text = choice.value;
    if (first_invalid_utf8(text) || text.find('\0') != std::string::npos)
      fail(Exit::invalid_data, fmt::format("{}: the value is not valid UTF-8 text (--take)", field));
    if (text.size() > kMaxRecordBytes)
      fail(Exit::invalid_data, fmt::format("{}: the value is larger than a record may be (--take)", field));
    YNode n;
    try {
      n = parse_yaml(text, "--take");
    } catch (const Failure&) {
      // The parser's message may quote the text, which can be personal data.
      fail(Exit::invalid_data, fmt::format("{}: the value is not valid YAML (--take)", field),
           "quote a value that holds ': ' or starts with a symbol, e.g. --take 'text: more'");
    }
    if (!n.is_null()) value = value_node(*place, std::move(n), field, "--take");
  } else {
    const ConflictSide& side = choice.side == ConflictChoice::Side::ours ? conflict.ours : conflict.theirs;
    const char* name = choice.side == ConflictChoice::Side::ours ? "ours" : "theirs";
    if (side.personal_value.is_erased())
      fail(Exit::invalid_data,
           fmt::format("{}: {}'s value was erased with the case's personal data ({})", field, name, where),
           "take the other side or give the value");
    if (side.personal_value.is_sealed())
      fail(Exit::store,
           fmt::format("{}: {}'s value is sealed, and putting it in place needs the case's key ({})", field, name,
                       where),
           std::string(kNeedsKeyHint));
    std::optional<std::string> text = side.personal_value.reveal() ? side.personal_value.reveal() : side.value;
    if (text) {
      YNode n = place->mapping ? parse_yaml(*text, where) : YNode::text(*text);
      value = value_node(*place, std::move(n), field, where);
    }
  }

  FieldEdit edit{place->path, std::nullopt};
  if (place->entry) {
    const YNode root = case_to_node(out);
    const YNode* held = node_at(root, place->path);
    YNode list = held && held->is_seq() ? *held : YNode::seq();
    if (place->position) {
      auto at = list.items.begin() + static_cast<long>(*place->position - 1);
      if (value) *at = std::move(*value);
      else list.items.erase(at);
    } else if (value) {
      insert_by_date(list, std::move(*value), place->date_keys);
    }
    if (!list.items.empty()) edit.value = std::move(list);
  } else {
    edit.value = std::move(value);
  }
  std::vector<bool> changed;
  Case resolved = edit_case_fields(out, {edit}, changed, where);
  check_case_vocabularies(resolved, config, where);
  return resolved;
}

}  // namespace prevent

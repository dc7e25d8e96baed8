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
struct ValueKind {
  bool mapping = false;  // a mapping (an entry, a section), else one scalar
  bool plain = false;    // a scalar written as is (a date, a boolean)
};

YNode value_node(ValueKind place, YNode n, const std::string& field, const std::string& where) {
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

// The value `choice` puts in place; none: the field or the entry is removed.
std::optional<YNode> chosen_value(const Conflict& conflict, const ConflictChoice& choice, ValueKind kind,
                                  const std::string& where) {
  const std::string& field = conflict.field;
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
    if (n.is_null()) return std::nullopt;
    return value_node(kind, std::move(n), field, "--take");
  }
  const ConflictSide& side = choice.side == ConflictChoice::Side::ours ? conflict.ours : conflict.theirs;
  const char* name = choice.side == ConflictChoice::Side::ours ? "ours" : "theirs";
  if (side.personal_value.is_erased())
    fail(Exit::invalid_data,
         fmt::format("{}: {}'s value was erased with the case's personal data ({})", field, name, where),
         "take the other side or give the value");
  if (side.personal_value.is_sealed())
    fail(Exit::store,
         fmt::format("{}: {}'s value is sealed, and putting it in place needs the store's key ({})", field, name,
                     where),
         std::string(kNeedsKeyHint));
  std::optional<std::string> text = side.personal_value.reveal() ? side.personal_value.reveal() : side.value;
  if (!text) return std::nullopt;
  YNode n = YNode::text(*text);
  if (kind.mapping) try {
      n = parse_yaml(*text, where);
    } catch (const Failure&) {
      // As above: the side's text can be personal data.
      fail(Exit::invalid_data, fmt::format("{}: {}'s value is not valid YAML ({})", field, name, where),
           "take the other side or give the value");
    }
  return value_node(kind, std::move(n), field, where);
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

  std::optional<YNode> value = chosen_value(conflict, choice, {place->mapping, place->plain}, where);

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

std::optional<size_t> find_conflict(const Meeting& m, const std::string& field) {
  for (size_t i = 0; i < m.conflicts.size(); ++i)
    if (m.conflicts[i].field == field) return i;
  return std::nullopt;
}

Meeting resolve_conflict(const Meeting& m, size_t index, const ConflictChoice& choice, const std::string& where) {
  const Conflict conflict = m.conflicts.at(index);
  const std::string& field = conflict.field;
  Meeting out = m;
  out.conflicts.erase(out.conflicts.begin() + static_cast<long>(index));
  auto bracketed = [&](std::string_view list) -> std::optional<std::pair<std::string, std::string>> {
    // `list[LABEL]` and what follows it.
    if (!field.starts_with(std::string(list) + "[")) return std::nullopt;
    const size_t close = field.rfind(']');
    if (close == std::string::npos || close <= list.size() + 1) return std::nullopt;
    return std::make_pair(field.substr(list.size() + 1, close - list.size() - 1), field.substr(close + 1));
  };

  // A person's attendance: one of the merge's words, or none.
  if (auto at = bracketed("attendance"); at && at->second.empty()) {
    const Member who = parse_member(at->first, field);
    if (is_chair(out, who))
      fail(Exit::invalid_data, fmt::format("{}: the chair's attendance is not resolved this way ({})", field, where),
           "a chair is changed with `prevent edit --meeting DATE`");
    auto value = chosen_value(conflict, choice, {}, where);
    Presence to = Presence::not_listed;
    if (value) {
      const std::string& v = value->value;
      if (v == "attendee") to = Presence::attending;
      else if (v == "police") to = Presence::police;
      else if (v == "apology") to = Presence::apology;
      else
        fail(Exit::invalid_data, fmt::format("{}: not one of the allowed values ({})", field, where),
             "allowed: attendee, police, apology, ~ (not listed)");
    }
    set_presence(out, who, to);
    return out;
  }

  YNode root = parse_yaml(write_meeting(out), where);
  auto find_mut = [](YNode& map, std::string_view key) -> YNode* {
    for (auto& [k, v] : map.entries)
      if (k == key) return &v;
    return nullptr;
  };
  auto set_key = [&](YNode& map, const std::string& key, std::optional<YNode> value) {
    YNode* held = find_mut(map, key);
    if (value && held) *held = std::move(*value);
    else if (value) map.add(key, std::move(*value));
    else std::erase_if(map.entries, [&](const auto& kv) { return kv.first == key; });
  };
  if (field == "chair.role" || field == "chair.agency") {
    set_key(*find_mut(root, "chair"), field.substr(6), chosen_value(conflict, choice, {}, where));
  } else if (auto at = bracketed("agenda"); at && (at->second.empty() || at->second == ".by_hand")) {
    const auto comma = at->first.rfind(',');
    const std::string case_id = at->first.substr(0, comma), item = comma == std::string::npos ? "" : at->first.substr(comma + 1);
    YNode* agenda = find_mut(root, "agenda");
    YNode list = agenda ? *agenda : YNode::seq();
    auto entry = std::find_if(list.items.begin(), list.items.end(), [&](const YNode& n) {
      const YNode* c = n.find("case");
      const YNode* i = n.find("item");
      return c && i && c->value == case_id && i->value == item;
    });
    if (at->second.empty()) {
      auto value = chosen_value(conflict, choice, {.mapping = true}, where);
      if (entry != list.items.end()) {
        if (value) *entry = std::move(*value);
        else list.items.erase(entry);
      } else if (value) {
        list.items.push_back(std::move(*value));
      }
    } else {
      if (entry == list.items.end())
        fail(Exit::invalid_data,
             fmt::format("{}: the meeting no longer holds the place this conflict names ({})", field, where));
      set_key(*entry, "by_hand", chosen_value(conflict, choice, {.plain = true}, where));
    }
    if (list.items.empty()) set_key(root, "agenda", std::nullopt);
    else set_key(root, "agenda", std::move(list));
  } else {
    fail(Exit::invalid_data,
         fmt::format("{}: prevent does not resolve a conflict on this field of a meeting ({})", field, where),
         "edit the meeting file by hand and commit it; `prevent check` then judges it");
  }
  Meeting resolved = read_meeting(std::string(kMeetingSchemaComment) + emit_yaml(root), where);
  if (resolved.date != m.date)
    fail(Exit::invalid_data, fmt::format("{}: the meeting's date is its file name ({})", field, where));
  return resolved;
}

}  // namespace prevent

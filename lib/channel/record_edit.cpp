#include "record_edit.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "failure.hpp"
#include "record_diff.hpp"

namespace prevent {

namespace {

// `panel[1].method` → `panel`.
std::string edit_top_key(const std::string& field) {
  return field.substr(0, std::min(field.find('.'), field.find('[')));
}

// `panel[1].method` → `panel.1.method`: how a correction names it.
std::string edit_dotted(const std::string& field) {
  std::string out;
  for (char ch : field) {
    if (ch == '[') out += '.';
    else if (ch != ']') out += ch;
  }
  return out;
}

[[noreturn]] void refuse_edit(const std::string& field, const std::string& what, const std::string& where,
                              const std::string& hint) {
  fail(Exit::invalid_data, fmt::format("{}: {} ({})", field, what, where), hint);
}

// A list of the record's entries: what records an entry, and how one
// recorded in error is voided.
struct ListCommands {
  std::string_view list;
  std::string_view records;  // the command that adds an entry, with `{id}`
  std::string_view voids;    // the `prevent void` WHAT of an entry
};
constexpr ListCommands kLists[] = {
    {"assessments", "prevent assess {id} --date D …", "assessment:DATE"},
    {"panel", "prevent panel decide DATE {id} --decision …", "decision:DATE"},
    {"consent", "prevent panel consent {id} --status … --by … --date D", "consent"},
    {"support_plan", "prevent panel action {id} add …", "action:A<n>"},
    {"chronology", "prevent note {id} --date D --kind … --with …", "note:DATE"},
    {"reviews", "prevent review record {id} --date D --kind … --outcome …", "review:DATE"},
};

std::string with_id(std::string_view text, const std::string& id) {
  std::string out(text);
  if (auto at = out.find("{id}"); at != std::string::npos) out.replace(at, 4, id);
  return out;
}

// The entries of a list of the record, by the name the history diff gives
// them: their ID (support actions) or their position.
std::vector<std::string> entry_names(const Case& c, const std::string& list) {
  std::vector<std::string> out;
  auto positions = [&](size_t n) {
    for (size_t i = 1; i <= n; ++i) out.push_back(std::to_string(i));
  };
  if (list == "assessments") positions(c.assessments.size());
  else if (list == "panel") positions(c.panel.size());
  else if (list == "consent") positions(c.consent.size());
  else if (list == "chronology") positions(c.chronology.size());
  else if (list == "reviews") positions(c.reviews.size());
  else if (list == "support_plan")
    for (const auto& a : c.support_plan) out.push_back(a.id);
  return out;
}

// Entries added or removed: workflow events, each with its command.
void refuse_added_or_removed_entries(const Case& before, const Case& after, const std::string& where) {
  const std::string& id = before.id;
  for (const auto& l : kLists) {
    const std::string list(l.list);
    auto a = entry_names(before, list), b = entry_names(after, list);
    for (const auto& name : b)
      if (std::find(a.begin(), a.end(), name) == a.end())
        refuse_edit(fmt::format("{}[{}]", list, name), "a new entry is a workflow event, not a correction", where,
                    fmt::format("record it with `{}`", with_id(l.records, id)));
    for (const auto& name : a)
      if (std::find(b.begin(), b.end(), name) == b.end())
        refuse_edit(fmt::format("{}[{}]", list, name), "an entry cannot be removed by a correction", where,
                    fmt::format("an entry recorded in error is voided with `prevent void {} {} --reason …`", id,
                                l.voids));
  }
  if (!before.triage && after.triage)
    refuse_edit("triage", "a triage is a workflow event, not a correction", where,
                fmt::format("record it with `prevent triage {} --outcome … --date D`", id));
  if (before.triage && !after.triage)
    refuse_edit("triage", "the triage cannot be removed by a correction", where,
                fmt::format("a triage recorded in error is voided with `prevent void {} triage --reason …`", id));
  if (!before.closure && after.closure)
    refuse_edit("closure", "a closure is a workflow event, not a correction", where,
                fmt::format("a case is closed by a review: `prevent review record {} --outcome close --reason …`",
                            id));
  if (before.closure && !after.closure)
    refuse_edit("closure", "a closure cannot be removed by a correction", where,
                fmt::format("void the entry that closed the case: `prevent void {} review:DATE --reason …` "
                            "(or `consent`)",
                            id));
}

// A decision changed: the command that records a new one.
std::optional<std::string> decision_hint(const std::string& pattern, const std::string& id) {
  if (pattern == "triage.outcome")
    return fmt::format("a triage recorded in error is voided with `prevent void {} triage --reason …` and recorded "
                       "again with `prevent triage {} …`",
                       id, id);
  if (pattern == "panel.#.decision")
    return fmt::format("a new panel decision is recorded with `prevent panel decide DATE {} --decision …`; one "
                       "recorded in error is voided with `prevent void {} decision:DATE --reason …`",
                       id, id);
  if (pattern == "consent.#.status" || pattern == "consent.#.by")
    return fmt::format("a change of consent is recorded with `prevent panel consent {} --status … --by … --date D`",
                       id);
  if (pattern == "reviews.#.kind" || pattern == "reviews.#.outcome")
    return fmt::format("a review recorded in error is voided with `prevent void {} review:DATE --reason …` and "
                       "recorded again with `prevent review record {} …`",
                       id, id);
  if (pattern == "support_plan.@.status" || pattern == "support_plan.@.closed_with")
    return fmt::format("an action is closed with `prevent panel action {} done A<n> --date D` (or `cancel`)", id);
  return std::nullopt;
}

// `panel.2.method` → `panel.#.method`, `support_plan.A1.due` → `support_plan.@.due`.
std::string edit_pattern_of(const std::string& dotted_field) {
  auto first = dotted_field.find('.');
  if (first == std::string::npos) return dotted_field;
  auto second = dotted_field.find('.', first + 1);
  std::string seg =
      dotted_field.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  bool position = !seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos;
  bool action = dotted_field.starts_with("support_plan.");
  if (!position && !action) return dotted_field;
  std::string rest = second == std::string::npos ? "" : dotted_field.substr(second);
  return dotted_field.substr(0, first) + (action ? ".@" : ".#") + rest;
}

}  // namespace

std::vector<FieldValue> edit_as_corrections(const Case& before, const Case& after, const std::string& where) {
  const std::string& id = before.id;
  if (after.id != before.id)
    refuse_edit("id", "the ID of a case cannot be changed", where,
                "the ID names the case in the history; record a new referral if the case was filed wrongly");
  refuse_added_or_removed_entries(before, after, where);
  std::vector<FieldValue> out;
  // The values are needed to make the correction; they stay in this
  // function and the record, and no message names one.
  for (const auto& change : diff_cases(&before, &after, ShowPersonal::yes)) {
    const std::string top = edit_top_key(change.field);
    const std::string field = edit_dotted(change.field);
    if (top == "related")
      refuse_edit(change.field, "kept by prevent itself (SPEC rule 10 links the referrals of one person)", where,
                  "a wrong link is reported by `prevent check`; leave `related` as it was");
    if (top == "corrections" || top == "voided" || top == "previous" || top == "conflicts" || top == "previous_ids" ||
        top == "number_also_given_to")
      refuse_edit(change.field, "kept by prevent itself, not correctable", where,
                  fmt::format("leave `{}` as it was", top));
    if (auto hint = decision_hint(edit_pattern_of(field), id))
      refuse_edit(change.field, "a decision is a workflow event, not a correction", where, *hint);
    if (!is_correctable_field(field))
      refuse_edit(change.field, "not a field that can be corrected", where,
                  "`prevent correct --help` lists the fields");
    out.push_back(FieldValue{field, change.to.value_or("")});
  }
  return out;
}

}  // namespace prevent

#include "correction.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "case_actions.hpp"
#include "case_fields.hpp"
#include "consent_giver.hpp"
#include "failure.hpp"
#include "rules.hpp"
#include "schema.hpp"
#include "text.hpp"
#include "workflow.hpp"

namespace prevent {

namespace {

enum class Kind {
  date,      // YYYY-MM-DD, required
  opt_date,  // a date; empty removes it
  text,      // free text, required
  opt_text,  // free text; empty removes it
  fixed,     // a value of the schema's fixed list
  opt_fixed, // the same; empty removes it
  list,      // comma-separated keys; empty removes the list
};

struct FieldRule {
  std::string pattern;  // '#' stands for a list position, '@' for an action ID
  Kind kind;
};

// Fields that are decisions: correcting them would rewrite the case's
// sequence of stages, which the history must show as it happened.
const std::vector<std::string>& decision_fields() {
  static const std::vector<std::string> fields = {
      "triage.outcome", "panel.#.decision", "consent.#.status", "reviews.#.kind", "reviews.#.outcome",
      "support_plan.@.status", "support_plan.@.id"};
  return fields;
}

bool is_decision(const std::string& pattern) {
  return std::find(decision_fields().begin(), decision_fields().end(), pattern) != decision_fields().end();
}

// The ID that names the case, and the lists prevent keeps itself.
constexpr std::string_view kKeptByPrevent[] = {"id",       "previous_ids", "number_also_given_to", "related",
                                               "corrections", "previous", "voided", "erasure", "conflicts"};

// The kind of a leaf field of member type T (Personal<T> unwrapped).
template <class T>
Kind kind_of(const FieldSpec& spec) {
  if constexpr (is_personal<T>::value) {
    return kind_of<std::remove_cvref_t<decltype(std::declval<const T&>().reveal())>>(spec);
  } else if constexpr (is_optional<T>::value) {
    using V = typename T::value_type;
    if constexpr (std::is_same_v<V, Date>) return Kind::opt_date;
    else if constexpr (KeyedEnum<V>) return Kind::opt_fixed;
    else return spec.fixed ? Kind::opt_fixed : Kind::opt_text;
  } else if constexpr (is_vector<T>::value) {
    return Kind::list;
  } else if constexpr (std::is_same_v<T, Date>) {
    return Kind::date;
  } else if constexpr (KeyedEnum<T>) {
    return Kind::fixed;
  } else {
    return spec.fixed ? Kind::fixed : Kind::text;
  }
}

template <class T>
struct entry_of {
  using type = void;
};
template <class T>
struct entry_of<std::vector<T>> {
  using type = T;
};
template <class T>
struct entry_of<std::optional<T>> {
  using type = T;
};

// Adds a rule for every leaf field of S under `prefix`, in record order.
template <RecordStruct S>
void add_rules(std::vector<FieldRule>& rules, const std::string& prefix) {
  for_each_field<S>([&](const auto& fd) {
    using M = std::remove_cvref_t<decltype(std::declval<S&>().*fd.member)>;
    using E = typename entry_of<M>::type;
    const std::string path = prefix.empty() ? std::string(fd.key) : fmt::format("{}.{}", prefix, fd.key);
    if (prefix.empty() &&
        std::find(std::begin(kKeptByPrevent), std::end(kKeptByPrevent), path) != std::end(kKeptByPrevent))
      return;
    // Kept by prevent from other fields (the age at referral of a sealed
    // date of birth): corrected through the field it comes from.
    if (fd.spec.derived) return;
    if constexpr (RecordStruct<M>) {
      add_rules<M>(rules, path);
    } else if constexpr (is_optional<M>::value && RecordStruct<E>) {
      add_rules<E>(rules, path);
    } else if constexpr (is_vector<M>::value && RecordStruct<E>) {
      add_rules<E>(rules, path + (fd.spec.named_by_id ? ".@" : ".#"));
    } else {
      if (!is_decision(path)) rules.push_back(FieldRule{path, kind_of<M>(fd.spec)});
    }
  });
}

// Every correctable field: each leaf of the record (case_fields.hpp) but
// the ID, the decisions that make up the case's sequence of stages (triage
// outcome, panel decisions, consent status, review kinds and outcomes, an
// action's status), and the lists the program keeps itself. What is not
// here cannot be corrected.
const std::vector<FieldRule>& field_rules() {
  static const std::vector<FieldRule> rules = [] {
    std::vector<FieldRule> out;
    add_rules<Case>(out, "");
    for (auto& r : out)
      // An action's closed date goes with its status, a decision: it can
      // be moved but not removed.
      if (r.pattern == "support_plan.@.closed") r.kind = Kind::date;
    return out;
  }();
  return rules;
}

// "panel[1].method" → {"panel", "1", "method"}.
std::vector<std::string> split_path(const std::string& field) {
  std::string dotted;
  for (char ch : field) {
    if (ch == '[') dotted += '.';
    else if (ch != ']') dotted += ch;
  }
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t dot = dotted.find('.', pos);
    out.push_back(dotted.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return out;
}

bool is_position(const std::string& s) {
  return !s.empty() && s.size() <= 6 && s.find_first_not_of("0123456789") == std::string::npos && s[0] != '0';
}

bool is_action_id(const std::string& s) {
  return s.size() >= 2 && s[0] == 'A' && is_position(s.substr(1));
}

// The pattern a path matches ('#', '@' for its selectors), or empty.
std::string path_pattern_of(const std::vector<std::string>& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    std::string seg = path[i];
    if (i == 1 && path[0] == "support_plan" && is_action_id(seg)) seg = "@";
    else if (i == 1 && path[0] != "support_plan" && is_position(seg)) seg = "#";
    out += (i ? "." : "") + seg;
  }
  return out;
}

// The schema's enum path: list selectors dropped ("panel.method").
std::string enum_path(const std::vector<std::string>& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (i == 1 && (path[0] == "support_plan" || is_position(path[i]))) continue;
    out += (out.empty() ? "" : ".") + path[i];
  }
  return out;
}

void require_text(const std::string& value, const std::string& field) {
  if (first_invalid_utf8(value) || value.find('\0') != std::string::npos)
    fail(Exit::invalid_data, fmt::format("{}: not valid UTF-8 text (command line)", field));
}

YNode correction_value_node(const FieldRule& rule, const std::vector<std::string>& path, const std::string& field,
                 const std::string& value) {
  require_text(value, field);
  switch (rule.kind) {
    case Kind::date:
    case Kind::opt_date: {
      auto d = Date::parse(value);
      if (!d) fail(Exit::invalid_data, fmt::format("{}: {} (command line)", field, kDateForm));
      return YNode::plain(d->str());
    }
    case Kind::fixed:
    case Kind::opt_fixed: {
      auto allowed = schema_enum(SchemaKind::case_record, enum_path(path));
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), value) == allowed.end())
        fail(Exit::invalid_data, fmt::format("{}: not one of the allowed values (command line)", field),
             fmt::format("allowed: {}", fmt::join(allowed, ", ")));
      return YNode::text(value);
    }
    case Kind::list: {
      YNode seq = YNode::seq();
      size_t pos = 0;
      while (pos <= value.size()) {
        size_t comma = value.find(',', pos);
        if (comma == std::string::npos) comma = value.size();
        std::string item = value.substr(pos, comma - pos);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (item.empty())
          fail(Exit::invalid_data, fmt::format("{}: an empty entry in the list (command line)", field),
               "give keys separated by commas, e.g. early-help,housing");
        bool dup = std::any_of(seq.items.begin(), seq.items.end(), [&](const YNode& n) { return n.value == item; });
        if (!dup) seq.push(YNode::text(item));
        pos = comma + 1;
      }
      return seq;
    }
    case Kind::text:
    case Kind::opt_text:
      break;
  }
  return YNode::text(value);
}

bool optional_kind(Kind k) {
  return k == Kind::opt_date || k == Kind::opt_text || k == Kind::opt_fixed || k == Kind::list;
}

}  // namespace

FieldValue parse_field_value(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    fail(Exit::usage, "a correction is FIELD=VALUE (command line)",
         "e.g. prevent correct PRV-2026-0001 triage.completed=2026-11-06 --reason '…'");
  return FieldValue{text.substr(0, eq), text.substr(eq + 1)};
}

bool is_correctable_field(const std::string& field) {
  std::string pattern = path_pattern_of(split_path(field));
  return std::any_of(field_rules().begin(), field_rules().end(),
                     [&](const FieldRule& r) { return r.pattern == pattern; });
}

std::vector<std::string> correctable_fields() {
  std::vector<std::string> out;
  for (const auto& r : field_rules()) {
    std::string p = r.pattern;
    for (auto [from, to] : {std::pair{"#", "N"}, std::pair{"@", "A<n>"}})
      if (auto at = p.find(from); at != std::string::npos) p.replace(at, 1, to);
    out.push_back(p);
  }
  return out;
}

std::vector<std::string> apply_correction(Case& c, const std::vector<FieldValue>& changes, const std::string& reason,
                                          Date date, const Config& config) {
  if (changes.empty()) fail(Exit::usage, "give at least one FIELD=VALUE to correct (command line)");
  std::vector<FieldEdit> edits;
  std::vector<std::string> names;
  for (const auto& change : changes) {
    const std::string& field = change.field;
    require_text(field, "a field name");
    auto path = split_path(field);
    // `consent.date` (SPEC §3's single consent) names the latest entry of
    // the history, the consent that counts.
    if (path.size() == 2 && path[0] == "consent" && !is_position(path[1]) && !c.consent.empty())
      path.insert(path.begin() + 1, std::to_string(c.consent.size()));
    std::string pattern = path_pattern_of(path);
    // The canonical spelling: dotted, positions as numbers.
    std::string name = fmt::format("{}", fmt::join(path, "."));
    if (std::find(names.begin(), names.end(), name) != names.end())
      fail(Exit::invalid_data, fmt::format("{}: given twice (command line)", quote_if_key(name, "a field")));
    if (path[0] == "id")
      fail(Exit::invalid_data, "id: the ID of a case cannot be corrected (command line)",
           "the ID names the case in the history; record a new referral if the case was filed wrongly");
    if (is_decision(pattern))
      fail(Exit::invalid_data,
           fmt::format("{}: a decision cannot be corrected; the sequence of decisions stays as it was recorded "
                       "(command line)",
                       name),
           "a decision recorded in error is voided and recorded again: `prevent void --help`");
    if (path[0] == "related" || path[0] == "corrections" || path[0] == "previous" || path[0] == "voided" ||
        path[0] == "erasure" || path[0] == "conflicts" || path[0] == "previous_ids" ||
        path[0] == "number_also_given_to")
      fail(Exit::invalid_data, fmt::format("{}: kept by prevent itself, not correctable (command line)", path[0]));
    auto rule = std::find_if(field_rules().begin(), field_rules().end(),
                             [&](const FieldRule& r) { return r.pattern == pattern; });
    if (rule == field_rules().end()) {
      std::string hint = "`prevent correct --help` lists the fields";
      if (path.size() >= 2 && path[0] == "support_plan" && !is_action_id(path[1]))
        hint = "support actions are named by their ID, e.g. support_plan.A1.due";
      else if (path.size() >= 2 && !is_position(path[1]) &&
               (path[0] == "panel" || path[0] == "assessments" || path[0] == "consent" ||
                path[0] == "chronology" || path[0] == "reviews"))
        hint = fmt::format("list entries are named by their position from 1, e.g. {}.1.date", path[0]);
      fail(Exit::invalid_data,
           fmt::format("{}: not a field that can be corrected (command line)", quote_if_key(name, "the field given")),
           hint);
    }
    if (change.value.empty() && !optional_kind(rule->kind))
      fail(Exit::invalid_data, fmt::format("{}: must not be empty (command line)", name));
    if (rule->kind == Kind::text || rule->kind == Kind::opt_text) {
      bool blank = std::all_of(change.value.begin(), change.value.end(), [](char ch) { return ch == ' ' || ch == '\t'; });
      if (blank && !change.value.empty())
        fail(Exit::invalid_data, fmt::format("{}: must not be blank (command line)", name));
    }
    FieldEdit edit{path, std::nullopt};
    if (!change.value.empty()) edit.value = correction_value_node(*rule, path, name, change.value);
    edits.push_back(std::move(edit));
    names.push_back(name);
  }

  std::vector<bool> changed;
  Case corrected = edit_case_fields(c, edits, changed, "command line");
  check_case_vocabularies(corrected, config, "command line");

  if (corrected.referral.received.year() != c.referral.received.year())
    fail(Exit::invalid_data,
         fmt::format("referral.received: a date in another year would change the case's ID and file; only a date in "
                     "{} can be corrected this way ({})",
                     c.referral.received.year(), c.id));

  std::vector<std::string> fields;
  for (size_t i = 0; i < names.size(); ++i)
    if (changed[i]) fields.push_back(names[i]);
  if (fields.empty())
    fail(Exit::invalid_data, fmt::format("nothing to correct: the record already holds those values ({})", c.id));

  // The sequence of decisions stays as it was: the same stage, the panel's
  // hearings in the same order.
  for (size_t i = 0; i + 1 < corrected.panel.size(); ++i)
    if (!(corrected.panel[i].meeting < corrected.panel[i + 1].meeting))
      fail(Exit::invalid_data,
           fmt::format("the correction would reorder the panel's hearings; the sequence of decisions cannot be "
                       "corrected ({})",
                       c.id));
  Stage before = stage_of(c, config), after = stage_of(corrected, config);
  if (before != after)
    fail(Exit::invalid_data,
         fmt::format("the correction would change the case's stage from {} to {}; the sequence of decisions cannot "
                     "be corrected ({})",
                     stage_key(before), stage_key(after), c.id));

  // Rule 5: who consented for the person depends on their age on the day;
  // a corrected (or removed) date of birth must leave every recorded
  // consent valid. The refusal names the consent, never the date of birth.
  if (std::find(fields.begin(), fields.end(), "referral.subject.date_of_birth") != fields.end()) {
    const AgeFacts age = age_facts(corrected);
    auto judge = [&](const std::vector<Consent>& history) {
      for (const auto& k : history)
        if (auto problem = consent_giver_problem(k, age, c.id))
          refuse(rule::consent,
                 fmt::format("the corrected date of birth would make a recorded consent invalid: {}", problem->what),
                 c.id,
                 fmt::format("if the consent was recorded wrongly, void it first: prevent void {} consent --reason TEXT",
                             c.id));
    };
    judge(corrected.consent);
    for (const auto& e : corrected.previous) judge(e.consent);
  }

  corrected.corrections.push_back(Correction{date, fields, PersonalText(reason)});
  c = std::move(corrected);
  return fields;
}

bool changes_person_key(const std::vector<std::string>& fields) {
  return std::any_of(fields.begin(), fields.end(), [](const std::string& f) {
    return f == "referral.subject.name" || f == "referral.subject.date_of_birth";
  });
}

}  // namespace prevent

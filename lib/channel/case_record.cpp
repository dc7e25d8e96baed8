// Reading and writing a case record. This is the one module that reads and
// writes the (P) fields of SPEC §3 (see personal_data.hpp).
#include "case_record.hpp"

#include "case_fields.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "failure.hpp"
#include "schema.hpp"
#include "text.hpp"

namespace prevent {

// ---------------------------------------------------------------------------
// Writing, by the description of the record (case_fields.hpp).

namespace {

template <class T>
YNode value_node(const T& v);

template <RecordStruct S>
YNode struct_node(const S& s);

// Adds field `fd` holding `v` to `map`: under its group map when it has one,
// left out when it is absent (an empty optional, an empty list unless
// written_empty).
template <class Fd, class T>
void add_field(YNode& map, const Fd& fd, const T& v) {
  if constexpr (is_optional<T>::value) {
    if (!v) return;
    add_field(map, fd, *v);
  } else if constexpr (is_personal<T>::value) {
    if (v.is_plain()) {
      add_field(map, fd, v.reveal());
    } else {
      // Sealed (or erased): written as it was read.
      add_field(map, fd, v.sealed_text());
    }
  } else {
    if constexpr (is_vector<T>::value)
      if (v.empty() && !fd.spec.written_empty) return;
    YNode* into = &map;
    if (auto group = fd.group(); !group.empty()) {
      // Members of one group are consecutive in the description.
      if (map.entries.empty() || map.entries.back().first != group) map.add(std::string(group), YNode::map());
      into = &map.entries.back().second;
    }
    into->add(std::string(fd.leaf()), value_node(v));
  }
}

template <class T>
YNode value_node(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return YNode::text(v);
  } else if constexpr (std::is_same_v<T, int>) {
    return YNode::plain(std::to_string(v));
  } else if constexpr (std::is_same_v<T, Date>) {
    return YNode::plain(v.str());
  } else if constexpr (KeyedEnum<T>) {
    return YNode::text(std::string(key_of(v)));
  } else if constexpr (is_vector<T>::value) {
    YNode seq = YNode::seq();
    for (const auto& x : v) seq.push(value_node(x));
    return seq;
  } else {
    return struct_node(v);
  }
}

template <RecordStruct S>
YNode struct_node(const S& s) {
  YNode n = YNode::map();
  visit_fields(s, [&](const auto& fd, const auto& m) { add_field(n, fd, m); });
  return n;
}

}  // namespace

YNode case_to_node(const Case& c) { return struct_node(c); }

std::string write_case(const Case& c) { return std::string(kCaseSchemaComment) + emit_yaml(case_to_node(c)); }

// ---------------------------------------------------------------------------
// Reading. The tree has passed the schema: keys, types and required fields
// are as expected; what remains is turning text into dates and keys.

namespace {

class Reader {
 public:
  explicit Reader(const std::string& where) : where_(where) {}

  // `map` holds the field; `path` names `map` in messages ("triage",
  // "panel[2]").
  template <RecordStruct S>
  void read_struct(const YNode& map, S& s, const std::string& path) const {
    visit_fields(s, [&](const auto& fd, auto& m) {
      const YNode* in = &map;
      std::string in_path = path;
      if (auto group = fd.group(); !group.empty()) {
        in = map.find(group);
        if (!in) return;
        in_path = join(path, group);
      }
      using M = std::remove_cvref_t<decltype(m)>;
      if constexpr (is_vector<M>::value) {
        if constexpr (RecordStruct<typename M::value_type>) {
          // The form before a history was kept: one mapping, the history's
          // one entry (kConsentHistory), named as it is written.
          const YNode* n = in->find(fd.leaf());
          if (fd.spec.one_as_list && n && n->is_map()) {
            typename M::value_type v{};
            read_struct(*n, v, join(in_path, fd.leaf()));
            m.clear();
            m.push_back(std::move(v));
            return;
          }
        }
      }
      read_field(*in, fd.leaf(), m, in_path);
    });
  }

 private:
  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
  }

  template <class T>
  void read_field(const YNode& map, std::string_view key, T& out, const std::string& path) const {
    if constexpr (is_personal<T>::value) {
      // A sealed or erased value is kept as its text (docs/encryption.md).
      if (const YNode* n = map.find(key); n && n->is_scalar() && !n->is_null()) {
        if (n->value == kErasedValue) {
          out = T::erased();
          return;
        }
        if (crypto::is_sealed(n->value)) {
          out = T::sealed(n->value);
          return;
        }
      }
      // Read into a plain value, then wrap it: Personal has no mutable access.
      std::remove_cvref_t<decltype(out.reveal())> v{};
      read_field(map, key, v, path);
      out = T(std::move(v));
    } else if constexpr (is_optional<T>::value) {
      const YNode* n = map.find(key);
      if (!n || n->is_null()) {
        out.reset();
        return;
      }
      typename T::value_type v{};
      read_field(map, key, v, path);
      out = std::move(v);
    } else if constexpr (is_vector<T>::value) {
      out.clear();
      const YNode* n = map.find(key);
      if (!n || !n->is_seq()) return;
      out.reserve(n->items.size());
      const std::string list_path = join(path, key);
      for (size_t i = 0; i < n->items.size(); ++i) {
        typename T::value_type v{};
        read_value(n->items[i], v, list_path, i);
        out.push_back(std::move(v));
      }
    } else if constexpr (RecordStruct<T>) {
      if (const YNode* n = map.find(key)) read_struct(*n, out, join(path, key));
    } else {
      const YNode* n = map.find(key);
      if (!n) return;  // the schema requires it; nothing to read
      out = scalar<T>(*n, join(path, key));
    }
  }

  // Entry i of a list named `path`.
  template <class T>
  void read_value(const YNode& n, T& out, const std::string& path, size_t i) const {
    if constexpr (RecordStruct<T>)
      read_struct(n, out, fmt::format("{}[{}]", path, i + 1));
    else
      out = scalar<T>(n, fmt::format("{}[{}]", path, i + 1));
  }

  template <class T>
  T scalar(const YNode& n, const std::string& shown) const {
    if constexpr (std::is_same_v<T, std::string>) {
      return n.value;
    } else if constexpr (std::is_same_v<T, int>) {
      // The schema allows a small whole number only.
      int v = 0;
      for (char ch : n.value) {
        if (ch < '0' || ch > '9' || v > 1000)
          fail(Exit::invalid_data, fmt::format("{}: not a whole number ({}:{})", shown, where_, n.line));
        v = v * 10 + (ch - '0');
      }
      return v;
    } else if constexpr (std::is_same_v<T, Date>) {
      auto d = Date::parse(n.value);
      if (!d)
        fail(Exit::invalid_data,
             fmt::format("{}: {} ({}:{})", shown, kDateForm, where_, n.line));
      return *d;
    } else {
      static_assert(KeyedEnum<T>, "a record field of a kind the reader does not know");
      auto v = key_to<T>(n.value);
      if (!v) fail(Exit::invalid_data, fmt::format("{}: not one of the allowed values ({}:{})", shown, where_, n.line));
      return *v;
    }
  }

  const std::string& where_;
};

}  // namespace

Case case_from_node(const YNode& root, const std::string& where) {
  // referral.from_area goes only with a transfer in (checked here, after
  // referral.received, as it always has been, so a file with several
  // defects names the same one first).
  const YNode& ref = *root.find("referral");
  if (const YNode* received = ref.find("received"); received && !Date::parse(received->value))
    fail(Exit::invalid_data, fmt::format("referral.received: {} ({}:{})", kDateForm, where, received->line));
  if (const YNode* from = ref.find("from_area"); from && !from->is_null()) {
    const YNode* route = ref.find("route");
    if (!route || route->value != "transfer-in") {
      // A tree built by the program (a correction) has no lines to name.
      int line = from->line;
      fail(Exit::invalid_data, fmt::format("referral.from_area: only with route transfer-in ({})",
                                           line ? fmt::format("{}:{}", where, line) : where));
    }
  }
  Case c;
  Reader(where).read_struct(root, c, "");
  return c;
}

namespace {

YNode* find_mut(YNode& map, const std::string& key) {
  for (auto& [k, v] : map.entries)
    if (k == key) return &v;
  return nullptr;
}

bool same_node(const YNode& a, const YNode& b) {
  if (a.kind != b.kind || a.value != b.value || a.items.size() != b.items.size() ||
      a.entries.size() != b.entries.size())
    return false;
  for (size_t i = 0; i < a.items.size(); ++i)
    if (!same_node(a.items[i], b.items[i])) return false;
  for (size_t i = 0; i < a.entries.size(); ++i)
    if (a.entries[i].first != b.entries[i].first || !same_node(a.entries[i].second, b.entries[i].second))
      return false;
  return true;
}

}  // namespace

Case edit_case_fields(const Case& c, const std::vector<FieldEdit>& edits, std::vector<bool>& changed,
                      const std::string& where) {
  YNode root = case_to_node(c);
  changed.assign(edits.size(), false);
  for (size_t e = 0; e < edits.size(); ++e) {
    const auto& path = edits[e].path;
    std::string shown = fmt::format("{}", fmt::join(path, "."));
    YNode* node = &root;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      YNode* next = nullptr;
      if (node->is_map()) {
        next = find_mut(*node, path[i]);
      } else if (node->is_seq()) {
        const std::string& sel = path[i];
        bool number = !sel.empty() && sel.find_first_not_of("0123456789") == std::string::npos;
        if (number) {
          size_t pos = std::stoul(sel.substr(0, 6));
          if (pos >= 1 && pos <= node->items.size()) next = &node->items[pos - 1];
        } else {
          for (auto& item : node->items)
            if (const YNode* id = item.find("id"); id && id->value == sel) next = &item;
          if (!next)
            fail(Exit::not_found, fmt::format("{}: no such action in the support plan ({})", shown, where),
                 "`prevent show ID` lists the actions");
        }
      }
      if (!next)
        fail(Exit::invalid_data,
             fmt::format("{}: the record has no {} to correct ({})", shown,
                         fmt::join(path.begin(), path.begin() + static_cast<long>(i) + 1, "."), where));
      node = next;
    }
    if (!node->is_map())
      fail(Exit::invalid_data, fmt::format("{}: not a field of the record ({})", shown, where));
    const std::string& key = path.back();
    YNode* leaf = find_mut(*node, key);
    if (edits[e].value) {
      if (leaf) {
        changed[e] = !same_node(*leaf, *edits[e].value);
        *leaf = *edits[e].value;
      } else {
        changed[e] = true;
        node->add(key, *edits[e].value);
      }
    } else if (leaf) {
      changed[e] = true;
      std::erase_if(node->entries, [&](const auto& kv) { return kv.first == key; });
    }
  }
  validate_against_schema(root, SchemaKind::case_record, where);
  return case_from_node(root, where);
}

namespace {

// Each field of `v` drawn from a vocabulary of prevent.yaml, with its
// dotted path without list positions ("panel.signposted_to").
template <class T>
void check_vocabularies(const T& v, const Vocabulary* vocab, std::string& path, const Config& cfg,
                        const std::string& where) {
  if constexpr (is_optional<T>::value) {
    if (v) check_vocabularies(*v, vocab, path, cfg, where);
  } else if constexpr (is_vector<T>::value) {
    for (const auto& x : v) check_vocabularies(x, vocab, path, cfg, where);
  } else if constexpr (RecordStruct<T>) {
    visit_fields(v, [&](const auto& fd, const auto& m) {
      const size_t size = path.size();
      path += (path.empty() ? "" : ".");
      path += fd.key;
      check_vocabularies(m, fd.spec.vocabulary ? &(cfg.*fd.spec.vocabulary) : nullptr, path, cfg, where);
      path.resize(size);
    });
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (vocab) require_in_vocabulary(*vocab, v, path, where);
  } else if constexpr (is_personal<T>::value) {
    // A (P) category (special-category data): refused without its value,
    // which is personal data (SPEC §3).
    const auto& value = v.reveal();
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(value)>, std::optional<std::string>>) {
      if (vocab && value && !vocab->contains(*value))
        fail(Exit::invalid_data,
             fmt::format("{}: the value is not in the store's {} vocabulary; being personal data, it is not "
                         "repeated here ({})",
                         path, vocab->name, where),
             fmt::format("allowed: {}", fmt::join(vocab->keys(), ", ")));
    }
  }
}

}  // namespace

void check_case_vocabularies(const Case& c, const Config& cfg, const std::string& where) {
  std::string path;
  check_vocabularies(c, nullptr, path, cfg, where);
}

std::string case_path(const std::string& id, int year) { return fmt::format("cases/{}/{}.yaml", year, id); }

Case read_case(std::string_view text, const std::string& where, const Config& config) {
  YNode node = parse_yaml(text, where);
  validate_against_schema(node, SchemaKind::case_record, where);
  Case c = case_from_node(node, where);
  check_case_vocabularies(c, config, where);
  return c;
}

namespace {

// The dotted paths of the (P) fields, list positions left out, from the
// description ("referral.subject.name", "previous.reviews.notes").
template <RecordStruct S>
void collect_personal(std::vector<std::string>& out, const std::string& prefix) {
  for_each_field<S>([&](const auto& fd) {
    using M = std::remove_cvref_t<decltype(std::declval<S&>().*fd.member)>;
    std::string path = prefix.empty() ? std::string(fd.key) : fmt::format("{}.{}", prefix, fd.key);
    if (fd.spec.personal) {
      out.push_back(std::move(path));
    } else if constexpr (is_optional<M>::value || is_vector<M>::value) {
      if constexpr (RecordStruct<typename M::value_type>) collect_personal<typename M::value_type>(out, path);
    } else if constexpr (RecordStruct<M>) {
      collect_personal<M>(out, path);
    }
  });
}

const std::vector<std::string>& personal_fields() {
  static const std::vector<std::string> fields = [] {
    std::vector<std::string> out;
    collect_personal<Case>(out, "");
    return out;
  }();
  return fields;
}

}  // namespace

bool is_personal_field(std::string_view path) {
  std::string bare;
  bare.reserve(path.size());
  int depth = 0;
  for (char ch : path) {
    if (ch == '[') ++depth;
    else if (ch == ']') --depth;
    else if (depth == 0) bare += ch;
  }
  for (std::string_view p : personal_fields())
    if (bare == p || (bare.size() > p.size() && bare.starts_with(p) && bare[p.size()] == '.')) return true;
  return false;
}

std::optional<std::string> person_key(const Case& c) {
  const auto& dob = c.referral.subject.date_of_birth.reveal();
  if (!dob) return std::nullopt;
  return fold_case_and_space(c.referral.subject.name.reveal()) + "|" + dob->str();
}

bool is_voided_case(const Case& c) {
  for (const auto& v : c.voided)
    if (v.what == kVoidedCase) return true;
  return false;
}

std::optional<int> age_at_referral(const Case& c) {
  const auto& dob = c.referral.subject.date_of_birth;
  if (dob.is_plain()) {
    if (!dob.reveal()) return std::nullopt;
    return age_on(*dob.reveal(), c.referral.received);
  }
  return c.referral.subject.age_at_referral;
}

AgeFacts age_facts(const Case& c) {
  const auto& dob = c.referral.subject.date_of_birth;
  AgeFacts f;
  f.received = c.referral.received;
  if (dob.is_plain()) f.date_of_birth = dob.reveal();
  f.date_of_birth_hidden = !dob.is_plain();
  f.age_at_referral = age_at_referral(c);
  return f;
}

std::optional<bool> adult_on(const AgeFacts& age, Date day) {
  if (age.date_of_birth) return age_on(*age.date_of_birth, day) >= 18;
  if (!age.age_at_referral) return std::nullopt;
  // Aged a on the referral date: on `day`, a + (whole years since the
  // referral) or one more.
  const int least = *age.age_at_referral + (day < age.received ? -1 - age_on(day, age.received)
                                                                 : age_on(age.received, day));
  if (least >= 18) return true;
  if (least + 1 < 18) return false;
  return std::nullopt;
}

void set_age_at_referral(Case& c, std::optional<int> age) {
  if (!age) {
    c.referral.subject.date_of_birth = PersonalDate();
    return;
  }
  // add_months clamps 29 February to the 28th, which keeps the age.
  c.referral.subject.date_of_birth = PersonalDate(c.referral.received.add_months(-12L * *age));
}

namespace {

// Empties every (P) field of `v` but the special-category ones the report
// counts (case_fields.hpp), which stay sealed in their Personal<T>.
template <class T>
void strip_personal(T& v) {
  if constexpr (is_optional<T>::value) {
    if (v) strip_personal(*v);
  } else if constexpr (is_vector<T>::value) {
    for (auto& x : v) strip_personal(x);
  } else if constexpr (RecordStruct<T>) {
    visit_fields(v, [](const auto& fd, auto& m) {
      if (fd.spec.personal && !fd.spec.special_category)
        m = std::remove_cvref_t<decltype(m)>();
      else
        strip_personal(m);
    });
  }
}

}  // namespace

Case without_personal_data(const Case& c) {
  Case r = c;
  const auto age = age_at_referral(c);
  strip_personal(r);
  set_age_at_referral(r, age);
  return r;
}

// ---------------------------------------------------------------------------
// Sealed values.

namespace {

template <class S>
constexpr std::string_view sealed_under() {
  if constexpr (requires { RecordFields<S>::sealed_under; })
    return RecordFields<S>::sealed_under;
  else
    return {};
}

// The text a (P) value is sealed as, and back.
inline std::string plain_text(const std::string& v) { return v; }
inline std::string plain_text(const std::optional<std::string>& v) { return *v; }
inline std::string plain_text(const std::optional<Date>& v) { return v->str(); }
inline bool present(const std::string& v) { return !v.empty(); }
template <class T>
bool present(const std::optional<T>& v) {
  return v.has_value();
}

template <class T>
T from_plain_text(const std::string& text, const std::string& field, const std::string& where);
template <>
std::string from_plain_text(const std::string& text, const std::string&, const std::string&) {
  return text;
}
template <>
std::optional<std::string> from_plain_text(const std::string& text, const std::string&, const std::string&) {
  return text;
}
template <>
std::optional<Date> from_plain_text(const std::string& text, const std::string& field, const std::string& where) {
  auto d = Date::parse(text);
  if (!d) fail(Exit::invalid_data, fmt::format("{}: the sealed value is not a date ({})", field, where));
  return d;
}

std::string value_ad(const CaseKeys& keys, const Case& c, std::string_view field) {
  return crypto::associated_data({"prevent-value-v1", keys.store_id, c.id, field});
}

// Calls f(fd, member, "kind.key") for every (P) member of `v` that is
// sealed (not the special-category ones), however deep.
template <class T, class F>
void each_sealable(T& v, F& f) {
  using V = std::remove_cvref_t<T>;
  if constexpr (is_optional<V>::value) {
    if (v) each_sealable(*v, f);
  } else if constexpr (is_vector<V>::value) {
    for (auto& x : v) each_sealable(x, f);
  } else if constexpr (RecordStruct<V>) {
    visit_fields(v, [&](const auto& fd, auto& m) {
      using M = std::remove_cvref_t<decltype(m)>;
      if constexpr (is_personal<M>::value) {
        static_assert(sizeof(M) > 0 && !sealed_under<V>().empty(),
                      "a record struct with (P) fields needs its sealed_under name");
        if (!fd.spec.special_category) f(m, fmt::format("{}.{}", sealed_under<V>(), fd.key));
      } else {
        each_sealable(m, f);
      }
    });
  }
}

}  // namespace

void seal_personal(Case& c, const CaseKeys& keys) {
  if (keys.store_id.empty()) return;
  auto& subject = c.referral.subject;
  if (subject.date_of_birth.is_plain()) subject.age_at_referral = age_at_referral(c);
  auto f = [&](auto& m, const std::string& field) {
    using M = std::remove_cvref_t<decltype(m)>;
    if (!m.is_plain() || !present(m.reveal())) return;
    const bool by_store = field == "erasure.reason";
    const auto& key = by_store ? keys.store_key : keys.case_key;
    if (!key)
      fail(Exit::store,
           fmt::format("{}: this store is encrypted, and recording personal data ({}) needs its key", c.id, field),
           std::string(kNeedsKeyHint));
    m = M::sealed(crypto::seal(*key, value_ad(keys, c, field), plain_text(m.reveal())));
  };
  each_sealable(c, f);
}

void open_personal(Case& c, const CaseKeys& keys, const std::string& where) {
  if (keys.store_id.empty()) return;
  auto f = [&](auto& m, const std::string& field) {
    using M = std::remove_cvref_t<decltype(m)>;
    if (!m.is_sealed()) return;
    const auto& key = field == "erasure.reason" ? keys.store_key : keys.case_key;
    if (!key) return;
    auto text = crypto::open(*key, value_ad(keys, c, field), m.sealed_text());
    if (!text)
      fail(Exit::store,
           fmt::format("{}: a sealed value ({}) does not open with the case's key: it was changed, or moved from "
                       "another case or field ({})",
                       c.id, field, where),
           "`prevent check` lists such values; the history shows when it changed (`git log -p`)");
    using V = std::remove_cvref_t<decltype(m.reveal())>;
    m = M(from_plain_text<V>(*text, field, where));
  };
  each_sealable(c, f);
}

void seal_merged_conflicts(Case& c, const CaseKeys& keys) {
  if (keys.store_id.empty()) return;
  const std::string own_field = fmt::format("{}.personal_value", sealed_under<ConflictSide>());
  for (auto& conflict : c.conflicts) {
    // The field a value of `conflict` was sealed as: its path without the
    // entries' selectors ("panel[2026-12-03].rationale" → "panel.rationale"),
    // or the same without its leading parts (an entry of `previous`).
    std::string bare;
    for (size_t i = 0, depth = 0; i < conflict.field.size(); ++i) {
      const char ch = conflict.field[i];
      if (ch == '[') ++depth;
      else if (ch == ']' && depth) --depth;
      else if (!depth) bare += ch;
    }
    for (ConflictSide* side : {&conflict.ours, &conflict.theirs}) {
      PersonalNote& v = side->personal_value;
      if (!v.is_sealed()) continue;
      if (keys.case_key && crypto::open(*keys.case_key, value_ad(keys, c, own_field), v.sealed_text())) continue;
      std::optional<std::string> text;
      for (std::string_view f = bare; keys.case_key && !text && !f.empty();) {
        text = crypto::open(*keys.case_key, value_ad(keys, c, f), v.sealed_text());
        const size_t dot = f.find('.');
        f = dot == std::string_view::npos ? std::string_view() : f.substr(dot + 1);
      }
      if (!text)
        fail(Exit::store,
             fmt::format("{}: a conflict on personal data ({}) is kept sealed, which needs the case's key", c.id,
                         terminal_safe(conflict.field)),
             std::string(kNeedsKeyHint));
      v = PersonalNote(std::optional<std::string>(*text));
    }
  }
  seal_personal(c, keys);
}

bool has_sealed_values(const Case& c) {
  bool any = false;
  auto f = [&](const auto& m, const std::string&) { any = any || m.is_sealed(); };
  each_sealable(c, f);
  return any;
}

bool has_plain_values(const Case& c) {
  bool any = false;
  auto f = [&](const auto& m, const std::string&) { any = any || (m.is_plain() && present(m.reveal())); };
  each_sealable(c, f);
  return any;
}

void mask_sealed(Case& c) {
  auto f = [&](auto& m, const std::string&) {
    using M = std::remove_cvref_t<decltype(m)>;
    if (m.is_sealed()) m = M::sealed(std::string(kEncryptedShown));
  };
  each_sealable(c, f);
}

void mask_personal(Case& c) {
  auto f = [&](auto& m, const std::string&) {
    using M = std::remove_cvref_t<decltype(m)>;
    if (m.is_sealed() || (m.is_plain() && present(m.reveal()))) m = M::sealed(std::string(kEncryptedShown));
  };
  each_sealable(c, f);
}

void erase_personal(Case& c) {
  // The age at referral stays, in clear: the report counts the case.
  if (c.referral.subject.date_of_birth.is_plain()) c.referral.subject.age_at_referral = age_at_referral(c);
  auto f = [&](auto& m, const std::string& field) {
    using M = std::remove_cvref_t<decltype(m)>;
    if (field == "erasure.reason") return;
    if (!m.is_plain() || present(m.reveal())) m = M::erased();
  };
  each_sealable(c, f);
}

}  // namespace prevent

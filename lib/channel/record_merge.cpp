// The three-way merge of a record, walking the record's description
// (case_fields.hpp): a field added there is merged with no edit here. What
// this file knows by name is how the entries of each list are matched (the
// identity table below, docs/merge.md) and a meeting's attendance.
#include "record_merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "case_fields.hpp"
#include "text.hpp"
#include "yaml_doc.hpp"

namespace prevent {

// A meeting's parts described as the record's are, with the keys
// write_meeting gives them, so that the merge below walks them too. Only
// this file sees these descriptions (meeting.hpp has none of its own).
template <>
struct RecordFields<Member> {
  static constexpr auto fields = std::tuple{
      field("role", &Member::role),
      field("agency", &Member::agency),
      field("police", &Member::police),
  };
};
template <>
struct RecordFields<Declaration> {
  static constexpr auto fields = std::tuple{
      field("role", &Declaration::role),
      field("agency", &Declaration::agency),
      field("case", &Declaration::case_id),
  };
};
template <>
struct RecordFields<AgendaItem> {
  static constexpr auto fields = std::tuple{
      field("case", &AgendaItem::case_id),
      field("item", &AgendaItem::item),
      field("by_hand", &AgendaItem::by_hand),
  };
};

// Named, not only anonymous: the library is compiled in unity batches,
// where the anonymous namespaces of several files are one.
namespace {
namespace merge_impl {

// ---------------------------------------------------------------------------
// The identity of list entries (docs/merge.md): the keys of the fields that
// name an entry. Two versions of an entry with the same identity are one
// entry, changed or not. A list of a struct not named here is matched by the
// whole entry (an entry is never changed, only added: corrections, the
// conflicts themselves, a meeting's declarations).

template <class S>
struct EntryIdentity {
  static constexpr bool whole = true;
  static constexpr std::array<std::string_view, 0> keys{};
};

#define PREVENT_IDENTITY(S, ...)                                             \
  template <>                                                                \
  struct EntryIdentity<S> {                                                  \
    static constexpr bool whole = false;                                     \
    static constexpr std::array keys{__VA_ARGS__};                           \
  }

using namespace std::string_view_literals;
PREVENT_IDENTITY(Assessment, "date"sv);
PREVENT_IDENTITY(Hearing, "meeting"sv);                   // one panel entry per meeting
PREVENT_IDENTITY(Consent, "date"sv, "status"sv);
PREVENT_IDENTITY(Action, "id"sv);
PREVENT_IDENTITY(ChronologyEntry, "date"sv, "kind"sv, "with"sv);
PREVENT_IDENTITY(Review, "date"sv, "kind"sv);
PREVENT_IDENTITY(Episode, "reopened"sv);                  // the day the case was reopened
PREVENT_IDENTITY(AgendaItem, "case"sv, "item"sv);
// A voided entry: by what it voids (`what` and the entry it holds); below.
PREVENT_IDENTITY(VoidedEntry, "what"sv);
#undef PREVENT_IDENTITY

template <class S>
constexpr bool is_identity_key(std::string_view key) {
  if constexpr (EntryIdentity<S>::whole) {
    return true;
  } else {
    for (auto k : EntryIdentity<S>::keys)
      if (k == key) return true;
    return false;
  }
}

// ---------------------------------------------------------------------------
// Comparing values as they are held: a sealed value by its sealed text.

template <class T>
bool same(const T& a, const T& b) {
  if constexpr (is_optional<T>::value) {
    if (a.has_value() != b.has_value()) return false;
    return !a || same(*a, *b);
  } else if constexpr (is_vector<T>::value) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i])) return false;
    return true;
  } else if constexpr (RecordStruct<T>) {
    bool eq = true;
    visit_fields(a, [&](const auto& fd, const auto& m) { eq = eq && same(m, b.*fd.member); });
    return eq;
  } else {
    return a == b;  // Personal<T> compares its plain value and its sealed text
  }
}

bool same_meeting_fields(const Meeting& a, const Meeting& b) {
  return same(a.date, b.date) && same(a.chair, b.chair) && same(a.attendees, b.attendees) &&
         same(a.apologies, b.apologies) && same(a.declarations, b.declarations) && same(a.agenda, b.agenda) &&
         same(a.corrections, b.corrections) && same(a.conflicts, b.conflicts);
}

// Whether a value of type T is or holds personal data.
template <class T>
constexpr bool holds_personal() {
  if constexpr (is_personal<T>::value) {
    return true;
  } else if constexpr (is_optional<T>::value || is_vector<T>::value) {
    return holds_personal<typename T::value_type>();
  } else if constexpr (RecordStruct<T>) {
    bool any = false;
    for_each_field<T>([&](const auto& fd) {
      using M = std::remove_cvref_t<decltype(std::declval<T&>().*fd.member)>;
      any = any || holds_personal<M>();
    });
    return any;
  } else {
    return false;
  }
}

// A text that names a value exactly, for matching (each part with its
// length, so no two values share one). Personal data goes in as held.
template <class T>
void append_key(std::string& out, const T& v) {
  auto part = [&](std::string_view s) { out += fmt::format("{}:{};", s.size(), s); };
  if constexpr (std::is_same_v<T, std::string>) {
    part(v);
  } else if constexpr (std::is_same_v<T, Date>) {
    part(v.str());
  } else if constexpr (std::is_same_v<T, int>) {
    part(std::to_string(v));
  } else if constexpr (std::is_same_v<T, bool>) {
    part(v ? "true" : "false");
  } else if constexpr (KeyedEnum<T>) {
    part(key_of(v));
  } else if constexpr (is_optional<T>::value) {
    if (v) {
      out += '=';
      append_key(out, *v);
    } else {
      out += '~';
    }
  } else if constexpr (is_vector<T>::value) {
    out += '[';
    for (const auto& x : v) append_key(out, x);
    out += ']';
  } else if constexpr (is_personal<T>::value) {
    if (v.is_plain()) {
      out += 'p';
      append_key(out, v.reveal());
    } else {
      out += 's';
      part(v.sealed_text());
    }
  } else {
    out += '{';
    visit_fields(v, [&](const auto&, const auto& m) { append_key(out, m); });
    out += '}';
  }
}

// A value as a path shows it; personal data never (it is left out).
template <class T>
void append_label(std::vector<std::string>& out, const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    out.push_back(v);
  } else if constexpr (std::is_same_v<T, Date>) {
    out.push_back(v.str());
  } else if constexpr (std::is_same_v<T, int>) {
    out.push_back(std::to_string(v));
  } else if constexpr (std::is_same_v<T, bool>) {
    if (v) out.push_back("true");
  } else if constexpr (KeyedEnum<T>) {
    out.emplace_back(key_of(v));
  } else if constexpr (is_optional<T>::value) {
    if (v) append_label(out, *v);
  } else if constexpr (is_vector<T>::value) {
    for (const auto& x : v) append_label(out, x);
  } else if constexpr (is_personal<T>::value) {
    // (P): not shown
  } else {
    visit_fields(v, [&](const auto&, const auto& m) { append_label(out, m); });
  }
}

template <class S>
std::string identity_key(const S& e);

// The entry held by a voided entry (the first present of triage … note).
template <class F>
void held_entry(const VoidedEntry& v, F&& f) {
  bool done = false;
  visit_fields(v, [&](const auto& fd, const auto& m) {
    using M = std::remove_cvref_t<decltype(m)>;
    if constexpr (is_optional<M>::value) {
      if constexpr (RecordStruct<typename M::value_type>) {
        if (!done && m && fd.key != "closure") {
          done = true;
          f(*m);
        }
      }
    }
  });
}

template <class S>
std::string identity_key(const S& e) {
  std::string out;
  visit_fields(e, [&](const auto& fd, const auto& m) {
    if (is_identity_key<S>(fd.key)) append_key(out, m);
  });
  if constexpr (std::is_same_v<S, VoidedEntry>)
    held_entry(e, [&](const auto& held) { out += identity_key(held); });
  return out;
}

template <class S>
std::string identity_label(const S& e) {
  std::vector<std::string> parts;
  if constexpr (EntryIdentity<S>::whole) {
    // Shown by its first date, if it has one: its identity is all of it.
    bool done = false;
    visit_fields(e, [&](const auto&, const auto& m) {
      using M = std::remove_cvref_t<decltype(m)>;
      if constexpr (std::is_same_v<M, Date>)
        if (!done) {
          parts.push_back(m.str());
          done = true;
        }
    });
  } else {
    visit_fields(e, [&](const auto& fd, const auto& m) {
      if (is_identity_key<S>(fd.key)) append_label(parts, m);
    });
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

// The date that orders the entries of a list: its first date field.
template <class S>
std::optional<Date> order_date(const S& e) {
  std::optional<Date> out;
  visit_fields(e, [&](const auto&, const auto& m) {
    using M = std::remove_cvref_t<decltype(m)>;
    if (out) return;
    if constexpr (std::is_same_v<M, Date>) out = m;
    else if constexpr (std::is_same_v<M, std::optional<Date>>) {
      if (m) out = *m;
    }
  });
  return out;
}

// Inserts `e` after every entry dated on or before it (after ours on a tie).
template <class S>
void insert_by_date(std::vector<S>& list, S e) {
  auto at = list.size();
  if (auto day = order_date(e))
    while (at > 0) {
      auto before = order_date(list[at - 1]);
      if (!before || *before <= *day) break;
      --at;
    }
  list.insert(list.begin() + static_cast<long>(at), std::move(e));
}

// ---------------------------------------------------------------------------
// Where a value stands in each side's YAML tree, to write it as YAML text.

struct Step {
  std::string key;  // a map key, or empty for a list position
  size_t index = 0;
};
using Steps = std::vector<Step>;

const YNode* locate(const YNode& root, const Steps& steps) {
  const YNode* n = &root;
  for (const auto& s : steps) {
    if (!s.key.empty()) {
      n = n->is_map() ? n->find(s.key) : nullptr;
    } else {
      n = n->is_seq() && s.index < n->items.size() ? &n->items[s.index] : nullptr;
    }
    if (!n) return nullptr;
  }
  return n;
}

std::optional<std::string> yaml_text(const YNode* n) {
  if (!n || n->is_null()) return std::nullopt;
  if (n->is_scalar()) return n->value;
  if (n->is_map()) return emit_yaml(*n);
  // A list (not reached: lists of values merge as sets): one item per line.
  YNode wrap = YNode::map();
  wrap.add("-", *n);
  return emit_yaml(wrap);
}

// The place the merge is at: the path a conflict is named by, and the steps
// to the value in ours and theirs.
struct Place {
  std::string path;
  Steps ours, theirs;

  void enter(std::string_view key) {
    path += path.empty() ? "" : ".";
    path += key;
    for (Steps* s : {&ours, &theirs}) {
      auto rest = key;
      while (!rest.empty()) {  // a grouped key (source.sector) is two steps
        auto dot = rest.find('.');
        s->push_back(Step{std::string(rest.substr(0, dot)), 0});
        rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
      }
    }
  }
};

// ---------------------------------------------------------------------------

class Merger {
 public:
  Merger(std::function<YNode()> ours_tree, std::function<YNode()> theirs_tree, const MergeSide& ours,
         const MergeSide& theirs, MergeHold hold)
      : ours_tree_(std::move(ours_tree)), theirs_tree_(std::move(theirs_tree)), ours_(ours), theirs_(theirs),
        hold_(hold) {}

  std::vector<Conflict> conflicts;

  // Whether a change only theirs (only ours) made is held as a conflict
  // rather than taken (MergeHold).
  bool holds_theirs() const { return hold_ != MergeHold::none; }
  bool holds_ours() const { return hold_ == MergeHold::both; }

  // Whether a value of type T is held at all: not a list of plain values,
  // nor a list of entries that are never changed (MergeHold).
  template <class T>
  static constexpr bool holdable() {
    if constexpr (is_vector<T>::value) {
      if constexpr (RecordStruct<typename T::value_type>)
        return !EntryIdentity<typename T::value_type>::whole;
      else
        return false;
    } else {
      return true;
    }
  }

  // `b` null: there is no base (the record was added on both sides).
  template <class T>
  void merge(const T* b, const T& o, const T& t, T& out, const Place& at) {
    if (same(o, t)) {
      out = o;
      return;
    }
    if constexpr (RecordStruct<T>) {
      if (b && same(*b, o) && !holds_theirs()) {
        out = t;
      } else if (b && same(*b, t) && !holds_ours()) {
        out = o;
      } else {
        visit_fields(out, [&](const auto& fd, auto& m) {
          Place in = at;
          in.enter(fd.key);
          merge(b ? &(b->*fd.member) : nullptr, o.*fd.member, t.*fd.member, m, in);
        });
      }
    } else if constexpr (is_optional<T>::value || is_vector<T>::value) {
      // No base: an absent value, an empty list.
      static const T none{};
      const T& base = b ? *b : none;
      if (same(base, o) && !(holds_theirs() && holdable<T>())) {
        out = t;
      } else if (same(base, t) && !(holds_ours() && holdable<T>())) {
        out = o;
      } else if constexpr (is_vector<T>::value) {
        merge_list(base, o, t, out, at);
      } else if constexpr (RecordStruct<typename T::value_type>) {
        if (base && o && t) {
          out.emplace();
          merge(&*base, *o, *t, *out, at);
        } else {
          // Removed on one side and changed on the other, or added on both
          // two ways: as it was until resolved.
          record<typename T::value_type>(at.path, o ? &at.ours : nullptr, t ? &at.theirs : nullptr);
          out = base;
        }
      } else {
        record<T>(at.path, &at.ours, &at.theirs);
        out = base;
      }
    } else {
      if (b && same(*b, o) && !holds_theirs()) {
        out = t;
      } else if (b && same(*b, t) && !holds_ours()) {
        out = o;
      } else {
        record<T>(at.path, &at.ours, &at.theirs);
        out = b ? *b : o;
      }
    }
  }

  // Records a conflict at `path` with each side's value as its tree holds
  // it at `ours`/`theirs` (null: the side has no value there).
  template <class T>
  void record(const std::string& path, const Steps* ours, const Steps* theirs) {
    std::optional<std::string> o, t;
    if (ours) o = yaml_text(locate(tree(ours_tree_, ours_root_), *ours));
    if (theirs) t = yaml_text(locate(tree(theirs_tree_, theirs_root_), *theirs));
    record_text(path, std::move(o), std::move(t), holds_personal<T>());
  }

  void record_text(const std::string& path, std::optional<std::string> o, std::optional<std::string> t,
                   bool personal) {
    auto side = [&](const MergeSide& who, std::optional<std::string> v) {
      ConflictSide s{who.by, who.date, std::nullopt, PersonalNote()};
      if (personal) {
        if (v) s.personal_value = PersonalNote(std::move(v));
      } else {
        s.value = std::move(v);
      }
      return s;
    };
    conflicts.push_back(Conflict{path, side(ours_, std::move(o)), side(theirs_, std::move(t))});
  }

 private:
  static const YNode& tree(const std::function<YNode()>& make, std::optional<YNode>& cache) {
    if (!cache) cache = make();
    return *cache;
  }

  // Lists of values (related, signposted_to): a set.
  template <class E>
    requires(!RecordStruct<E>)
  void merge_list(const std::vector<E>& b, const std::vector<E>& o, const std::vector<E>& t, std::vector<E>& out,
                  const Place&) {
    auto in = [](const std::vector<E>& list, const E& x) { return std::find(list.begin(), list.end(), x) != list.end(); };
    out.clear();
    for (const auto& x : o)
      if ((in(t, x) || !in(b, x)) && !in(out, x)) out.push_back(x);
    for (const auto& x : t)
      if (!in(o, x) && !in(b, x) && !in(out, x)) out.push_back(x);
  }

  // Lists of entries: matched by identity (the n-th entry of one identity
  // on a side with the n-th on the other).
  template <RecordStruct E>
  void merge_list(const std::vector<E>& b, const std::vector<E>& o, const std::vector<E>& t, std::vector<E>& out,
                  const Place& at) {
    auto keys_of = [](const std::vector<E>& list) {
      std::vector<std::string> keys;
      std::unordered_map<std::string, int> seen;
      for (const auto& e : list) {
        auto k = identity_key(e);
        const int n = seen[k]++;
        keys.push_back(n == 0 ? k : fmt::format("{}#{}", k, n + 1));
      }
      return keys;
    };
    auto index_of = [](const std::vector<std::string>& keys) {
      std::unordered_map<std::string, size_t> at;
      for (size_t i = 0; i < keys.size(); ++i) at.emplace(keys[i], i);
      return at;
    };
    const auto kb = keys_of(b), ko = keys_of(o), kt = keys_of(t);
    const auto ib = index_of(kb), io = index_of(ko), it = index_of(kt);
    auto find = [](const auto& index, const std::string& k) -> std::optional<size_t> {
      auto i = index.find(k);
      return i == index.end() ? std::nullopt : std::optional<size_t>(i->second);
    };

    // Each identity's path label: unique among the three sides' entries,
    // numbered where personal data left out makes two alike (the base's in
    // its order, then the others in an order that does not depend on which
    // side is ours).
    std::map<std::string, std::string> label;
    {
      std::vector<std::pair<std::string, std::string>> all;  // key, plain label
      auto add = [&](const std::vector<std::string>& keys, const std::vector<E>& list) {
        for (size_t i = 0; i < keys.size(); ++i)
          if (!label.count(keys[i])) {
            label[keys[i]] = "";
            all.emplace_back(keys[i], identity_label(list[i]));
          }
      };
      add(kb, b);
      const auto from_base = static_cast<long>(all.size());
      add(ko, o);
      add(kt, t);
      std::sort(all.begin() + from_base, all.end());
      std::map<std::string, int> count, nth;
      for (const auto& [k, l] : all) ++count[l];
      for (const auto& [k, l] : all)
        label[k] = count[l] > 1 ? fmt::format("{}#{}", l, ++nth[l]) : l;
    }
    auto entry = [&](const std::string& k, std::optional<size_t> oi, std::optional<size_t> ti) {
      Place p{fmt::format("{}[{}]", at.path, label[k]), at.ours, at.theirs};
      p.ours.push_back(Step{"", oi.value_or(0)});
      p.theirs.push_back(Step{"", ti.value_or(0)});
      return p;
    };

    // Whether a change one side made alone to this list's entries is held.
    const bool hold_theirs = holds_theirs() && !EntryIdentity<E>::whole;
    const bool hold_ours = holds_ours() && !EntryIdentity<E>::whole;
    out.clear();
    // Ours, in its order.
    for (size_t i = 0; i < o.size(); ++i) {
      const auto bi = find(ib, ko[i]);
      const auto ti = find(it, ko[i]);
      const Place p = entry(ko[i], i, ti);
      if (ti && bi) {
        E merged{};
        merge(&b[*bi], o[i], t[*ti], merged, p);
        out.push_back(std::move(merged));
      } else if (ti) {
        if (same(o[i], t[*ti])) {
          out.push_back(o[i]);
        } else {
          record<E>(p.path, &p.ours, &p.theirs);  // added on both sides, two ways
        }
      } else if (bi) {
        if (!same(b[*bi], o[i])) {
          record<E>(p.path, &p.ours, nullptr);  // changed by ours, removed by theirs
          out.push_back(b[*bi]);
        } else if (hold_theirs) {
          record<E>(p.path, &p.ours, nullptr);  // removed by theirs alone, held
          out.push_back(o[i]);
        }
      } else if (hold_ours) {
        record<E>(p.path, &p.ours, nullptr);  // added by ours, held
      } else {
        out.push_back(o[i]);  // added by ours
      }
    }
    // Removed by ours: gone, unless theirs changed it (or the removal is held).
    for (size_t i = 0; i < b.size(); ++i) {
      if (find(io, kb[i])) continue;
      const auto ti = find(it, kb[i]);
      if (ti && (!same(b[i], t[*ti]) || hold_ours)) {
        const Place p = entry(kb[i], std::nullopt, ti);
        record<E>(p.path, nullptr, &p.theirs);
        insert_by_date(out, b[i]);
      }
    }
    // Added by theirs.
    for (size_t i = 0; i < t.size(); ++i)
      if (!find(io, kt[i]) && !find(ib, kt[i])) {
        if (hold_theirs) {
          const Place p = entry(kt[i], std::nullopt, i);
          record<E>(p.path, nullptr, &p.theirs);
        } else {
          insert_by_date(out, t[i]);
        }
      }
  }

  std::function<YNode()> ours_tree_, theirs_tree_;
  std::optional<YNode> ours_root_, theirs_root_;
  MergeSide ours_, theirs_;
  MergeHold hold_;
};

template <class T>
void merge_member(Merger& m, std::string_view key, const T* b, const T& o, const T& t, T& out) {
  Place at;
  at.enter(key);
  m.merge(b, o, t, out, at);
}

// ---------------------------------------------------------------------------
// A meeting's attendance: one entry per person, attending, attending for the
// police, or sending apologies.

enum class Attends { attendee, police, apology };

std::string_view attends_text(Attends a) {
  switch (a) {
    case Attends::attendee: return "attendee";
    case Attends::police: return "police";
    case Attends::apology: return "apology";
  }
  return "";
}

struct Attendance {
  std::vector<std::string> order;  // people, in the order the meeting lists them
  std::map<std::string, std::pair<Member, Attends>> at;
};

std::string attendee_key(const Member& m) {
  return fmt::format("{}\n{}", fold_case_and_space(m.role), fold_case_and_space(m.agency));
}

Attendance attendance_of(const Meeting& m) {
  Attendance a;
  auto add = [&](const Member& x, Attends how) {
    auto k = attendee_key(x);
    if (a.at.emplace(k, std::make_pair(x, how)).second) a.order.push_back(k);
  };
  for (const auto& x : m.attendees) add(x, x.police ? Attends::police : Attends::attendee);
  for (const auto& x : m.apologies) add(x, Attends::apology);
  return a;
}

void merge_attendance(Merger& m, const Meeting* b, const Meeting& o, const Meeting& t, Meeting& out) {
  auto same_lists = [](const Meeting& x, const Meeting& y) {
    return same(x.attendees, y.attendees) && same(x.apologies, y.apologies);
  };
  const Meeting* whole = same_lists(o, t)                                ? &o
                         : b && same_lists(*b, o) && !m.holds_theirs() ? &t
                         : b && same_lists(*b, t) && !m.holds_ours()   ? &o
                                                                       : nullptr;
  if (whole) {
    out.attendees = whole->attendees;
    out.apologies = whole->apologies;
    return;
  }
  const Attendance ab = b ? attendance_of(*b) : Attendance{}, ao = attendance_of(o), at = attendance_of(t);
  auto how = [](const Attendance& a, const std::string& k) -> std::optional<Attends> {
    auto i = a.at.find(k);
    return i == a.at.end() ? std::nullopt : std::optional<Attends>(i->second.second);
  };
  std::vector<std::string> people = ao.order;
  for (const auto* a : {&at, &ab})
    for (const auto& k : a->order)
      if (std::find(people.begin(), people.end(), k) == people.end()) people.push_back(k);
  out.attendees.clear();
  out.apologies.clear();
  for (const auto& k : people) {
    const auto hb = how(ab, k), ho = how(ao, k), ht = how(at, k);
    std::optional<Attends> h;
    if (ho == ht) h = ho;
    else if (hb == ho && !m.holds_theirs()) h = ht;
    else if (hb == ht && !m.holds_ours()) h = ho;
    else {
      h = hb;
      const Member& who = ao.at.count(k) ? ao.at.at(k).first : at.at.count(k) ? at.at.at(k).first : ab.at.at(k).first;
      auto text = [](std::optional<Attends> a) {
        return a ? std::optional<std::string>(attends_text(*a)) : std::nullopt;
      };
      m.record_text(fmt::format("attendance[{}@{}]", who.role, who.agency), text(ho), text(ht), false);
    }
    if (!h) continue;
    // The person as the side that keeps them recorded them.
    const auto& from = ho && *h == *ho ? ao : ht && *h == *ht ? at : hb ? ab : ao;
    Member x = from.at.at(k).first;
    x.police = *h == Attends::police;
    (*h == Attends::apology ? out.apologies : out.attendees).push_back(x);
  }
}

}  // namespace merge_impl
}  // namespace

CaseMerge merge_cases(const Case* base, const Case& ours, const Case& theirs, const MergeSide& ours_side,
                      const MergeSide& theirs_side, MergeHold hold) {
  using namespace merge_impl;
  Merger m([&] { return case_to_node(ours); }, [&] { return case_to_node(theirs); }, ours_side, theirs_side, hold);
  CaseMerge r;
  m.merge(base, ours, theirs, r.merged, Place{});
  for (auto& c : m.conflicts) {
    r.conflicts.push_back(c.field);
    r.merged.conflicts.push_back(std::move(c));
  }
  return r;
}

MeetingMerge merge_meetings(const Meeting* base, const Meeting& ours, const Meeting& theirs,
                            const MergeSide& ours_side, const MergeSide& theirs_side, MergeHold hold) {
  using namespace merge_impl;
  auto tree = [](const Meeting& x) { return parse_yaml(write_meeting(x), "merge"); };
  Merger m([&] { return tree(ours); }, [&] { return tree(theirs); }, ours_side, theirs_side, hold);
  MeetingMerge r;
  Meeting& out = r.merged;
  if (same_meeting_fields(ours, theirs) || (base && same_meeting_fields(*base, theirs) && !m.holds_ours())) {
    out = ours;
    return r;
  }
  if (base && same_meeting_fields(*base, ours) && !m.holds_theirs()) {
    out = theirs;
    return r;
  }
  merge_member(m, "date", base ? &base->date : nullptr, ours.date, theirs.date, out.date);
  merge_member(m, "chair", base ? &base->chair : nullptr, ours.chair, theirs.chair, out.chair);
  merge_attendance(m, base, ours, theirs, out);
  merge_member(m, "declarations", base ? &base->declarations : nullptr, ours.declarations, theirs.declarations,
               out.declarations);
  merge_member(m, "agenda", base ? &base->agenda : nullptr, ours.agenda, theirs.agenda, out.agenda);
  merge_member(m, "corrections", base ? &base->corrections : nullptr, ours.corrections, theirs.corrections,
               out.corrections);
  // The conflicts the sides already held, as a list of whole entries (as a
  // case's); the new ones are for the caller to add (MeetingMerge).
  merge_member(m, "conflicts", base ? &base->conflicts : nullptr, ours.conflicts, theirs.conflicts, out.conflicts);
  r.conflicts = std::move(m.conflicts);
  return r;
}

// ---------------------------------------------------------------------------
// Finding a conflict's place in a case (`prevent resolve`): the path walked
// over the record's description, list entries found by their labels as the
// merge gives them.

namespace {
namespace merge_impl {

struct PathPart {
  std::string key;
  std::optional<std::string> label;  // `key[label]`: an entry of the list `key`
};

// `previous[2026-09-07].reviews[2026-03-05,monthly].notes` → its parts.
std::optional<std::vector<PathPart>> path_parts(const std::string& field) {
  std::vector<PathPart> out;
  size_t i = 0;
  while (true) {
    size_t j = i;
    while (j < field.size() && field[j] != '.' && field[j] != '[') ++j;
    PathPart p{field.substr(i, j - i), std::nullopt};
    if (p.key.empty()) return std::nullopt;
    if (j < field.size() && field[j] == '[') {
      const size_t close = field.find(']', j);
      if (close == std::string::npos || close == j + 1) return std::nullopt;
      p.label = field.substr(j + 1, close - j - 1);
      j = close + 1;
    }
    out.push_back(std::move(p));
    if (j == field.size()) return out;
    if (field[j] != '.' || j + 1 == field.size()) return std::nullopt;
    i = j + 1;
  }
}

template <class T>
struct bare {
  using type = T;
};
template <class T>
struct bare<std::optional<T>> {
  using type = typename bare<T>::type;
};
template <class T>
struct bare<Personal<T>> {
  using type = typename bare<T>::type;
};

template <class E>
std::vector<std::string> date_keys_of() {
  std::vector<std::string> out;
  for_each_field<E>([&](const auto& fd) {
    using M = std::remove_cvref_t<decltype(std::declval<E&>().*fd.member)>;
    if constexpr (std::is_same_v<typename bare<M>::type, Date>) out.emplace_back(fd.key);
  });
  return out;
}

template <RecordStruct S>
bool place_in_struct(const S& s, const std::vector<PathPart>& parts, size_t i, ConflictPlace& out);

// `m` is the member parts[i] names (its keys already in out.path).
template <class T>
struct entries_of {
  static constexpr bool value = false;
};
template <RecordStruct E>
struct entries_of<std::vector<E>> {
  static constexpr bool value = true;
};

template <class T>
bool place_in_member(const T& m, const std::vector<PathPart>& parts, size_t i, ConflictPlace& out) {
  const PathPart& p = parts[i];
  const bool last = i + 1 == parts.size();
  if (p.label) {
    if constexpr (entries_of<T>::value) {
      using E = typename T::value_type;
      std::map<std::string, int> count, nth;
      std::vector<std::string> labels;
      for (const auto& e : m) ++count[identity_label(e)];
      for (const auto& e : m) {
        auto l = identity_label(e);
        labels.push_back(count[l] > 1 ? fmt::format("{}#{}", l, ++nth[l]) : l);
      }
      std::optional<size_t> at;
      for (size_t k = 0; k < labels.size() && !at; ++k)
        if (labels[k] == *p.label) at = k;
      if (!at && count[*p.label] > 1)
        fail(Exit::invalid_data,
             fmt::format("{}[{}]: the case now holds {} entries of this identity; which one the conflict "
                         "names is not known (the record)",
                         p.key, *p.label, count[*p.label]),
             "resolve it with `prevent edit`, or void the entry added in error");
      if (last) {
        out.entry = true;
        out.mapping = true;
        out.position = at ? std::optional<size_t>(*at + 1) : std::nullopt;
        out.date_keys = date_keys_of<E>();
        return true;
      }
      if (!at) return false;
      out.path.push_back(std::to_string(*at + 1));
      return place_in_struct(m[*at], parts, i + 1, out);
    } else {
      return false;
    }
  }
  if (last) {
    using V = typename bare<T>::type;
    if constexpr (is_vector<V>::value) {
      return false;  // a list merges as a set or entry by entry, never whole
    } else {
      out.mapping = RecordStruct<V>;
      out.plain = std::is_same_v<V, Date> || std::is_same_v<V, int> || std::is_same_v<V, bool>;
      return true;
    }
  }
  if constexpr (RecordStruct<T>) {
    return place_in_struct(m, parts, i + 1, out);
  } else if constexpr (is_optional<T>::value) {
    if constexpr (RecordStruct<typename T::value_type>) {
      return m && place_in_struct(*m, parts, i + 1, out);
    }
  }
  return false;
}

template <RecordStruct S>
bool place_in_struct(const S& s, const std::vector<PathPart>& parts, size_t i, ConflictPlace& out) {
  bool found = false, ok = false;
  visit_fields(s, [&](const auto& fd, const auto& m) {
    if (found) return;
    if (fd.group().empty()) {
      if (fd.key != parts[i].key) return;
      found = true;
      out.path.emplace_back(fd.key);
      ok = place_in_member(m, parts, i, out);
    } else {
      // A grouped key (source.sector) is two parts of the path.
      if (fd.group() != parts[i].key || parts[i].label || i + 1 >= parts.size() || fd.leaf() != parts[i + 1].key)
        return;
      found = true;
      out.path.emplace_back(fd.group());
      out.path.emplace_back(fd.leaf());
      ok = place_in_member(m, parts, i + 1, out);
    }
  });
  return ok;
}

}  // namespace merge_impl
}  // namespace

std::optional<ConflictPlace> conflict_place(const Case& c, const std::string& field) {
  using namespace merge_impl;
  auto parts = path_parts(field);
  if (!parts || (*parts)[0].key == "id" || (*parts)[0].key == "conflicts") return std::nullopt;
  ConflictPlace out;
  if (!place_in_struct(c, *parts, 0, out)) return std::nullopt;
  return out;
}

}  // namespace prevent

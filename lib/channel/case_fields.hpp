// The case record of SPEC §3 described once: for every member of every
// record struct, its YAML key, whether it is personal data ((P)), and what
// the code that walks the record needs to know about it. The YAML mapping,
// the record cache's entry codec, personal-data stripping, rule 1's dated
// fields and `correct`'s field rules all walk these tables, so a field
// added here (and to the schema) reaches all of them; docs/record.md says
// how to add one.
//
// A field's kind comes from its member's type: std::string, Date, a keyed
// enum (keyed_enum.hpp), a record struct of this file, and any of these in
// std::optional, std::vector or Personal (personal_data.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "case_record.hpp"
#include "keyed_enum.hpp"

namespace prevent {

// How rule 1 (nothing is dated in the future, SPEC §4) treats a date.
enum class Dating : uint8_t {
  not_after_today,  // checked against today
  deadline,         // a due date: ahead of today by nature
  before_referral,  // the date of birth: before referral.received
  rule9,            // a review's meeting: rule 9 requires it to be the review's own date
};

struct FieldSpec {
  bool personal = false;       // (P) in SPEC §3: stripped for listings, left out of the cache
  // With `personal`: special-category data (UK GDPR Art. 9: ethnicity, health)
  // that the report counts. Still a Personal<T> that nothing prints, it is
  // kept, sealed, in the record without personal data and in the record
  // cache, as the age is, so that the report can count it (docs/record.md).
  bool special_category = false;
  bool written_empty = false;  // a list written even when empty (the schema requires it)
  bool fixed = false;          // one of the schema's fixed list at this field's path (schema_enum)
  Vocabulary Config::*vocabulary = nullptr;  // its value(s) come from this vocabulary of prevent.yaml
  bool named_by_id = false;    // list entries are addressed by their `id`, not their position
  // Kept by prevent itself from other fields when it seals a record (the
  // age at referral of an encrypted record): never corrected or imported.
  bool derived = false;
  bool one_as_list = false;    // a list also read from a single mapping: the entry of a history of one
  Dating dating = Dating::not_after_today;
};

template <class S, class M>
struct Field {
  // The YAML key. "source.sector" when the YAML groups consecutive members
  // under a map of their own (referral.source, referral.concern).
  std::string_view key;
  M S::*member;
  FieldSpec spec;

  // The group map's key ("source"), or empty.
  constexpr std::string_view group() const {
    auto dot = key.find('.');
    return dot == std::string_view::npos ? std::string_view{} : key.substr(0, dot);
  }
  // The key inside the group map ("sector"), or the key.
  constexpr std::string_view leaf() const {
    auto dot = key.find('.');
    return dot == std::string_view::npos ? key : key.substr(dot + 1);
  }
};

template <class S, class M>
constexpr Field<S, M> field(std::string_view key, M S::*member, FieldSpec spec = {}) {
  return Field<S, M>{key, member, spec};
}

// Specialised for each record struct below: `fields`, in the key order of
// SPEC §3 (the order the YAML is written in).
template <class S>
struct RecordFields;

template <class S>
concept RecordStruct = requires { RecordFields<S>::fields; };

inline constexpr FieldSpec kPersonal{.personal = true};
inline constexpr FieldSpec kFixed{.fixed = true};
// A consent history: a list, oldest first; the single mapping of a store
// written before the history was kept reads as its one entry.
inline constexpr FieldSpec kConsentHistory{.one_as_list = true};

template <>
struct RecordFields<Subject> {
  // Where its (P) fields are sealed (docs/encryption.md): the same
  // wherever the entry stands (a list, a previous episode, voided).
  static constexpr std::string_view sealed_under = "referral.subject";
  static constexpr auto fields = std::tuple{
      field("name", &Subject::name, kPersonal),
      field("date_of_birth", &Subject::date_of_birth, {.personal = true, .dating = Dating::before_referral}),
      field("gender", &Subject::gender, {.vocabulary = &Config::genders}),  // a reporting category, not (P)
      field("postcode_district", &Subject::postcode_district, kPersonal),
      // Not (P): the age in whole years on referral.received, kept in clear
      // beside a sealed date of birth so that the report's age bands and
      // rule 5 work without the key (docs/encryption.md).
      field("age_at_referral", &Subject::age_at_referral, {.derived = true}),
      field("ethnicity", &Subject::ethnicity,
            {.personal = true, .special_category = true, .vocabulary = &Config::ethnicities}),
      field("mental_health", &Subject::mental_health,
            {.personal = true, .special_category = true, .vocabulary = &Config::mental_health}),
      field("neurodiversity", &Subject::neurodiversity,
            {.personal = true, .special_category = true, .vocabulary = &Config::neurodiversity}),
  };
};

template <>
struct RecordFields<Referral> {
  static constexpr std::string_view sealed_under = "referral";
  static constexpr auto fields = std::tuple{
      field("received", &Referral::received),
      field("route", &Referral::route, {.vocabulary = &Config::routes}),
      field("from_area", &Referral::from_area),
      field("source.sector", &Referral::sector, {.vocabulary = &Config::sectors}),
      field("source.agency", &Referral::agency),
      field("source.referrer_role", &Referral::referrer_role),
      field("subject", &Referral::subject),
      field("concern.type", &Referral::concern_type, {.vocabulary = &Config::concern_types}),
      field("concern.summary", &Referral::concern_summary, kPersonal),
      field("consent_to_referral", &Referral::consent_to_referral, {.vocabulary = &Config::referral_consent}),
  };
};

template <>
struct RecordFields<Section36> {
  static constexpr auto fields = std::tuple{
      field("decided", &Section36::decided),
      field("by", &Section36::by),
  };
};

template <>
struct RecordFields<Triage> {
  static constexpr std::string_view sealed_under = "triage";
  static constexpr auto fields = std::tuple{
      field("completed", &Triage::completed),
      field("outcome", &Triage::outcome, kFixed),
      field("signposted_to", &Triage::signposted_to, {.vocabulary = &Config::services}),
      field("section36", &Triage::section36),
      field("rationale", &Triage::rationale, kPersonal),
  };
};

template <>
struct RecordFields<Assessment> {
  static constexpr std::string_view sealed_under = "assessments";
  static constexpr auto fields = std::tuple{
      field("date", &Assessment::date),
      field("framework", &Assessment::framework, kFixed),
      field("engagement", &Assessment::engagement, kFixed),
      field("intent", &Assessment::intent, kFixed),
      field("capability", &Assessment::capability, kFixed),
      field("notes", &Assessment::notes, kPersonal),
  };
};

template <>
struct RecordFields<Hearing> {
  static constexpr std::string_view sealed_under = "panel";
  static constexpr auto fields = std::tuple{
      field("meeting", &Hearing::meeting),
      field("decision", &Hearing::decision, kFixed),
      field("method", &Hearing::method, kFixed),
      field("signposted_to", &Hearing::signposted_to, {.vocabulary = &Config::services}),
      field("rationale", &Hearing::rationale, kPersonal),
  };
};

template <>
struct RecordFields<Consent> {
  static constexpr std::string_view sealed_under = "consent";
  static constexpr auto fields = std::tuple{
      field("status", &Consent::status, kFixed),
      field("by", &Consent::by, kFixed),
      field("date", &Consent::date),
      field("capacity_assessed", &Consent::capacity_assessed),
      field("reason", &Consent::reason, kPersonal),
  };
};

template <>
struct RecordFields<Action> {
  static constexpr std::string_view sealed_under = "support_plan";
  static constexpr auto fields = std::tuple{
      field("id", &Action::id),
      field("support", &Action::support, {.vocabulary = &Config::support_types}),
      field("provider", &Action::provider, kPersonal),
      field("added", &Action::added),
      field("due", &Action::due, {.dating = Dating::deadline}),
      field("status", &Action::status, kFixed),
      field("closed", &Action::closed),
      field("closed_with", &Action::closed_with, kFixed),
  };
};

template <>
struct RecordFields<ChronologyEntry> {
  static constexpr std::string_view sealed_under = "chronology";
  static constexpr auto fields = std::tuple{
      field("date", &ChronologyEntry::date),
      field("kind", &ChronologyEntry::kind, kFixed),
      field("with", &ChronologyEntry::with, kPersonal),
      field("text", &ChronologyEntry::text, kPersonal),
  };
};

template <>
struct RecordFields<Review> {
  static constexpr std::string_view sealed_under = "reviews";
  static constexpr auto fields = std::tuple{
      field("date", &Review::date),
      field("kind", &Review::kind, kFixed),
      field("meeting", &Review::meeting, {.dating = Dating::rule9}),
      field("outcome", &Review::outcome, kFixed),
      field("notes", &Review::notes, kPersonal),
  };
};

template <>
struct RecordFields<Erasure> {
  static constexpr std::string_view sealed_under = "erasure";
  static constexpr auto fields = std::tuple{
      field("date", &Erasure::date),
      field("reason", &Erasure::reason, kPersonal),
  };
};

template <>
struct RecordFields<Closure> {
  static constexpr auto fields = std::tuple{
      field("date", &Closure::date),
      field("reason", &Closure::reason, kFixed),
  };
};

template <>
struct RecordFields<Correction> {
  static constexpr std::string_view sealed_under = "corrections";
  static constexpr auto fields = std::tuple{
      field("date", &Correction::date),
      field("fields", &Correction::fields, {.written_empty = true}),
      field("reason", &Correction::reason, kPersonal),
  };
};

template <>
struct RecordFields<VoidedEntry> {
  static constexpr std::string_view sealed_under = "voided";
  static constexpr auto fields = std::tuple{
      field("what", &VoidedEntry::what),
      field("date", &VoidedEntry::date),
      field("reason", &VoidedEntry::reason, kPersonal),
      field("triage", &VoidedEntry::triage),
      field("assessment", &VoidedEntry::assessment),
      field("decision", &VoidedEntry::decision),
      field("consent", &VoidedEntry::consent),
      field("action", &VoidedEntry::action),
      field("review", &VoidedEntry::review),
      field("note", &VoidedEntry::note),
      field("closure", &VoidedEntry::closure),
  };
};

template <>
struct RecordFields<Episode> {
  static constexpr auto fields = std::tuple{
      field("consent", &Episode::consent, kConsentHistory),
      field("support_plan", &Episode::support_plan, {.named_by_id = true}),
      field("reviews", &Episode::reviews),
      field("closure", &Episode::closure),
      field("reopened", &Episode::reopened),
  };
};

template <>
struct RecordFields<ConflictSide> {
  static constexpr std::string_view sealed_under = "conflicts";
  static constexpr auto fields = std::tuple{
      field("by", &ConflictSide::by),
      field("date", &ConflictSide::date),
      field("value", &ConflictSide::value),
      field("personal_value", &ConflictSide::personal_value, kPersonal),
  };
};

template <>
struct RecordFields<Conflict> {
  static constexpr auto fields = std::tuple{
      field("field", &Conflict::field),
      field("ours", &Conflict::ours),
      field("theirs", &Conflict::theirs),
  };
};

template <>
struct RecordFields<Case> {
  static constexpr auto fields = std::tuple{
      field("id", &Case::id),
      field("previous_ids", &Case::previous_ids),
      field("number_also_given_to", &Case::number_also_given_to),
      field("referral", &Case::referral),
      field("related", &Case::related),
      field("triage", &Case::triage),
      field("assessments", &Case::assessments),
      field("panel", &Case::panel),
      field("consent", &Case::consent, kConsentHistory),
      field("support_plan", &Case::support_plan, {.named_by_id = true}),
      field("chronology", &Case::chronology),
      field("reviews", &Case::reviews),
      field("closure", &Case::closure),
      field("corrections", &Case::corrections),
      field("previous", &Case::previous),
      field("voided", &Case::voided),
      field("erasure", &Case::erasure),
      field("conflicts", &Case::conflicts),
  };
};

// ---------------------------------------------------------------------------
// Walking the tables.

// Calls f(field) for each field of S, in order.
template <RecordStruct S, class F>
constexpr void for_each_field(F&& f) {
  std::apply([&](const auto&... fd) { (f(fd), ...); }, RecordFields<S>::fields);
}

// Calls f(field, member) for each field of `s` (const or not), in order.
template <class S, class F>
  requires RecordStruct<std::remove_const_t<S>>
constexpr void visit_fields(S& s, F&& f) {
  for_each_field<std::remove_const_t<S>>([&](const auto& fd) { f(fd, s.*fd.member); });
}

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};
template <class T>
struct is_personal : std::false_type {};
template <class T>
struct is_personal<Personal<T>> : std::true_type {};

// A (P) mark and a Personal<T> member go together: personal data cannot be
// left unmarked nor a marked field formatted by accident.
template <RecordStruct S>
constexpr bool personal_marks_match() {
  bool ok = true;
  for_each_field<S>([&](const auto& fd) {
    using M = std::remove_cvref_t<decltype(std::declval<S&>().*fd.member)>;
    if (fd.spec.personal != is_personal<M>::value) ok = false;
    if constexpr (is_optional<M>::value || is_vector<M>::value) {
      if constexpr (RecordStruct<typename M::value_type>)
        if (!personal_marks_match<typename M::value_type>()) ok = false;
    } else if constexpr (RecordStruct<M>) {
      if (!personal_marks_match<M>()) ok = false;
    }
  });
  return ok;
}
static_assert(personal_marks_match<Case>(), "a (P) field must be a Personal<T> member and vice versa");

// A 32-bit FNV-1a signature of the description of S: every key, member
// kind, keyed enum's keys and (P) mark, nested structs included. The record
// cache's format number is made from it, so a change of layout cannot
// leave old entries readable as the new record.
namespace field_signature {

constexpr uint32_t mix(uint32_t h, std::string_view s) {
  for (char ch : s) h = (h ^ static_cast<unsigned char>(ch)) * 16777619u;
  return (h ^ 0xffu) * 16777619u;  // a separator, so "ab","c" differs from "a","bc"
}

template <class T>
constexpr uint32_t of_type(uint32_t h);

template <RecordStruct S>
constexpr uint32_t of_struct(uint32_t h) {
  h = mix(h, "{");
  for_each_field<S>([&](const auto& fd) {
    using M = std::remove_cvref_t<decltype(std::declval<S&>().*fd.member)>;
    h = mix(h, fd.key);
    h = mix(h, fd.spec.special_category ? "S" : fd.spec.personal ? "P" : fd.spec.derived ? "D" : "-");
    h = of_type<M>(h);
  });
  return mix(h, "}");
}

template <class T>
constexpr uint32_t of_type(uint32_t h) {
  if constexpr (std::is_same_v<T, std::string>) {
    return mix(h, "text");
  } else if constexpr (std::is_same_v<T, int>) {
    return mix(h, "int");
  } else if constexpr (std::is_same_v<T, Date>) {
    return mix(h, "date");
  } else if constexpr (KeyedEnum<T>) {
    h = mix(h, "enum");
    for (const auto& e : KeyTable<T>::entries) h = mix(h, e.key);
    return h;
  } else if constexpr (is_optional<T>::value) {
    return of_type<typename T::value_type>(mix(h, "optional"));
  } else if constexpr (is_vector<T>::value) {
    return of_type<typename T::value_type>(mix(h, "list"));
  } else if constexpr (is_personal<T>::value) {
    return of_type<std::remove_cvref_t<decltype(std::declval<const T&>().reveal())>>(mix(h, "personal"));
  } else {
    static_assert(RecordStruct<T>, "a record field of a kind case_fields.hpp does not know");
    return of_struct<T>(h);
  }
}

}  // namespace field_signature

template <RecordStruct S>
constexpr uint32_t record_signature() {
  return field_signature::of_struct<S>(2166136261u);
}

// Every date of the record with how rule 1 treats it, in record order.
// `path` is dotted, without list positions ("previous.support_plan.closed").
// Personal dates (the date of birth) are given too: this is the record
// module, where they may be read.
template <class F>
void for_each_date(const Case& c, F&& f);

namespace detail {

template <class T, class F>
void dates_in(const T& v, std::string& path, Dating how, F& f) {
  if constexpr (std::is_same_v<T, Date>) {
    f(v, std::string_view(path), how);
  } else if constexpr (is_optional<T>::value) {
    if (v) dates_in(*v, path, how, f);
  } else if constexpr (is_vector<T>::value) {
    for (const auto& x : v) dates_in(x, path, how, f);
  } else if constexpr (is_personal<T>::value) {
    dates_in(v.reveal(), path, how, f);
  } else if constexpr (RecordStruct<T>) {
    visit_fields(v, [&](const auto& fd, const auto& m) {
      const size_t size = path.size();
      if (!path.empty()) path += '.';
      path += fd.key;
      dates_in(m, path, fd.spec.dating, f);
      path.resize(size);
    });
  }
}

}  // namespace detail

template <class F>
void for_each_date(const Case& c, F&& f) {
  std::string path;
  detail::dates_in(c, path, Dating::not_after_today, f);
}

}  // namespace prevent

// The record described once (case_fields.hpp): every representation of a
// fully populated case keeps every field, and the description and the case
// schema name the same fields.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "case_entry_codec.hpp"
#include "case_fields.hpp"
#include "case_record.hpp"
#include "schema.hpp"
#include "member_count.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {

// A fixed-list value by its key, as the record writes it.
struct K {
  std::string_view key;
  template <prevent::KeyedEnum E>
  operator E() const { return *prevent::key_to<E>(key); }
};

template <class S>
constexpr bool described_whole() {
  using test_members::member_count;
  return member_count<S>() == std::tuple_size_v<std::remove_cvref_t<decltype(RecordFields<S>::fields)>>;
}

// A member added to a record struct but not to its description fails here.
static_assert(described_whole<Subject>() && described_whole<Referral>() && described_whole<Section36>() &&
              described_whole<Triage>() && described_whole<Assessment>() && described_whole<Hearing>() &&
              described_whole<Consent>() && described_whole<Action>() && described_whole<ChronologyEntry>() &&
              described_whole<Review>() && described_whole<Closure>() && described_whole<Correction>() &&
              described_whole<Episode>() && described_whole<VoidedEntry>() && described_whole<ConflictSide>() &&
              described_whole<Conflict>() && described_whole<Case>());

// A case with every field set, every optional present and every list of
// two entries or more, an earlier episode included; valid against the
// schema and the default vocabularies.
Case full_case() {
  Case c;
  c.id = "PRV-2024-0007";
  c.referral.received = d("2024-02-29");
  c.referral.route = "transfer-in";
  c.referral.from_area = "Example Shire";
  c.referral.sector = "education";
  c.referral.agency = "Quillet Academy";
  c.referral.referrer_role = "Designated Safeguarding Lead";
  c.referral.subject.name = PersonalText("Vexlo Drellquix");
  c.referral.subject.date_of_birth = PersonalDate(d("2008-03-01"));  // 15 on the referral date
  c.referral.subject.gender = "female";
  c.referral.subject.postcode_district = Personal<std::optional<std::string>>(std::string("ZZ4"));
  c.referral.subject.age_at_referral = 15;
  c.referral.subject.ethnicity = Personal<std::optional<std::string>>(std::string("mixed"));
  c.referral.subject.mental_health = Personal<std::optional<std::string>>(std::string("concern"));
  c.referral.subject.neurodiversity = Personal<std::optional<std::string>>(std::string("autism"));
  c.referral.consent_to_referral = "given";
  c.referral.concern_type = "islamist";
  c.referral.concern_summary = PersonalText("Summary phrase Okkvan");
  c.previous_ids = {"PRV-2024-0004", "PRV-2024-0005"};
  c.number_also_given_to = {"PRV-2024-0031", "PRV-2024-0032"};
  c.related = {"PRV-2023-0002", "PRV-2022-0011"};
  Triage t;
  t.completed = d("2024-03-04");
  t.outcome = K{"channel-panel"};
  t.signposted_to = {"early-help", "housing"};
  t.section36 = Section36{d("2024-03-04"), "Counter Terrorism Policing"};
  t.rationale = PersonalNote(std::string("Rationale phrase Okkvan"));
  c.triage = t;
  c.assessments.push_back(
      Assessment{d("2024-03-10"), "VAF", "medium", "low", "low", PersonalNote(std::string("Notes Okkvan"))});
  c.assessments.push_back(
      Assessment{d("2024-03-20"), "PAF", "high", "medium", "high", PersonalNote(std::string("Notes two"))});
  c.panel.push_back(Hearing{d("2024-03-14"), K{"defer"}, std::string("chair"), {"education", "mental-health"},
                            PersonalNote(std::string("Okkvan"))});
  c.panel.push_back(Hearing{d("2024-03-28"), K{"adopt"}, std::string("majority"), {"housing", "other"},
                            PersonalNote(std::string("Adopted: Okkvan"))});
  c.consent = {Consent{K{"requested"}, K{"attorney-or-deputy"}, d("2024-03-29"), d("2024-03-20"),
                       PersonalNote(std::string("Asked Okkvan's deputy"))},
               Consent{K{"given"}, K{"best-interests"}, d("2024-04-02"), d("2024-03-21"),
                       PersonalNote(std::string("Decided for Okkvan"))}};
  c.support_plan.push_back(Action{"A1", "ideological-mentoring", PersonalText("Provider"), d("2024-04-02"), d("2024-06-30"), K{"closed"},
                                  d("2024-05-01"), K{"case"}});
  c.support_plan.push_back(
      Action{"A2", "family-support", PersonalText("Provider two"), d("2024-04-03"), d("2024-07-30"), K{"closed"}, d("2024-05-02"), K{"case"}});
  c.chronology.push_back(
      ChronologyEntry{d("2024-03-01"), "info-request", PersonalText("Example NHS FT"), PersonalNote(std::string("Okkvan text"))});
  c.chronology.push_back(
      ChronologyEntry{d("2024-03-02"), "info-received", PersonalText("Example school"), PersonalNote(std::string("Text two"))});
  c.reviews.push_back(Review{d("2024-04-25"), K{"monthly"}, d("2024-04-25"), K{"continue"}, PersonalNote(std::string("x"))});
  c.reviews.push_back(Review{d("2024-05-23"), K{"monthly"}, d("2024-05-23"), K{"close"}, PersonalNote(std::string("z"))});
  c.closure = Closure{d("2024-05-23"), K{"no-further-concerns"}};
  c.corrections.push_back(
      Correction{d("2024-05-02"), {"triage.completed", "panel.1.method"}, PersonalText("Reason Okkvan")});
  c.corrections.push_back(Correction{d("2024-05-03"), {"referral.source.agency", "closure.reason"},
                                     PersonalText("Second reason")});
  for (int i = 0; i < 2; ++i) {
    Episode e;
    e.consent = {Consent{K{"given"}, K{"attorney-or-deputy"}, d("2024-01-03"), d("2024-01-02"),
                         PersonalNote(std::string("Given for Okkvan"))},
                 Consent{K{"withdrawn"}, K{"attorney-or-deputy"}, d("2024-01-10"), d("2024-01-02"),
                         PersonalNote(std::string("Withdrawn for Okkvan"))}};
    e.support_plan.push_back(
        Action{"A1", "life-skills", PersonalText("Provider"), d("2024-01-02"), d("2024-02-01"), K{"closed"}, d("2024-01-10"), K{"case"}});
    e.support_plan.push_back(
        Action{"A2", "employment", PersonalText("Provider"), d("2024-01-03"), d("2024-02-02"), K{"closed"}, d("2024-01-09"), K{"case"}});
    e.reviews.push_back(Review{d("2024-01-20"), K{"post-closure-6"}, d("2024-01-20"), K{"no-concerns"},
                               PersonalNote(std::string("y"))});
    e.reviews.push_back(
        Review{d("2024-01-21"), K{"post-closure-12"}, d("2024-01-21"), K{"reopen"}, PersonalNote(std::string("w"))});
    e.closure = Closure{d("2024-01-10"), K{"consent-withdrawn"}};
    e.reopened = d("2024-01-21");
    c.previous.push_back(e);
  }
  // Every kind of entry in each voided one: the description test needs all
  // present; the record's own voids hold one each.
  for (int i = 0; i < 2; ++i) {
    VoidedEntry v;
    v.what = i == 0 ? "review:2024-05-23" : "note:2024-03-01:2";
    v.date = d("2024-05-30");
    v.reason = PersonalText("Void reason Okkvan");
    v.triage = t;
    v.assessment = c.assessments.front();
    v.decision = c.panel.front();
    v.consent = c.consent.back();
    v.action = c.support_plan.front();
    v.review = c.reviews.back();
    v.note = c.chronology.front();
    v.closure = c.closure;
    c.voided.push_back(v);
  }
  c.erasure = Erasure{d("2026-06-01"), PersonalText("Fictional: retention period over")};
  // A side holds `value` or `personal_value` by the field; the description
  // test needs both present.
  for (int i = 0; i < 2; ++i)
    c.conflicts.push_back(Conflict{i == 0 ? "triage.outcome" : "panel[2024-03-14].rationale",
                                   ConflictSide{"Alex Example", d("2024-05-30"), std::string("signposted"),
                                                PersonalNote(std::string("Okkvan, ours"))},
                                   ConflictSide{"Sam Example", d("2024-05-31"), std::string("no-further-action"),
                                                PersonalNote(std::string("Okkvan, theirs"))}});
  return c;
}

// Every field of `v` holds something: optionals present, lists of two or
// more, text not empty.
template <class T>
void check_populated(const T& v, const std::string& path) {
  if constexpr (is_personal<T>::value) {
    check_populated(v.reveal(), path);
  } else if constexpr (is_optional<T>::value) {
    CHECK_MESSAGE(v.has_value(), path);
    if (v) check_populated(*v, path);
  } else if constexpr (is_vector<T>::value) {
    CHECK_MESSAGE(v.size() >= 2, path);
    for (const auto& x : v) check_populated(x, path);
  } else if constexpr (std::is_same_v<T, std::string>) {
    CHECK_MESSAGE(!v.empty(), path);
  } else if constexpr (RecordStruct<T>) {
    visit_fields(v, [&](const auto& fd, const auto& m) { check_populated(m, fmt::format("{}.{}", path, fd.key)); });
  }
}

// `stripped` is `full` with every (P) field emptied but the special-category
// ones the report counts, and every other field kept exactly. The date of
// birth is checked by its age apart.
template <class T>
void check_stripped(const T& full, const T& stripped, const std::string& path) {
  if constexpr (is_optional<T>::value) {
    REQUIRE_MESSAGE(full.has_value() == stripped.has_value(), path);
    if (full) check_stripped(*full, *stripped, path);
  } else if constexpr (is_vector<T>::value) {
    REQUIRE_MESSAGE(full.size() == stripped.size(), path);
    for (size_t i = 0; i < full.size(); ++i) check_stripped(full[i], stripped[i], path);
  } else if constexpr (RecordStruct<T>) {
    for_each_field<T>([&](const auto& fd) {
      const auto& a = full.*fd.member;
      const auto& b = stripped.*fd.member;
      const std::string p = fmt::format("{}.{}", path, fd.key);
      using M = std::remove_cvref_t<decltype(b)>;
      if constexpr (is_personal<M>::value) {
        if (fd.spec.special_category)
          CHECK_MESSAGE(b == a, p);
        else if (fd.key != "date_of_birth")
          CHECK_MESSAGE(b == M(), p);
      } else {
        check_stripped(a, b, p);
      }
    });
  } else {
    CHECK_MESSAGE(full == stripped, path);
  }
}

const Config& config() {
  static const Config cfg = default_config("Test", "PRV", 2026);
  return cfg;
}

}  // namespace

TEST_CASE("the fully populated case has every field of the description set") {
  check_populated(full_case(), "");
}

TEST_CASE("a fully populated case reads back from its YAML byte for byte") {
  const Case c = full_case();
  const std::string text = write_case(c);
  const Case back = read_case(text, "full.yaml", config());
  CHECK(write_case(back) == text);
  check_populated(back, "");
}

TEST_CASE("a fully populated case goes through the record cache's entry unchanged, but for personal data") {
  const Case stripped = without_personal_data(full_case());
  auto back = decode_case_entry(encode_case_entry(stripped));
  REQUIRE(back.has_value());
  CHECK(write_case(*back) == write_case(stripped));
  check_stripped(full_case(), *back, "");
  CHECK(age_at_referral(*back) == 15);
}

TEST_CASE("without_personal_data keeps every other field exactly and the age") {
  const Case c = full_case();
  const Case r = without_personal_data(c);
  check_stripped(c, r, "");
  CHECK(age_at_referral(r) == age_at_referral(c));
  CHECK(r.referral.subject.date_of_birth.reveal() != c.referral.subject.date_of_birth.reveal());
}

namespace {

// The schema's properties as dotted paths, list items left out.
void schema_paths(const nlohmann::json& root, const nlohmann::json& node, const std::string& path,
                  std::set<std::string>& out) {
  const nlohmann::json* n = &node;
  while (n->contains("$ref")) {
    std::string ref = (*n)["$ref"];
    REQUIRE(ref.rfind("#/definitions/", 0) == 0);
    n = &root["definitions"][ref.substr(14)];
  }
  if (n->contains("properties"))
    for (const auto& [key, sub] : (*n)["properties"].items()) {
      std::string p = path.empty() ? key : path + "." + key;
      out.insert(p);
      schema_paths(root, sub, p, out);
    }
  if (n->contains("items")) schema_paths(root, (*n)["items"], path, out);
  // A value of more than one form (a consent history): the fields of each.
  if (n->contains("anyOf"))
    for (const auto& form : (*n)["anyOf"]) schema_paths(root, form, path, out);
}

template <class T>
struct entry_type {
  using type = T;
};
template <class T>
struct entry_type<std::optional<T>> {
  using type = T;
};
template <class T>
struct entry_type<std::vector<T>> {
  using type = T;
};

// The description's fields as dotted paths, group maps included.
template <RecordStruct S>
void described_paths(const std::string& path, std::set<std::string>& out) {
  for_each_field<S>([&](const auto& fd) {
    using M = std::remove_cvref_t<decltype(std::declval<S&>().*fd.member)>;
    using E = typename entry_type<M>::type;
    if (!fd.group().empty()) out.insert(path.empty() ? std::string(fd.group()) : path + "." + std::string(fd.group()));
    std::string p = path.empty() ? std::string(fd.key) : path + "." + std::string(fd.key);
    out.insert(p);
    if constexpr (RecordStruct<E>) described_paths<E>(p, out);
  });
}

// Fixed-list fields, and every field's kind of value, as the description says.
template <RecordStruct S>
void fixed_fields(const std::string& path, std::set<std::string>& fixed, std::set<std::string>& other) {
  for_each_field<S>([&](const auto& fd) {
    using M = std::remove_cvref_t<decltype(std::declval<S&>().*fd.member)>;
    using E = typename entry_type<M>::type;
    std::string p = path.empty() ? std::string(fd.key) : path + "." + std::string(fd.key);
    if constexpr (RecordStruct<E>) fixed_fields<E>(p, fixed, other);
    else if (fd.spec.fixed || KeyedEnum<E>) fixed.insert(p);
    else other.insert(p);
  });
}

}  // namespace

TEST_CASE("the case schema and the record's description name the same fields") {
  const auto schema = nlohmann::json::parse(schema_file(SchemaKind::case_record).text);
  std::set<std::string> in_schema, described;
  schema_paths(schema, schema, "", in_schema);
  described_paths<Case>("", described);
  for (const auto& p : in_schema) CHECK_MESSAGE(described.count(p), "in the schema, not described: " << p);
  for (const auto& p : described) CHECK_MESSAGE(in_schema.count(p), "described, not in the schema: " << p);
}

TEST_CASE("a field is of a fixed list exactly when the schema gives its values") {
  std::set<std::string> fixed, other;
  fixed_fields<Case>("", fixed, other);
  for (const auto& p : fixed) CHECK_MESSAGE(!schema_enum(SchemaKind::case_record, p).empty(), p);
  for (const auto& p : other) CHECK_MESSAGE(schema_enum(SchemaKind::case_record, p).empty(), p);
}

TEST_CASE("the (P) fields are those of SPEC §3") {
  for (const char* p : {"referral.subject.name", "referral.subject.date_of_birth", "referral.subject.postcode_district",
                        "referral.concern.summary", "triage.rationale", "assessments[1].notes", "panel[2].rationale",
                        "chronology[1].text", "reviews[3].notes", "corrections[1].reason",
                        "previous[1].reviews[3].notes", "voided[1].reason", "voided[2].note.text",
                        "voided[1].triage.rationale", "chronology[2].with", "support_plan[1].provider",
                        "referral.subject.ethnicity", "referral.subject.mental_health",
                        "referral.subject.neurodiversity", "conflicts[1].ours.personal_value",
                        "conflicts[2].theirs.personal_value"})
    CHECK_MESSAGE(is_personal_field(p), p);
  for (const char* p : {"id", "referral.subject.gender", "referral.concern.type", "referral.source.agency",
                        "referral.consent_to_referral",
                        "panel[1].decision", "previous[1].closure.reason",
                        "voided[1].what", "voided[1].date", "voided[2].decision.decision", "conflicts[1].field",
                        "conflicts[1].ours.value", "conflicts[1].theirs.by", "conflicts[1].theirs.date"})
    CHECK_MESSAGE(!is_personal_field(p), p);
}

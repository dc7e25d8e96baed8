// The case record of SPEC §3: its canonical YAML form (§2.2), reading with
// validation, vocabularies (§5) and the repeat-referral key (§4 rule 10).
#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "case_fixtures.hpp"
#include "test_support.hpp"
#include "case_record.hpp"
#include "config.hpp"
#include "failure.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {





Config test_config() { return default_config("Test", "PRV", 2026); }

using fixtures::full_case;

// The canonical text of full_case(), written out by hand from SPEC §3.
const std::string kFullText =
    "# yaml-language-server: $schema=../../schemas/case.schema.json\n"
    "id: PRV-2026-0014\n"
    "previous_ids:\n"
    "  - PRV-2026-0002\n"
    "referral:\n"
    "  received: 2026-01-05\n"
    "  route: transfer-in\n"
    "  from_area: Zedshire\n"
    "  source:\n"
    "    sector: education\n"
    "    agency: Quillet Academy\n"
    "    referrer_role: Designated Safeguarding Lead\n"
    "  subject:\n"
    "    name: Zorvan Quillet\n"
    "    date_of_birth: 2010-05-17\n"
    "    gender: male\n"
    "    postcode_district: ZZ1\n"
    "  concern:\n"
    "    type: extreme-right-wing\n"
    "    summary: \"Fictional: shared \\\"quoted\\\" material # online\"\n"
    "related:\n"
    "  - PRV-2025-0003\n"
    "triage:\n"
    "  completed: 2026-01-08\n"
    "  outcome: channel-panel\n"
    "  signposted_to:\n"
    "    - early-help\n"
    "  section36:\n"
    "    decided: 2026-01-08\n"
    "    by: Counter Terrorism Policing North West\n"
    "  rationale: Fictional rationale\n"
    "assessments:\n"
    "  - date: 2026-01-20\n"
    "    framework: VAF\n"
    "    engagement: medium\n"
    "    intent: low\n"
    "    capability: low\n"
    "    notes: Fictional assessment\n"
    "  - date: 2026-02-20\n"
    "    framework: PAF\n"
    "    engagement: low\n"
    "    intent: low\n"
    "    capability: low\n"
    "panel:\n"
    "  - meeting: 2026-01-22\n"
    "    decision: defer\n"
    "  - meeting: 2026-02-05\n"
    "    decision: adopt\n"
    "    method: consensus\n"
    "    signposted_to:\n"
    "      - mental-health\n"
    "    rationale: Fictional panel note\n"
    "consent:\n"
    "  - status: requested\n"
    "    by: parent-guardian\n"
    "    date: 2026-11-13\n"
    "  - status: given\n"
    "    by: parent-guardian\n"
    "    date: 2026-11-20\n"
    "support_plan:\n"
    "  - id: A1\n"
    "    support: ideological-mentoring\n"
    "    provider: Home Office approved intervention provider\n"
    "    added: 2026-11-20\n"
    "    due: 2027-01-31\n"
    "    status: done\n"
    "    closed: 2027-01-20\n"
    "  - id: A2\n"
    "    support: family-support\n"
    "    provider: Zedshire Family Service\n"
    "    added: 2026-11-25\n"
    "    due: 2027-03-31\n"
    "    status: open\n"
    "chronology:\n"
    "  - date: 2026-01-06\n"
    "    kind: info-request\n"
    "    with: Zedshire NHS FT\n"
    "    text: Fictional text\n"
    "  - date: 2026-01-07\n"
    "    kind: info-received\n"
    "    with: Zedshire NHS FT\n"
    "reviews:\n"
    "  - date: 2026-12-17\n"
    "    kind: monthly\n"
    "    meeting: 2026-12-17\n"
    "    outcome: continue\n"
    "    notes: Fictional notes\n"
    "  - date: 2027-01-14\n"
    "    kind: monthly\n"
    "    outcome: close\n"
    "closure:\n"
    "  date: 2027-01-14\n"
    "  reason: no-further-concerns\n"
    "corrections:\n"
    "  - date: 2027-01-20\n"
    "    fields:\n"
    "      - triage.completed\n"
    "      - referral.received\n"
    "    reason: Fictional correction reason\n"
    "previous:\n"
    "  - consent:\n"
    "      - status: given\n"
    "        by: parent-guardian\n"
    "        date: 2026-02-10\n"
    "    support_plan:\n"
    "      - id: A1\n"
    "        support: education-training\n"
    "        provider: Zedshire College\n"
    "        added: 2026-02-10\n"
    "        due: 2026-04-30\n"
    "        status: done\n"
    "        closed: 2026-04-20\n"
    "    reviews:\n"
    "      - date: 2026-03-05\n"
    "        kind: monthly\n"
    "        outcome: close\n"
    "        notes: Fictional earlier notes\n"
    "      - date: 2026-09-07\n"
    "        kind: post-closure-6\n"
    "        outcome: reopen\n"
    "    closure:\n"
    "      date: 2026-03-05\n"
    "      reason: no-further-concerns\n"
    "    reopened: 2026-09-07\n";

void check_same_consent(const std::vector<Consent>& a, const std::vector<Consent>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].status == b[i].status);
    CHECK(a[i].by == b[i].by);
    CHECK(a[i].date == b[i].date);
    CHECK(a[i].capacity_assessed == b[i].capacity_assessed);
    CHECK(a[i].reason == b[i].reason);
  }
}

void check_same_actions(const std::vector<Action>& a, const std::vector<Action>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].id == b[i].id);
    CHECK(a[i].support == b[i].support);
    CHECK(a[i].provider == b[i].provider);
    CHECK(a[i].added == b[i].added);
    CHECK(a[i].due == b[i].due);
    CHECK(a[i].status == b[i].status);
    CHECK(a[i].closed == b[i].closed);
  }
}

void check_same_reviews(const std::vector<Review>& a, const std::vector<Review>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].date == b[i].date);
    CHECK(a[i].kind == b[i].kind);
    CHECK(a[i].meeting == b[i].meeting);
    CHECK(a[i].outcome == b[i].outcome);
    CHECK(a[i].notes == b[i].notes);
  }
}

void check_same_closure(const std::optional<Closure>& a, const std::optional<Closure>& b) {
  REQUIRE(a.has_value() == b.has_value());
  if (!a) return;
  CHECK(a->date == b->date);
  CHECK(a->reason == b->reason);
}

void check_same_case(const Case& a, const Case& b) {
  CHECK(a.id == b.id);
  const Referral &ra = a.referral, &rb = b.referral;
  CHECK(ra.received == rb.received);
  CHECK(ra.route == rb.route);
  CHECK(ra.from_area == rb.from_area);
  CHECK(ra.sector == rb.sector);
  CHECK(ra.agency == rb.agency);
  CHECK(ra.referrer_role == rb.referrer_role);
  CHECK(ra.subject.name == rb.subject.name);
  CHECK(ra.subject.date_of_birth == rb.subject.date_of_birth);
  CHECK(ra.subject.gender == rb.subject.gender);
  CHECK(ra.subject.postcode_district == rb.subject.postcode_district);
  CHECK(ra.concern_type == rb.concern_type);
  CHECK(ra.concern_summary == rb.concern_summary);
  CHECK(a.related == b.related);

  REQUIRE(a.triage.has_value() == b.triage.has_value());
  if (a.triage) {
    CHECK(a.triage->completed == b.triage->completed);
    CHECK(a.triage->outcome == b.triage->outcome);
    CHECK(a.triage->signposted_to == b.triage->signposted_to);
    REQUIRE(a.triage->section36.has_value() == b.triage->section36.has_value());
    if (a.triage->section36) {
      CHECK(a.triage->section36->decided == b.triage->section36->decided);
      CHECK(a.triage->section36->by == b.triage->section36->by);
    }
    CHECK(a.triage->rationale == b.triage->rationale);
  }

  REQUIRE(a.assessments.size() == b.assessments.size());
  for (size_t i = 0; i < a.assessments.size(); ++i) {
    CHECK(a.assessments[i].date == b.assessments[i].date);
    CHECK(a.assessments[i].framework == b.assessments[i].framework);
    CHECK(a.assessments[i].engagement == b.assessments[i].engagement);
    CHECK(a.assessments[i].intent == b.assessments[i].intent);
    CHECK(a.assessments[i].capability == b.assessments[i].capability);
    CHECK(a.assessments[i].notes == b.assessments[i].notes);
  }

  REQUIRE(a.panel.size() == b.panel.size());
  for (size_t i = 0; i < a.panel.size(); ++i) {
    CHECK(a.panel[i].meeting == b.panel[i].meeting);
    CHECK(a.panel[i].decision == b.panel[i].decision);
    CHECK(a.panel[i].method == b.panel[i].method);
    CHECK(a.panel[i].signposted_to == b.panel[i].signposted_to);
    CHECK(a.panel[i].rationale == b.panel[i].rationale);
  }

  check_same_consent(a.consent, b.consent);
  check_same_actions(a.support_plan, b.support_plan);

  REQUIRE(a.chronology.size() == b.chronology.size());
  for (size_t i = 0; i < a.chronology.size(); ++i) {
    CHECK(a.chronology[i].date == b.chronology[i].date);
    CHECK(a.chronology[i].kind == b.chronology[i].kind);
    CHECK(a.chronology[i].with == b.chronology[i].with);
    CHECK(a.chronology[i].text == b.chronology[i].text);
  }

  check_same_reviews(a.reviews, b.reviews);
  check_same_closure(a.closure, b.closure);

  REQUIRE(a.corrections.size() == b.corrections.size());
  for (size_t i = 0; i < a.corrections.size(); ++i) {
    CHECK(a.corrections[i].date == b.corrections[i].date);
    CHECK(a.corrections[i].fields == b.corrections[i].fields);
    CHECK(a.corrections[i].reason == b.corrections[i].reason);
  }

  REQUIRE(a.previous.size() == b.previous.size());
  for (size_t i = 0; i < a.previous.size(); ++i) {
    check_same_consent(a.previous[i].consent, b.previous[i].consent);
    check_same_actions(a.previous[i].support_plan, b.previous[i].support_plan);
    check_same_reviews(a.previous[i].reviews, b.previous[i].reviews);
    check_same_closure(a.previous[i].closure, b.previous[i].closure);
    CHECK(a.previous[i].reopened == b.previous[i].reopened);
  }
}

Case minimal_case() {
  Case c;
  c.id = "PRV-2026-0015";
  c.referral.received = d("2026-11-03");
  c.referral.route = "email";
  c.referral.sector = "education";
  c.referral.agency = "Quillet Academy";
  c.referral.referrer_role = "Designated Safeguarding Lead";
  c.referral.subject.name = PersonalText("Zorvan Quillet");
  c.referral.subject.gender = "male";
  c.referral.concern_type = "islamist";
  c.referral.concern_summary = PersonalText("Fictional summary");
  return c;
}

}  // namespace

TEST_CASE("a full case is written in the key order of SPEC section 3") {
  CHECK(write_case(full_case()) == kFullText);
}

TEST_CASE("a full case written and read back is the same case and the same bytes") {
  Config cfg = test_config();
  Case original = full_case();
  std::string text = write_case(original);
  Case back = read_case(text, "cases/2026/PRV-2026-0014.yaml", cfg);
  check_same_case(original, back);
  CHECK(write_case(back) == text);
}

TEST_CASE("reading then writing a canonical file gives back the same bytes") {
  Config cfg = test_config();
  CHECK(write_case(read_case(kFullText, "case.yaml", cfg)) == kFullText);
  std::string minimal = write_case(minimal_case());
  CHECK(write_case(read_case(minimal, "case.yaml", cfg)) == minimal);
}

TEST_CASE("empty lists and absent sections are left out of the file") {
  std::string text = write_case(minimal_case());
  CHECK(text ==
        "# yaml-language-server: $schema=../../schemas/case.schema.json\n"
        "id: PRV-2026-0015\n"
        "referral:\n"
        "  received: 2026-11-03\n"
        "  route: email\n"
        "  source:\n"
        "    sector: education\n"
        "    agency: Quillet Academy\n"
        "    referrer_role: Designated Safeguarding Lead\n"
        "  subject:\n"
        "    name: Zorvan Quillet\n"
        "    gender: male\n"
        "  concern:\n"
        "    type: islamist\n"
        "    summary: Fictional summary\n");
  for (const char* key : {"related", "triage", "assessments", "panel", "consent", "support_plan", "chronology",
                          "reviews", "closure", "corrections", "previous", "from_area", "date_of_birth",
                          "postcode_district", "[]", "~"})
    CHECK_FALSE(has(text, key));
}

TEST_CASE("a valid but non-canonical case reads fine and is written canonically") {
  std::string input =
      "\xEF\xBB\xBF"
      "# a hand-edited file\r\n"
      "referral:\r\n"
      "  subject:\r\n"
      "    gender: male\r\n"
      "    name: \"Zorvan Quillet\"\r\n"
      "  concern: {type: islamist, summary: 'Fictional summary'}\r\n"
      "  route: email\r\n"
      "  from_area: ~\r\n"
      "  received: 2026-11-03\r\n"
      "  source:\r\n"
      "      referrer_role:   Designated Safeguarding Lead\r\n"
      "      agency: Quillet Academy   # trailing comment\r\n"
      "      sector: education\r\n"
      "id: 'PRV-2026-0015'\r\n"
      "related: []\r\n";
  Config cfg = test_config();
  Case c = read_case(input, "case.yaml", cfg);
  CHECK(c.id == "PRV-2026-0015");
  CHECK_FALSE(c.referral.from_area.has_value());
  CHECK(c.referral.agency == "Quillet Academy");
  CHECK(c.related.empty());
  CHECK(write_case(c) == write_case(minimal_case()));
}

TEST_CASE("the schema comment is the first line of every case file") {
  std::string text = write_case(minimal_case());
  CHECK(text.rfind(std::string(kCaseSchemaComment), 0) == 0);
  CHECK(text.back() == '\n');
  CHECK_FALSE(has(text, "\r"));
  CHECK(text.rfind("\xEF\xBB\xBF", 0) == std::string::npos);
}

TEST_CASE("a case file lives under the year the referral was received") {
  CHECK(case_path("PRV-2026-0014", 2026) == "cases/2026/PRV-2026-0014.yaml");
  CHECK(case_path("PRV-2025-10000", 2025) == "cases/2025/PRV-2025-10000.yaml");
}

TEST_CASE("an impossible date in a case is invalid data naming the key and line") {
  std::string text = replace(kFullText, "completed: 2026-01-08", "completed: 2026-02-30");
  auto f = failure_of([&] { read_case(text, "case.yaml", test_config()); });
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK_MESSAGE(has(f->what(), "triage.completed"), std::string(f->what()));
  CHECK_MESSAGE(has(f->what(), "(case.yaml:24)"), std::string(f->what()));

  std::string dob = replace(kFullText, "date_of_birth: 2010-05-17", "date_of_birth: 2010-02-29");
  auto g = failure_of([&] { read_case(dob, "case.yaml", test_config()); });
  REQUIRE(g);
  CHECK(g->code() == Exit::invalid_data);
  CHECK_FALSE(has(g->what(), "Zorvan"));
}

TEST_CASE("a sector outside the store's vocabulary is refused as invalid data") {
  std::string text = replace(kFullText, "sector: education", "sector: space-agency");
  auto f = failure_of([&] { read_case(text, "case.yaml", test_config()); });
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK(has(f->what(), "referral.source.sector"));
  CHECK(has(f->what(), "space-agency"));
  CHECK_FALSE(has(f->what(), "Zorvan"));
  CHECK_FALSE(has(f->what(), "Fictional"));
}

TEST_CASE("a route is a key of the store's routes vocabulary") {
  // Outside it: invalid data, naming the field and listing the allowed keys.
  std::string text = replace(kFullText, "route: transfer-in", "route: north-hub");
  text = replace(text, "  from_area: Zedshire\n", "");
  auto f = failure_of([&] { read_case(text, "case.yaml", test_config()); });
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK(has(f->what(), "referral.route: 'north-hub' is not in the store's routes vocabulary (case.yaml)"));
  for (const auto& k : test_config().routes.keys()) CHECK(has(f->hint(), k));
  // A store that lists its own hub reads it.
  Config cfg = test_config();
  cfg.routes.entries.insert(cfg.routes.entries.begin(), {"north-hub", "North Hub", std::nullopt, std::nullopt});
  CHECK(read_case(text, "case.yaml", cfg).referral.route == "north-hub");
  // referral.from_area still goes only with transfer-in, whatever else the
  // store lists.
  auto g = failure_of([&] {
    read_case(replace(kFullText, "route: transfer-in", "route: north-hub"), "case.yaml", cfg);
  });
  REQUIRE(g);
  CHECK(g->code() == Exit::invalid_data);
  CHECK(has(g->what(), "referral.from_area: only with route transfer-in"));
}

TEST_CASE("every vocabulary-valued field is checked against prevent.yaml") {
  Config cfg = test_config();
  CHECK_NOTHROW(check_case_vocabularies(full_case(), cfg, "case.yaml"));
  auto expect_refused = [&](const Case& c, const char* field) {
    CAPTURE(field);
    auto f = failure_of([&] { check_case_vocabularies(c, cfg, "case.yaml"); });
    REQUIRE(f);
    CHECK(f->code() == Exit::invalid_data);
    CHECK(has(f->what(), field));
  };
  Case route = full_case();
  route.referral.route = "fax";
  expect_refused(route, "referral.route");
  Case gender = full_case();
  gender.referral.subject.gender = "unknown";
  expect_refused(gender, "referral.subject.gender");
  Case concern = full_case();
  concern.referral.concern_type = "anarchist";
  expect_refused(concern, "referral.concern.type");
  Case service = full_case();
  service.triage->signposted_to = {"witchfinder"};
  expect_refused(service, "triage.signposted_to");
  Case panel_service = full_case();
  panel_service.panel[1].signposted_to = {"witchfinder"};
  expect_refused(panel_service, "panel.signposted_to");
  Case support = full_case();
  support.support_plan[0].support = "astrology";
  expect_refused(support, "support_plan.support");
  Case previous = full_case();
  previous.previous[0].support_plan[0].support = "astrology";
  expect_refused(previous, "support_plan.support");
  // An entry a store added to its vocabulary is accepted.
  cfg.sectors.entries.push_back({"space-agency", "Space agency", std::nullopt, std::nullopt});
  Case added = full_case();
  added.referral.sector = "space-agency";
  CHECK_NOTHROW(check_case_vocabularies(added, cfg, "case.yaml"));
}

TEST_CASE("a case file over 1 MiB is refused before parsing") {
  std::string text = kFullText + "# " + std::string(kMaxRecordBytes, 'x') + "\n";
  auto f = failure_of([&] { read_case(text, "case.yaml", test_config()); });
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
}

TEST_CASE("a case file with an unknown key or a missing section is invalid data") {
  auto f = failure_of([&] { read_case(kFullText + "stage: closed\n", "case.yaml", test_config()); });
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  auto g = failure_of([&] {
    read_case(replace(kFullText, "  route: transfer-in\n", ""), "case.yaml", test_config());
  });
  REQUIRE(g);
  CHECK(g->code() == Exit::invalid_data);
}

TEST_CASE("the person key folds case and spaces in the name") {
  Case a = minimal_case();
  a.referral.subject.date_of_birth = PersonalDate(d("2010-05-17"));
  Case b = a;
  b.referral.subject.name = PersonalText("  zorvan   QUILLET ");
  Case c = a;
  c.referral.subject.name = PersonalText("Zorvan\tQuillet");
  REQUIRE(person_key(a).has_value());
  CHECK(person_key(a) == person_key(b));
  CHECK(person_key(a) == person_key(c));
}

TEST_CASE("the person key needs the same date of birth and the same name") {
  Case a = minimal_case();
  a.referral.subject.date_of_birth = PersonalDate(d("2010-05-17"));
  Case other_dob = a;
  other_dob.referral.subject.date_of_birth = PersonalDate(d("2010-05-18"));
  Case other_name = a;
  other_name.referral.subject.name = PersonalText("Zorvan Quillets");
  CHECK(person_key(a) != person_key(other_dob));
  CHECK(person_key(a) != person_key(other_name));
}

TEST_CASE("there is no person key without a date of birth") {
  Case a = minimal_case();
  CHECK_FALSE(person_key(a).has_value());
}

TEST_CASE("the optional categories of a referral are written in place and read back") {
  Case c = minimal_case();
  c.referral.subject.ethnicity = Personal<std::optional<std::string>>(std::string("white"));
  c.referral.subject.mental_health = Personal<std::optional<std::string>>(std::string("no-concern"));
  c.referral.subject.neurodiversity = Personal<std::optional<std::string>>(std::string("adhd"));
  c.referral.consent_to_referral = "not-sought";
  const std::string text = write_case(c);
  CHECK(has(text, "    name: Zorvan Quillet\n    gender: male\n    ethnicity: white\n    mental_health: no-concern\n"
                  "    neurodiversity: adhd\n  concern:\n    type: islamist\n    summary: Fictional summary\n"
                  "  consent_to_referral: not-sought\n"));
  Case back = read_case(text, "case.yaml", test_config());
  CHECK(back.referral.subject.ethnicity.reveal() == std::optional<std::string>("white"));
  CHECK(back.referral.consent_to_referral == std::optional<std::string>("not-sought"));
  CHECK(write_case(back) == text);
}

TEST_CASE("a special-category value outside its vocabulary is refused without repeating it") {
  Case c = minimal_case();
  c.referral.subject.ethnicity = Personal<std::optional<std::string>>(std::string("zorvanian"));
  auto f = failure_of([&] { read_case(write_case(c), "cases/2026/PRV-2026-0015.yaml", test_config()); });
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK(has(f->what(), "referral.subject.ethnicity: the value is not in the store's ethnicities vocabulary"));
  CHECK(has(f->what(), "(cases/2026/PRV-2026-0015.yaml)"));
  CHECK_FALSE(has(f->what(), "zorvanian"));
  CHECK(has(f->hint(), "allowed: asian, black, mixed, white, other, not-stated"));
  // Consent to the referral is not personal data: its value is named.
  Case k = minimal_case();
  k.referral.consent_to_referral = "maybe";
  auto g = failure_of([&] { read_case(write_case(k), "case.yaml", test_config()); });
  REQUIRE(g);
  CHECK(g->code() == Exit::invalid_data);
  CHECK(has(g->what(), "referral.consent_to_referral"));
}

// ---------------------------------------------------------------------------
// Sealed values (docs/encryption.md).

namespace {

CaseKeys keys_for_test() {
  static const crypto::SecretKey case_key = crypto::random_key(), store_key = crypto::random_key();
  return CaseKeys{"0123456789abcdef0123456789abcdef", case_key, store_key};
}

// Every (P) text of full_case() that must never be written in clear.
const std::vector<std::string> kPlainTexts = {"Zorvan Quillet", "2010-05-17", "ZZ1", "Fictional rationale",
                                              "Fictional assessment", "Fictional panel note",
                                              "Home Office approved intervention provider"};

// The text without its sealed values (each `enc:v1:…` up to the next
// space, quote or line end): a short value such as "ZZ1" can occur inside
// a random ciphertext by chance (about once in 200 runs), which says
// nothing about the value being in clear.
std::string without_sealed_values(std::string text) {
  for (size_t at = text.find("enc:v1:"); at != std::string::npos; at = text.find("enc:v1:", at)) {
    const size_t end = text.find_first_of(" \t\n'\"", at);
    text.erase(at, end == std::string::npos ? std::string::npos : end - at);
  }
  return text;
}

}  // namespace

TEST_CASE("a sealed record holds no (P) value in clear and opens back to the same case") {
  const Config cfg = test_config();
  Case sealed = full_case();
  seal_personal(sealed, keys_for_test());
  const std::string text = write_case(sealed);
  const std::string clear = without_sealed_values(text);
  CHECK(clear.size() < text.size());
  for (const auto& plain : kPlainTexts) CHECK_MESSAGE(clear.find(plain) == std::string::npos, plain);
  CHECK(text.find("enc:v1:") != std::string::npos);
  // Categories, structure and the dates of events stay in clear.
  CHECK(text.find("received: 2026-01-05") != std::string::npos);
  CHECK(text.find("age_at_referral: 15") != std::string::npos);
  // It passes the schema, and reads back sealed: nothing to reveal.
  Case read = read_case(text, "cases/2026/PRV-2026-0014.yaml", cfg);
  CHECK(read.referral.subject.name.is_sealed());
  CHECK(read.referral.subject.name.reveal().empty());
  CHECK(has_sealed_values(read));
  CHECK_FALSE(has_plain_values(read));
  CHECK(write_case(read) == text);  // written back unchanged without a key
  CHECK(age_at_referral(read) == std::optional<int>(15));
  // Opened with the key: the original case (plus its age fact).
  open_personal(read, keys_for_test(), "case.yaml");
  Case expected = full_case();
  expected.referral.subject.age_at_referral = 15;
  CHECK(write_case(read) == write_case(expected));
  // Sealing again gives the same text: an unchanged value keeps its ciphertext.
  Case again = read;
  seal_personal(again, keys_for_test());
  CHECK(write_case(again) == text);
}

TEST_CASE("a record is sealed only where the store is encrypted, and never without the key") {
  Case plain = full_case();
  seal_personal(plain, CaseKeys{});  // a plain store
  CHECK(write_case(plain) == write_case(full_case()));
  Case c = full_case();
  CaseKeys no_key = keys_for_test();
  no_key.case_key.reset();
  auto f = failure_of([&] { seal_personal(c, no_key); });
  REQUIRE(f);
  CHECK(f->code() == Exit::store);
  CHECK(std::string(f->what()).find("Zorvan") == std::string::npos);
}

TEST_CASE("a sealed value moved to another case or field, or changed, does not open") {
  const Config cfg = test_config();
  Case c = full_case();
  seal_personal(c, keys_for_test());
  const std::string name = c.referral.subject.name.sealed_text();
  const std::string summary = c.referral.concern_summary.sealed_text();

  Case other_case = c;
  other_case.id = "PRV-2026-0015";
  CHECK(failure_of([&] { open_personal(other_case, keys_for_test(), "x"); })->code() == Exit::store);

  Case swapped = c;
  swapped.referral.subject.name = PersonalText::sealed(summary);
  auto f = failure_of([&] { open_personal(swapped, keys_for_test(), "x"); });
  REQUIRE(f);
  CHECK(f->code() == Exit::store);
  CHECK(std::string(f->what()).find("referral.subject.name") != std::string::npos);

  Case changed = c;
  std::string t = name;
  t[t.size() - 3] = t[t.size() - 3] == 'A' ? 'B' : 'A';
  changed.referral.subject.name = PersonalText::sealed(t);
  CHECK(failure_of([&] { open_personal(changed, keys_for_test(), "x"); })->code() == Exit::store);

  CaseKeys wrong = keys_for_test();
  wrong.case_key = crypto::random_key();
  Case w = c;
  CHECK(failure_of([&] { open_personal(w, wrong, "x"); })->code() == Exit::store);

  // An entry moved into `voided` (or `previous`) keeps opening.
  Case moved = c;
  VoidedEntry v;
  v.what = "triage";
  v.date = d("2026-03-01");
  v.reason = PersonalText("Fictional: entered in error");
  v.triage = moved.triage;
  moved.voided.push_back(v);
  seal_personal(moved, keys_for_test());
  CHECK_NOTHROW(open_personal(moved, keys_for_test(), "x"));
  CHECK(moved.voided.back().triage->rationale.reveal() == std::optional<std::string>("Fictional rationale"));
}

TEST_CASE("an erased record reads [erased] for every (P) value, keeps its age and counts") {
  const Config cfg = test_config();
  Case c = full_case();
  seal_personal(c, keys_for_test());
  erase_personal(c);
  const std::string text = write_case(c);
  CHECK_MESSAGE(text.find("  name: \"[erased]\"\n") != std::string::npos, text);
  CHECK(text.find("enc:v1:") == std::string::npos);
  Case read = read_case(text, "cases/2026/PRV-2026-0014.yaml", cfg);
  CHECK(read.referral.subject.name.is_erased());
  CHECK(age_at_referral(read) == std::optional<int>(15));
  CHECK(write_case(read) == text);
  CHECK_NOTHROW(open_personal(read, keys_for_test(), "x"));
}

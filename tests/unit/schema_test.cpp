// The compiled-in JSON Schemas (SPEC §2.4) and the messages they give.
#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "failure.hpp"
#include "schema.hpp"
#include "yaml_doc.hpp"

using prevent::Exit;
using namespace prevent::test;
using prevent::Failure;
using prevent::SchemaKind;

namespace {

const std::string kMinimal =
    "id: PRV-2026-0014\n"
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
    "    type: extreme-right-wing\n"
    "    summary: Fictional concern used in a unit test\n";

std::optional<Failure> validate(const std::string& text) {
  try {
    prevent::validate_against_schema(prevent::parse_yaml(text, "case.yaml"), SchemaKind::case_record, "case.yaml");
  } catch (const Failure& f) {
    return f;
  }
  return std::nullopt;
}



}  // namespace

TEST_CASE("a minimal valid case passes the case schema") {
  auto f = validate(kMinimal);
  CHECK_MESSAGE(!f, (f ? std::string(f->what()) : std::string()));
}

TEST_CASE("a case with every optional section passes the case schema") {
  std::string full = kMinimal +
                     "related:\n"
                     "  - PRV-2025-0003\n"
                     "triage:\n"
                     "  completed: 2026-11-07\n"
                     "  outcome: channel-panel\n"
                     "  section36:\n"
                     "    decided: 2026-11-07\n"
                     "    by: Counter Terrorism Policing North West\n"
                     "panel:\n"
                     "  - meeting: 2026-12-03\n"
                     "    decision: adopt\n"
                     "    method: consensus\n"
                     "consent:\n"
                     "  status: given\n"
                     "  by: parent-guardian\n"
                     "  date: 2026-12-05\n"
                     "support_plan:\n"
                     "  - id: A1\n"
                     "    support: ideological-mentoring\n"
                     "    provider: Quillet Mentoring\n"
                     "    added: 2026-12-05\n"
                     "    due: 2027-01-31\n"
                     "    status: open\n"
                     "    closed: ~\n";
  auto f = validate(full);
  CHECK_MESSAGE(!f, (f ? std::string(f->what()) : std::string()));
}

TEST_CASE("an unknown key is refused, naming its parent and its line, never its text") {
  auto f = validate(replace(kMinimal, "    gender: male\n", "    gender: male\n    colour: blue\n"));
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK_MESSAGE(has(f->what(), "unknown key in referral.subject (case.yaml:12)"), std::string(f->what()));
  CHECK_MESSAGE(!has(f->what(), "colour"), std::string(f->what()));

  auto top = validate(kMinimal + "stage: supported\n");
  REQUIRE(top);
  CHECK(top->code() == Exit::invalid_data);
  CHECK_MESSAGE(has(top->what(), "unknown key at the top level"), std::string(top->what()));
  CHECK_MESSAGE(!has(top->what(), "stage"), std::string(top->what()));

  // A key can carry a name (SPEC §3).
  auto named = validate(replace(kMinimal, "    gender: male\n",
                                "    gender: male\n    Jane Mary Example DOB 17 May 2010: x\n"));
  REQUIRE(named);
  CHECK_MESSAGE(!has(named->what(), "Jane"), std::string(named->what()));
  CHECK_MESSAGE(!has(named->what(), "2010"), std::string(named->what()));
}

TEST_CASE("a missing required key is refused, naming the key") {
  auto f = validate(replace(kMinimal, "  route: email\n", ""));
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK_MESSAGE(has(f->what(), "route"), std::string(f->what()));
  CHECK_MESSAGE(has(f->what(), "missing"), std::string(f->what()));
  CHECK_MESSAGE(has(f->what(), "referral"), std::string(f->what()));

  auto g = validate(replace(kMinimal, "id: PRV-2026-0014\n", ""));
  REQUIRE(g);
  CHECK(g->code() == Exit::invalid_data);
  CHECK_MESSAGE(has(g->what(), "'id'"), std::string(g->what()));
}

TEST_CASE("a value outside an enum is refused, listing the allowed values") {
  auto f = validate(kMinimal + "triage:\n  completed: 2026-11-04\n  outcome: shrug\n");
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  std::string msg = f->what();
  CAPTURE(msg);
  CHECK(has(msg, "triage.outcome"));
  for (const char* v : {"no-further-action", "signposted", "police-managed", "channel-panel"}) CHECK(has(msg, v));
  CHECK(has(msg, "(case.yaml:17)"));
}

TEST_CASE("a route is a key of a vocabulary, not a fixed list: the schema checks its form only") {
  CHECK_FALSE(validate(replace(kMinimal, "route: email", "route: north-hub")));
  CHECK(prevent::schema_enum(SchemaKind::case_record, "referral.route").empty());
  auto f = validate(replace(kMinimal, "route: email", "route: North Hub"));
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK_MESSAGE(has(f->what(), "referral.route"), std::string(f->what()));
}

TEST_CASE("a malformed date or ID is refused by the schema") {
  auto f = validate(replace(kMinimal, "received: 2026-11-03", "received: 3 November 2026"));
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK_MESSAGE(has(f->what(), "referral.received"), std::string(f->what()));

  auto g = validate(replace(kMinimal, "id: PRV-2026-0014", "id: ../../etc/passwd"));
  REQUIRE(g);
  CHECK(g->code() == Exit::invalid_data);
}

TEST_CASE("a value in the wrong form is told the form expected, with an example") {
  auto f = validate(replace(kMinimal, "received: 2026-11-03", "received: 03/11/2026"));
  REQUIRE(f);
  CHECK(std::string(f->what()) == "referral.received: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (case.yaml:3)");
  auto g = validate(replace(kMinimal, "id: PRV-2026-0014", "id: ../../etc/passwd"));
  REQUIRE(g);
  CHECK(std::string(g->what()) == "id: expected a case ID as PREFIX-YYYY-NNNN, e.g. PRV-2026-0014 (case.yaml:1)");
  auto h = validate(replace(kMinimal, "    gender: male\n", "    gender: male\n    postcode_district: sk4 9zz\n"));
  REQUIRE(h);
  CHECK(std::string(h->what()) ==
        "referral.subject.postcode_district: expected a postcode district in capitals, e.g. SK4 (case.yaml:12)");
  CHECK_FALSE(has(h->what(), "sk4"));
}

TEST_CASE("a wrong type of value is refused") {
  auto f = validate(replace(kMinimal, "  source:\n", "  source: [a]\n  x:\n"));
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  auto g = validate(replace(kMinimal, "    name: Zorvan Quillet\n", "    name:\n"));
  REQUIRE(g);
  CHECK(g->code() == Exit::invalid_data);
  CHECK_MESSAGE(has(g->what(), "referral.subject.name"), std::string(g->what()));
}

TEST_CASE("error messages from the schema do not repeat personal data") {
  auto f = validate(replace(kMinimal, "    gender: male\n", "    gender: male\n    nickname: Zorvan Q\n"));
  REQUIRE(f);
  CHECK_FALSE(has(f->what(), "Zorvan"));
  CHECK_FALSE(has(f->what(), "Fictional concern"));
}

TEST_CASE("the record's other fixed lists come from the case schema") {
  using V = std::vector<std::string>;
  CHECK(prevent::schema_enum(SchemaKind::case_record, "triage.outcome") ==
        V{"no-further-action", "signposted", "police-managed", "channel-panel"});
  CHECK(prevent::schema_enum(SchemaKind::case_record, "panel.decision") == V{"adopt", "not-adopt", "defer"});
  CHECK(prevent::schema_enum(SchemaKind::case_record, "consent.status") ==
        V{"requested", "given", "declined", "withdrawn"});
  CHECK(prevent::schema_enum(SchemaKind::case_record, "consent.by") ==
        V{"subject", "parent-guardian", "attorney-or-deputy", "best-interests"});
  CHECK(prevent::schema_enum(SchemaKind::case_record, "support_plan.status") == V{"open", "done", "cancelled", "closed"});
  CHECK(prevent::schema_enum(SchemaKind::case_record, "reviews.kind") ==
        V{"monthly", "post-closure-6", "post-closure-12", "extended"});
  CHECK(prevent::schema_enum(SchemaKind::case_record, "reviews.outcome") ==
        V{"continue", "close", "no-concerns", "reopen"});
  CHECK(prevent::schema_enum(SchemaKind::case_record, "closure.reason") ==
        V{"no-further-concerns", "consent-declined", "consent-withdrawn", "escalated-to-police", "transferred-out",
          "other"});
  CHECK(prevent::schema_enum(SchemaKind::case_record, "chronology.kind") ==
        V{"contact", "info-request", "info-received", "home-visit", "other"});
  CHECK(prevent::schema_enum(SchemaKind::case_record, "assessments.framework") == V{"VAF", "PAF", "other"});
  CHECK(prevent::schema_enum(SchemaKind::case_record, "assessments.engagement") == V{"low", "medium", "high"});
  CHECK(prevent::schema_enum(SchemaKind::case_record, "referral.source.agency").empty());
  CHECK(prevent::schema_enum(SchemaKind::case_record, "no.such.path").empty());
}

TEST_CASE("the four schemas are compiled in and are JSON Schemas") {
  const auto& files = prevent::schema_files();
  CHECK(files.size() == 4u);
  CHECK(prevent::schema_file(SchemaKind::case_record).file_name == "case.schema.json");
  CHECK(prevent::schema_file(SchemaKind::meeting).file_name == "meeting.schema.json");
  CHECK(prevent::schema_file(SchemaKind::config).file_name == "config.schema.json");
  CHECK(prevent::schema_file(SchemaKind::foi_request).file_name == "foi.schema.json");
  for (const auto& f : files) {
    CAPTURE(f.file_name);
    CHECK(f.text.find("\"$schema\"") != std::string_view::npos);
  }
}

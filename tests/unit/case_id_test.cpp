// Case IDs: <PREFIX>-<YYYY>-<NNNN> (SPEC §2.1). They name files, so nothing
// that could name a path gets through.
#include <doctest/doctest.h>

#include <string>

#include "case_id.hpp"
#include "failure.hpp"

using prevent::CaseId;
using prevent::Exit;
using prevent::parse_case_id;

TEST_CASE("PRV-2026-0014 is a case ID") {
  auto id = parse_case_id("PRV-2026-0014");
  REQUIRE(id);
  CHECK(id->prefix == "PRV");
  CHECK(id->year == 2026);
  CHECK(id->number == 14);
  CHECK(id->str() == "PRV-2026-0014");
}

TEST_CASE("after 9999 the number grows to five digits") {
  auto id = parse_case_id("PRV-2026-10000");
  REQUIRE(id);
  CHECK(id->number == 10000);
  CHECK(id->str() == "PRV-2026-10000");
  auto last = parse_case_id("PRV-2026-9999");
  REQUIRE(last);
  CHECK(last->number == 9999);
}

TEST_CASE("the number is written with at least four digits") {
  CHECK((CaseId{"PRV", 2026, 1}.str()) == "PRV-2026-0001");
  CHECK((CaseId{"PRV", 2026, 14}.str()) == "PRV-2026-0014");
  CHECK((CaseId{"PRV", 2026, 999}.str()) == "PRV-2026-0999");
  CHECK((CaseId{"PRV", 2026, 9999}.str()) == "PRV-2026-9999");
  CHECK((CaseId{"PRV", 2026, 123456}.str()) == "PRV-2026-123456");
  CHECK((CaseId{"ZED", 2025, 7}.str()) == "ZED-2025-0007");
}

TEST_CASE("a store's own prefix of capitals and digits is accepted") {
  CHECK(parse_case_id("ZED-2026-0001"));
  CHECK(parse_case_id("S-2026-0001"));
  CHECK(parse_case_id("GM2-2026-0001"));
  CHECK(parse_case_id("ABCDEFGHIJ-2026-0001"));   // ten characters
  CHECK_FALSE(parse_case_id("ABCDEFGHIJK-2026-0001"));  // eleven
}

TEST_CASE("an ID with too few or padded digits is refused") {
  CHECK_FALSE(parse_case_id("PRV-2026-014"));
  CHECK_FALSE(parse_case_id("PRV-2026-00014"));
  CHECK_FALSE(parse_case_id("PRV-2026-010000"));
  CHECK_FALSE(parse_case_id("PRV-26-0014"));
  CHECK_FALSE(parse_case_id("PRV-02026-0014"));
}

TEST_CASE("number 0000 is not a case") {
  CHECK_FALSE(parse_case_id("PRV-2026-0000"));
  CHECK_FALSE(parse_case_id("PRV-2026-00000"));
}

TEST_CASE("anything that could name a path is refused") {
  for (const char* bad : {"../../etc/passwd", "PRV-2026-0001/../x", "PRV-2026-0001/", "/PRV-2026-0001",
                          "../PRV-2026-0001", "PRV-2026-0001.yaml", "PRV-2026-..01", "PRV/2026-0001",
                          "PRV-2026-0001\\x", "PRV-2026-0001\n"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_case_id(bad));
  }
  CHECK_FALSE(parse_case_id(std::string("PRV-2026-0001\0../x", 18)));
}

TEST_CASE("a lower-case or malformed prefix is refused") {
  for (const char* bad : {"prv-2026-0014", "Prv-2026-0014", "PRv-2026-0014", "1PRV-2026-0014", "-2026-0014",
                          "PR V-2026-0014", "PRV_2026-0014", "PRV-2026_0014", "PRV2026-0014", "PRV-20260014",
                          "PRV--2026-0014", "", "PRV", "PRV-2026", "PRV-2026-", " PRV-2026-0014",
                          "PRV-2026-0014 ", "PRV-2026-+014", "PRV-2026--014", "PRV-202a-0014", "PRV-2026-001a",
                          "PRV-2026-0014-1"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_case_id(bad));
  }
}

TEST_CASE("a bad ID given to a command is invalid data naming the option") {
  CHECK(prevent::require_case_id("PRV-2026-0014", "ID").number == 14);
  CHECK_THROWS_AS(prevent::require_case_id("../../etc/passwd", "ID"), prevent::Failure);
  try {
    prevent::require_case_id("PRV-2026-014", "--related-to");
    FAIL("require_case_id accepted PRV-2026-014");
  } catch (const prevent::Failure& f) {
    CHECK(f.code() == Exit::invalid_data);
    CHECK(std::string(f.what()).find("--related-to") != std::string::npos);
  }
}

// `prevent list`: one row per case, in case ID order, filtered, never with
// personal data.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "case_fixtures.hpp"
#include "listing.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;
using namespace prevent::fixtures;

namespace {

Case with_id(Case c, const char* id, std::vector<std::string> related = {}) {
  c.id = id;
  c.related = std::move(related);
  return c;
}

std::vector<std::string> column(const Table& t, size_t i) {
  std::vector<std::string> out;
  for (const auto& row : t.rows) out.push_back(row[i].value_or("-"));
  return out;
}

Table list(const std::vector<Case>& cases, ListFilter filter = {}) {
  CaseLister lister(cfg(), std::move(filter));
  for (const auto& c : cases) lister.add(c);
  return lister.finish();
}

}  // namespace

TEST_CASE("cases are listed in case ID order, numbers as numbers, with stage and next due date") {
  Case closed_done = with_id(awaiting_panel(), "PRV-2026-10000");
  apply_decision(closed_done, hearing("2026-02-05", PanelDecision::not_adopt), cfg());
  Table t = list({closed_done, with_id(awaiting_consent(), "PRV-2026-9999"), with_id(referred(), "PRV-2025-0003")});
  REQUIRE(t.columns.size() == 6u);
  CHECK(t.columns[0].name == "id");
  CHECK(t.columns[5].name == "next_due");
  CHECK(column(t, 0) == std::vector<std::string>{"PRV-2025-0003", "PRV-2026-9999", "PRV-2026-10000"});
  CHECK(column(t, 1) == std::vector<std::string>{"awaiting-triage", "awaiting-consent", "not-adopted"});
  // A final stage has nothing due.
  CHECK(column(t, 5)[2] == "-");
  CHECK(column(t, 5)[1] == due_items(awaiting_consent(), cfg()).front().due.str());
}

TEST_CASE("a stage filter lists only the cases at that stage") {
  ListFilter f;
  f.stage = Stage::awaiting_panel;
  Table t = list({with_id(referred(), "PRV-2026-0001"), with_id(awaiting_panel(), "PRV-2026-0002"),
                  with_id(supported(), "PRV-2026-0003")},
                 f);
  CHECK(column(t, 0) == std::vector<std::string>{"PRV-2026-0002"});
}

TEST_CASE("related-to lists the cases linked to that case either way") {
  ListFilter f;
  f.related_to = "PRV-2026-0002";
  Table t = list({with_id(referred(), "PRV-2026-0001"), with_id(referred(), "PRV-2026-0002", {"PRV-2026-0004"}),
                  with_id(referred(), "PRV-2026-0003", {"PRV-2026-0002"}), with_id(referred(), "PRV-2026-0004")},
                 f);
  CHECK(column(t, 0) == std::vector<std::string>{"PRV-2026-0003", "PRV-2026-0004"});
}

TEST_CASE("the listing holds no personal data") {
  Table t = list({referred()});
  for (const auto& row : t.rows)
    for (const auto& cell : row) {
      CHECK_FALSE(has(cell.value_or(""), "Zorvan"));
      CHECK_FALSE(has(cell.value_or(""), "Fictional"));
    }
}

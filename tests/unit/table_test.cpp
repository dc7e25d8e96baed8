// Tabular output for `list`, `review due` and the like: one value, four
// formats (SPEC §6 `--format`, §6.1 columns, RFC 4180 CSV).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "table.hpp"
#include "yaml_doc.hpp"

using namespace prevent;

namespace {

Table due_table() {
  Table t;
  t.columns = {{"id", CellKind::text},
               {"stage", CellKind::text},
               {"item", CellKind::text},
               {"due", CellKind::date},
               {"days_overdue", CellKind::number}};
  t.rows.push_back({"PRV-2026-0003", "supported", "action", "2026-11-01", "12"});
  t.rows.push_back({"PRV-2026-0014", "awaiting-panel", "=cmd|' /C calc'!A0", "2026-11-20", "-7"});
  t.rows.push_back({"PRV-2026-0015", "awaiting-triage", "a, \"b\"", std::nullopt, std::nullopt});
  return t;
}

Table empty_table() {
  Table t = due_table();
  t.rows.clear();
  return t;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("CSV output has a header row, CRLF line ends and protected cells") {
  std::string csv = render(due_table(), Format::csv);
  CHECK(csv ==
        "id,stage,item,due,days_overdue\r\n"
        "PRV-2026-0003,supported,action,2026-11-01,12\r\n"
        "PRV-2026-0014,awaiting-panel,'=cmd|' /C calc'!A0,2026-11-20,-7\r\n"
        "PRV-2026-0015,awaiting-triage,\"a, \"\"b\"\"\",,\r\n");
}

TEST_CASE("CSV output with nothing in it is the header alone") {
  CHECK(render(empty_table(), Format::csv) == "id,stage,item,due,days_overdue\r\n");
}

TEST_CASE("JSON output is an array of objects with numbers as numbers and null for no value") {
  std::string text = render(due_table(), Format::json);
  auto j = nlohmann::ordered_json::parse(text);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 3u);
  CHECK(j[0]["id"] == "PRV-2026-0003");
  CHECK(j[0]["due"] == "2026-11-01");
  CHECK(j[0]["days_overdue"].is_number_integer());
  CHECK(j[0]["days_overdue"] == 12);
  CHECK(j[1]["days_overdue"] == -7);
  CHECK(j[1]["item"] == "=cmd|' /C calc'!A0");  // only CSV is protected against formulas
  CHECK(j[2]["item"] == "a, \"b\"");
  CHECK(j[2]["due"].is_null());
  CHECK(j[2]["days_overdue"].is_null());
  std::vector<std::string> keys;
  for (auto it = j[0].begin(); it != j[0].end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"id", "stage", "item", "due", "days_overdue"});
  CHECK(text.back() == '\n');
}

TEST_CASE("JSON output with nothing in it is an empty array") {
  std::string text = render(empty_table(), Format::json);
  auto j = nlohmann::json::parse(text);
  CHECK(j.is_array());
  CHECK(j.empty());
}

TEST_CASE("YAML output is a list of maps that reads back with the same values") {
  std::string text = render(due_table(), Format::yaml);
  CAPTURE(text);
  YNode n = parse_yaml(text, "table.yaml");
  REQUIRE(n.is_seq());
  REQUIRE(n.items.size() == 3u);
  const YNode& first = n.items[0];
  REQUIRE(first.is_map());
  CHECK(first.find("id")->value == "PRV-2026-0003");
  CHECK(first.find("due")->value == "2026-11-01");
  CHECK(to_json(*first.find("days_overdue")) == 12);
  CHECK(to_json(*n.items[1].find("days_overdue")) == -7);
  CHECK(n.items[1].find("item")->value == "=cmd|' /C calc'!A0");
  CHECK(n.items[2].find("item")->value == "a, \"b\"");
  CHECK(n.items[2].find("due")->is_null());
  CHECK(n.items[2].find("days_overdue")->is_null());
  CHECK(text.rfind("- id: PRV-2026-0003\n", 0) == 0);
}

TEST_CASE("YAML output with nothing in it is an empty list") {
  std::string text = render(empty_table(), Format::yaml);
  YNode n = parse_yaml(text, "table.yaml");
  CHECK(n.is_seq());
  CHECK(n.items.empty());
}

TEST_CASE("table output aligns columns under a header and shows no value as a dash") {
  std::string text = render(due_table(), Format::table);
  auto lines = lines_of(text);
  REQUIRE(lines.size() == 4u);
  CHECK(lines[0].rfind("id", 0) == 0);
  // Every column starts at the same position on every line.
  for (const char* col : {"stage", "item", "due", "days_overdue"}) {
    CAPTURE(col);
    size_t at = lines[0].find(col);
    REQUIRE(at != std::string::npos);
    CHECK(lines[0][at - 1] == ' ');
    for (size_t i = 1; i < lines.size(); ++i) {
      CHECK(lines[i][at - 1] == ' ');
      CHECK(lines[i][at] != ' ');
    }
  }
  CHECK(lines[1].rfind("PRV-2026-0003", 0) == 0);
  size_t due_at = lines[0].find("due");
  CHECK(lines[3].substr(due_at, 1) == "-");
  CHECK(lines[3].substr(lines[3].size() - 1) == "-");
  CHECK(text.back() == '\n');
}

TEST_CASE("table output with nothing in it is the header alone") {
  auto lines = lines_of(render(empty_table(), Format::table));
  REQUIRE(lines.size() == 1u);
  CHECK(lines[0].rfind("id", 0) == 0);
}

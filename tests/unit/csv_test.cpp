// CSV (RFC 4180): reading import files and writing listings (SPEC §6).
#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "csv.hpp"
#include "failure.hpp"
#include "yaml_doc.hpp"

using prevent::CellKind;
using prevent::csv_cell;
using prevent::Exit;
using namespace prevent::test;
using prevent::Failure;
using Fields = std::vector<std::string>;

namespace {

struct Record {
  Fields fields;
  int line;
};

std::vector<Record> read(const std::string& text) {
  std::istringstream in(text);
  std::vector<Record> out;
  prevent::read_csv(in, "referrals.csv", [&](Fields&& f, int line) { out.push_back({std::move(f), line}); });
  return out;
}

std::optional<Failure> failure_reading(const std::string& text) {
  try {
    read(text);
  } catch (const Failure& f) {
    return f;
  }
  return std::nullopt;
}


}  // namespace

TEST_CASE("plain CSV records are split on commas with their line numbers") {
  auto rows = read("id,received,name\nPRV-2026-0001,2026-11-03,Zorvan Quillet\n,2026-11-04,\n");
  REQUIRE(rows.size() == 3u);
  CHECK(rows[0].fields == Fields{"id", "received", "name"});
  CHECK(rows[0].line == 1);
  CHECK(rows[1].fields == Fields{"PRV-2026-0001", "2026-11-03", "Zorvan Quillet"});
  CHECK(rows[1].line == 2);
  CHECK(rows[2].fields == Fields{"", "2026-11-04", ""});
  CHECK(rows[2].line == 3);
}

TEST_CASE("a quoted field may hold commas and doubled quotes") {
  auto rows = read("a,b,c\n1,\"Quillet, Zorvan\",\"said \"\"hello\"\" twice\"\n\"\",\"\"\"\",x\n");
  REQUIRE(rows.size() == 3u);
  CHECK(rows[1].fields == Fields{"1", "Quillet, Zorvan", "said \"hello\" twice"});
  CHECK(rows[2].fields == Fields{"", "\"", "x"});
}

TEST_CASE("a quoted field may hold line breaks and later records keep their line numbers") {
  auto rows = read("name,summary\nZorvan Quillet,\"first line\nsecond line\nthird line\"\nAnother,plain\nLast,one\n");
  REQUIRE(rows.size() == 4u);
  CHECK(rows[1].fields == Fields{"Zorvan Quillet", "first line\nsecond line\nthird line"});
  CHECK(rows[1].line == 2);
  CHECK(rows[2].fields == Fields{"Another", "plain"});
  CHECK(rows[2].line == 5);
  CHECK(rows[3].line == 6);
}

TEST_CASE("a UTF-8 BOM and CRLF line ends are accepted") {
  auto rows = read("\xEF\xBB\xBF" "id,name\r\nPRV-2026-0001,Zorvan\r\n\"a\r\nb\",c\r\nlast,row\r\n");
  REQUIRE(rows.size() == 4u);
  CHECK(rows[0].fields == Fields{"id", "name"});
  CHECK(rows[1].fields == Fields{"PRV-2026-0001", "Zorvan"});
  CHECK(rows[1].line == 2);
  CHECK(rows[2].line == 3);
  CHECK(rows[3].fields == Fields{"last", "row"});
  CHECK(rows[3].line == 5);
}

TEST_CASE("the last record needs no line end") {
  auto rows = read("a,b\n1,2");
  REQUIRE(rows.size() == 2u);
  CHECK(rows[1].fields == Fields{"1", "2"});
}

TEST_CASE("an unterminated quote is invalid data naming the record's line") {
  auto f = failure_reading("a,b\n1,2\n3,\"never closed\n4,5\n");
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK_MESSAGE(has(f->what(), "referrals.csv:3"), std::string(f->what()));
  CHECK_THROWS_AS(read("\"x"), Failure);
}

TEST_CASE("stray quotes in a field are invalid data") {
  auto f = failure_reading("a,b\n1,ab\"c\n");
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  auto g = failure_reading("a,b\n1,\"ab\"c\n");
  REQUIRE(g);
  CHECK(g->code() == Exit::invalid_data);
}

TEST_CASE("line ends of a carriage return alone are invalid data, not one long record") {
  auto f = failure_reading("a,b\r1,Quennet Harrowmoor\r2,x\r");
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK_MESSAGE(has(f->what(), "carriage return"), std::string(f->what()));
  CHECK_MESSAGE(has(f->what(), "referrals.csv:1"), std::string(f->what()));
  CHECK_FALSE(has(f->what(), "Quennet"));
  // Quoted, a carriage return is text like any other.
  auto records = read("a,b\n1,\"x\ry\"\n");
  REQUIRE(records.size() == 2);
  CHECK(records[1].fields[1] == "x\ry");
}

TEST_CASE("a CSV record over 1 MiB is invalid data") {
  auto f = failure_reading("a,b\n1,\"" + std::string(prevent::kMaxRecordBytes + 10, 'x') + "\"\n");
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
}

TEST_CASE("a text cell that starts like a formula is prefixed with a quote") {
  CHECK(csv_cell("=SUM(A1:A9)", CellKind::text) == "'=SUM(A1:A9)");
  CHECK(csv_cell("+44 161 000 0000", CellKind::text) == "'+44 161 000 0000");
  CHECK(csv_cell("-2+3", CellKind::text) == "'-2+3");
  CHECK(csv_cell("@SUM(A1)", CellKind::text) == "'@SUM(A1)");
  // OWASP lists TAB and CR too.
  CHECK(csv_cell("\t=1+2", CellKind::text) == "'\t=1+2");
  CHECK(csv_cell("\r=1+2", CellKind::text) == "\"'\r=1+2\"");
  CHECK(csv_cell("=HYPERLINK(\"http://x.invalid\",\"a\")", CellKind::text) ==
        "\"'=HYPERLINK(\"\"http://x.invalid\"\",\"\"a\"\")\"");
}

TEST_CASE("numbers and dates are never altered") {
  CHECK(csv_cell("-3", CellKind::number) == "-3");
  CHECK(csv_cell("+3", CellKind::number) == "+3");
  CHECK(csv_cell("0", CellKind::number) == "0");
  CHECK(csv_cell("12", CellKind::number) == "12");
  CHECK(csv_cell("2026-11-03", CellKind::date) == "2026-11-03");
}

TEST_CASE("ordinary text cells are written as they are") {
  CHECK(csv_cell("PRV-2026-0014", CellKind::text) == "PRV-2026-0014");
  CHECK(csv_cell("awaiting-panel", CellKind::text) == "awaiting-panel");
  CHECK(csv_cell("", CellKind::text) == "");
  CHECK(csv_cell("a=b", CellKind::text) == "a=b");
  CHECK(csv_cell("Zo\xC3\xAB", CellKind::text) == "Zo\xC3\xAB");
}

TEST_CASE("cells with commas, quotes or line breaks are quoted") {
  CHECK(csv_cell("Quillet, Zorvan", CellKind::text) == "\"Quillet, Zorvan\"");
  CHECK(csv_cell("say \"hi\"", CellKind::text) == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("two\nlines", CellKind::text) == "\"two\nlines\"");
  CHECK(csv_cell("cr\rhere", CellKind::text) == "\"cr\rhere\"");
  CHECK(csv_cell("-a,b", CellKind::text) == "\"'-a,b\"");
}

TEST_CASE("a written cell reads back as its text") {
  for (const std::string v : {"plain", "a,b", "say \"hi\"", "two\nlines", "", "\"", ",,,"}) {
    CAPTURE(v);
    auto rows = read(csv_cell(v, CellKind::text) + ",end\n");
    REQUIRE(rows.size() == 1u);
    CHECK(rows[0].fields == Fields{v, "end"});
  }
}

// libFuzzer target: the CSV import reader on arbitrary bytes (`read_import`
// as a CSV of referrals), and the CSV cell writer. The YAML stream reader
// has its own target (fuzz_stream.cpp): each input here costs one format.
//
// Every field the CSV reader returns is written back with `csv_cell` and read
// again: it must come back the same (after the `'` a text cell beginning
// with = + - @ gains), and a written text cell never begins with a formula
// character. Any exception other than Failure or a sanitizer report is a
// finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "csv.hpp"
#include "failure.hpp"
#include "intake.hpp"

using namespace prevent;

namespace {

void import_csv(const std::string& bytes) {
  std::istringstream in(bytes);
  try {
    IntakeBatch batch = read_import(in, "fuzz.csv", true);
    if (batch.records.size() + batch.problems.size() != batch.total) std::abort();
  } catch (const Failure&) {
  }
}

void cells_round_trip(const std::string& bytes) {
  std::vector<std::vector<std::string>> records;
  std::istringstream in(bytes);
  try {
    read_csv(in, "fuzz.csv", [&](std::vector<std::string>&& fields, int) { records.push_back(std::move(fields)); });
  } catch (const Failure&) {
    return;
  }
  for (const auto& fields : records) {
    std::string line;
    std::vector<std::string> expected;
    for (const auto& f : fields) {
      std::string cell = csv_cell(f, CellKind::text);
      char first = cell.empty() ? '\0' : cell[0] == '"' && cell.size() > 1 ? cell[1] : cell[0];
      if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') std::abort();
      bool formula = prevent::starts_like_formula(f);
      expected.push_back(formula ? "'" + f : f);
      if (!line.empty() || expected.size() > 1) line += ',';
      line += cell;
    }
    line += "\r\n";
    // As every CSV the program writes, the record follows a header line: a
    // UTF-8 BOM at the very start of a file is dropped by the reader, so a
    // first cell beginning with U+FEFF would not come back (fuzz_csv found
    // this; no output of prevent starts with a text cell).
    line.insert(0, "h\r\n");
    std::vector<std::vector<std::string>> back;
    std::istringstream again(line);
    try {
      read_csv(again, "written.csv",
               [&](std::vector<std::string>&& got, int) { back.push_back(std::move(got)); });
    } catch (const Failure&) {
      std::abort();  // a written line that does not read back
    }
    // One empty field is a blank line, which the reader skips.
    bool blank = expected.size() == 1 && expected[0].empty();
    if (back.empty() || back[0] != std::vector<std::string>{"h"}) std::abort();
    back.erase(back.begin());
    if (blank ? !back.empty() : (back.size() != 1 || back[0] != expected)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  import_csv(bytes);
  cells_round_trip(bytes);
  return 0;
}

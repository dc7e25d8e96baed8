// CSV (RFC 4180): reading referrals for `import`, writing listings.
#pragma once

#include <functional>
#include <istream>
#include <string>
#include <vector>

namespace prevent {

// Reads records one at a time; `fn` gets the fields and the line the
// record starts on. Quoted fields may hold commas, quotes ("") and line
// breaks. A UTF-8 BOM and CRLF line ends are accepted; a CR alone outside
// quotes (old Mac line ends) is refused. Failure(invalid_data)
// for an unterminated quote or a record over 1 MiB.
void read_csv(std::istream& in, const std::string& where,
              const std::function<void(std::vector<std::string>&&, int line)>& fn);

enum class CellKind { text, number, date };

// One cell for output. A text cell beginning with = + - @ TAB or CR is prefixed
// with ' so a spreadsheet does not run it as a formula; numbers and dates
// are never altered.
std::string csv_cell(std::string_view value, CellKind kind);

// A text cell a spreadsheet could read as a formula: it starts with = + - @
// TAB or CR (OWASP's CSV-injection list). csv_cell prefixes it with '.
bool starts_like_formula(std::string_view value);

}  // namespace prevent

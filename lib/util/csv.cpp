#include "csv.hpp"

#include <fmt/format.h>

#include "failure.hpp"
#include "yaml_doc.hpp"

namespace prevent {

void read_csv(std::istream& in, const std::string& where,
              const std::function<void(std::vector<std::string>&&, int line)>& fn) {
  std::vector<std::string> fields;
  std::string field;
  bool in_quotes = false, quoted_field = false, any = false;
  int line = 1, record_line = 1;
  size_t record_bytes = 0;
  bool first = true;
  auto end_field = [&] {
    fields.push_back(std::move(field));
    field.clear();
    quoted_field = false;
  };
  auto end_record = [&] {
    end_field();
    bool blank = fields.size() == 1 && fields[0].empty();
    if (!blank) fn(std::move(fields), record_line);
    fields.clear();
    any = false;
    record_bytes = 0;
  };
  char c;
  while (in.get(c)) {
    if (first) {
      first = false;
      if (c == '\xEF') {
        char b2, b3;
        if (in.get(b2) && in.get(b3) && b2 == '\xBB' && b3 == '\xBF') continue;
        fail(Exit::invalid_data, fmt::format("not a CSV file: unexpected bytes at the start ({}:1)", where));
      }
    }
    if (++record_bytes > kMaxRecordBytes)
      fail(Exit::invalid_data, fmt::format("record is larger than 1 MiB ({}:{})", where, record_line));
    if (!any) {
      record_line = line;
      any = true;
    }
    if (in_quotes) {
      if (c == '"') {
        if (in.peek() == '"') {
          in.get(c);
          field.push_back('"');
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      if (!field.empty() || quoted_field)
        fail(Exit::invalid_data, fmt::format("a quote inside an unquoted CSV field ({}:{})", where, line));
      in_quotes = true;
      quoted_field = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\r' && in.peek() == '\n') {
      continue;
    } else if (c == '\r') {
      // Line ends of CR alone (old Mac files) would make the whole file one
      // record; a CR inside a field must be quoted (RFC 4180).
      fail(Exit::invalid_data,
           fmt::format("a carriage return without a line feed outside quotes ({}:{})", where, line),
           "save the CSV with LF or CRLF line ends");
    } else if (c == '\n') {
      end_record();
      ++line;
    } else {
      if (quoted_field)
        fail(Exit::invalid_data, fmt::format("text after a closing quote in a CSV field ({}:{})", where, line));
      field.push_back(c);
    }
  }
  if (in_quotes) fail(Exit::invalid_data, fmt::format("a quoted CSV field is never closed ({}:{})", where, record_line));
  if (any) end_record();
}

bool starts_like_formula(std::string_view v) {
  return !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
}

std::string csv_cell(std::string_view value, CellKind kind) {
  std::string v(value);
  // OWASP's formula-injection list: = + - @ and also TAB and CR, which some
  // spreadsheets skip before reading a formula.
  if (kind == CellKind::text && starts_like_formula(v)) v.insert(v.begin(), '\'');
  bool quote = v.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) return v;
  std::string out = "\"";
  for (char ch : v) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

}  // namespace prevent

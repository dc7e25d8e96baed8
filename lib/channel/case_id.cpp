#include "case_id.hpp"

#include <fmt/format.h>

#include "failure.hpp"

namespace prevent {

std::string CaseId::str() const { return fmt::format("{}-{:04d}-{:04d}", prefix, year, number); }

std::optional<CaseId> parse_case_id(std::string_view s) {
  auto d1 = s.find('-');
  if (d1 == std::string_view::npos || d1 == 0 || d1 > 10) return std::nullopt;
  auto prefix = s.substr(0, d1);
  if (!(prefix[0] >= 'A' && prefix[0] <= 'Z')) return std::nullopt;
  for (char c : prefix)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return std::nullopt;
  auto rest = s.substr(d1 + 1);
  if (rest.size() < 9 || rest[4] != '-') return std::nullopt;
  auto year = rest.substr(0, 4), num = rest.substr(5);
  if (num.size() > 12) return std::nullopt;
  for (char c : year)
    if (c < '0' || c > '9') return std::nullopt;
  for (char c : num)
    if (c < '0' || c > '9') return std::nullopt;
  CaseId id;
  id.prefix = std::string(prefix);
  id.year = std::stoi(std::string(year));
  id.number = std::stol(std::string(num));
  // One spelling per number: "PRV-2026-00014" is not PRV-2026-0014.
  if (id.str() != s || id.number == 0) return std::nullopt;
  return id;
}

CaseId require_case_id(std::string_view text, std::string_view where) {
  auto id = parse_case_id(text);
  if (!id)
    fail(Exit::invalid_data, fmt::format("not a case ID: expected PREFIX-YYYY-NNNN, e.g. PRV-2026-0014 ({})", where));
  return *id;
}

}  // namespace prevent

// Case IDs: <PREFIX>-<YYYY>-<NNNN> (SPEC §2.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace prevent {

struct CaseId {
  std::string prefix;
  int year = 0;
  long number = 0;

  std::string str() const;  // number zero-padded to at least four digits
};

// Strict: prefix of capitals and digits (starting with a capital, at most
// 10), a four-digit year, and at least four digits; nothing else. Anything
// that could name a path (`..`, `/`) fails here.
std::optional<CaseId> parse_case_id(std::string_view text);

// As parse_case_id, but Failure(invalid_data) naming the option or input.
CaseId require_case_id(std::string_view text, std::string_view where);

}  // namespace prevent

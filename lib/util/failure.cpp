#include "failure.hpp"

#include <fmt/format.h>

namespace prevent {

int precedence(Exit code) {
  for (size_t i = 0; i < kExitPrecedence.size(); ++i)
    if (kExitPrecedence[i] == code) return static_cast<int>(i);
  return static_cast<int>(kExitPrecedence.size()) + (code == Exit::ok ? 1 : 0);
}

std::string exit_codes_text() {
  std::string out = "code  meaning\n";
  for (const auto& m : kExitCodeMeanings) out += fmt::format("{:<6}{}\n", static_cast<int>(m.code), m.meaning);
  out += "When several apply, the first in this order wins: ";
  for (size_t i = 0; i < kExitPrecedence.size(); ++i)
    out += fmt::format("{}{}", i ? ", " : "", static_cast<int>(kExitPrecedence[i]));
  return out + ".\n";
}

}  // namespace prevent

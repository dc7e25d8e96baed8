// Failure: the one way a command stops early.
//
// Library code throws Failure with an exit code of SPEC §6 and a message for
// a coordinator; the front end (cmd/) prints it as `prevent: <message>` and
// exits with the code. Nothing in lib/ prints or exits.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace prevent {

// SPEC §6: stable exit codes. When several apply, the first of
// usage, invalid_data, not_found, refused, store wins.
enum class Exit : int {
  ok = 0,
  bug = 1,
  usage = 2,
  not_found = 3,
  refused = 4,
  invalid_data = 5,
  store = 6,
};

// Order of precedence of SPEC §6 (lower wins): 2, 5, 3, 4, 6.
int precedence(Exit code);

class Failure : public std::runtime_error {
 public:
  Failure(Exit code, std::string message, std::string hint = {})
      : std::runtime_error(message), code_(code), hint_(std::move(hint)) {}
  // Several problems found in one pass (an import): each is a line of its own.
  Failure(Exit code, std::string message, std::vector<std::string> details)
      : std::runtime_error(message), code_(code), details_(std::move(details)) {}
  Exit code() const { return code_; }
  const std::string& hint() const { return hint_; }
  const std::vector<std::string>& details() const { return details_; }

 private:
  Exit code_;
  std::string hint_;
  std::vector<std::string> details_;
};

[[noreturn]] inline void fail(Exit code, std::string message, std::string hint = {}) {
  throw Failure(code, std::move(message), std::move(hint));
}

}  // namespace prevent

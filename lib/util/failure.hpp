// Failure: the one way a command stops early.
//
// Library code throws Failure with an exit code of SPEC §6 and a message for
// a coordinator; the front end (cmd/) prints it as `prevent: <message>` and
// exits with the code. Nothing in lib/ prints or exits.
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
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

// SPEC §6's table of exit codes, in one place: `--exit-codes` prints it
// and precedence() reads it.
struct ExitCodeMeaning {
  Exit code;
  std::string_view meaning;
};
inline constexpr std::array<ExitCodeMeaning, 7> kExitCodeMeanings{{
    {Exit::ok, "done (for check: no problems; notices may be printed)"},
    {Exit::bug, "unexpected failure (a bug)"},
    {Exit::usage, "usage: unknown command or option, missing required option"},
    {Exit::not_found, "no such case, meeting or action"},
    {Exit::refused,
     "refused by a rule of the Channel process (for check: a rule is broken in the store; with --strict, also hand "
     "edits)"},
    {Exit::invalid_data, "invalid input data: YAML, CSV, schema, vocabulary, malformed date, period or duration"},
    {Exit::store,
     "store problem: not a store, no git identity, locked by another writer, uncommitted edits in the way, "
     "repository damaged"},
}};
// When several apply, the first in this order wins.
inline constexpr std::array<Exit, 5> kExitPrecedence{Exit::usage, Exit::invalid_data, Exit::not_found, Exit::refused,
                                                     Exit::store};

// Rank of `code` in kExitPrecedence (lower wins); a bug, then ok, after
// every listed code.
int precedence(Exit code);

// The text of `prevent --exit-codes`: the table, then the precedence.
std::string exit_codes_text();

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

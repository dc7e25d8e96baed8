// Running a helper program (a commit signer or verifier) with its input on
// stdin, capturing what it prints. The child gets a session of its own, so
// it has no controlling terminal and cannot prompt on one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prevent {

struct ProcessResult {
  bool started = false;  // false when the program could not be run at all
  int exit_status = -1;  // the exit status, or 128 + signal
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH as a shell would) with `input` on stdin.
// Never throws for the program's own failure: the caller judges the result.
ProcessResult run_process(const std::vector<std::string>& argv, std::string_view input);

// Runs argv[0] (looked up in PATH) in the foreground with this process's
// stdin, stdout and stderr: an editor the user works in. While it runs,
// SIGINT and SIGQUIT are ignored here (as git does around an editor), so a
// Ctrl-C meant for the editor does not leave this process's files behind.
// Returns the exit status (128 + signal when killed), or nullopt when the
// program could not be started.
std::optional<int> run_in_foreground(const std::vector<std::string>& argv);

// The first non-empty line of a program's stderr, trimmed to 200 bytes, for
// a hint.
std::string first_line(std::string_view text);

}  // namespace prevent

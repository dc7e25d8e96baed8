// One thing `prevent check` found (SPEC §8). Its own header so that the
// checks (check.cpp, history_check, staged_check) share it without
// including one another.
#pragma once

#include <string>

#include "failure.hpp"

namespace prevent {

struct Finding {
  enum class Level { error, notice };
  Level level = Level::error;
  Exit code = Exit::invalid_data;  // for errors: 5 invalid file, 4 rule broken, 6 store problem
  std::string check;               // the check's name
  std::string message;             // one line, never personal data
};

}  // namespace prevent

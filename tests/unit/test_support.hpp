// Small helpers shared by the unit tests.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <string>

#include "date.hpp"
#include "failure.hpp"

namespace prevent::test {

// A date from its ISO text; the test fails if the text is not a date.
inline Date d(const char* iso) {
  auto v = Date::parse(iso);
  REQUIRE_MESSAGE(v.has_value(), iso);
  return *v;
}

// The Failure `fn` throws, if any.
inline std::optional<Failure> failure_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Failure& f) {
    return f;
  }
  return std::nullopt;
}

inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// `text` with the first `from` replaced by `to`; the test fails if absent.
inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  REQUIRE_MESSAGE(pos != std::string::npos, from);
  return text.replace(pos, from.size(), to);
}

}  // namespace prevent::test

// Small helpers shared by the unit tests.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "date.hpp"
#include "failure.hpp"
#include "keyed_enum.hpp"

namespace prevent {

// A fixed list's value compared with its key, as the tests written before
// those lists became enums do: `CHECK(c.support_plan[0].status == "open")`.
// Tests only: the program compares enum values.
template <KeyedEnum E>
bool operator==(E value, std::string_view key) {
  return key_of(value) == key;
}

}  // namespace prevent

namespace prevent::test {

// A fixed list's value from its key; the test fails for a key E lacks.
template <KeyedEnum E>
E key(std::string_view k) {
  auto v = key_to<E>(k);
  REQUIRE_MESSAGE(v.has_value(), std::string(k));
  return *v;
}

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

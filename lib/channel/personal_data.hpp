// Personal data: the fields marked (P) in SPEC §3.
//
// A (P) value is held in Personal<T>, which has no formatter and no stream
// operator, so it cannot reach a commit message, a listing, a log line or an
// error message by accident: the only way to the value is reveal(), and the
// only callers are the YAML mapping of a case (case_record.cpp, the one
// module that reads and writes (P) fields, where encryption at rest will go),
// `show`, and the derivations that need a birth date (age bands), a name
// (repeat-referral matching) or a special-category category (the report's
// counts by ethnicity, mental health and neurodiversity).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "date.hpp"

namespace prevent {

template <typename T>
class Personal {
 public:
  Personal() = default;
  explicit Personal(T value) : value_(std::move(value)) {}
  const T& reveal() const { return value_; }
  friend bool operator==(const Personal&, const Personal&) = default;

 private:
  T value_{};
};

using PersonalText = Personal<std::string>;
using PersonalNote = Personal<std::optional<std::string>>;  // optional free text
using PersonalDate = Personal<std::optional<Date>>;

}  // namespace prevent

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
#include <string_view>
#include <utility>

#include "date.hpp"

namespace prevent {

// In an encrypted store (docs/encryption.md) a (P) value read without its
// key stays sealed: the Personal holds the sealed text ("enc:v1:…"), which
// is written back unchanged, and reveal() gives an empty value. Once the
// case's key is destroyed (`prevent erase`) the value is erased: written
// as `[erased]`, never readable again.
inline constexpr std::string_view kErasedValue = "[erased]";

template <typename T>
class Personal {
 public:
  Personal() = default;
  explicit Personal(T value) : value_(std::move(value)) {}
  static Personal sealed(std::string text) {
    Personal p;
    p.sealed_ = std::move(text);
    return p;
  }
  static Personal erased() {
    Personal p;
    p.sealed_ = std::string(kErasedValue);
    return p;
  }
  // The plain value; empty when the value is sealed or erased.
  const T& reveal() const { return value_; }
  // Held as a sealed text (or erased): the value is not known to this run.
  bool is_sealed() const { return !sealed_.empty() && sealed_ != kErasedValue; }
  bool is_erased() const { return sealed_ == kErasedValue; }
  bool is_plain() const { return sealed_.empty(); }
  // The sealed text or `[erased]`, as written in the record.
  const std::string& sealed_text() const { return sealed_; }
  friend bool operator==(const Personal&, const Personal&) = default;

 private:
  T value_{};
  std::string sealed_;
};

using PersonalText = Personal<std::string>;
using PersonalNote = Personal<std::optional<std::string>>;  // optional free text
using PersonalDate = Personal<std::optional<Date>>;

}  // namespace prevent

// Enums whose values are written as fixed keys (`channel-panel`, `adopt`):
// one table per enum, so parsing and writing cannot disagree.
//
// A keyed enum E specialises KeyTable<E> with `entries`, every value once,
// in the order the schema lists them:
//
//   template <> struct KeyTable<Decision> {
//     static constexpr std::array<KeyEntry<Decision>, 3> entries{{
//         {Decision::adopt, "adopt"}, {Decision::not_adopt, "not-adopt"},
//         {Decision::defer, "defer"}}};
//   };
//
// key_of(e) gives the key; key_to<E>(text) the value, or nullopt for a key
// the table does not have. Parsing text from a record or an option happens
// once, at that boundary; everything inside compares enum values.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace prevent {

template <class E>
struct KeyEntry {
  E value;
  std::string_view key;
};

template <class E>
struct KeyTable;  // specialised per keyed enum

template <class E>
concept KeyedEnum = requires { KeyTable<E>::entries; };

template <KeyedEnum E>
constexpr std::string_view key_of(E value) {
  for (const auto& e : KeyTable<E>::entries)
    if (e.value == value) return e.key;
  return {};  // unreachable for a complete table (tested per enum)
}

template <KeyedEnum E>
constexpr std::optional<E> key_to(std::string_view key) {
  for (const auto& e : KeyTable<E>::entries)
    if (e.key == key) return e.value;
  return std::nullopt;
}

// Every key of E in table order (for help texts and the schema tests).
template <KeyedEnum E>
std::vector<std::string_view> keys_of() {
  std::vector<std::string_view> keys;
  for (const auto& e : KeyTable<E>::entries) keys.push_back(e.key);
  return keys;
}

}  // namespace prevent

// The id of a git object (a commit, a tree, a blob) as the store's public
// headers give it: 20 bytes, with no libgit2 in sight. Only the store layers
// see libgit2; they convert with git::object_id and git::oid
// (git_handles.hpp, store-internal).
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <string>

namespace prevent {

struct ObjectId {
  static constexpr size_t kSize = 20;
  std::array<unsigned char, kSize> bytes{};

  friend bool operator==(const ObjectId&, const ObjectId&) = default;
  // Byte order, as git compares ids.
  friend auto operator<=>(const ObjectId&, const ObjectId&) = default;

  // The id as git prints it: 40 lower-case hex digits.
  std::string hex() const;
};

}  // namespace prevent

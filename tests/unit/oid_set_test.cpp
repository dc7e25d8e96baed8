// The set of object ids used by whole-repository walks (oid_set.hpp).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "oid_set.hpp"

using namespace prevent;

namespace {

git_oid filled(unsigned char fill) {
  git_oid id;
  std::memset(id.id, fill, GIT_OID_RAWSZ);
  return id;
}

// An id whose first eight bytes (the slot it hashes to) are `bucket` and
// whose last byte is `tail`: ids that collide in the table.
git_oid colliding(std::uint64_t bucket, unsigned char tail) {
  git_oid id{};
  std::memcpy(id.id, &bucket, sizeof bucket);
  id.id[GIT_OID_RAWSZ - 1] = tail;
  return id;
}

}  // namespace

TEST_CASE("an id is new once, then known") {
  OidSet set;
  git_oid a = filled(0xab), b = filled(0xcd);
  CHECK_FALSE(set.contains(a));
  CHECK(set.insert(a));
  CHECK_FALSE(set.insert(a));
  CHECK(set.contains(a));
  CHECK_FALSE(set.contains(b));
  CHECK(set.insert(b));
  CHECK(set.size() == 2);
}

TEST_CASE("the all-zero id is kept apart from the empty slots") {
  OidSet set;
  git_oid zero = filled(0);
  CHECK_FALSE(set.contains(zero));
  CHECK(set.insert(zero));
  CHECK_FALSE(set.insert(zero));
  CHECK(set.contains(zero));
  CHECK(set.size() == 1);
  CHECK_FALSE(set.contains(filled(1)));
}

TEST_CASE("ids that hash to the same slot are told apart by all 20 bytes") {
  OidSet set;
  for (unsigned char tail = 1; tail <= 50; ++tail) CHECK(set.insert(colliding(7, tail)));
  for (unsigned char tail = 1; tail <= 50; ++tail) CHECK(set.contains(colliding(7, tail)));
  CHECK_FALSE(set.contains(colliding(7, 51)));
  CHECK_FALSE(set.insert(colliding(7, 25)));
  CHECK(set.size() == 50);
}

TEST_CASE("growing keeps every id, and only those") {
  OidSet set;
  std::mt19937_64 random(2026);
  std::vector<git_oid> ids(20000);
  std::set<std::string> distinct;
  for (auto& id : ids) {
    for (size_t i = 0; i < GIT_OID_RAWSZ; ++i) id.id[i] = static_cast<unsigned char>(random());
    distinct.emplace(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
  }
  for (const auto& id : ids) set.insert(id);
  CHECK(set.size() == distinct.size());
  for (const auto& id : ids) CHECK(set.contains(id));
  // Never fuller than three quarters: at most 20 / 0.375 bytes an id.
  CHECK(set.bytes() <= set.size() * GIT_OID_RAWSZ * 8 / 3 + 1024 * GIT_OID_RAWSZ);
  size_t found = 0;
  for (int n = 0; n < 20000; ++n) {
    git_oid other;
    for (size_t i = 0; i < GIT_OID_RAWSZ; ++i) other.id[i] = static_cast<unsigned char>(random());
    if (set.contains(other)) ++found;
  }
  CHECK(found == 0);
}

TEST_CASE("a reserved set takes its ids without growing, and keeps what it held") {
  OidSet set;
  std::mt19937_64 random(11);
  auto random_id = [&] {
    git_oid id;
    for (size_t i = 0; i < GIT_OID_RAWSZ; ++i) id.id[i] = static_cast<unsigned char>(random());
    return id;
  };
  std::vector<git_oid> before(100);
  for (auto& id : before) set.insert(id = random_id());
  set.reserve(10000);
  const size_t reserved = set.bytes();
  CHECK(reserved >= 10000 * GIT_OID_RAWSZ * 4 / 3);
  for (const auto& id : before) CHECK(set.contains(id));
  for (int n = 0; n < 9900; ++n) set.insert(random_id());
  CHECK(set.bytes() == reserved);
  CHECK(set.size() == 10000);
  set.reserve(10);  // never shrinks
  CHECK(set.bytes() == reserved);
}

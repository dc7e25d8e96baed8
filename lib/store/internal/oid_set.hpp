// A set of object ids for walks over a whole repository: the raw 20 bytes
// of each id in one open-addressing table kept between three eighths and
// three quarters full: 27 to 54 bytes an id (a std::unordered_set of
// std::string took some 70 and a node allocation each). The ids are SHA-1 hashes: their first bytes are already uniform,
// so they are their own hash.
#pragma once

#include <git2.h>

#include <cstddef>
#include <vector>

namespace prevent {

class OidSet {
 public:
  OidSet() = default;

  // True when `id` was not in the set (it is now).
  bool insert(const git_oid& id);
  bool contains(const git_oid& id) const;
  // Room for `n` ids without growing: growing holds the old table and one
  // twice its size at once, so a walk that knows about how many ids it
  // will see sizes the table once instead.
  void reserve(size_t n);
  size_t size() const { return size_; }
  // Bytes held by the table.
  size_t bytes() const { return slots_.size() * sizeof(Slot); }

 private:
  struct Slot {
    unsigned char id[GIT_OID_RAWSZ];
  };
  static bool empty(const Slot& s);
  size_t find(const Slot* slots, size_t mask, const git_oid& id) const;
  void rehash(size_t slots);

  std::vector<Slot> slots_;  // a power of two; an all-zero slot is empty
  size_t size_ = 0;
  bool has_zero_ = false;  // the all-zero id, which cannot be stored as a slot
};

}  // namespace prevent

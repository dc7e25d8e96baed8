#include "oid_set.hpp"

#include <cstring>

namespace prevent {

namespace {

bool is_zero(const unsigned char* id) {
  for (size_t i = 0; i < GIT_OID_RAWSZ; ++i)
    if (id[i]) return false;
  return true;
}

size_t hash_of(const unsigned char* id) {
  size_t h = 0;
  std::memcpy(&h, id, sizeof h);
  return h;
}

}  // namespace

bool OidSet::empty(const Slot& s) { return is_zero(s.id); }

// The slot holding `id`, or the empty slot where it would go.
size_t OidSet::find(const Slot* slots, size_t mask, const git_oid& id) const {
  for (size_t i = hash_of(id.id) & mask;; i = (i + 1) & mask) {
    const Slot& s = slots[i];
    if (std::memcmp(s.id, id.id, GIT_OID_RAWSZ) == 0 || empty(s)) return i;
  }
}

bool OidSet::contains(const git_oid& id) const {
  if (is_zero(id.id)) return has_zero_;
  if (slots_.empty()) return false;
  return !empty(slots_[find(slots_.data(), slots_.size() - 1, id)]);
}

bool OidSet::insert(const git_oid& id) {
  if (is_zero(id.id)) {
    if (has_zero_) return false;
    has_zero_ = true;
    ++size_;
    return true;
  }
  // At most three quarters full, so a probe stays short.
  if ((size_ + 1) * 4 > slots_.size() * 3) rehash(slots_.empty() ? 1024 : slots_.size() * 2);
  Slot& s = slots_[find(slots_.data(), slots_.size() - 1, id)];
  if (!empty(s)) return false;
  std::memcpy(s.id, id.id, GIT_OID_RAWSZ);
  ++size_;
  return true;
}

void OidSet::reserve(size_t n) {
  size_t slots = slots_.empty() ? 1024 : slots_.size();
  while (n * 4 > slots * 3) slots *= 2;
  if (slots > slots_.size()) rehash(slots);
}

void OidSet::rehash(size_t slots) {
  std::vector<Slot> bigger(slots, Slot{});
  const size_t mask = bigger.size() - 1;
  for (const Slot& s : slots_) {
    if (empty(s)) continue;
    git_oid id;
    std::memcpy(id.id, s.id, GIT_OID_RAWSZ);
    bigger[find(bigger.data(), mask, id)] = s;
  }
  slots_.swap(bigger);
}

}  // namespace prevent

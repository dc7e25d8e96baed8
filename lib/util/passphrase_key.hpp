// A key derived from a passphrase with Argon2id (libsodium's crypto_pwhash),
// for a store recipient who unlocks with a passphrase instead of an SSH key
// (docs/encryption.md). Knows nothing of stores.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto.hpp"

namespace prevent::crypto {

// Argon2id's cost. A store's recipients use interactive_cost() (libsodium's
// OPSLIMIT_INTERACTIVE and MEMLIMIT_INTERACTIVE: 2 passes over 64 MiB);
// the unit tests use the minimum.
struct PassphraseCost {
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;  // bytes
};
PassphraseCost interactive_cost();
PassphraseCost minimum_cost();
// Whether a cost read from a store is one libsodium accepts and this
// program is willing to spend (at most 1 GiB and 16 passes: a store's file
// cannot make an unlock take minutes or exhaust memory).
bool acceptable_cost(const PassphraseCost& cost);

inline constexpr size_t kSaltBytes = 16;  // crypto_pwhash_SALTBYTES

// The key derived from `passphrase` and `salt` (kSaltBytes) at `cost`.
// Failure(store) when libsodium cannot (out of memory).
SecretKey passphrase_key(std::string_view passphrase, std::span<const unsigned char> salt, const PassphraseCost& cost);

// An X25519 key pair, and a key sealed to its public half (crypto_box_seal):
// a passphrase recipient holds such a pair, its secret wrapped under the
// passphrase's key, so that the store key can be sealed to them again
// without their passphrase when it is replaced.
inline constexpr size_t kX25519Bytes = 32;
struct X25519Pair {
  Bytes public_key;  // kX25519Bytes
  SecretKey secret;
};
X25519Pair x25519_pair();
Bytes seal_key_to_x25519(std::span<const unsigned char> public_key, const SecretKey& key);
// nullopt when it was sealed to another key or is not a sealed key.
std::optional<SecretKey> open_sealed_key_x25519(std::span<const unsigned char> public_key, const SecretKey& secret,
                                                std::span<const unsigned char> sealed);

}  // namespace prevent::crypto

#include "passphrase_key.hpp"

#include <sodium.h>

#include "failure.hpp"

namespace prevent::crypto {

static_assert(kSaltBytes == crypto_pwhash_SALTBYTES);

PassphraseCost interactive_cost() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PassphraseCost minimum_cost() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

bool acceptable_cost(const PassphraseCost& cost) {
  return cost.opslimit >= crypto_pwhash_OPSLIMIT_MIN && cost.opslimit <= 16 &&
         cost.memlimit >= crypto_pwhash_MEMLIMIT_MIN && cost.memlimit <= (uint64_t{1} << 30);
}

SecretKey passphrase_key(std::string_view passphrase, std::span<const unsigned char> salt, const PassphraseCost& cost) {
  if (sodium_init() < 0) fail(Exit::bug, "libsodium could not be initialised", "");
  if (salt.size() != kSaltBytes || !acceptable_cost(cost)) fail(Exit::bug, "a passphrase key of the wrong form", "");
  SecretKey out;
  if (crypto_pwhash(out.data(), kKeyBytes, passphrase.data(), passphrase.size(), salt.data(), cost.opslimit,
                    static_cast<size_t>(cost.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0)
    fail(Exit::store, "not enough memory to derive the key from the passphrase", "");
  return out;
}

X25519Pair x25519_pair() {
  if (sodium_init() < 0) fail(Exit::bug, "libsodium could not be initialised", "");
  X25519Pair out{Bytes(kX25519Bytes), SecretKey()};
  crypto_box_keypair(out.public_key.data(), out.secret.data());
  return out;
}

Bytes seal_key_to_x25519(std::span<const unsigned char> public_key, const SecretKey& key) {
  if (sodium_init() < 0) fail(Exit::bug, "libsodium could not be initialised", "");
  if (public_key.size() != kX25519Bytes) fail(Exit::bug, "a public key of the wrong length", "");
  Bytes out(crypto_box_SEALBYTES + kKeyBytes);
  if (crypto_box_seal(out.data(), key.data(), kKeyBytes, public_key.data()) != 0)
    fail(Exit::bug, "sealing a key failed", "");
  return out;
}

std::optional<SecretKey> open_sealed_key_x25519(std::span<const unsigned char> public_key, const SecretKey& secret,
                                                std::span<const unsigned char> sealed) {
  if (sodium_init() < 0) fail(Exit::bug, "libsodium could not be initialised", "");
  if (public_key.size() != kX25519Bytes || sealed.size() != crypto_box_SEALBYTES + kKeyBytes) return std::nullopt;
  SecretKey out;
  if (crypto_box_seal_open(out.data(), sealed.data(), sealed.size(), public_key.data(), secret.data()) != 0)
    return std::nullopt;
  return out;
}

}  // namespace prevent::crypto

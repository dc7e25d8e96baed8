// The cryptography of encryption at rest (docs/encryption.md), on
// libsodium: keys, the sealed form of a personal-data value, wrapping one
// key with another, and keyed hashes. Knows nothing of cases or stores:
// what binds a value to its store, case and field is the associated data
// its callers pass.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace prevent::crypto {

using Bytes = std::vector<unsigned char>;

inline constexpr size_t kKeyBytes = 32;

// A 32-byte symmetric key, wiped when it goes.
class SecretKey {
 public:
  SecretKey();
  explicit SecretKey(std::span<const unsigned char> bytes);  // exactly kKeyBytes
  SecretKey(const SecretKey& other);
  SecretKey& operator=(const SecretKey& other);
  ~SecretKey();
  const unsigned char* data() const { return bytes_.data(); }
  unsigned char* data() { return bytes_.data(); }
  friend bool operator==(const SecretKey& a, const SecretKey& b);

 private:
  std::array<unsigned char, kKeyBytes> bytes_{};
};

// A fresh random key.
SecretKey random_key();
// A key for one purpose derived from `key`: `context` is 8 characters.
SecretKey derive_key(const SecretKey& key, uint64_t id, std::string_view context);
// n random bytes.
Bytes random_bytes(size_t n);

// Base64, URL-safe alphabet without padding ([A-Za-z0-9_-]).
std::string to_base64(std::span<const unsigned char> bytes);
std::optional<Bytes> from_base64(std::string_view text);
std::string to_hex(std::span<const unsigned char> bytes);

// ---------------------------------------------------------------------------
// A sealed value: "enc:v1:" and the base64 of nonce ‖ ciphertext ‖ tag,
// XChaCha20-Poly1305 (IETF) under `key` with `ad` as associated data. The
// plaintext is padded to a multiple of 16 bytes, so a sealed value tells
// its length only to the block. The nonce is a keyed hash of the
// associated data and the plaintext (synthetic, as in SIV): the same value
// in the same place seals to the same text, so a record rewritten without
// changing a value keeps its ciphertext and diffs stay quiet.

inline constexpr std::string_view kSealedPrefix = "enc:v1:";
// Whether `text` has the form of a sealed value (says nothing of its key).
bool is_sealed(std::string_view text);
std::string seal(const SecretKey& key, std::string_view ad, std::string_view plaintext);
// The plaintext, or nullopt when `text` is not authentic under this key and
// associated data (a wrong key, a value moved to another case or field, a
// changed byte) or not of the sealed form.
std::optional<std::string> open(const SecretKey& key, std::string_view ad, std::string_view text);

// ---------------------------------------------------------------------------
// A key wrapped by another (random nonce ‖ ciphertext ‖ tag,
// XChaCha20-Poly1305 with `ad`).
Bytes wrap_key(const SecretKey& kek, std::string_view ad, const SecretKey& key);
std::optional<SecretKey> unwrap_key(const SecretKey& kek, std::string_view ad, std::span<const unsigned char> wrapped);

// A keyed hash (BLAKE2b) of `message` under `key`, `bytes` long, in hex.
std::string keyed_hash(const SecretKey& key, std::string_view message, size_t bytes = 16);

// Associated data from parts: each part, then a NUL (so no two lists of
// parts give the same bytes).
std::string associated_data(std::initializer_list<std::string_view> parts);

}  // namespace prevent::crypto

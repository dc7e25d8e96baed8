// SSH ed25519 keys as OpenSSH writes them, used to unlock an encrypted
// store (docs/encryption.md): the public key line of a `.pub` file, the
// unencrypted `openssh-key-v1` private key file, their conversion to X25519
// (as age does) and a key sealed to such a public key (libsodium's sealed
// box). Knows nothing of stores.
//
// Every parser here reads text that may be hostile: every length is checked
// against what is left before anything is read, and a problem is a short
// reason (never a byte of the key) for the caller to put in its message.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto.hpp"

namespace prevent::ssh {

inline constexpr size_t kEd25519PublicBytes = 32;

struct PublicKey {
  std::array<unsigned char, kEd25519PublicBytes> ed25519{};
  // The OpenSSH wire form ("ssh-ed25519" and the key, each length-prefixed),
  // in standard base64: the second word of a .pub line.
  std::string blob_base64() const;
  // "SHA256:" and the unpadded base64 of the blob's SHA-256, as
  // `ssh-keygen -l` prints it.
  std::string fingerprint() const;
  bool operator==(const PublicKey&) const = default;
};

// A private key: its public half and the X25519 secret converted from it.
struct PrivateKey {
  PublicKey public_key;
  crypto::SecretKey x25519_secret;
};

// Where a parse failed: a reason such as "the key is protected by a
// passphrase", for a message that names the file.
struct ParseProblem {
  std::string why;
  // The key file is encrypted with a passphrase (ciphername not `none`).
  bool passphrase_protected = false;
};

// `ssh-ed25519 AAAA… [comment]` (the first line that is not blank or a
// `#` comment); the comment is not kept. nullopt and `problem` otherwise.
std::optional<PublicKey> parse_public_key_line(std::string_view text, ParseProblem& problem);
// The same from the base64 blob alone (the form keys/recipients.yaml keeps).
std::optional<PublicKey> parse_public_key_blob(std::string_view base64, ParseProblem& problem);

// `-----BEGIN OPENSSH PRIVATE KEY-----` … `-----END OPENSSH PRIVATE KEY-----`
// holding one unencrypted ssh-ed25519 key.
std::optional<PrivateKey> parse_private_key(std::string_view text, ParseProblem& problem);

// `key` sealed to the holder of `to` (crypto_box_seal to its X25519 form):
// only the private key can open it.
crypto::Bytes seal_key_to(const PublicKey& to, const crypto::SecretKey& key);
// The key sealed to `me`, or nullopt when it was sealed to another key, or
// the bytes are not a sealed key.
std::optional<crypto::SecretKey> open_sealed_key(const PrivateKey& me, std::span<const unsigned char> sealed);

}  // namespace prevent::ssh

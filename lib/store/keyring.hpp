// The keys of an encrypted store (docs/encryption.md): who may unlock it
// (keys/recipients.yaml, in the history), the store key they unlock, and
// the data key of each case (wrapped by the store key, kept on the key
// store ref `refs/prevent/keys`, never in the main history, so that a
// case's key can be destroyed). A store without keys/recipients.yaml is a
// plain store.
//
// The identity that unlocks the store is the process's: `--identity FILE`
// (cmd/app.cpp, set_identity) or else PREVENT_IDENTITY; with neither, a
// command runs as someone without a key. Unlocking is lazy: a command that
// never needs a key never reads one.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto.hpp"
#include "date.hpp"

namespace prevent {

class GitRepo;

// --identity FILE, given before any store is opened; overrides
// PREVENT_IDENTITY. FILE is an OpenSSH ed25519 private key file, or the
// word `passphrase` (the passphrase is read from PREVENT_PASSPHRASE, else
// asked on the terminal).
void set_identity(std::optional<std::string> identity);

struct KeyRecipient {
  std::string name;         // a label for the person or device (not personal data of a subject)
  std::string type;         // ssh-ed25519 | passphrase
  std::string fingerprint;  // SHA256:… of the SSH public key; empty for a passphrase
  Date added;
};

class Keyring {
 public:
  explicit Keyring(GitRepo& git);
  ~Keyring();

  // The store has keys/recipients.yaml at HEAD.
  bool encrypted() const;
  // The store's random identifier (keys/recipients.yaml), bound into every
  // sealed value; empty for a plain store.
  const std::string& store_id() const;
  // This run holds the store key: an identity was given and it unlocks the
  // store. An identity given that does not unlock it (not a recipient, a
  // wrong passphrase, an unreadable or malformed key file): Failure(store),
  // exit 6, with a message naming the file (never a key).
  bool unlocked() const;

  // The data key of case `id`: nullopt when this run has no store key, or
  // the case has none (erased, or never sealed anything).
  std::optional<crypto::SecretKey> case_key(std::string_view id) const;
  // The data key of case `id`, made when it has none; Failure(store) when
  // this run has no store key. A new key is written to the key store by
  // Store::commit before the commit of the record that uses it.
  crypto::SecretKey case_key_for_writing(std::string_view id);
  // The store's own data key, for values that are about no one case (the
  // reason of an erasure); nullopt without the store key.
  std::optional<crypto::SecretKey> store_data_key() const;
  // The key of the keyed hashes of the person and name indexes, derived from
  // the store key; nullopt without it.
  std::optional<crypto::SecretKey> index_key() const;

  std::vector<KeyRecipient> recipients() const;

  // Writes the data keys made since the last call to the key store
  // (Store::commit calls it before its commit). Nothing to do when none.
  void write_pending();

 private:
  struct State;
  GitRepo& git_;
  mutable std::unique_ptr<State> state_;
  State& state() const;
};

}  // namespace prevent

// `prevent encrypt` (docs/encryption.md, "Converting a plain store"): a
// plain store made encrypted in one commit, under the writers' lock.
#pragma once

#include <string>
#include <vector>

#include "keyring.hpp"
#include "store.hpp"

namespace prevent {

struct EncryptDone {
  // The cases whose records were sealed (each with a new data key), by path.
  std::vector<std::string> sealed;
  // Case files at HEAD (a case without a plain (P) value is left as it is).
  size_t cases = 0;
  // The meeting files whose correction reasons were sealed (with the
  // store's data key), panels/DATE.yaml.
  std::vector<std::string> sealed_meetings;
};

// Refuses, writing nothing (the key store ref untouched), an interrupted
// write, an encrypted store, uncommitted changes to a case or meeting file
// or to keys/recipients.yaml, no git identity (all exit 6), and a case or
// meeting file that does not read or already holds sealed values (its exit
// code). Then makes the store's keys (Keyring::create: the key store
// written, this run unlocked with them), seals every case's plain (P)
// values with a data key of its own (Store::case_text) and every meeting's
// correction reasons with the store's data key (Store::meeting_text), and
// commits those files and keys/recipients.yaml in one commit,
// Prevent-Action `encrypt`. When that commit fails, the key store is taken
// away again (Keyring::abandon_created).
EncryptDone encrypt_store(Store& store, const NewRecipient& first);

}  // namespace prevent

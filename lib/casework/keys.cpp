#include "keys.hpp"

#include <fmt/format.h>

namespace prevent {

void add_key_recipient(Store& store, const NewRecipient& who) {
  auto lock = store.lock();
  Keyring& keys = store.keyring();
  const std::string text = keys.with_recipient(who);
  const std::string what = who.ssh ? fmt::format("ssh-ed25519 {}", who.ssh->fingerprint()) : std::string("passphrase");
  store.commit({{kRecipientsPath, text}}, commit_message("keys add", fmt::format("{} {}", who.name, what), {}, "keys-add"));
}

int remove_key_recipient(Store& store, std::string_view name) {
  auto lock = store.lock();
  Keyring& keys = store.keyring();
  int generation = 0;
  const std::string text = keys.rotate_without(name, generation);
  try {
    store.commit({{kRecipientsPath, text}},
                 commit_message("keys remove", fmt::format("{}, store key generation {}", name, generation), {},
                                "keys-remove"));
  } catch (...) {
    keys.abandon_rotation();
    throw;
  }
  // The commit is made: what follows only tidies the key store (a rotation
  // entry left behind goes with the next write of a key).
  try {
    keys.finish_rotation();
  } catch (...) {
  }
  return generation;
}

}  // namespace prevent

// `prevent keys add|remove` (docs/encryption.md): who can unlock an
// encrypted store. Each is one commit of keys/recipients.yaml, under the
// writers' lock, with the key store (refs/prevent/keys) written first.
#pragma once

#include <string_view>

#include "keyring.hpp"
#include "store.hpp"

namespace prevent {

// Adds a recipient: the current store key wrapped for them. Needs the store
// key (this run's identity). Prevent-Action `keys-add`.
void add_key_recipient(Store& store, const NewRecipient& who);

// Removes a recipient and replaces the store key: a new random store key of
// the next generation, every data key re-wrapped by it, the new key wrapped
// for every remaining recipient. Needs the store key. Prevent-Action
// `keys-remove`. Returns the new generation.
int remove_key_recipient(Store& store, std::string_view name);

}  // namespace prevent

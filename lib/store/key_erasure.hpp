// Erasure by destroying a key (docs/encryption.md, "Erasure"), for the
// layers above the store: a case's data key taken out of the key store
// (refs/prevent/keys) and every object of the repository that holds it
// deleted; and where a case's key is still present, for `check`.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "store.hpp"

namespace prevent {

// Under the writers' lock: checks first that the commit of `record_paths`
// that follows can be made (a git identity, no interrupted write, no
// uncommitted edits of those files), so that nothing is destroyed for a
// commit refused; then takes each case's entry out of the key store
// (one new key-store commit each), then deletes every object of the
// repository that is one of their data keys (loose, or in a pack written
// again without it). A case whose key is already gone (an erasure a crash
// interrupted) is nothing to do. Failure(store) on any error, and when a
// key is in an alternate object store, which prevent does not rewrite.
void destroy_case_keys(Store& store, const std::vector<std::string>& case_ids,
                       const std::vector<std::string>& record_paths);

// Where the data key of a case of `case_ids` is still present: "the key
// store", "loose object", "pack pack-<hash>.pack", "alternate object
// store". Never a key.
struct KeyPresence {
  std::string case_id;
  std::string place;
};
std::vector<KeyPresence> case_keys_present(const Store& store, const std::set<std::string>& case_ids);
// Of `case_ids`, those without an entry in the key store.
std::vector<std::string> cases_without_key(const Store& store, const std::set<std::string>& case_ids);

}  // namespace prevent

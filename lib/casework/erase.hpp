// `prevent erase` (docs/encryption.md, "Erasure"): a case's personal data
// erased by destroying its data key, then its record's (P) values turned
// to `[erased]` and its `erasure` recorded, in one commit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_id.hpp"
#include "crypto.hpp"
#include "date.hpp"
#include "store.hpp"

namespace prevent {

// Erases `id`, or with `person` every case linked to it through `related`
// (as `prevent person` finds them), under the writer's lock:
//   - refused (Failure(store), exit 6) unless the store is encrypted and
//     this run holds its key (the reason is sealed with the store's data
//     key); refused (exit 4) when a case was erased before;
//   - each case's data key destroyed first (key_erasure.hpp);
//   - then one commit `erase: ID` (Prevent-Action: erase, a Prevent-Case
//     trailer per case) of every record with erase_personal() applied and
//     its erasure (`as_of`, the reason sealed).
// A crash between the two leaves the keys gone and the records as they
// were: `check` reports it, and the same erase again completes it.
// Returns the IDs erased, in order of receipt.
std::vector<std::string> erase_cases(Store& store, const CaseId& id, bool person, Date as_of,
                                     const std::string& reason);

}  // namespace prevent

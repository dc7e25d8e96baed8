// The last verified head: tamper evidence for the history (SPEC §8).
//
// `.git/prevent/verified-head` holds the id of the last commit the program
// made, or that `prevent check` found sound. A later history that does not
// contain it has been rewritten (an old commit changed and the rest
// re-committed on top); `check verified-head` reports that. The file lives
// in .git, outside the work tree and the history, so it is not rewritten
// with them. (Reading and writing it: recorded_head.hpp, store-internal.)
#pragma once

#include "store.hpp"

namespace prevent {

// Records HEAD as verified, when the store has a HEAD (atomically, mode
// 0600), but only when HEAD's history contains the head recorded before: a
// rewritten history never replaces the evidence of what it replaced.
// Returns whether it wrote. `init` calls it on the first commit; `check`
// when the history is sound.
bool advance_verified_head_to_head(const Store& store);

// Registers the verified head with `store`: each of its later commits
// advances it (Store::commit; a failure to record leaves the older verified
// head, which check still uses). The layer that opens a store calls this.
void keep_verified_head(Store& store);

}  // namespace prevent

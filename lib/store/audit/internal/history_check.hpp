// The history checks of `prevent check` (SPEC §8): the repository is
// intact, every change to the records has an author, dates go forwards, no
// case file was ever deleted, hand edits are listed, and the history still
// contains the last verified head and agrees with the remote.
#pragma once

#include <vector>

#include "finding.hpp"
#include "store.hpp"

namespace prevent {

// `repository`: every object reachable from HEAD (all parents) can be read
// and matches its id. Damage is exit 6.
std::vector<Finding> check_repository(const Store& store);

// `authors`, `history` and `config`, in one walk of the first-parent chain.
struct HistoryChecks {
  bool authors = false;
  bool history = false;
  bool config = false;
};
std::vector<Finding> check_history(const Store& store, HistoryChecks which);

// `verified-head`: exit 6 when HEAD's history no longer contains the
// recorded verified head, or has diverged from a remote-tracking branch of
// the current branch.
std::vector<Finding> check_verified_head(const Store& store);

}  // namespace prevent

// The last verified head: tamper evidence for the history (SPEC §8).
//
// `.git/prevent/verified-head` holds the id of the last commit the program
// made, or that `prevent check` found sound. A later history that does not
// contain it has been rewritten (an old commit changed and the rest
// re-committed on top); `check verified-head` reports that. The file lives
// in .git, outside the work tree and the history, so it is not rewritten
// with them.
#pragma once

#include <git2.h>

#include <filesystem>
#include <optional>

#include "git_repo.hpp"
#include "store.hpp"

namespace prevent {

std::filesystem::path verified_head_path(const GitRepo& git);

struct RecordedHead {
  bool present = false;       // the file exists
  std::optional<git_oid> id;  // nullopt when present but not a commit id
};
RecordedHead read_verified_head(const GitRepo& git);

// Records `head` as verified (atomically, mode 0600), but only when the
// history of `head` contains the head recorded before: a rewritten history
// never replaces the evidence of what it replaced. Returns whether it wrote.
bool advance_verified_head(const GitRepo& git, const git_oid& head);

// Registers the verified head with `store`: each of its later commits
// advances it (Store::commit; a failure to record leaves the older verified
// head, which check still uses). The layer that opens a store calls this.
void keep_verified_head(Store& store);

// Whether `ancestor` is `descendant` or in its history.
bool in_history_of(git_repository* repo, const git_oid& ancestor, const git_oid& descendant);

}  // namespace prevent

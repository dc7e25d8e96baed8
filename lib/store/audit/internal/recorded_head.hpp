// The verified head's file (verified_head.hpp): read, advanced, and the
// ancestry test the history check shares.
#pragma once

#include <git2.h>

#include <filesystem>
#include <optional>

#include "git_repo.hpp"

namespace prevent {

std::filesystem::path verified_head_path(const GitRepo& git);

struct RecordedHead {
  bool present = false;       // the file exists
  std::optional<git_oid> id;  // nullopt when present but not a commit id
};
RecordedHead read_verified_head(const GitRepo& git);

// The verified head published as a ref, which travels with `git push` and
// `git fetch` where the file cannot (docs/audit.md): prevent keeps it equal
// to the file's.
inline constexpr const char* kVerifiedRef = "refs/prevent/verified";
// Other stores' published verified heads, fetched without force
// (`refs/prevent/verified:refs/prevent/remotes/<remote>/verified`).
inline constexpr const char* kRemoteVerifiedRefs = "refs/prevent/remotes/*";

// A ref's commit id; present and nullopt when it does not resolve.
RecordedHead read_verified_ref(const GitRepo& git, const char* name);

// Records `head` as verified (atomically, mode 0600), and as kVerifiedRef,
// but only when the
// head recorded before (in the file and in the ref) is on the first-parent
// chain of `head`: a rewritten history never replaces the evidence of what
// it replaced. Returns whether it recorded.
bool advance_verified_head(const GitRepo& git, const git_oid& head);

// Whether `ancestor` is `descendant` or in its history (through any parent).
bool in_history_of(git_repository* repo, const git_oid& ancestor, const git_oid& descendant);

// Whether `ancestor` is `head` or one of its first parents, their first
// parents, and so on: the chain the history checks walk. A commit reached
// only through a merge's other parent is not on it (`git merge -s ours
// OLD` must not make a rewritten history look as if it held OLD), except
// through a merge of `prevent sync` (Prevent-Action: sync), whose other
// line counts too: check recomputes each such merge from its parents and
// reports one that is not prevent's merge of them.
bool on_first_parent_chain(git_repository* repo, const git_oid& ancestor, const git_oid& head);

}  // namespace prevent

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

// Records `head` as verified (atomically, mode 0600), but only when the
// history of `head` contains the head recorded before: a rewritten history
// never replaces the evidence of what it replaced. Returns whether it wrote.
bool advance_verified_head(const GitRepo& git, const git_oid& head);

// Whether `ancestor` is `descendant` or in its history.
bool in_history_of(git_repository* repo, const git_oid& ancestor, const git_oid& descendant);

}  // namespace prevent

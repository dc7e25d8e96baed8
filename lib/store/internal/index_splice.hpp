// .git/index updated in place for the few paths a write changes.
//
// libgit2 parses every entry of .git/index into memory and writes every
// entry back: at 100,000 files that is most of a one-file commit. A write
// changes a few entries, so the file is instead copied with those entries
// spliced in, as git's format allows (gitformat-index(5): entries sorted by
// path; the cache tree extension invalidated along the changed paths; a
// SHA-1 trailer). Only index versions 2 and 3 with no extensions but TREE
// and REUC, and no conflict entries at the paths written, are handled;
// anything else is left to libgit2 (the caller's fallback).
#pragma once

#include <git2.h>
#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prevent {

// One path written: its new blob and the stat data of the file just written,
// so that `git status` need not re-hash it.
struct IndexUpdate {
  std::string path;  // relative to the work tree, '/'-separated
  git_oid blob;
  struct stat st;
};

// The same entry as libgit2 takes it (git_index_add). `path` must outlive it.
git_index_entry index_entry_of(const struct stat& st, const git_oid& blob, const std::string& path);

// The bytes of the index `old` with `updates` (sorted by path, no path
// twice) spliced in, or nullopt when `old` is an index to leave to libgit2.
std::optional<std::string> spliced_index(std::string_view old, const std::vector<IndexUpdate>& updates);

// Updates `gitdir`/index in place for `updates` (any order), through an
// exclusive index.lock renamed over it, as git does. false when the index is
// one to leave to libgit2 (then nothing was written); Failure(store) when it
// cannot be written.
bool update_index_in_place(const std::filesystem::path& gitdir, std::vector<IndexUpdate> updates);

}  // namespace prevent

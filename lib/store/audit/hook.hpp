// `prevent hook install` (SPEC §2.5): a git pre-commit hook in the store
// that runs `prevent check --staged`, so a hand edit that would leave an
// invalid record is refused before it becomes a commit, and one that passes
// is an ordinary, visible commit without a Prevent-Action trailer.
#pragma once

#include <filesystem>
#include <string>

#include "store.hpp"

namespace prevent {

// The text of the hook for the prevent binary at `program` (absolute).
std::string pre_commit_hook(const std::filesystem::path& program);

// Where git runs the store's hooks from: core.hooksPath as git reads it
// (relative to the work tree, `~/` for the home directory), else .git/hooks.
std::filesystem::path hooks_directory(const Store& store);

// Whether hooks_directory() lies inside the store's .git directory, so a
// hook written there changes nothing outside the store. (A core.hooksPath
// of the user's, shared by all their repositories, is not.)
bool hooks_directory_in_store(const Store& store);

// The same for a store `init` is about to make in `dir` (git's global
// settings, and those of an empty repository already there): `hooks` gets
// the directory git would run the hooks from.
bool hooks_directory_in_new_store(const std::filesystem::path& dir, std::filesystem::path& hooks);

enum class HookInstalled { installed, already, replaced };

// Writes the hook (mode 0700) into core.hooksPath, else .git/hooks.
// Failure(store) when a different pre-commit hook is there and `force` is
// false. `where` gets the hook's path.
HookInstalled install_pre_commit_hook(const Store& store, const std::filesystem::path& program, bool force,
                                      std::filesystem::path& where);

}  // namespace prevent

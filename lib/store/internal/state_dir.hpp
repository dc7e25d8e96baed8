// The program's own state inside a store's git directory: `.git/prevent/`.
// Everything the program keeps beside the history (the journal of a write,
// the verified head, the record cache and its side file, the log and person
// indexes) lives there, outside the work tree and the history, so that git
// neither shows nor commits it. Every path under it is built here.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "git_repo.hpp"

namespace prevent {

// The state directory of a git directory (`<gitdir>/prevent`).
std::filesystem::path state_dir_of(const std::filesystem::path& gitdir);
// The state directory of a repository.
std::filesystem::path state_dir(const GitRepo& git);
// A file (or directory) of the state directory: "verified-head", "cases-v1".
std::filesystem::path state_path(const GitRepo& git, std::string_view name);
// The same as shown in a message, relative to the store: ".git/prevent/NAME".
std::string shown_state_path(std::string_view name);

}  // namespace prevent

#include "state_dir.hpp"

namespace prevent {

namespace fs = std::filesystem;

fs::path state_dir_of(const fs::path& gitdir) { return gitdir / "prevent"; }

fs::path state_dir(const GitRepo& git) { return state_dir_of(fs::path(git_repository_path(git.raw()))); }

fs::path state_path(const GitRepo& git, std::string_view name) { return state_dir(git) / name; }

std::string shown_state_path(std::string_view name) { return ".git/prevent/" + std::string(name); }

}  // namespace prevent

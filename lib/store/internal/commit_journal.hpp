// The write journal, shared by the commit's steps (commit_steps.cpp, which
// also holds GitRepo::commit) and GitRepo::repair (git_repo.cpp). The commit
// protocol itself is stated once, in git_repo.hpp.
//
// The journal (.git/prevent/journal) is written after the objects and before
// the work tree is touched:
//   prevent write journal v1
//   parent <hex id of the old HEAD, or ->
//   commit <hex id of the new commit>
//   <old blob hex or -> <new blob hex> <path>     one line per file written
#pragma once

#include <string_view>

namespace prevent {

inline constexpr std::string_view kJournalHeader = "prevent write journal v1";
inline constexpr const char* kJournalName = ".git/prevent/journal";

}  // namespace prevent

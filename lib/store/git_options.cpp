#include "git_options.hpp"

#include <git2.h>


namespace prevent {

namespace {

// The values in force: libgit2's defaults until a scope changes them.
bool object_cache = true;
bool strict_hash_verification = true;

bool& current(GitSwitch which) {
  return which == GitSwitch::object_cache ? object_cache : strict_hash_verification;
}

void apply(GitSwitch which, bool on) {
  current(which) = on;
  git_libgit2_opts(which == GitSwitch::object_cache ? GIT_OPT_ENABLE_CACHING : GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION,
                   on ? 1 : 0);
}

}  // namespace

ScopedGitSwitch::ScopedGitSwitch(GitSwitch which, bool on) : which_(which), previous_(current(which)) {
  apply(which, on);
}

ScopedGitSwitch::~ScopedGitSwitch() { apply(which_, previous_); }

}  // namespace prevent

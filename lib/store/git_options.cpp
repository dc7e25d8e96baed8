#include "git_options.hpp"

#include <git2.h>

#include <cstddef>
#include <mutex>

namespace prevent {

void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Records are written once and must survive a power cut.
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    // Pack files are read through mmap windows, which count as the
    // process's memory while mapped. libgit2's defaults (1 GiB windows, 8 GiB
    // in all) keep a whole 300 MB pack mapped after a read of every record;
    // small windows and a cap keep that part of a run under 64 MB, at no
    // measurable cost in time.
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, size_t{8} << 20);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, size_t{64} << 20);
  });
}

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

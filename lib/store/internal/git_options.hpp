// libgit2's process-wide options (git_libgit2_opts), set in one place.
//
// Set once at start-up, by ensure_libgit2() before the first repository is
// opened: fsync of what libgit2 writes under .git, and the size of the
// mmap windows through which pack files are read.
//
// Switched for a scope, by ScopedGitSwitch: the object cache and strict hash
// verification, which long history walks turn off (log_index.cpp,
// check.cpp). These options belong to the whole process, and libgit2 reads
// them on every object read without a lock, so:
//   - a ScopedGitSwitch is made and ended only while no other thread uses
//     libgit2: make it before starting threads, end it after joining them;
//   - it restores the value it found, not a fixed one, so scopes nest (an
//     inner scope does not turn the cache back on under an outer one).
// libgit2 has no getter for these two options, so the value in force is the
// one recorded here, starting from libgit2's defaults (both on); nothing else
// in prevent may call git_libgit2_opts.
#pragma once

namespace prevent {

// Initialises libgit2 and sets the start-up options, once per process.
void ensure_libgit2();

enum class GitSwitch { object_cache, strict_hash_verification };

class ScopedGitSwitch {
 public:
  ScopedGitSwitch(GitSwitch which, bool on);
  ~ScopedGitSwitch();
  ScopedGitSwitch(const ScopedGitSwitch&) = delete;
  ScopedGitSwitch& operator=(const ScopedGitSwitch&) = delete;

 private:
  GitSwitch which_;
  bool previous_;
};

}  // namespace prevent

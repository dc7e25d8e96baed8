// Whole-store reads on every core: each thread reads blobs through its own
// libgit2 repository handle (handles are not shared across threads), so
// reading and inflating is spread as well as the work done on each blob.
#pragma once

#include <git2.h>

#include <functional>
#include <string>
#include <vector>

#include "git_handles.hpp"
#include "store.hpp"

namespace prevent {

// What run() gives for one blob: its bytes, or why there are none.
struct BlobRead {
  const std::string* text = nullptr;  // the bytes, when read
  size_t too_large = 0;               // else its size when larger than kMaxReadBytes (not read)
  // Neither: the blob cannot be read (a damaged repository).
};

class ParallelBlobs {
 public:
  explicit ParallelBlobs(const Store& store);
  ~ParallelBlobs();
  ParallelBlobs(const ParallelBlobs&) = delete;
  ParallelBlobs& operator=(const ParallelBlobs&) = delete;

  // Calls work(i, blob) once for every i < ids.size(), spread over up to
  // `threads()` threads (the calling one among them), and returns when all
  // are done. Each blob's size is read from the object database's header
  // first: one larger than kMaxReadBytes (git_repo.hpp) is not read, so a
  // compression bomb costs nothing. `work` must be safe to run
  // concurrently and must not throw.
  void run(const std::vector<git_oid>& ids, const std::function<void(size_t, const BlobRead&)>& work);

  unsigned threads() const { return threads_; }

 private:
  const Store& store_;
  unsigned threads_ = 1;
  std::vector<git::Repository> repos_;  // one for each thread but the caller's
};

}  // namespace prevent

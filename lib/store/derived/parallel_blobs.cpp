#include "parallel_blobs.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "git_handles.hpp"
#include "git_repo.hpp"

namespace prevent {

ParallelBlobs::ParallelBlobs(const Store& store) : store_(store) {
  threads_ = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
}

ParallelBlobs::~ParallelBlobs() = default;

void ParallelBlobs::run(const std::vector<git_oid>& ids, const std::function<void(size_t, const BlobRead&)>& work) {
  // Small batches are not worth a thread.
  const unsigned use = ids.size() < 64 ? 1u : threads_;
  while (repos_.size() + 1 < use) {
    git_repository* r = nullptr;
    if (git_repository_open(&r, git_repository_path(store_.git().raw())) < 0) break;
    repos_.emplace_back(r);
  }
  std::atomic<size_t> next{0};
  auto loop = [&](git_repository* repo) {
    std::string text;
    git_odb* odb_raw = nullptr;
    git::Odb odb(git_repository_odb(&odb_raw, repo) < 0 ? nullptr : odb_raw);
    for (size_t i = next++; i < ids.size(); i = next++) {
      size_t size = 0;
      git_object_t type = GIT_OBJECT_INVALID;
      if (!odb || git_odb_read_header(&size, &type, odb.get(), &ids[i]) < 0 || type != GIT_OBJECT_BLOB) {
        work(i, BlobRead{});
        continue;
      }
      if (size > kMaxReadBytes) {
        work(i, BlobRead{nullptr, size});
        continue;
      }
      git_blob* raw = nullptr;
      if (git_blob_lookup(&raw, repo, &ids[i]) < 0) {
        work(i, BlobRead{});
        continue;
      }
      git::Blob blob(raw);
      text.assign(static_cast<const char*>(git_blob_rawcontent(raw)), static_cast<size_t>(git_blob_rawsize(raw)));
      blob.reset();
      work(i, BlobRead{&text, 0});
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 0; t + 1 < use && t < repos_.size(); ++t) pool.emplace_back(loop, repos_[t].get());
  loop(store_.git().raw());
  for (auto& t : pool) t.join();
}

}  // namespace prevent

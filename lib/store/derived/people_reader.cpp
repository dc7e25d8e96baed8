#include "people_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <optional>

#include "failure.hpp"
#include "git_repo.hpp"
#include "parallel_blobs.hpp"

namespace prevent {

CaseReadSummary for_each_case_with_personal_data(const Store& store, const std::function<void(const Case&)>& each) {
  CaseReadSummary out;
  const auto files = store.case_files();
  ParallelBlobs blobs(store);
  // A chunk at a time, so that memory does not grow with the store.
  constexpr size_t kChunk = 2048;
  struct Parsed {
    std::optional<Case> c;
    std::optional<Failure> failure;
    std::exception_ptr error;
  };
  std::vector<Parsed> parsed;
  std::vector<git_oid> ids;
  std::vector<size_t> where;
  for (size_t start = 0; start < files.size(); start += kChunk) {
    const size_t end = std::min(files.size(), start + kChunk);
    parsed.assign(end - start, Parsed{});
    ids.clear();
    where.clear();
    for (size_t i = start; i < end; ++i) {
      if (auto f = not_a_record_file(files[i])) {
        parsed[i - start].failure = std::move(f);
        continue;
      }
      ids.push_back(git::oid(files[i].blob));
      where.push_back(i - start);
    }
    blobs.run(ids, [&](size_t j, const BlobRead& blob) {
      Parsed& p = parsed[where[j]];
      const CaseFile& f = files[start + where[j]];
      try {
        if (blob.too_large) fail_too_large(blob.too_large, f.path);
        if (!blob.text) {
          // A damaged repository stops the command, as for every read.
          p.error = std::make_exception_ptr(
              Failure(Exit::store, fmt::format("cannot read a record from the repository ({})", f.path)));
          return;
        }
        Case c = read_case(*blob.text, f.path, store.config());
        if (auto wrong = misplaced_record(c, f.path)) throw *wrong;
        p.c = std::move(c);
      } catch (const Failure& e) {
        p.failure = e;
      } catch (...) {
        p.error = std::current_exception();
      }
    });
    for (size_t i = 0; i < parsed.size(); ++i) {
      Parsed& p = parsed[i];
      if (p.error) std::rethrow_exception(p.error);
      if (p.c) {
        ++out.parsed;
        // Opened here, on this thread, where the keys are.
        store.open_case(*p.c, files[start + i].path);
        each(*p.c);
      }
      else if (p.failure) out.unreadable.push_back(std::move(*p.failure));
    }
  }
  return out;
}

}  // namespace prevent

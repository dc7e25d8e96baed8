#include "derived_indexes.hpp"

#include <memory>

#include "case_cache.hpp"
#include "log_index.hpp"

namespace prevent {

namespace {

// The case → commits index of `log ID`, when there is one (never fails).
class LogIndexUpdate final : public DerivedIndex {
 public:
  void after_commit(const CommitRecord& r) override { log_index_after_commit(r.store.git(), git::oid(r.commit)); }
};

// The record cache's side file, when there is a cache (never fails).
class CaseCacheUpdate final : public DerivedIndex {
 public:
  void after_commit(const CommitRecord& r) override {
    case_cache_after_commit(r.store, git::oid(r.commit), r.files, r.cases);
  }
};

}  // namespace

void keep_derived_indexes(Store& store) {
  store.keep_up_to_date(std::make_shared<LogIndexUpdate>());
  store.keep_up_to_date(std::make_shared<CaseCacheUpdate>());
}

}  // namespace prevent

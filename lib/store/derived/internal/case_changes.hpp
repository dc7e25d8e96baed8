// The record cache's side file, .git/prevent/cases-v1-changes: what each
// write by prevent changed (its layout is at the top of case_cache.cpp,
// which writes it). Internal to store/derived.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache_file.hpp"

namespace prevent::derived {

// Writers stop appending past this size (the next read folds the file in).
inline constexpr size_t kChangesMaxBytes = size_t{64} << 20;
// A read that applied this many records, or a file this large, folds them
// into a new cache file and removes the side file.
inline constexpr size_t kFoldRecords = 32;
inline constexpr size_t kFoldBytes = size_t{8} << 20;

inline fs::path changes_path_of(const fs::path& cache) { return fs::path(cache.string() + "-changes"); }

struct Item {
  Key key;
  std::string_view entry;
};
struct YearItems {
  std::string name;
  std::vector<Item> items;
};


// HEAD's records, in path order, from the cache and the side file's
// records that lead from the cache's tree to `head_cases`; nullopt when
// they do not. `applied` counts the records used.
std::optional<std::vector<YearItems>> follow_changes(const CacheFile& cache, std::string_view changes,
                                                     const Key& config, const Key& head_cases, size_t& applied);

}  // namespace prevent::derived

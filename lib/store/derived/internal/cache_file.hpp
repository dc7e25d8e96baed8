// The record cache's file, .git/prevent/cases-v1: written here
// (CacheBuilder) and checked whole before any of it is used (CacheFile).
// Internal to store/derived (the record cache, its side file, the reader).
//
// The cache file (format 4), little-endian:
//
//   "PRVCASES" u32 version
//   [20] prevent.yaml's blob ID at HEAD when written
//   [20] the `cases` tree ID at HEAD when written, or zeros when some record
//        there did not read (then every run lists HEAD and looks entries up)
//   u32 n, u32 y
//   n × ([20] blob ID, u32 offset, u32 size): one per readable record, in
//        path order; offset and size locate its entry in the entries
//   y × (u32 count, u32 length, name): the year directories under cases/
//        in path order, each with the number of the n records in it (the
//        side file's changes are placed by directory and position)
//   the entries, back to back
//   u64 tag of everything before it: a keyed MAC under the user's key
//        (side_file.hpp: a sealed file), so that no one without the key
//        can make an entry this user's prevent will take
//
// When the `cases` tree at HEAD is the one recorded, the entries are exactly
// HEAD's records in path order: a warm read decodes them one after another
// and does not list HEAD's trees at all. When HEAD is a few writes by
#pragma once

#include <git2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "failure.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "case_entry_codec.hpp"
#include "side_file.hpp"
#include "store.hpp"
#include "tree_order.hpp"

namespace prevent::derived {

namespace fs = std::filesystem;

inline constexpr std::string_view kMagic = "PRVCASES";
// Bump when the file's layout changes (the side file carries the same
// number). The entries' own format (kCaseEntryFormat, which follows the
// record's description by itself) seeds both files' checksums: a cache
// written under another description does not check out and is rebuilt.
inline constexpr uint32_t kFormatVersion = 4;

inline constexpr size_t kOidSize = GIT_OID_RAWSZ;
inline constexpr size_t kHeaderSize = 8 + 4 + kOidSize + kOidSize + 4 + 4;
inline constexpr size_t kIndexEntrySize = kOidSize + 4 + 4;

inline uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
inline void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}


using Key = std::array<unsigned char, kOidSize>;
inline Key key_of(const git_oid& id) {
  Key k;
  std::memcpy(k.data(), id.id, kOidSize);
  return k;
}
inline Key key_of(const ObjectId& id) { return id.bytes; }
inline Key key_at(const char* p) {
  Key k;
  std::memcpy(k.data(), p, kOidSize);
  return k;
}
inline constexpr Key kNoKey{};

// The IDs the cache is valid for: prevent.yaml's blob and the `cases` tree
// at HEAD (kNoKey when absent).
struct HeadKeys {
  Key config = kNoKey;
  Key cases = kNoKey;
};
inline HeadKeys head_keys(const Store& store) {
  HeadKeys keys;
  git_object* obj = nullptr;
  int rc = git_revparse_single(&obj, store.git().raw(), "HEAD^{tree}");
  if (rc < 0) return keys;
  git::Tree tree(reinterpret_cast<git_tree*>(obj));
  if (const git_tree_entry* e = git_tree_entry_byname(tree.get(), "prevent.yaml"))
    if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) keys.config = key_of(*git_tree_entry_id(e));
  if (const git_tree_entry* e = git_tree_entry_byname(tree.get(), "cases"))
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) keys.cases = key_of(*git_tree_entry_id(e));
  return keys;
}

// Year directories in the order git keeps them in the `cases` tree (a
// tree's name sorts as if followed by '/').
inline bool year_before(std::string_view a, std::string_view b) { return git_tree_order(a, true, b, true) < 0; }

struct YearCount {
  std::string_view name;
  uint32_t count = 0;
};

// A cache file checked whole: valid() only when magic, version, prevent.yaml
// and checksum are right, every index entry points inside the file and the
// year directories are in order and count the records exactly.
class CacheFile {
 public:
  CacheFile(const fs::path& path, const Key& config) {
    bytes_ = read_side_file(path, size_t{1} << 32);
    const auto sealed = unsealed_side_file(bytes_, kMagic, kFormatVersion, kHeaderSize, kCaseEntryFormat);
    if (!sealed) return;
    sealed_ = true;
    const std::string_view body = *sealed;
    const char* p = bytes_.data();
    if (key_at(p + 12) != config) return;
    cases_tree_ = key_at(p + 12 + kOidSize);
    n_ = get_u32(p + 12 + 2 * kOidSize);
    const uint32_t y = get_u32(p + 16 + 2 * kOidSize);
    const size_t index_end = kHeaderSize + size_t{n_} * kIndexEntrySize;
    if (index_end > body.size()) return;
    size_t pos = index_end;
    uint64_t counted = 0;
    for (uint32_t i = 0; i < y; ++i) {
      if (body.size() - pos < 8) return;
      YearCount yc;
      yc.count = get_u32(p + pos);
      const size_t len = get_u32(p + pos + 4);
      pos += 8;
      if (len == 0 || body.size() - pos < len || yc.count == 0) return;
      yc.name = body.substr(pos, len);
      pos += len;
      if (!years_.empty() && !year_before(years_.back().name, yc.name)) return;
      counted += yc.count;
      years_.push_back(yc);
    }
    if (counted != n_) return;
    const size_t entries_start = pos;
    for (size_t i = 0; i < n_; ++i) {
      const char* e = p + kHeaderSize + i * kIndexEntrySize;
      size_t off = get_u32(e + kOidSize), len = get_u32(e + kOidSize + 4);
      if (off < entries_start || off > body.size() || len > body.size() - off) return;
    }
    valid_ = true;
  }

  bool valid() const { return valid_; }
  // Whether the file checks out (magic, version, the keyed tag), whatever
  // it then holds: false for a file that someone without the user's key
  // made or changed, or that is damaged.
  bool sealed() const { return sealed_; }
  const Key& cases_tree() const { return cases_tree_; }
  size_t size() const { return valid_ ? n_ : 0; }
  const std::vector<YearCount>& years() const { return years_; }
  Key key(size_t i) const { return key_at(index(i)); }
  std::string_view entry(size_t i) const {
    const char* e = index(i);
    return std::string_view(bytes_.data() + get_u32(e + kOidSize), get_u32(e + kOidSize + 4));
  }
  // The position of the entry for a blob, if any (binary search over a
  // sorted copy of the keys, made on first use).
  std::optional<size_t> find(const Key& k) const {
    if (!valid_) return std::nullopt;
    if (sorted_.empty() && n_ > 0) {
      sorted_.resize(n_);
      for (uint32_t i = 0; i < n_; ++i) sorted_[i] = i;
      std::sort(sorted_.begin(), sorted_.end(), [&](uint32_t a, uint32_t b) {
        return std::memcmp(index(a), index(b), kOidSize) < 0;
      });
    }
    auto it = std::lower_bound(sorted_.begin(), sorted_.end(), k, [&](uint32_t a, const Key& key) {
      return std::memcmp(index(a), key.data(), kOidSize) < 0;
    });
    if (it == sorted_.end() || std::memcmp(index(*it), k.data(), kOidSize) != 0) return std::nullopt;
    return *it;
  }

 private:
  const char* index(size_t i) const { return bytes_.data() + kHeaderSize + i * kIndexEntrySize; }
  std::string bytes_;
  bool valid_ = false;
  bool sealed_ = false;
  Key cases_tree_ = kNoKey;
  uint32_t n_ = 0;
  std::vector<YearCount> years_;
  mutable std::vector<uint32_t> sorted_;
};

// A new cache file, built entry by entry in path order.
class CacheBuilder {
 public:
  void add(std::string_view year, const Key& k, std::string_view entry) {
    if (years_.empty() || years_.back().first != year) years_.emplace_back(std::string(year), 0);
    ++years_.back().second;
    index_.append(reinterpret_cast<const char*>(k.data()), kOidSize);
    put_u32(index_, static_cast<uint32_t>(entries_.size()));  // made absolute in write()
    put_u32(index_, static_cast<uint32_t>(entry.size()));
    entries_.append(entry);
  }
  size_t size() const { return index_.size() / kIndexEntrySize; }

  // Writes the file; false when it was not (too large, or not writable).
  bool write(const fs::path& path, const Key& config, const Key& cases_tree) {
    const size_t n = size();
    std::string years;
    for (const auto& [name, count] : years_) {
      put_u32(years, count);
      put_u32(years, static_cast<uint32_t>(name.size()));
      years.append(name);
    }
    const size_t base = kHeaderSize + index_.size() + years.size();
    if (base + entries_.size() + 8 > (size_t{1} << 32) - 1) return false;  // too large to cache: not kept
    std::string out;
    out.reserve(base + entries_.size() + 8);
    out.append(kMagic);
    put_u32(out, kFormatVersion);
    out.append(reinterpret_cast<const char*>(config.data()), kOidSize);
    out.append(reinterpret_cast<const char*>(cases_tree.data()), kOidSize);
    put_u32(out, static_cast<uint32_t>(n));
    put_u32(out, static_cast<uint32_t>(years_.size()));
    for (size_t i = 0; i < n; ++i) {
      const char* e = index_.data() + i * kIndexEntrySize;
      out.append(e, kOidSize);
      put_u32(out, static_cast<uint32_t>(base + get_u32(e + kOidSize)));
      out.append(e + kOidSize + 4, 4);
    }
    index_.clear();
    index_.shrink_to_fit();
    out.append(years);
    out.append(entries_);
    entries_.clear();
    entries_.shrink_to_fit();
    seal_side_file(out, kCaseEntryFormat);
    // A cache that cannot be written (read-only store) is simply not kept.
    return write_side_file(path, out);
  }

 private:
  std::vector<std::pair<std::string, uint32_t>> years_;
  std::string index_;
  std::string entries_;
};

}  // namespace prevent::derived

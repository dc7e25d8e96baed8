// Reading git's history raw, for the log index: commits and trees read as
// bytes from the object database (no parsing by libgit2), and one diff of
// two root trees that reads each version of a directory once per walk.
// Internal to store/derived.
#pragma once

#include <git2.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "git_handles.hpp"
#include "git_options.hpp"

namespace prevent::derived {

// Failure(store): the history cannot be read (the repository may be damaged).
[[noreturn]] void index_fail(const std::string& what);

// A git object's bytes, read raw (no parsing by libgit2).
class RawObject {
 public:
  RawObject(git_odb* odb, const git_oid& id) {
    git_odb_object* o = nullptr;
    if (git_odb_read(&o, odb, &id) < 0) index_fail("cannot read an object of the history");
    obj_.reset(o);
  }
  std::string_view bytes() const {
    return {static_cast<const char*>(git_odb_object_data(obj_.get())), git_odb_object_size(obj_.get())};
  }
  git_object_t type() const { return git_odb_object_type(obj_.get()); }

 private:
  git::OdbObject obj_;
};

struct Link {
  git_oid commit{};
  git_oid tree{};
};

// A commit's tree and first parent, from its raw bytes.
Link read_link(git_odb* odb, const git_oid& id, std::optional<git_oid>& parent);

// What the index is built from: one commit's changed paths.
struct Change {
  std::string path;
  std::optional<git_oid> before, after;  // blobs, or a submodule or directory at a record's path
};

// Diffs raw trees, reading each version of a directory once per walk (a
// commit's old directories are the previous commit's new ones). Two
// versions of a large directory mostly share their bytes: the common start
// is skipped with one comparison (the entry offsets of the old version
// say where its entries start), and once the rest of both is the same
// bytes the comparison stops, the new version's offsets following from
// the old one's.
class TreeDiffer {
 public:
  explicit TreeDiffer(git_odb* odb);
  ~TreeDiffer();
  TreeDiffer(const TreeDiffer&) = delete;
  TreeDiffer& operator=(const TreeDiffer&) = delete;

  // The changes between two root trees within `scopes` (directories:
  // "panels", "cases/2026").
  void diff_roots(const std::optional<git_oid>& a, const std::optional<git_oid>& b,
                  const std::vector<std::string>& scopes, std::vector<Change>& out);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// While a build reads the history, objects are not hashed again to check
// them against their ids (libgit2's strict verification: a SHA-1 of every
// directory read, most of a build's time). Pack data is still checked by
// zlib; the log itself reads the commits it shows through the checked path,
// and `prevent check repository` checks every object.
// Nor are they kept in libgit2's object cache: a walk reads each object
// once, and filling and evicting the cache cost both time and memory
// (measured on 100,000 commits: 2.5 s user and 255 MB peak without it,
// 3.4 s and 325 MB with it).
// (Process-wide switches: the walk runs on one thread; git_options.hpp.)
class UncheckedReads {
  ScopedGitSwitch verify_{GitSwitch::strict_hash_verification, false};
  ScopedGitSwitch cache_{GitSwitch::object_cache, false};
};
}  // namespace prevent::derived

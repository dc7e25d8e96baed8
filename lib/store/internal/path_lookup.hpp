// Blob ids of many paths of one tree: each directory's tree is looked up
// once, then each file by name (a binary search). git_tree_entry_bypath
// reads the directory's tree again on every call, and libgit2 does not
// keep a year's tree of thousands of entries in its cache, which made a
// 10,000-record import parse that tree some 20,000 times.
#pragma once

#include <git2.h>

#include <map>
#include <optional>
#include <string>

#include "git_handles.hpp"
#include "git_repo.hpp"

namespace prevent {

class PathLookup {
 public:
  // `root` may be null (no commit yet): then no path has a blob.
  PathLookup(git_repository* repo, const git_tree* root) : repo_(repo), root_(root) {}

  std::optional<git_oid> blob(const std::string& path) {
    if (!root_) return std::nullopt;
    const size_t slash = path.rfind('/');
    const git_tree* dir = root_;
    if (slash != std::string::npos) {
      const std::string d = path.substr(0, slash);
      auto it = dirs_.find(d);
      if (it == dirs_.end()) {
        git_tree* t = nullptr;
        git_tree_entry* raw = nullptr;
        if (git_tree_entry_bypath(&raw, root_, d.c_str()) == 0) {
          git::TreeEntry entry(raw);
          if (git_tree_entry_type(entry.get()) == GIT_OBJECT_TREE)
            git_check(git_tree_lookup(&t, repo_, git_tree_entry_id(entry.get())), "cannot read HEAD");
        }
        it = dirs_.emplace(d, git::Tree(t)).first;
      }
      dir = it->second.get();
      if (!dir) return std::nullopt;
    }
    const git_tree_entry* e = git_tree_entry_byname(dir, path.c_str() + (slash == std::string::npos ? 0 : slash + 1));
    if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB) return std::nullopt;
    return *git_tree_entry_id(e);
  }

 private:
  git_repository* repo_;
  const git_tree* root_;
  std::map<std::string, git::Tree> dirs_;
};

}  // namespace prevent

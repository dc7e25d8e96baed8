// Owning handles for libgit2 objects: freed when they go out of scope.
#pragma once

#include <git2.h>

#include <memory>
#include <string_view>

namespace prevent::git {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using Commit = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;
using TreeEntry = Owned<git_tree_entry, git_tree_entry_free>;
using Blob = Owned<git_blob, git_blob_free>;
using Reference = Owned<git_reference, git_reference_free>;
using Revwalk = Owned<git_revwalk, git_revwalk_free>;
using Odb = Owned<git_odb, git_odb_free>;
using OdbObject = Owned<git_odb_object, git_odb_object_free>;
using Index = Owned<git_index, git_index_free>;
using Config = Owned<git_config, git_config_free>;
using Signature = Owned<git_signature, git_signature_free>;

// A git_buf disposed of when it goes out of scope, even by an exception.
struct Buf {
  git_buf buf = GIT_BUF_INIT;
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  ~Buf() { git_buf_dispose(&buf); }
  git_buf* get() { return &buf; }
  std::string_view view() const { return {buf.ptr ? buf.ptr : "", buf.size}; }
};

}  // namespace prevent::git

// Owning handles for libgit2 objects: freed when they go out of scope, even
// by an exception. No code of prevent calls a git_*_free itself; a handle
// type missing here is added here.
#pragma once

#include <git2.h>
#include <git2/sys/odb_backend.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "object_id.hpp"

namespace prevent::git {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

// Objects libgit2 frees through a function pointer of their own.
inline void free_odb_backend(git_odb_backend* b) { b->free(b); }
inline void free_odb_writepack(git_odb_writepack* w) { w->free(w); }

using Repository = Owned<git_repository, git_repository_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;
using TreeEntry = Owned<git_tree_entry, git_tree_entry_free>;
using Treebuilder = Owned<git_treebuilder, git_treebuilder_free>;
using Blob = Owned<git_blob, git_blob_free>;
using Reference = Owned<git_reference, git_reference_free>;
using Revwalk = Owned<git_revwalk, git_revwalk_free>;
using Odb = Owned<git_odb, git_odb_free>;
using OdbObject = Owned<git_odb_object, git_odb_object_free>;
using OdbBackend = Owned<git_odb_backend, free_odb_backend>;  // until an odb takes it
using OdbWritepack = Owned<git_odb_writepack, free_odb_writepack>;
using Packbuilder = Owned<git_packbuilder, git_packbuilder_free>;
using Index = Owned<git_index, git_index_free>;
using Config = Owned<git_config, git_config_free>;
using ConfigIterator = Owned<git_config_iterator, git_config_iterator_free>;
using Signature = Owned<git_signature, git_signature_free>;
using StatusList = Owned<git_status_list, git_status_list_free>;
using Diff = Owned<git_diff, git_diff_free>;

// A whole pack handed to an object database's pack writer (from
// git_odb_write_pack), a mebibyte at a time, as a pack arrives from a
// remote. Handed over in one call, a pack of some tens of megabytes (the
// one commit of a large encrypted import) made libgit2's indexer stop
// short of its end ("unexpected data at the end of the pack").
inline int append_pack(git_odb_writepack* wp, const git_buf& pack, git_indexer_progress* stats) {
  constexpr size_t kChunk = size_t{1} << 20;
  for (size_t at = 0; at < pack.size; at += kChunk)
    if (int rc = wp->append(wp, pack.ptr + at, std::min(kChunk, pack.size - at), stats); rc < 0) return rc;
  return 0;
}

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

// A message's trailers, freed when they go out of scope.
struct Trailers {
  git_message_trailer_array array{};
  Trailers() = default;
  Trailers(const Trailers&) = delete;
  Trailers& operator=(const Trailers&) = delete;
  ~Trailers() { git_message_trailer_array_free(&array); }
  git_message_trailer_array* get() { return &array; }
};

// Between libgit2's object ids and ObjectId, the form the store's public
// headers give (object_id.hpp; its hex() is the one text form of an id).
static_assert(GIT_OID_RAWSZ == ObjectId::kSize);
inline ObjectId object_id(const git_oid& id) {
  ObjectId out;
  std::memcpy(out.bytes.data(), id.id, ObjectId::kSize);
  return out;
}
inline git_oid oid(const ObjectId& id) {
  git_oid out;
  std::memcpy(out.id, id.bytes.data(), ObjectId::kSize);
  return out;
}

// A git configuration value as text, or empty when unset.
inline std::string config_text(git_config* cfg, const char* key) {
  Buf buf;
  if (cfg && git_config_get_string_buf(buf.get(), cfg, key) == 0) return std::string(buf.view());
  return {};
}

}  // namespace prevent::git

// Erasure by destroying a key (docs/encryption.md, "Erasure"): taking a
// case's data key out of the key store, finding every copy of it left in
// the object database, and deleting those objects for good.
//
// The key store is the ref `refs/prevent/keys`: always one commit without
// a parent, whose tree holds `store` and `cases/<YYYY>/<NN>/<ID>` (NN the
// first two digits of the ID's number); each entry a blob beginning
// exactly "prevent data key 1\ncase: <ID>\n" (keyring.cpp writes it).
// Earlier versions of the key
// store (orphan commits, trees, blobs) linger in the object database until
// something deletes them: a clone holds them in packs, the store's own
// writes as loose objects.
#pragma once

#include <git2.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "git_repo.hpp"

namespace prevent {

inline constexpr const char* kKeyStoreRef = "refs/prevent/keys";

// The lock file a writer killed while it moved the key store's ref left
// (refs/prevent/keys.lock), removed. Every write of the key store holds the
// store's writers' lock, so a writer that finds one knows it is stale;
// left, it would refuse every later write of a key.
void clear_stale_key_store_lock(git_repository* repo);

// The path of a case's entry in the key store's tree, NN the number / 100
// (keyring.cpp): cases/2024/00/PRV-2024-0012, cases/2024/987/PRV-2024-98765.
// Failure(invalid_data) when `case_id` is not a case ID.
std::string case_key_path(std::string_view case_id);

// Whether the key store (the tree of refs/prevent/keys) has an entry for
// the case; false when there is no key store.
bool key_store_has_case(const GitRepo& git, std::string_view case_id);

// The IDs of every case with an entry in the key store (the names of the
// files under cases/); empty when there is no key store.
std::set<std::string> key_store_cases(const GitRepo& git);

// Writes a new key-store commit, without a parent, whose tree is the
// current one without the case's entry (directories left empty go too),
// and moves refs/prevent/keys to it with a compare-and-swap (libgit2
// fsyncs the ref; its reflog, if any, is dropped: purge_objects). False,
// nothing written, when the key store has no entry for the case (or there
// is no key store). Failure(store) on any error.
bool remove_case_key(GitRepo& git, std::string_view case_id);

// One object of the object database that is a data key of one of the
// cases asked about, and every place it is stored.
struct KeyObject {
  git_oid id;
  std::string case_id;
  // "loose object", "pack pack-<hash>.pack", or "alternate object store"
  // (an object reached through objects/info/alternates, which is another
  // repository's: prevent does not delete it).
  std::vector<std::string> places;
};

// Every object of the object database (loose, packed, alternates: what
// git_odb_foreach lists) that is a blob beginning with
// "prevent data key 1\ncase: <ID>\n" for an ID of `case_ids`. Only blobs
// of at most kKeyBlobReadLimit bytes are read (the size from the object's
// header first), so a whole store costs one header read an object.
inline constexpr size_t kKeyBlobReadLimit = 400;
std::vector<KeyObject> find_key_objects(const GitRepo& git, const std::set<std::string>& case_ids);

// Deletes the objects `ids` from the repository's own object database for
// good: a loose object's file is removed (its directory fsynced); each pack
// holding any of them is written again without them (every other object of
// that pack kept, read whole through the object database, so an object
// stored as a delta against a removed one survives), the new pack fsynced,
// and only then the old pack's files (.pack, .idx, .rev, .bitmap, .mtimes,
// .keep) removed. The reflog of refs/prevent/keys, which would name the
// key store's old commits, is dropped. Objects in alternates are not
// touched. The caller makes sure no ref reaches the objects (they would be
// missing from its history otherwise). Failure(store) on any error; what was
// done before it stays done, and a second call completes it.
void purge_objects(GitRepo& git, const std::vector<git_oid>& ids);

// The object ids listed by a pack's index file (version 2), in the
// index's order; Failure(store) when the file is not a well-formed v2
// index. For purge_objects and its tests.
std::vector<git_oid> pack_index_ids(const std::filesystem::path& idx_file);

}  // namespace prevent

// Rewriting a store's history once so that no object holds what it held
// (`prevent purge-plaintext`, docs/encryption.md): every commit, oldest
// first, re-made with the same tree but for the files a caller rewrites,
// the same author, committer, dates and message; the refs moved to the
// rewrite in one step, under a journal; a record of the purge committed on
// top; then every object no ref reaches deleted from the object database.
//
// Knows nothing of sealing: what a file becomes is the caller's function
// (cmd/purge.cpp seals every case record). The steps, in an order that an
// interruption cannot leave half done:
//   1. refusals, before anything is written (an interrupted write, changes
//      in the work tree, a detached HEAD, an annotated tag, a ref to a tree
//      or blob, alternates or a shallow clone);
//   2. the new history and the record's commit written to the object
//      database (new objects only: nothing reachable changes);
//   3. the journal (.git/prevent/purge-journal): every ref's old and new
//      target, and the new head;
//   4. the refs moved in one libgit2 transaction (all locked first, then
//      written); remote-tracking refs removed;
//   5. the verified head (file and ref) set to the new head; the work tree
//      and index brought to it;
//   6. every reflog, ORIG_HEAD and FETCH_HEAD removed; the reachable objects
//      written to one new pack, every other pack and every loose object
//      removed; the record cache and indexes of .git/prevent/ removed;
//   7. the journal removed.
// A run that finds the journal finishes steps 4–7 (each is idempotent);
// one that finds no commit to change does nothing.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "object_id.hpp"
#include "store.hpp"

namespace prevent {

// What becomes of one file of the history.
struct FileRewrite {
  std::optional<std::string> bytes;  // the new bytes; nullopt: kept as it is
  std::string kept_why;              // when kept and worth reporting: why (never a value)
};
// Whether a path is offered to the rewrite at all (others are never read).
using PurgeWants = std::function<bool(std::string_view path)>;
// The new bytes of a file offered, from its path and bytes.
using PurgeRewrite = std::function<FileRewrite(std::string_view path, const std::string& bytes)>;

struct PurgeRefMove {
  std::string name;
  ObjectId from;
  std::optional<ObjectId> to;  // nullopt: the ref was removed
};

struct PurgeOutcome {
  bool nothing_to_do = false;
  bool resumed = false;     // an interrupted purge was finished
  size_t commits = 0;       // commits of the old history walked
  // Old commit → its rewrite, oldest first: every commit whose id changed.
  std::vector<std::pair<ObjectId, ObjectId>> rewritten;
  std::vector<std::string> kept;  // "PATH in commit ID: why", each file kept once
  std::vector<PurgeRefMove> refs;
  ObjectId head;                  // the record's commit, HEAD afterwards
  std::string who;                // "Name <email>": the git identity that ran it
  std::string when;               // the time of the run, ISO 8601 in UTC
  size_t objects_before = 0;
  size_t objects_after = 0;
};

// The purge's record: a file added to the rewritten head's tree, and the
// message of the commit that adds it. Made once the rewrite is known.
struct PurgeRecord {
  std::string path;  // e.g. purges/0001.yaml; must not exist at HEAD
  std::string bytes;
  std::string message;
};
using MakePurgeRecord = std::function<PurgeRecord(const PurgeOutcome&)>;

// The record of a purge for the auditor (purges/NNNN.yaml): its number,
// when and by whom (the git identity), why, the commits walked and
// rewritten, each old commit with its rewrite, the refs moved or removed,
// and the files kept as they were (paths, never values).
std::string purge_record_text(const PurgeOutcome& outcome, size_t number);
// purges/NNNN.yaml for the `number`th purge.
std::string purge_record_path(size_t number);

// The steps above, under the store's writer lock (the caller holds it).
// Failure(store) for a refusal, with nothing written.
PurgeOutcome purge_history(Store& store, const PurgeWants& wants, const PurgeRewrite& rewrite,
                           const MakePurgeRecord& record);

// Whether an interrupted purge's journal is there.
bool has_interrupted_purge(const Store& store);

// The number of purge records (files purges/NNNN.yaml) at HEAD.
size_t purge_records_at_head(const Store& store);

}  // namespace prevent

// `prevent sync`: fetch, merge per record, push (issue 19; docs/team.md).
//
// Under the writers' lock, with nothing uncommitted in the way:
//   1. fetch the remote's branch (the branch of the same name) and its
//      verified head into private refs (refs/prevent/sync/…);
//   2. refuse a remote whose branch no longer contains what this store last
//      had from it (its remote-tracking branch): a rewritten remote is never
//      merged;
//   3. nothing to do when the remote's head is in HEAD's history; a
//      fast-forward when HEAD is in the remote's; otherwise one merge
//      commit (`Prevent-Action: sync`, first parent HEAD, second the
//      remote's head) whose tree is the record-level merge of the two
//      (record_merge.hpp): every record changed on both sides merged by
//      field, conflicts kept in the record, a case numbered on both sides
//      renumbered on this side (its old ID in `previous_ids`);
//   4. push the branch and the verified head (never forced); when the push
//      is refused because the remote moved meanwhile, fetch and merge
//      again, up to a few rounds.
// Each commit is made by the store's one-commit protocol (git_repo.hpp), so
// a sync killed at any point leaves the store as before that commit or
// after it; the remote's refs move only by a push git itself applies whole.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store.hpp"

namespace prevent {

struct SyncOptions {
  // A remote's name in the store's git configuration, or a URL or path
  // (path, file://, ssh://). Empty: `origin`.
  std::string remote;
  int max_rounds = 5;  // fetch-merge-push rounds before giving up on a busy remote
};

struct SyncResult {
  // What the last round did to this store: nothing (already up to date or
  // ahead), a fast-forward, or a merge commit.
  enum class Local { unchanged, fast_forward, merged } local = Local::unchanged;
  bool pushed = false;    // the remote's branch moved to this store's head
  int rounds = 0;
  std::string head;       // HEAD afterwards, 40 hex digits
  // "ID FIELD" of each conflict a merge recorded (never a value).
  std::vector<std::string> conflicts;
  // Cases renumbered because the remote had numbered another case the same:
  // (old ID, new ID).
  std::vector<std::pair<std::string, std::string>> renumbered;
  size_t merged_records = 0;  // records merged by field (changed on both sides)
  // Cases of the merged tree that break a rule of SPEC §4 even with the
  // changes that broke it held (held_for_rules): (ID, the refusal's text).
  // The merge is made (it is both sides' committed work); a person puts
  // the case right.
  std::vector<std::pair<std::string, std::string>> rule_breaks;
  // Cases whose record (or meeting) both sides' changes together made break
  // a rule, and whose changes the merge therefore held as conflicts (in
  // `conflicts`), the record as it was before them: (ID, the rule's text).
  std::vector<std::pair<std::string, std::string>> held_for_rules;
  // An encrypted store's cases the merged records hold, this store has no
  // key for, and other copies offer different keys for that this run could
  // not tell apart (Keyring::KeyMerge::undecided): none was taken.
  std::vector<std::string> undecided_keys;
};

SyncResult sync_store(Store& store, const SyncOptions& options);

// For `check`: why the merge commit `commit` is not what prevent's merge of
// its two parents gives (a hand edit hidden in a merge that claims to be a
// sync's), or nullopt when its tree is exactly that. Names paths, never a
// value.
std::optional<std::string> sync_merge_differs(const Store& store, const ObjectId& commit);

}  // namespace prevent

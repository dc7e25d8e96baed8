// Repeat referrals (SPEC §4 rule 10) without re-reading every record.
//
// The index maps each case file at HEAD to a hash of its person key (name
// folded for case and space, and date of birth). It lives in
// .git/prevent/people-v2 with the id of the `cases` tree it describes, and
// is never a source of truth: when HEAD's `cases` tree differs, only the
// files that changed between the two trees are read again; a missing or
// damaged file (wrong header, wrong checksum, a tree that no longer exists)
// is rebuilt from every record. A hash match is confirmed against the
// records themselves, so the index can only speed matching up.
#pragma once

#include <map>
#include <string_view>
#include <unordered_map>
#include <string>
#include <vector>

#include "store.hpp"

namespace prevent {

class PersonIndex {
 public:
  PersonIndex() = default;
  PersonIndex(PersonIndex&&) = default;
  PersonIndex(const PersonIndex&) = delete;  // by_hash_ points into body_
  PersonIndex& operator=(const PersonIndex&) = delete;

  // Brings the index up to date with HEAD (reading only changed records).
  static PersonIndex load(const Store& store);

  // IDs of cases at HEAD, and of those added with add(), whose person key
  // equals `key`, confirmed against the records, in ID order.
  std::vector<std::string> matches(const Store& store, const std::string& key) const;

  // A case of the same import batch, not yet at HEAD.
  void add(const std::string& id, const std::string& key);

  // What the last load() did, for tests and diagnostics.
  enum class Source { fresh, updated, rebuilt };
  Source source() const { return source_; }
  size_t reread() const { return reread_; }

 private:
  // "<hash> <path>\n" lines, one per case file whose record has a person
  // key, sorted by path.
  std::string body_;
  // hash → offset of its line in body_: made on the second lookup of a run
  // (an import), as one scan of the body is cheaper for a single referral.
  mutable std::unordered_multimap<std::string_view, size_t> by_hash_;
  mutable size_t lookups_ = 0;
  std::map<std::string, std::string> batch_;  // id → key (not yet committed)
  std::multimap<std::string, std::string> batch_by_key_;
  Source source_ = Source::fresh;
  size_t reread_ = 0;
};

std::string person_key_hash(const std::string& key);

// Removes the unkeyed person and name indexes of .git/prevent/ (people-v2,
// names-v1): a plain store's, whose plain hashes of names and dates of
// birth a dictionary reverses. `prevent encrypt` drops them; an encrypted
// store keeps keyed ones only (named by their key), which stay.
void remove_unkeyed_person_indexes(const Store& store);
// Removes every person and name index of .git/prevent/, keyed ones (of
// any user's key) included: `prevent erase` drops them, as they hold
// hashes of the erased person's name and date of birth, and describe a
// tree whose records of that person no longer open; the next command that
// needs one rebuilds it from HEAD.
void remove_person_indexes(const Store& store);

// Cases whose person could be the same as another's, names alike but not
// equal (the "possible match" notice of `refer` and `import`, issue 17,
// docs/matching.md), without reading every record: for each case file at
// HEAD, short hashes of its blocking keys (similarity_blocks(),
// name_match.hpp), in .git/prevent/names-v1, kept as the person index is
// (only changed records re-read; rebuilt when missing or damaged; never a
// source of truth). Candidates are only those that share enough keys: the
// caller reads each and compares the names in full.
class NameIndex {
 public:
  NameIndex() = default;
  NameIndex(NameIndex&&) = default;
  NameIndex(const NameIndex&) = delete;  // by_block_ points into body_
  NameIndex& operator=(const NameIndex&) = delete;

  static NameIndex load(const Store& store);

  // IDs of the cases at HEAD, and of those added with add(), that share
  // at least `shared` of `blocks` (similarity_blocks()), in ID order.
  std::vector<std::string> candidates(const std::vector<std::string>& blocks, size_t shared) const;

  // A case of the same import batch, not yet at HEAD.
  void add(const std::string& id, const std::vector<std::string>& blocks);

 private:
  std::string body_;
  // block hash → offset of a line holding it; made on the second lookup.
  mutable std::unordered_multimap<std::string_view, size_t> by_block_;
  mutable size_t lookups_ = 0;
  std::multimap<std::string, std::string> batch_;  // block hash → id
};

}  // namespace prevent

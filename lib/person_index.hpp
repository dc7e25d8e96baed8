// Repeat referrals (SPEC §4 rule 10) without re-reading every record.
//
// The index maps each case file's blob ID to a hash of its person key (name
// folded for case and space, and date of birth). It lives in
// .git/prevent/people-v1, is derived from HEAD only, and is never a source
// of truth: entries whose blob changed are recomputed, and a damaged file is
// rebuilt. A hash match is confirmed against the records themselves.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "store.hpp"

namespace prevent {

class PersonIndex {
 public:
  // Brings the index up to date with HEAD (reading only changed records).
  static PersonIndex load(const Store& store);

  // IDs of cases at HEAD, and of those added with add(), whose person key
  // equals `key`, confirmed against the records, in ID order.
  std::vector<std::string> matches(const Store& store, const std::string& key) const;

  // A case of the same import batch, not yet at HEAD.
  void add(const std::string& id, const std::string& key);

 private:
  struct Entry {
    std::string path;
    std::string blob_hex;
    std::string key_hash;  // "-" when the case has no date of birth
  };
  std::map<std::string, Entry> by_id_;
  std::multimap<std::string, std::string> by_hash_;  // key hash → id, so a lookup does not scan
  std::map<std::string, std::string> batch_;          // id → key (not yet committed)
  std::multimap<std::string, std::string> batch_by_key_;
};

std::string person_key_hash(const std::string& key);

}  // namespace prevent

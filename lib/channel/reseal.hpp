// One version of a case file as `prevent purge-plaintext` rewrites it
// (docs/encryption.md): read, its plain (P) values sealed with the case's
// data key, written back. Sealing is deterministic (crypto.hpp), so an old
// version re-sealed holds exactly the ciphertext a later version holds for
// each value unchanged since. Pure: the keys come from the caller.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "case_record.hpp"
#include "config.hpp"
#include "meeting.hpp"

namespace prevent {

struct ResealedCase {
  std::optional<std::string> text;  // the new bytes; nullopt: kept as they are
  std::string kept_why;             // when kept: why (never a value)
  bool erased = false;              // the case has no data key any more: its plain values became [erased]
};

// The keys of a case (its ID as the record gives it).
using CaseKeysOf = std::function<CaseKeys(const std::string& case_id)>;

// `text` read as a case (against `config`), sealed, written. A file that
// does not read as a case is kept, with why. A case whose data key is gone
// (erased: `keys_of` gives a store ID but no case key) has its plain values
// replaced by `[erased]`, as `prevent erase` left its current record.
ResealedCase reseal_case_text(std::string_view text, const std::string& where, const Config& config,
                              const CaseKeysOf& keys_of);

// One version of a meeting file (panels/DATE.yaml) as the purge rewrites
// it: read, its plain correction reasons sealed with the store's data key
// (`keys`), written. A meeting without a plain value is kept as it is
// (text nullopt, no why); a file that does not read as a meeting is kept,
// with why. Never `erased`: erasure destroys a case's key, not the store's.
ResealedCase reseal_meeting_text(std::string_view text, const std::string& where, const MeetingKeys& keys);

}  // namespace prevent

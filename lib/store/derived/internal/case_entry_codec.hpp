// One case's entry in the record cache (case_cache.hpp): every field of the
// record except personal data, and the subject's age on the referral date
// in place of the date of birth. Written and read by walking the record's
// description (case_fields.hpp), so a field added there is cached without
// an edit here.
//
// Layout, little-endian, the fields in description order, (P) fields left
// out: text u32 length + bytes; date i32 days; keyed enum u8 position in
// its key table; optional u8 0/1 then the value; list u32 count then the
// entries; struct its fields. Then u8 0/1 and i32 the age at referral.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "case_fields.hpp"
#include "case_record.hpp"

namespace prevent {

// Bump when the codec's own encoding changes; a change to the record's
// description changes the format number by itself.
inline constexpr uint32_t kCaseEntryCodecVersion = 1;

// The entries' format number: the codec version with the description's
// signature. Part of the cache file's own format number.
inline constexpr uint32_t kCaseEntryFormat = record_signature<Case>() ^ (kCaseEntryCodecVersion * 0x9e3779b9u);

std::string encode_case_entry(const Case& c);
// nullopt when `bytes` is not a well-formed entry.
std::optional<Case> decode_case_entry(std::string_view bytes);

}  // namespace prevent

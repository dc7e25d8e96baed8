// The record cache behind the whole-store read (case_reader.hpp): parsed
// records keyed by git blob ID. An implementation detail of store/derived
// (and its tests): callers read through case_reader.hpp.
//
// The cache lives in .git/prevent/cases-v1 and holds each case WITHOUT its
// personal data (see without_personal_data()): what the listings count and
// show, the age on the referral date in place of the date of birth, and the
// special-category categories the report counts (ethnicity, mental health,
// neurodiversity: case_fields.hpp), still sealed in their Personal<T>. It
// is never a source of truth: an entry is used only for the exact blob ID it
// was made from, the whole file is checked (magic, format version, the
// store's prevent.yaml blob ID, a checksum of its bytes) and discarded when
// anything is off, and it is rewritten whenever HEAD's records differ from
// what it holds. When HEAD's `cases` tree is the one it was written for, its
// entries are read in order without listing HEAD. A missing, stale,
// truncated or damaged cache gives the same results as a good one, only
// slower. Writes by prevent append what they changed to a side file
// (cases-v1-changes) that the next read applies instead of taking the long
// way. The layout is in docs/store.md.
#pragma once

#include <git2.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "case_entry_codec.hpp"  // the entries: encode_case_entry, decode_case_entry
#include "git_repo.hpp"
#include "store.hpp"

namespace prevent {

// After a write by prevent (Store::commit): records in the cache's side file
// what `commit` changed under cases/ (each written record's entry, keyed by
// its blob ID, and where it stands), so that the next read need not list
// HEAD or parse anything. `cases[i]`, when given, is the record written as
// files[i] (a large batch uses it instead of parsing the text again).
// Only when a cache exists. Never fails: anything it cannot do, the next
// read does the long way.
void case_cache_after_commit(const Store& store, const git_oid& commit, const std::vector<FileWrite>& files,
                             const std::vector<const Case*>& cases) noexcept;

// Where the cache lives, for tests and benchmarks.
std::string case_cache_path(const Store& store);


}  // namespace prevent

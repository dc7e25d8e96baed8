// Whole-store reads (`list`, `review due`, `report`, panel agendas): every
// case at HEAD without its personal data, through the record cache of
// store/derived (case_cache.hpp), which gives the same results as parsing
// every record, only faster. What callers (the front end, casework, audit)
// include for a read of the whole store.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
#include "failure.hpp"
#include "store.hpp"

namespace prevent {

struct CasesWithoutPersonalData {
  std::vector<Case> cases;           // in path order, as Store::case_files()
  std::vector<Failure> unreadable;   // a Failure for each file that does not read
  size_t parsed = 0;                 // records parsed in this run (cache misses)
};

struct CaseReadSummary {
  std::vector<Failure> unreadable;  // a Failure for each file that does not read, in path order
  size_t parsed = 0;                // records parsed in this run (cache misses)
};

// Calls `each` with every readable case at HEAD without its personal data,
// one at a time and in path order (as Store::case_files()); nothing is kept
// after the call returns, so memory does not grow with the store. Misses are
// read and parsed on all cores; the cache is brought up to date when it was
// not. `each` may throw: the cache is then left as it was.
CaseReadSummary for_each_case_without_personal_data(const Store& store, const std::function<void(const Case&)>& each);

// The same, every case held at once (for callers that need them together).
CasesWithoutPersonalData load_cases_without_personal_data(const Store& store);

// The person's name (referral.subject.name) of each case of `ids`, in the
// order given: personal data, so read from the records at HEAD themselves
// (the record cache holds none), and only for the coordinator's own working
// list (`--show-personal` of `list`, `review due` and `panel agenda`). Each
// case named is parsed, on all cores. nullopt for an ID that names no case
// at HEAD or one whose record does not read (an FOI request's reference,
// or a record the listing itself reports as unreadable).
std::vector<std::optional<std::string>> read_case_names(const Store& store, const std::vector<std::string>& ids);

}  // namespace prevent

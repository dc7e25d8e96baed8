// Whole-store reads that need the person behind each case (`prevent find`,
// issue 17): every case at HEAD *with* its personal data. Nothing of it is
// cached (the record cache holds cases without personal data,
// case_reader.hpp), so each call reads and parses every record, on all
// cores. Use it only where a person is looked for by name.
#pragma once

#include <functional>

#include "case_reader.hpp"

namespace prevent {

// Calls `each` with every readable case at HEAD, personal data included,
// one at a time and in path order (as Store::case_files()). A file that is
// not a record, does not read, or is a record at another's path is a
// Failure of the summary's `unreadable`, as for the other whole-store reads.
CaseReadSummary for_each_case_with_personal_data(const Store& store, const std::function<void(const Case&)>& each);

}  // namespace prevent

// `check derived`: each file the store keeps beside its history in
// .git/prevent (the record cache and its side file, the person index, the
// log index) compared with what HEAD gives when read the long way.
//
// Every such file carries a keyed MAC under the user's own key
// (side_file.hpp), so readers never take one that someone without the key
// made or changed. A file that does not check out (written under another
// user's key or by an older prevent, damaged, or edited) is a notice: it was
// never used. One that checks out but does not match HEAD is an error (a
// defect of prevent, or a forgery by someone who has the user's key). In
// both cases the file is removed, and the next read rebuilds it: a derived
// file is never trusted over the records.
#pragma once

#include <string>
#include <vector>

#include "store.hpp"

namespace prevent {

struct DerivedFileFinding {
  bool error = false;  // false: a notice
  std::string message;
};

std::vector<DerivedFileFinding> check_derived_files(const Store& store);

// Each file's own part (case_reader.cpp, person_index.cpp, log_index.cpp).
std::vector<DerivedFileFinding> check_case_cache(const Store& store);
std::vector<DerivedFileFinding> check_person_index(const Store& store);
std::vector<DerivedFileFinding> check_log_index(const Store& store);

}  // namespace prevent

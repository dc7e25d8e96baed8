#include "derived_check.hpp"

namespace prevent {

std::vector<DerivedFileFinding> check_derived_files(const Store& store) {
  std::vector<DerivedFileFinding> out;
  for (auto* part : {&check_case_cache, &check_person_index, &check_log_index})
    for (auto& f : part(store)) out.push_back(std::move(f));
  return out;
}

}  // namespace prevent

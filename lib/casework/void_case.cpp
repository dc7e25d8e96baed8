#include "void_case.hpp"

#include "case_update.hpp"

namespace prevent {

std::string void_case_entry(Store& store, const CaseId& id, Date as_of, const VoidTarget& target, Date date,
                            const std::string& reason) {
  std::string what;
  update_case(store, id, as_of, "void", "void", [&](Case& c) {
    what = apply_void(c, target, date, reason);
    return what;
  });
  return what;
}

}  // namespace prevent

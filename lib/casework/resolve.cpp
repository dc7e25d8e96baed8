#include "resolve.hpp"

#include <fmt/format.h>

#include "case_update.hpp"

namespace prevent {

Case resolve_case_conflict(Store& store, const CaseId& id, Date as_of, const std::string& field,
                           const ConflictChoice& choice) {
  return update_case(store, id, as_of, "resolve", "resolve", [&](Case& c) {
    const auto index = find_conflict(c, field);
    if (!index) {
      // The field given is not repeated: it was typed, and may be anything.
      std::string held;
      for (const auto& k : c.conflicts) held += (held.empty() ? "" : ", ") + k.field;
      fail(Exit::not_found,
           c.conflicts.empty()
               ? fmt::format("{} holds no conflict to resolve (command line)", c.id)
               : fmt::format("{} holds no conflict on the field given; its conflicts: {} (command line)", c.id, held),
           fmt::format("`prevent show {}` shows the conflicts; `prevent review due` lists every one", c.id));
    }
    c = resolve_conflict(c, *index, choice, store.config(), "command line");
    return field;
  });
}

}  // namespace prevent

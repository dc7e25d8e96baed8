#include "correct.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "case_update.hpp"
#include "person_index.hpp"

namespace prevent {

CorrectionDone correct_case(Store& store, const CaseId& id, Date as_of, const std::vector<FieldValue>& changes,
                            const std::string& reason) {
  return correct_case(store, id, as_of, changes, reason, "correct", {});
}

CorrectionDone correct_case(Store& store, const CaseId& id, Date as_of, const std::vector<FieldValue>& changes,
                            const std::string& reason, std::string_view action, const CorrectionCheck& judge) {
  CorrectionDone done;
  update_case(store, id, as_of, action, action, [&](Case& c) {
    const Case at_head = judge ? c : Case{};
    done.fields = apply_correction(c, changes, reason, as_of, store.config());
    if (judge) judge(at_head, c);
    // SPEC §4 rule 10: a corrected name or date of birth may show that the
    // person is already known. New matches are linked; earlier links stay.
    if (changes_person_key(done.fields)) {
      if (auto key = person_key(c)) {
        for (const auto& other : PersonIndex::load(store).matches(store, *key))
          if (other != c.id && std::find(c.related.begin(), c.related.end(), other) == c.related.end()) {
            c.related.push_back(other);
            done.linked.push_back(other);
          }
        if (!done.linked.empty()) {
          std::sort(c.related.begin(), c.related.end());
          c.corrections.back().fields.push_back("related");
        }
      }
    }
    return fmt::format("{}", fmt::join(done.fields, " "));
  });
  return done;
}

}  // namespace prevent

#include "correct.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "case_update.hpp"
#include "person_index.hpp"

namespace prevent {

namespace {

// Whether the case `id` lists `target` in its `related`.
bool lists_case(const Store& store, const std::string& id, const std::string& target) {
  auto cid = parse_case_id(id);
  if (!cid) return false;
  try {
    const Case other = store.load_case(*cid);
    return std::find(other.related.begin(), other.related.end(), target) != other.related.end();
  } catch (const Failure&) {
    return false;
  }
}

}  // namespace

CorrectionDone correct_case(Store& store, const CaseId& id, Date as_of, const std::vector<FieldValue>& changes,
                            const std::string& reason) {
  return correct_case(store, id, as_of, changes, reason, "correct", {});
}

CorrectionDone correct_case(Store& store, const CaseId& id, Date as_of, const std::vector<FieldValue>& changes,
                            const std::string& reason, std::string_view action, const CorrectionCheck& judge) {
  CorrectionDone done;
  update_case(store, id, as_of, action, action, [&](Case& c) {
    const std::optional<std::string> key_before = person_key(c);
    const Case at_head = judge ? c : Case{};
    done.fields = apply_correction(c, changes, reason, as_of, store.config());
    if (judge) judge(at_head, c);
    // SPEC §4 rule 10: a corrected name or date of birth may show that the
    // person is already known. New matches are linked; earlier links stay.
    // Only a correction that changes the key (name folded for case and
    // space, date of birth) looks again, so a pair `prevent unlink`
    // separated is not linked again by a correction that leaves the key
    // as it was (docs/commands.md#prevent-unlink); a case that already
    // lists this one is linked already.
    if (changes_person_key(done.fields) && person_key(c) != key_before) {
      if (auto key = person_key(c)) {
        for (const auto& other : PersonIndex::load(store).matches(store, *key))
          if (other != c.id && std::find(c.related.begin(), c.related.end(), other) == c.related.end() &&
              !lists_case(store, other, c.id)) {
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

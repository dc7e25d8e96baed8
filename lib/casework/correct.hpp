// `prevent correct` against a store: the correction of channel/correction.hpp
// made under the writer's lock, with every rule of SPEC §4 checked and the
// person links of rule 10 brought up to date, as one commit.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "case_id.hpp"
#include "correction.hpp"
#include "date.hpp"
#include "store.hpp"

namespace prevent {

struct CorrectionDone {
  std::vector<std::string> fields;  // as recorded in `corrections`
  std::vector<std::string> linked;  // IDs newly linked in `related` (rule 10)
};

// `prevent correct`: under the writer's lock, applies the correction, checks
// every rule of SPEC §4 on the result and commits `correct: ID <fields>`
// with Prevent-Action: correct. Neither values nor the reason reach the
// commit message.
CorrectionDone correct_case(Store& store, const CaseId& id, Date as_of, const std::vector<FieldValue>& changes,
                            const std::string& reason);

// The same correction committed as `action` (`prevent edit`: `edit: ID
// <fields>`, Prevent-Action: edit). `judge(at_head, corrected)` is called
// under the lock with the case at HEAD and the corrected case (before rule
// 10's links) and may refuse.
using CorrectionCheck = std::function<void(const Case& at_head, const Case& corrected)>;
CorrectionDone correct_case(Store& store, const CaseId& id, Date as_of, const std::vector<FieldValue>& changes,
                            const std::string& reason, std::string_view action, const CorrectionCheck& judge);

}  // namespace prevent

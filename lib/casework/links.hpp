// `prevent link` and `prevent unlink` (issue 17): the links of SPEC §4
// rule 10 (`related`) that the program could not see, or saw wrongly. Each
// is one commit under the writer's lock, every rule checked on what it
// writes; the reason is personal data and goes into the record (a
// `corrections` entry naming `related`), never into the commit message.
#pragma once

#include <string>
#include <vector>

#include "case_id.hpp"
#include "date.hpp"
#include "store.hpp"

namespace prevent {

// Links two cases as referrals of one person: the later referral (received
// later; on the same day, the higher ID) lists the earlier in `related`,
// as rule 10 does, with a corrections entry. Refused (exit 4): a case with
// itself, a pair already linked either way, a voided case. Commit
// `link: <later> related <earlier>`, Prevent-Action: link. Returns the
// changed case's ID.
std::string link_cases(Store& store, const CaseId& a, const CaseId& b, Date as_of, const std::string& reason);

// Undoes a link: each of the two records that lists the other stops
// listing it, with a corrections entry (so one or both files change, in
// one commit). Refused (exit 4): a case with itself, a pair not linked.
// Commit `unlink: <ID> <ID>`, Prevent-Action: unlink, a Prevent-Case
// trailer for each case changed. Returns their IDs.
std::vector<std::string> unlink_cases(Store& store, const CaseId& a, const CaseId& b, Date as_of,
                                      const std::string& reason);

}  // namespace prevent

// The person behind the cases (issue 17, the coordinator's desk): finding
// cases by name, date of birth or postcode district (`prevent find`), the
// "possible match" notice of `refer` and `import`, and the whole picture
// of one person's linked referrals (`prevent person`). These read the
// records with their personal data; the name comparison is
// channel/name_match.hpp, documented in docs/matching.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "case_id.hpp"
#include "case_record.hpp"
#include "date.hpp"
#include "failure.hpp"
#include "name_match.hpp"
#include "person_index.hpp"
#include "store.hpp"
#include "workflow.hpp"

namespace prevent {

// What `find` looks for; at least one is given. A name matches as
// match_names() says; a date of birth and a postcode district only when
// equal (the district compared without case or spaces).
struct FindQuery {
  std::optional<std::string> name;
  std::optional<Date> date_of_birth;
  std::optional<std::string> postcode_district;
};

struct FoundCase {
  std::string id;
  Stage stage{};
  Date received;
  NameMatch match = NameMatch::exact;  // exact when no name was asked for
  PersonalText name;                   // the subject's name as recorded
};

struct FindResult {
  std::vector<FoundCase> cases;     // strongest match first, then by received date and ID
  std::vector<Failure> unreadable;  // case files that could not be read
};

// Every case at HEAD that matches `query` (reads every record).
FindResult find_cases(const Store& store, const FindQuery& query);

// The cases of HEAD (and of `batch`, records of the same import not yet
// committed, by ID) that could be the person of `c` though rule 10 did not
// link them: names alike for the notice (names_alike_for_notice), dates
// of birth compatible, not the same name and date of birth (rule 10 links
// those), not linked either way, not voided. Candidates come from `names`
// (the blocking keys); each is read and compared in full. In ID order.
std::vector<std::string> possible_matches(const Store& store, const NameIndex& names, const Case& c,
                                          const std::map<std::string, const Case*>& batch);

// One person's referrals (`prevent person ID`): the case and every case
// linked to it in `related`, either way and through other cases, each
// read in full; in order of receipt (then ID).
struct PersonCases {
  std::vector<Case> cases;
  std::vector<Failure> unreadable;  // case files of the store that could not be read while looking for links
};
PersonCases person_cases(const Store& store, const CaseId& id);

}  // namespace prevent

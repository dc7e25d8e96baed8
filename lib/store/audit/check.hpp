// `prevent check`: is the store still valid? Each check has a name and can
// be run alone; all is well when nothing is found (SPEC §8).
#pragma once

#include <string>
#include <vector>

#include "failure.hpp"
#include "finding.hpp"
#include "store.hpp"
#include "store_write.hpp"

namespace prevent {

struct CheckInfo {
  std::string name;
  std::string summary;
};
const std::vector<CheckInfo>& available_checks();

// Runs the named checks (all when `names` is empty). Unknown names are
// Failure(usage).
std::vector<Finding> run_checks(const Store& store, const std::vector<std::string>& names, Date as_of);

// `check --since-verified HASH`: an error (exit 6) when the commit an
// auditor wrote down is not on HEAD's first-parent chain (a history
// rewritten since); Failure(invalid_data) when HASH is not a commit id of 7
// to 40 hexadecimal digits.
std::vector<Finding> check_since_verified(const Store& store, const std::string& hash);

// The exit code of a set of findings (SPEC §6 precedence); with `strict`,
// notices of hand edits and non-canonical files count as rule breaks (4).
Exit check_exit_code(const std::vector<Finding>& findings, bool strict);

// The schema files of this prevent that the store's schemas/ (at HEAD)
// lacks or holds in another version: what `prevent upgrade` commits.
std::vector<FileWrite> schema_updates(const Store& store);

}  // namespace prevent

// `prevent check --staged`: what the pre-commit hook runs. Judges the
// commit git is about to make, as the index holds it: every staged case,
// meeting, schema and prevent.yaml that differs from HEAD, read from the
// index (GIT_INDEX_FILE when git sets it, as for `git commit -a`), against
// the schema, the vocabularies of the staged prevent.yaml and the rules of
// SPEC §4. When a meeting or prevent.yaml changes, every staged case is
// judged again, since its rules may depend on them.
#pragma once

#include <vector>

#include "finding.hpp"
#include "store.hpp"

namespace prevent {

std::vector<Finding> check_staged(const Store& store, Date as_of);

}  // namespace prevent

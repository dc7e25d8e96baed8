// New cases: `refer` (flags or one document) and `import` (a YAML stream or
// a CSV of referrals). Every way in goes through the same document → case
// path, so the checks cannot differ between them.
#pragma once

#include <istream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
#include "store.hpp"

namespace prevent {

// The referral fields of `refer`'s flags and of an import CSV's columns,
// keyed by CSV column name (received, route, from_area, sector, agency,
// referrer_role, name, date_of_birth, gender, postcode_district,
// concern_type, concern_summary, id). Empty values are left out.
YNode referral_document(const std::map<std::string, std::string>& fields, int line);

// The CSV columns `import` accepts, and those it requires.
const std::vector<std::string>& csv_columns();
const std::vector<std::string>& csv_required_columns();

// One incoming record, validated on its own (size, YAML, schema, dates);
// the store's vocabularies are checked when it is recorded. `id` is empty
// when the document carries none.
struct Incoming {
  Case record;
  bool has_id = false;
  int line = 0;
  std::string where;  // "FILE:LINE", or "command line"
};
// `file` names the input (lines in `doc` count from its start), or is
// "command line".
Incoming incoming_case(YNode doc, const std::string& file, int line);

// What an input gave: the records that read well, and a Failure for each
// that did not (reported together with any found later).
struct IntakeBatch {
  std::vector<Incoming> records;
  std::vector<Failure> problems;
  size_t total = 0;  // records in the input, good and bad
};

struct IntakeResult {
  std::vector<std::string> ids;                                // in input order
  std::map<std::string, std::vector<std::string>> linked;     // id → related IDs found (rule 10)
  // id → cases whose person could be the same, not linked (names alike,
  // not equal: people.hpp possible_matches), for the "possible match" notice
  std::map<std::string, std::vector<std::string>> possible;
};

// Records `cases` in one commit after allocating IDs, linking repeat
// referrals and checking every rule of SPEC §4 on each. All or nothing:
// every bad record is reported (Failure with details), and nothing is
// written. `action` is "refer" or "import". The caller holds the lock.
IntakeResult record_new_cases(Store& store, IntakeBatch batch, Date as_of, std::string_view action);

// Reads an import file (YAML stream, or CSV when the name ends in .csv).
// A bad header or an unreadable file throws; bad records are collected.
IntakeBatch read_import(std::istream& in, const std::string& name, bool csv);

}  // namespace prevent

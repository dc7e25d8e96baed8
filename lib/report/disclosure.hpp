// Disclosure control of the report (SPEC §7, docs/disclosure.md): the proof,
// per answer, that nobody holding it and every earlier answer of the release
// register can narrow a hidden small count, and the suppression that makes
// it hold.
//
// The requester is modelled as a linear programme over the smallest pieces
// the answers are made of (atoms: one table cell over one stretch of days,
// at one as-of date where the count depends on it). Every answer's shown
// cells fix sums of atoms; its hidden cells bound them; the relations
// between the tables (each breakdown sums to its total, adopted + not
// adopted = discussed, a part is never more than the whole) bind atoms of
// one stretch. For each primary cell ([c] because it is from 1 to
// threshold-1) GLPK's simplex gives the least and the most it can be; the
// answer is safe when that range still covers 1 to threshold-1. Suppression
// only ever loosens the programme, so a cell found safe stays safe while
// more cells are hidden.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "date.hpp"
#include "report.hpp"

namespace prevent {

// One answer as its requester holds it, and as the release register keeps
// it (releases/NNNN.yaml): every count cell shown or hidden, and which of
// the hidden ones were primary (the register is the council's; the answer
// itself never says which [c] is which).
struct ReleasedCell {
  std::string path;  // table, e.g. "referrals.by_sector"
  std::string key;   // cell, e.g. "education"
  std::optional<long> shown;  // nullopt: [c]
  bool primary = false;       // hidden because it was from 1 to threshold-1
};

struct Release {
  int number = 0;  // NNNN of releases/NNNN.yaml; 0 for the answer being made
  std::string request;  // FOI request reference, or empty
  Date from, to, as_of;
  int threshold = 0;
  bool foi = true;
  std::vector<ReleasedCell> cells;
};

// What the register keeps of a suppressed report.
Release release_of(const Report& report);

// An earlier answer with what its cells really are on today's records (the
// same period and as-of counted again, unsuppressed): the differences
// between two answers for one cohort at two as-of dates are protected too.
struct EarlierAnswer {
  Release release;
  Report truth;  // threshold 0
};

struct DisclosureOutcome {
  int primary = 0;    // cells hidden as primary
  int secondary = 0;  // cells hidden to protect them
  int solves = 0;     // linear programmes solved
  // Tables whose cells could not be protected one by one: shown whole as
  // [c] (and not counted as primary, since nothing in them tells which is).
  std::vector<std::string> withheld;
  // Why each further cell was hidden, one line each ("referrals.by_gender
  // female: for referrals.by_gender other"), for `report --explain`. Names
  // of tables and keys only.
  std::vector<std::string> steps;
};

// Suppresses `report` (threshold >= 2) until the guarantee holds against
// `earlier`. Deterministic: the same records and register give the same
// answer.
DisclosureOutcome protect(Report& report, const std::vector<EarlierAnswer>& earlier);

// A report with the same period a year earlier beside it (docs/disclosure.md,
// "The year-earlier column"): one document, so the two are suppressed
// together. `earlier` (counts only, as finish_counts() gives it) is
// protected first, against the register; then `report`, against the
// register and `earlier` as shown, with its true counts. protect()'s
// guarantee then covers the primary cells of both: nothing in `report` can
// narrow a hidden cell of `earlier`, nor the reverse, nor either with the
// register. Sets report.year_earlier.
struct JointOutcome {
  DisclosureOutcome earlier, current;
};
JointOutcome protect_with_year_earlier(Report& report, Report earlier, const std::vector<EarlierAnswer>& register_answers);

// The same with the report's suppression off (threshold 0 or 1): only the
// special-category tables are suppressed (protect_special_categories), the
// earlier report's first, then this one's against the earlier as shown.
// Sets report.year_earlier.
void protect_special_categories_with_year_earlier(Report& report, Report earlier, int store_threshold);

// The least and most a linear combination of cells can be, to a requester
// holding `answers` (for tests and for `prevent report --explain`): the
// same programme protect() builds. `terms` are (answer index, path, key,
// coefficient). nullopt bounds are unbounded.
struct CellRange {
  std::optional<double> min, max;
  bool feasible = true;
};
struct Term {
  size_t answer;
  std::string path, key;
  double coefficient = 1;
};
CellRange feasible_range(const std::vector<Release>& answers, const std::vector<Term>& terms);

}  // namespace prevent

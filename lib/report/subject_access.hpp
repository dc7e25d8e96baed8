// Subject access (UK GDPR Art. 15; issue 18, item 5): everything the store
// holds about the person behind a case, for the reply to a subject access
// request (`prevent export-person ID`). Built as one value, then rendered
// as one YAML document or one self-contained, printable HTML page, so the
// two cannot disagree.
//
// This is the one output meant to carry personal data: every field of
// every linked referral, and the old and new values of every change in its
// history. It carries nothing of anyone else: a panel meeting appears as
// its date and what was decided on the person's case, never with its
// attendance, apologies, declarations or the other cases heard; a change
// is given with its date and Prevent-Action, never with who made it.
#pragma once

#include <string>
#include <vector>

#include "case_record.hpp"
#include "config.hpp"
#include "date.hpp"
#include "record_diff.hpp"
#include "yaml_doc.hpp"

namespace prevent {

// One commit that changed a case's file: when (the author's date, as
// `prevent log --format json` gives it), by which Prevent-Action (`hand
// edit` without one), and what changed, field by field, values included.
struct RecordChange {
  std::string date;    // 2026-11-27T10:02:03+00:00
  std::string action;  // refer, triage, correct, …, or "hand edit"
  std::vector<FieldChange> changes;
};

struct ExportedReferral {
  Case record;                       // as at HEAD, in full
  std::vector<RecordChange> history;  // oldest first
};

struct SubjectAccess {
  std::string area;       // prevent.yaml's area
  std::string asked_for;  // the case ID the export was asked for
  Date as_of;             // the export's date
  std::vector<ExportedReferral> referrals;  // in order of receipt, then ID
};

// The case IDs the export holds, in its order.
std::vector<std::string> exported_case_ids(const SubjectAccess& sa);

// The export as one YAML tree (render_subject_access_yaml emits it): the
// header keys (`export`, `area`, `as_of`, `asked_for`, `cases`), then
// `referrals`, each with `id`, `stage`, `record` (the case's canonical
// tree), `panel_meetings` and `history` (docs/commands.md, export-person).
YNode subject_access_node(const SubjectAccess& sa, const Config& config);
std::string render_subject_access_yaml(const SubjectAccess& sa, const Config& config);
// One HTML page: inline CSS only, no script, no reference to anything
// outside it; every value HTML-escaped; A4 when printed.
std::string render_subject_access_html(const SubjectAccess& sa, const Config& config);

}  // namespace prevent

// `prevent void`: an entry recorded in error moves, unchanged, into the
// record's `voided` list with the date, the reason and what it was. Nothing
// is deleted; a voided entry counts for nothing (stage, due dates, rules,
// the report), because it is no longer in the lists they read. A whole case
// voided (a duplicate referral, one entered in error) has the stage
// `voided` and is closed to every change.
//
// Voiding is for what was recorded wrongly. It is not the panel changing
// its mind: a panel that decides again is recorded as a new decision at a
// later meeting (docs/workflow.md, "When something was recorded wrongly").
//
// Pure: apply_void() changes a Case value; update_case (casework) runs it
// under the writer's lock, checks every rule on the result, and commits.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "case_record.hpp"

namespace prevent {

// What a void names (WHAT of `prevent void ID WHAT`).
struct VoidTarget {
  enum class Kind { triage, assessment, decision, consent, action, review, note, whole_case };
  Kind kind = Kind::triage;
  Date date;                              // assessment, decision, review, note
  std::string action_id;                  // action: A1, A2, …
  std::optional<ReviewKind> review_kind;  // review:DATE:KIND, when two reviews share a date
  int nth = 0;                            // assessment:DATE:N, note:DATE:N (from 1); 0 when not given

  // As the user wrote it, canonically: what the record's `what` and the
  // commit subject say.
  std::string text() const;
};

// The forms WHAT takes, for hints and --help.
std::string_view void_forms();

// Parses WHAT; Failure(invalid_data), with the forms as a hint, when it is
// none of them. Never quotes the text given.
VoidTarget parse_void_target(std::string_view what);

// Every entry of the case that can be voided, named as WHAT names it, in
// record order (`case` last).
std::vector<std::string> voidable_entries(const Case& c);

// Moves the entry that `target` names into `c.voided`, dated `date`, with
// `reason` ((P)). Returns the WHAT recorded. Failure(not_found) when the
// case has no such entry; Failure(invalid_data) when a date names two
// entries (the hint lists them); a refusal (exit 4) naming the rule when
// what is left would break one, with a hint naming what to void first.
std::string apply_void(Case& c, const VoidTarget& target, Date date, const std::string& reason);

// A voided case takes no further change (exit 4).
void refuse_if_voided(const Case& c);

}  // namespace prevent

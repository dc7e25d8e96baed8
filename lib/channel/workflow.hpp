// Where a case stands: its stage (SPEC §3) and the work that falls due on
// it (SPEC §6.1). One function decides the stage; `show`, `list`,
// `review due`, `panel agenda` and the report all ask it.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
#include "config.hpp"
#include "keyed_enum.hpp"

namespace prevent {

enum class Stage {
  awaiting_triage,
  no_further_action,
  signposted,
  police_managed,
  awaiting_panel,
  not_adopted,
  awaiting_consent,
  supported,
  post_closure,
  closed,
  voided,  // the whole case was recorded in error (`prevent void ID case`)
};

template <>
struct KeyTable<Stage> {
  static constexpr std::array<KeyEntry<Stage>, 11> entries{{
      {Stage::awaiting_triage, "awaiting-triage"},
      {Stage::no_further_action, "no-further-action"},
      {Stage::signposted, "signposted"},
      {Stage::police_managed, "police-managed"},
      {Stage::awaiting_panel, "awaiting-panel"},
      {Stage::not_adopted, "not-adopted"},
      {Stage::awaiting_consent, "awaiting-consent"},
      {Stage::supported, "supported"},
      {Stage::post_closure, "post-closure"},
      {Stage::closed, "closed"},
      {Stage::voided, "voided"},
  }};
};

// The names the stage's callers have always used for key_of, key_to and
// the table's order (the workflow's order).
constexpr std::string_view stage_key(Stage s) { return key_of(s); }
constexpr std::optional<Stage> parse_stage(std::string_view key) { return key_to<Stage>(key); }
const std::vector<Stage>& all_stages();
bool is_final(Stage s);  // no further work: nothing falls due

// The store's settings matter only for how long post-closure reviews extend.
Stage stage_of(const Case& c, const Config& config);

// The panel decisions of the current episode: after a reopening, only those
// heard on or after the reopening review.
std::vector<const Hearing*> current_hearings(const Case& c);
// The hearing that adopted the current episode, if any.
const Hearing* adopting_hearing(const Case& c);
// The numbers of the current episode's voided support actions (A3 → 3):
// their IDs are not given again (SPEC §4 rule 9 numbers the rest around
// them).
std::vector<int> voided_action_numbers(const Case& c);
// The ID the next support action of the case gets: A1, A2, … in the order
// added, voided ones counted.
std::string next_action_id(const Case& c);
// The date of the last reopening, if the case was ever reopened.
std::optional<Date> reopened_on(const Case& c);
// The date a closed episode in `previous` was reopened: its `reopened`, else
// its reopening review, else its closure.
std::optional<Date> reopened_on(const Episode& e);

// What falls due (SPEC §6.1's `item` column). Not a field of the record, so
// no schema lists it: SPEC §6.1's table does, in this order.
enum class DueKind {
  triage,
  panel,
  consent,
  monthly_review,
  action,
  post_closure_6,
  post_closure_12,
  extended_review,
  // The case's personal data should be erased (the retention schedule,
  // retention.hpp): `review due` lists it for a case in a final stage;
  // due_items() never gives it, as it is no casework.
  retention,
  // A merge left a conflict in the record (docs/merge.md): a person must
  // choose (`prevent resolve`). `review due` lists one per conflict, in
  // any stage; due_items() never gives it, as it is no casework.
  conflict,
};

template <>
struct KeyTable<DueKind> {
  static constexpr std::array<KeyEntry<DueKind>, 10> entries{{
      {DueKind::triage, "triage"},
      {DueKind::panel, "panel"},
      {DueKind::consent, "consent"},
      {DueKind::monthly_review, "monthly-review"},
      {DueKind::action, "action"},
      {DueKind::post_closure_6, "post-closure-6"},
      {DueKind::post_closure_12, "post-closure-12"},
      {DueKind::extended_review, "extended-review"},
      {DueKind::retention, "retention"},
      {DueKind::conflict, "conflict"},
  }};
};

// A review falls due (monthly, post-closure, extended): what a panel agenda
// takes besides the cases awaiting panel.
constexpr bool is_review(DueKind k) {
  return k == DueKind::monthly_review || k == DueKind::post_closure_6 || k == DueKind::post_closure_12 ||
         k == DueKind::extended_review;
}

// The due item a review of kind `k` answers (only post-closure kinds fall
// due one by one; a monthly review answers `monthly-review`).
constexpr DueKind due_kind_of(ReviewKind k) {
  switch (k) {
    case ReviewKind::monthly: return DueKind::monthly_review;
    case ReviewKind::post_closure_6: return DueKind::post_closure_6;
    case ReviewKind::post_closure_12: return DueKind::post_closure_12;
    case ReviewKind::extended: return DueKind::extended_review;
  }
  return DueKind::monthly_review;
}

struct DueItem {
  DueKind item;
  Date due;
  std::string action_id;  // for `action`
};

// Everything outstanding on the case, in due-date order (SPEC §6.1).
std::vector<DueItem> due_items(const Case& c, const Config& config);

// The age band of the subject on the referral date (SPEC §5).
std::string age_band(const Case& c, const Config& config);

}  // namespace prevent

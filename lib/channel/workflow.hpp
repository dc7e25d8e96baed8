// Where a case stands: its stage (SPEC §3) and the work that falls due on
// it (SPEC §6.1). One function decides the stage; `show`, `list`,
// `review due`, `panel agenda` and the report all ask it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
#include "config.hpp"

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
};

std::string_view stage_key(Stage s);
std::optional<Stage> parse_stage(std::string_view key);
const std::vector<Stage>& all_stages();
bool is_final(Stage s);  // no further work: nothing falls due

// The store's settings matter only for how long post-closure reviews extend.
Stage stage_of(const Case& c, const Config& config);

// The panel decisions of the current episode: after a reopening, only those
// heard on or after the reopening review.
std::vector<const Hearing*> current_hearings(const Case& c);
// The hearing that adopted the current episode, if any.
const Hearing* adopting_hearing(const Case& c);
// The date of the last reopening, if the case was ever reopened.
std::optional<Date> reopened_on(const Case& c);
// The date a closed episode in `previous` was reopened: its `reopened`, else
// its reopening review, else its closure.
std::optional<Date> reopened_on(const Episode& e);

struct DueItem {
  std::string item;  // triage | panel | consent | monthly-review | action | post-closure-6 | …
  Date due;
  std::string action_id;  // for `action`
};

// Everything outstanding on the case, in due-date order (SPEC §6.1).
std::vector<DueItem> due_items(const Case& c, const Config& config);

// The age band of the subject on the referral date (SPEC §5).
std::string age_band(const Case& c, const Config& config);

}  // namespace prevent

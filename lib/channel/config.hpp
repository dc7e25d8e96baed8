// prevent.yaml: the store's settings and vocabularies (SPEC §5).
//
// This is the one place that knows the vocabularies. The fixed value lists
// of the record (routes, outcomes, …) live in the case schema; see
// schema_enum().
#pragma once

#include <array>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "calendar.hpp"
#include "date.hpp"
#include "keyed_enum.hpp"
#include "yaml_doc.hpp"

namespace prevent {

enum class Stage;  // workflow.hpp

struct VocabEntry {
  std::string key;
  std::string label;
  std::optional<int> min;  // age bands only: years, inclusive
  std::optional<int> max;
};

struct Vocabulary {
  std::string name;  // e.g. "sectors"
  std::vector<VocabEntry> entries;
  // False for an optional vocabulary that prevent.yaml does not list (a
  // store made before it): the defaults stand in, and write_config leaves it
  // out, so the file reads and writes back unchanged.
  bool in_file = true;

  bool contains(std::string_view key) const;
  std::vector<std::string> keys() const;
};

// The event a retention period runs from (prevent.yaml `retention[].start`,
// docs/retention.md).
enum class RetentionStart {
  referral,        // referral.received
  triage,          // triage.completed
  panel_decision,  // the last panel decision
  closure,         // closure.date
  last_review,     // the last post-closure review (else the closure)
  voided,          // the day the whole case was voided as entered in error
};

template <>
struct KeyTable<RetentionStart> {
  static constexpr std::array<KeyEntry<RetentionStart>, 6> entries{{
      {RetentionStart::referral, "referral"},
      {RetentionStart::triage, "triage"},
      {RetentionStart::panel_decision, "panel-decision"},
      {RetentionStart::closure, "closure"},
      {RetentionStart::last_review, "last-review"},
      {RetentionStart::voided, "voided"},
  }};
};

// One rule of the retention schedule (prevent.yaml `retention`,
// docs/retention.md): the personal data of a case whose stage is one of
// `stages` (final stages only) should be erased `years` and `months` after
// its `start` event; for a person under 18 at referral, not before their
// `not_before_birthday`th birthday when that is set.
struct RetentionRule {
  std::string name;
  std::vector<Stage> stages;
  RetentionStart start{};
  // The period; at least one is given (absent: 0). Kept as given, so that
  // prevent.yaml reads and writes back unchanged.
  std::optional<int> years;
  std::optional<int> months;
  std::optional<int> not_before_birthday;
};

struct Config {
  std::string area;
  std::string prefix = "PRV";
  int triage_target_working_days = 5;
  int panel_target_days = 28;
  int consent_target_days = 14;
  int review_monthly_days = 28;
  // A post-closure review is recorded no earlier than this many days before
  // it falls due (review.early_days; issue 14).
  int review_early_days = 28;
  int post_closure_first_months = 6;
  int post_closure_second_months = 12;
  int extension_step_months = 6;
  int extension_limit_months = 24;
  int suppression_threshold = 5;
  // The shortest period an FOI answer may cover, in months: 1, 3 or 12
  // (foi.min_period: month, quarter, year; docs/disclosure.md).
  int foi_min_months = 3;
  // The days besides weekends that are not working days: the England and
  // Wales bank holidays by rule, changed by prevent.yaml's `holidays` (an
  // older store's explicit list) and `calendar.added` / `calendar.removed`.
  HolidayCalendar holidays;
  // How referrals arrive (referral.route): optional in prevent.yaml, so that
  // an area can name its own hub; a store made before it has the defaults.
  // `transfer-in` has a meaning of its own (referral.from_area goes only
  // with it), so a store may relabel it but not drop it.
  Vocabulary routes{"routes", {}};
  Vocabulary sectors{"sectors", {}};
  Vocabulary genders{"genders", {}};
  Vocabulary concern_types{"concern_types", {}};
  Vocabulary age_bands{"age_bands", {}};
  Vocabulary services{"services", {}};
  Vocabulary support_types{"support_types", {}};
  // The optional categories of the referral added with the Home Office's
  // 2024-25 release (docs/record.md); optional in prevent.yaml too.
  Vocabulary ethnicities{"ethnicities", {}};
  Vocabulary mental_health{"mental_health", {}};
  Vocabulary neurodiversity{"neurodiversity", {}};
  Vocabulary referral_consent{"referral_consent", {}};
  // The retention schedule (docs/retention.md): one rule for each final
  // stage. Optional in prevent.yaml: without it the defaults apply
  // (default_retention()) and nothing is written back.
  std::vector<RetentionRule> retention;
  bool retention_in_file = false;

  // The age band key for an age in whole years, or "not-known" for none.
  std::string age_band(std::optional<int> age) const;
};

// The bounds of every number in prevent.yaml (docs/store.md), checked when
// the file is read: a setting outside them is refused (exit 6) naming it.
// They keep every date computed from a setting within a few years of its
// input and every loop over days short (issue 15).
struct SettingBounds {
  const char* name;  // as written in prevent.yaml, e.g. "review.monthly_days"
  int min;
  int max;
};
const std::vector<SettingBounds>& setting_bounds();

// Defaults of SPEC §5. The bank holidays come from the rules for every year,
// so prevent.yaml lists none; `this_year` (which once chose the years of an
// explicit list) no longer changes anything.
Config default_config(std::string area, std::string prefix, int this_year);

// The retention schedule that applies when prevent.yaml has no `retention`
// (docs/retention.md gives each period and its reasons).
std::vector<RetentionRule> default_retention();

// Reads prevent.yaml text; Failure(store) when damaged, naming the file.
Config parse_config(std::string_view text, const std::string& where);
std::string write_config(const Config& config);  // canonical text

// The key the report gives the cases that have no value for an optional
// category (docs/report.md); no vocabulary of one may use it.
inline constexpr std::string_view kNotRecorded = "not-recorded";

// The route whose referrals come with `referral.from_area`; every `routes`
// vocabulary has it.
inline constexpr std::string_view kTransferIn = "transfer-in";

// Refuses (exit 5) a value outside a vocabulary, listing the allowed keys.
void require_in_vocabulary(const Vocabulary& vocab, std::string_view value, std::string_view field,
                           const std::string& where);

}  // namespace prevent

// Which review a case can have, when, and with which outcome (SPEC §4
// rules 7 and 8, issue 14): the one place that knows. `prevent review
// record` refuses by judge_review(); its hint is written from the same
// choices, so a refusal and its hint cannot disagree; `check` replays the
// recorded reviews through the same function and reports those that break
// the rules as notices (old records are read, never refused).
//
//   monthly          while the case is supported (or awaiting consent), at
//                    any time; outcome continue or close (with a reason that
//                    is not a consent one: consent closes through `panel
//                    consent`, rule 6).
//   post-closure-6   after closure, first; from review.early_days before
//                    closure + 6 months; outcome no-concerns or reopen.
//   post-closure-12  after the 6-month review; from review.early_days
//                    before closure + 12 months; outcome no-concerns,
//                    reopen, or continue while an extension still fits.
//   extended         after a 12-month or extended review that continued;
//                    from review.early_days before its due date; outcomes
//                    as the 12-month review.
// Post-closure reviews are in date order: none is dated before the one
// before it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
#include "config.hpp"
#include "rules.hpp"

namespace prevent {

// One kind of review the case can have next, and from when.
struct ReviewWindow {
  ReviewKind kind{};
  std::optional<Date> due;  // post-closure kinds: the day it falls due
  std::optional<Date> opens;  // the first day it can be recorded; none: any day
  std::vector<ReviewOutcome> outcomes;  // the outcomes that mean something at it
};

// The reviews a case can have, whatever the date.
struct ReviewChoices {
  std::vector<ReviewWindow> windows;   // empty: the case is not reviewed now
  std::vector<ClosureReason> reasons;  // what --reason takes with outcome close
  // The latest post-closure review of the episode: the next is not dated
  // before it (the kinds in order).
  std::optional<Date> after;
  std::optional<ReviewKind> after_kind;
  std::string stage;  // the case's stage, as refusals name it
  // When no review can be recorded: the rule and why.
  Rule rule = rule::reviews;
  std::string why_none;
};

// From the case's stage: a supported case's monthly reviews, a closed
// case's next post-closure review, or none.
ReviewChoices review_choices(const Case& c, const Config& config);

// The post-closure review that comes next after `done` (the episode's
// post-closure reviews so far, in date order) for a closure on `closed`.
ReviewChoices post_closure_choices(Date closed, const std::vector<const Review*>& done, const Config& config);

// The windows open on `date`: exactly the kinds (each with its outcomes)
// that can be recorded that day.
std::vector<ReviewWindow> valid_on(const ReviewChoices& choices, Date date);

// Whether a review can be recorded; when not, what is wrong (one line),
// the rule, and the hint listing what is valid on the review's date.
struct ReviewVerdict {
  bool ok = true;
  Rule rule = rule::reviews;
  std::string what;
  std::string hint;
};
ReviewVerdict judge_review(const ReviewChoices& choices, const Review& review, std::optional<ClosureReason> reason,
                           const Config& config);

// "valid on D: --kind K --outcome A|B …", or when nothing is, when the next
// review can be recorded.
std::string review_hint(const ReviewChoices& choices, Date date);

// The recorded reviews that break these rules (recorded before them, or by
// hand): one message each, naming the review, for `check`'s notices.
std::vector<std::string> review_rule_notices(const Case& c, const Config& config);

}  // namespace prevent

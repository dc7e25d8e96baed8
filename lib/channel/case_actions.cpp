#include "case_actions.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "consent_giver.hpp"
#include "failure.hpp"
#include "review_rules.hpp"
#include "rules.hpp"
#include "schema.hpp"
#include "workflow.hpp"

namespace prevent {

namespace {

std::string_view stage_name(const Case& c, const Config& cfg) { return key_of(stage_of(c, cfg)); }

}  // namespace

void apply_triage(Case& c, Triage triage) {
  // Rule 2: the police gateway assessment happens once.
  if (c.triage)
    refuse(rule::triage, fmt::format("the case was already triaged on {}", c.triage->completed.str()), c.id,
           fmt::format("a triage recorded in error is voided first: prevent void {} triage --reason TEXT", c.id));
  c.triage = std::move(triage);
}

void apply_note(Case& c, ChronologyEntry entry) { c.chronology.push_back(std::move(entry)); }

void apply_assessment(Case& c, Assessment assessment) { c.assessments.push_back(std::move(assessment)); }

void apply_decision(Case& c, Hearing hearing, const Config& cfg) {
  // Rule 3: only a case awaiting panel is heard.
  if (stage_of(c, cfg) != Stage::awaiting_panel)
    refuse(rule::heard_while_awaiting_panel, fmt::format("the case is {}", stage_name(c, cfg)), c.id);
  // Rule 4 (a police representative present) is checked with every rule
  // on the result, by check_case_rules.
  if (!c.panel.empty() && hearing.meeting <= c.panel.back().meeting)
    refuse(rule::heard_while_awaiting_panel, fmt::format("the case was last heard on {}; a new decision needs a later meeting",
                       c.panel.back().meeting.str()), c.id);
  if (auto since = reopened_on(c); since && hearing.meeting < *since)
    refuse(rule::dates_follow_the_process, fmt::format("the case was reopened on {}; it is heard again at a meeting on or after that day",
                       since->str()), c.id);
  c.panel.push_back(std::move(hearing));
  // The one function that decides the episode must count the new hearing,
  // or the decision would be recorded but never take effect.
  auto current = current_hearings(c);
  if (current.empty() || current.back() != &c.panel.back())
    refuse(rule::dates_follow_the_process, "the meeting is not after the closed episode; the case is heard again at a later meeting", c.id);
}

void apply_consent(Case& c, Consent consent, const Config& cfg, KeepActions keep) {
  Stage s = stage_of(c, cfg);
  if (consent.status == ConsentStatus::withdrawn) {
    // Withdrawal ends support already started.
    if (s != Stage::supported)
      refuse(rule::refusal_closes, fmt::format("consent can be withdrawn only while the case is supported; the case is {}", stage_name(c, cfg)), c.id, s == Stage::awaiting_consent ? "a refusal before support starts is --status declined" : "");
  } else if (s != Stage::awaiting_consent) {
    refuse(rule::consent, fmt::format("consent is recorded for an adopted case awaiting consent; the case is {}",
                                        stage_name(c, cfg)), c.id);
  }
  // Rule 9: the history is in date order (checked again on the whole record).
  if (const Consent* last = latest_consent(c); last && consent.date < last->date)
    refuse(rule::dates_follow_the_process,
           fmt::format("the consent history is in date order; its latest entry is {}", consent_entry_name(*last)), c.id,
           fmt::format("give --date {} or later", last->date.str()));
  // Rule 6, CTSA 2015 s.36(4)(e): refusal or withdrawal ends Channel support;
  // the post-closure reviews still fall due.
  if (auto reason = closure_by_consent(consent.status)) {
    c.closure = Closure{consent.date, *reason};
    if (keep == KeepActions::no) close_actions_with_case(c, consent.date);
  }
  // Appended: the history keeps every entry as it was recorded.
  c.consent.push_back(std::move(consent));
}

void close_actions_with_case(Case& c, Date date) {
  for (auto& a : c.support_plan)
    if (a.status == ActionStatus::open) {
      a.status = ActionStatus::closed;
      a.closed = date;
      a.closed_with = ActionClosedWith::case_;
    }
}

void reopen_actions_closed_with_case(std::vector<Action>& plan) {
  for (auto& a : plan)
    if (a.closed_with == ActionClosedWith::case_) {
      a.status = ActionStatus::open;
      a.closed.reset();
      a.closed_with.reset();
    }
}

std::string add_support_action(Case& c, Action action, const Config& cfg) {
  // Rule 5: support only with consent given.
  if (stage_of(c, cfg) != Stage::supported)
    refuse(rule::consent, fmt::format("support actions are added once consent is given; the case is {}",
                                        stage_name(c, cfg)), c.id);
  action.id = next_action_id(c);
  action.status = ActionStatus::open;
  c.support_plan.push_back(std::move(action));
  return c.support_plan.back().id;
}

void close_support_action(Case& c, const std::string& action_id, ActionStatus status, Date date) {
  auto it = std::find_if(c.support_plan.begin(), c.support_plan.end(),
                         [&](const Action& a) { return a.id == action_id; });
  if (it == c.support_plan.end())
    fail(Exit::not_found, fmt::format("no support action {} on this case ({})", action_id, c.id),
         "`prevent show ID` lists the support plan");
  if (it->status != ActionStatus::open)
    refuse(rule::support_plan, fmt::format("action {} is already {}", action_id, key_of(it->status)), c.id);
  it->status = status;
  it->closed = date;
}

void apply_review(Case& c, ReviewInput in, const Config& cfg) {
  Review& r = in.review;
  // The front end pairs --reason with --outcome close (a usage error there);
  // this guards other callers.
  if ((r.outcome == ReviewOutcome::close) != in.reason.has_value())
    fail(Exit::usage, "a closure reason goes with, and only with, the outcome close");
  // Rules 7 and 8: the kind, its window and its outcome, decided in one
  // place; the hint lists what is valid on the review's date.
  auto verdict = judge_review(review_choices(c, cfg), r, in.reason, cfg);
  if (!verdict.ok) refuse(verdict.rule, verdict.what, c.id, verdict.hint);
  c.reviews.push_back(r);
  if (r.outcome == ReviewOutcome::close) {
    c.closure = Closure{r.date, *in.reason};
    if (in.keep_actions == KeepActions::no) close_actions_with_case(c, r.date);
  }
  if (r.outcome == ReviewOutcome::reopen) {
    // The closed episode moves aside, as it was; the case goes back to the
    // panel.
    Episode e;
    e.consent = std::move(c.consent);
    e.support_plan = std::move(c.support_plan);
    e.reviews = std::move(c.reviews);
    e.closure = std::move(c.closure);
    e.reopened = r.date;
    c.consent.clear();
    c.support_plan.clear();
    c.reviews.clear();
    c.closure.reset();
    c.previous.push_back(std::move(e));
  }
}

}  // namespace prevent

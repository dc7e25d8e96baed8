#include "workflow.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "calendar.hpp"

namespace prevent {

namespace {

bool is_post_closure_kind(ReviewKind kind) { return kind != ReviewKind::monthly; }

// Post-closure reviews outstanding after a closure (SPEC §4 rule 8):
// closure + 6 and + 12 calendar months; `continue` at the 12-month review or
// at an extended one adds an `extended` review 6 months on, up to 24 months.
std::vector<DueItem> post_closure_due(const Case& c, const Config& cfg) {
  std::vector<DueItem> out;
  const Date closed = c.closure->date;
  bool have_first = false, have_second = false;
  const Review* last_late = nullptr;  // the latest 12-month or extended review
  int extended = 0;
  for (const auto& r : c.reviews) {
    if (r.date < closed || !is_post_closure_kind(r.kind)) continue;
    if (r.kind == ReviewKind::post_closure_6) have_first = true;
    if (r.kind == ReviewKind::post_closure_12) have_second = true;
    if (r.kind == ReviewKind::extended) ++extended;
    if (r.kind == ReviewKind::post_closure_12 || r.kind == ReviewKind::extended)
      if (!last_late || r.date >= last_late->date) last_late = &r;
  }
  if (!have_first) out.push_back({DueKind::post_closure_6, closed.add_months(cfg.post_closure_first_months), {}});
  if (!have_second) {
    out.push_back({DueKind::post_closure_12, closed.add_months(cfg.post_closure_second_months), {}});
  } else if (last_late && last_late->outcome == ReviewOutcome::continue_) {
    int months = cfg.post_closure_second_months + (extended + 1) * cfg.extension_step_months;
    if (months <= cfg.extension_limit_months)
      out.push_back({DueKind::extended_review, closed.add_months(months), {}});
  }
  return out;
}

}  // namespace

const std::vector<Stage>& all_stages() {
  static const std::vector<Stage> stages = [] {
    std::vector<Stage> v;
    for (const auto& e : KeyTable<Stage>::entries) v.push_back(e.value);
    return v;
  }();
  return stages;
}

bool is_final(Stage s) {
  return s == Stage::no_further_action || s == Stage::signposted || s == Stage::police_managed ||
         s == Stage::not_adopted || s == Stage::closed || s == Stage::voided;
}

std::vector<int> voided_action_numbers(const Case& c) {
  // An earlier episode's actions were added before its closure; the
  // current episode's after it (its adoption is later, SPEC §4 rule 9).
  std::optional<Date> after;
  if (!c.previous.empty())
    after = c.previous.back().closure ? std::optional<Date>(c.previous.back().closure->date) : reopened_on(c);
  std::vector<int> out;
  for (const auto& v : c.voided) {
    if (!v.action || (after && v.action->added <= *after)) continue;
    const std::string& id = v.action->id;
    int n = 0;
    if (id.size() > 1 && id[0] == 'A' && std::from_chars(id.data() + 1, id.data() + id.size(), n).ec == std::errc{})
      out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string next_action_id(const Case& c) {
  size_t n = c.support_plan.size();
  for (int v : voided_action_numbers(c)) n = std::max(n, static_cast<size_t>(v));
  // Live actions are numbered around the voided ones; the highest of both
  // is the last given.
  for (const auto& a : c.support_plan) {
    int k = 0;
    if (a.id.size() > 1 && std::from_chars(a.id.data() + 1, a.id.data() + a.id.size(), k).ec == std::errc{})
      n = std::max(n, static_cast<size_t>(k));
  }
  return fmt::format("A{}", n + 1);
}

std::optional<Date> reopened_on(const Case& c) {
  if (c.previous.empty()) return std::nullopt;
  return reopened_on(c.previous.back());
}

std::optional<Date> reopened_on(const Episode& e) {
  if (e.reopened) return e.reopened;
  // An episode imported without `reopened`: the date of its reopening review.
  for (auto it = e.reviews.rbegin(); it != e.reviews.rend(); ++it)
    if (it->outcome == ReviewOutcome::reopen) return it->date;
  if (e.closure) return e.closure->date;
  return std::nullopt;
}

std::vector<const Hearing*> current_hearings(const Case& c) {
  std::vector<const Hearing*> out;
  auto since = reopened_on(c);
  for (const auto& h : c.panel)
    if (!since || h.meeting >= *since) out.push_back(&h);
  // A hearing on the reopening day that adopted the closed episode is not
  // part of the new one (the episode's closure came after it).
  if (since && !c.previous.empty() && c.previous.back().closure) {
    std::erase_if(out, [&](const Hearing* h) { return h->meeting <= c.previous.back().closure->date; });
  }
  return out;
}

const Hearing* adopting_hearing(const Case& c) {
  for (const Hearing* h : current_hearings(c))
    if (h->decision == PanelDecision::adopt) return h;
  return nullptr;
}

Stage stage_of(const Case& c, const Config& cfg) {
  if (is_voided_case(c)) return Stage::voided;
  if (!c.triage) return Stage::awaiting_triage;
  switch (c.triage->outcome) {
    case TriageOutcome::no_further_action: return Stage::no_further_action;
    case TriageOutcome::signposted: return Stage::signposted;
    case TriageOutcome::police_managed: return Stage::police_managed;
    case TriageOutcome::channel_panel: break;
  }
  auto hearings = current_hearings(c);
  if (hearings.empty() || hearings.back()->decision == PanelDecision::defer) return Stage::awaiting_panel;
  if (hearings.back()->decision == PanelDecision::not_adopt) return Stage::not_adopted;
  // Adopted.
  if (c.closure) {
    return post_closure_due(c, cfg).empty() ? Stage::closed : Stage::post_closure;
  }
  // The latest entry of the consent history is the consent that counts.
  if (const Consent* k = latest_consent(c); k && k->status == ConsentStatus::given) return Stage::supported;
  return Stage::awaiting_consent;
}

std::vector<DueItem> due_items(const Case& c, const Config& cfg) {
  std::vector<DueItem> out;
  switch (stage_of(c, cfg)) {
    case Stage::awaiting_triage:
      out.push_back({DueKind::triage, add_working_days(c.referral.received, cfg.triage_target_working_days, cfg.holidays), {}});
      break;
    case Stage::awaiting_panel: {
      // From the Section 36 decision, or from the review that reopened the case.
      Date from = c.triage->section36 ? c.triage->section36->decided : c.triage->completed;
      if (auto r = reopened_on(c)) from = *r;
      out.push_back({DueKind::panel, from.add_days(cfg.panel_target_days), {}});
      break;
    }
    case Stage::awaiting_consent:
      out.push_back({DueKind::consent, adopting_hearing(c)->meeting.add_days(cfg.consent_target_days), {}});
      break;
    case Stage::supported: {
      Date last = adopting_hearing(c)->meeting;
      for (const auto& r : c.reviews)
        if (r.date > last) last = r.date;
      out.push_back({DueKind::monthly_review, last.add_days(cfg.review_monthly_days), {}});
      for (const auto& a : c.support_plan)
        if (a.status == ActionStatus::open) out.push_back({DueKind::action, a.due, a.id});
      break;
    }
    case Stage::post_closure:
      out = post_closure_due(c, cfg);
      break;
    default:
      break;
  }
  std::stable_sort(out.begin(), out.end(), [](const DueItem& a, const DueItem& b) { return a.due < b.due; });
  return out;
}

std::string age_band(const Case& c, const Config& cfg) {
  return cfg.age_band(age_at_referral(c));
}

}  // namespace prevent

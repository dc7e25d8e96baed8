#include "review_rules.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "workflow.hpp"

namespace prevent {

namespace {

template <class T>
bool contains(const std::vector<T>& v, T x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

template <class E>
std::string keys(const std::vector<E>& values, std::string_view sep) {
  std::vector<std::string_view> out;
  for (E e : values) out.push_back(key_of(e));
  return fmt::format("{}", fmt::join(out, sep));
}

// SPEC §4 rule 7 (channel-process.md, "Reviews"): a supported case is
// reviewed monthly until the panel agrees the vulnerability is removed or
// significantly reduced and closes it. So a monthly review continues the
// support or closes the case; `no-concerns` and `reopen` belong to the
// reviews after closure. Closure by declined or withdrawn consent comes
// from `panel consent` (rule 6), not from a review.
ReviewChoices monthly_choices() {
  ReviewChoices ch;
  ch.windows.push_back({ReviewKind::monthly, std::nullopt, std::nullopt,
                        {ReviewOutcome::continue_, ReviewOutcome::close}});
  for (const auto& e : KeyTable<ClosureReason>::entries)
    if (!is_closure_by_consent(e.value)) ch.reasons.push_back(e.value);
  return ch;
}

ReviewChoices none(Rule r, std::string why) {
  ReviewChoices ch;
  ch.rule = r;
  ch.why_none = std::move(why);
  return ch;
}

std::string outcome_misfit(ReviewKind kind, ReviewOutcome outcome, const Config& cfg) {
  if (kind == ReviewKind::monthly) {
    if (outcome == ReviewOutcome::reopen) return "only a review after closure can reopen the case";
    return fmt::format("{} is the outcome of a review after closure; a monthly review continues the support "
                       "or closes the case",
                       key_of(outcome));
  }
  if (outcome == ReviewOutcome::close)
    return fmt::format("the case is already closed; a {} review does not close it", key_of(kind));
  if (kind == ReviewKind::post_closure_6)
    return "continue extends the reviews after closure and is decided at the post-closure-12 review, not at "
           "the post-closure-6";
  return fmt::format("the reviews after closure end {} months after it (review.extension_limit_months); "
                     "continue cannot extend them further",
                     cfg.extension_limit_months);
}

}  // namespace

ReviewChoices post_closure_choices(Date closed, const std::vector<const Review*>& done, const Config& cfg) {
  // SPEC §4 rule 8 (channel-process.md, "After closure"): reviews at closure
  // + 6 and + 12 calendar months; `continue` at the 12-month review (or at
  // an extended one) adds an `extended` review 6 months on, up to 24 months.
  bool have_first = false, have_second = false;
  const Review* last_late = nullptr;
  int extended = 0;
  ReviewChoices ch;
  for (const Review* r : done) {
    if (r->kind == ReviewKind::post_closure_6) have_first = true;
    if (r->kind == ReviewKind::post_closure_12) have_second = true;
    if (r->kind == ReviewKind::extended) ++extended;
    if (r->kind == ReviewKind::post_closure_12 || r->kind == ReviewKind::extended)
      if (!last_late || r->date >= last_late->date) last_late = r;
    if (!ch.after || r->date >= *ch.after) {
      ch.after = r->date;
      ch.after_kind = r->kind;
    }
  }
  ReviewWindow w;
  int months = 0;
  if (!have_first) {
    w.kind = ReviewKind::post_closure_6;
    months = cfg.post_closure_first_months;
  } else if (!have_second) {
    w.kind = ReviewKind::post_closure_12;
    months = cfg.post_closure_second_months;
  } else if (last_late && last_late->outcome == ReviewOutcome::continue_ &&
             cfg.post_closure_second_months + (extended + 1) * cfg.extension_step_months <=
                 cfg.extension_limit_months) {
    w.kind = ReviewKind::extended;
    months = cfg.post_closure_second_months + (extended + 1) * cfg.extension_step_months;
  } else {
    return none(rule::post_closure_reviews, "the case is closed and every post-closure review is done");
  }
  w.due = closed.add_months(months);
  // Issue 14: not earlier than review.early_days before it falls due.
  w.opens = w.due->add_days(-cfg.review_early_days);
  // `continue` means something only while another extension fits.
  if (w.kind != ReviewKind::post_closure_6 && months + cfg.extension_step_months <= cfg.extension_limit_months)
    w.outcomes.push_back(ReviewOutcome::continue_);
  w.outcomes.push_back(ReviewOutcome::no_concerns);
  w.outcomes.push_back(ReviewOutcome::reopen);
  ch.rule = rule::post_closure_reviews;
  ch.windows.push_back(std::move(w));
  return ch;
}

ReviewChoices review_choices(const Case& c, const Config& cfg) {
  Stage s = stage_of(c, cfg);
  switch (s) {
    case Stage::supported:
    case Stage::awaiting_consent: {
      ReviewChoices ch = monthly_choices();
      ch.stage = key_of(s);
      return ch;
    }
    case Stage::post_closure: {
      std::vector<const Review*> done;
      for (const auto& r : c.reviews)
        if (r.kind != ReviewKind::monthly && r.date >= c.closure->date) done.push_back(&r);
      std::stable_sort(done.begin(), done.end(), [](const Review* a, const Review* b) { return a->date < b->date; });
      return post_closure_choices(c.closure->date, done, cfg);
    }
    case Stage::closed:
      return none(rule::post_closure_reviews, "the case is closed and every post-closure review is done");
    default:
      return none(rule::reviews, fmt::format("only an adopted case is reviewed; the case is {}", key_of(s)));
  }
}

std::vector<ReviewWindow> valid_on(const ReviewChoices& ch, Date date) {
  std::vector<ReviewWindow> out;
  if (ch.after && date < *ch.after) return out;
  for (const auto& w : ch.windows)
    if (!w.opens || date >= *w.opens) out.push_back(w);
  return out;
}

std::string review_hint(const ReviewChoices& ch, Date date) {
  auto valid = valid_on(ch, date);
  if (!valid.empty()) {
    std::vector<std::string> parts;
    for (const auto& w : valid) {
      std::string part = fmt::format("--kind {} --outcome {}", key_of(w.kind), keys(w.outcomes, "|"));
      if (contains(w.outcomes, ReviewOutcome::close))
        part += fmt::format(" (close with --reason {})", keys(ch.reasons, "|"));
      parts.push_back(std::move(part));
    }
    return fmt::format("valid on {}: {}", date.str(), fmt::join(parts, "; "));
  }
  if (ch.windows.empty()) return {};
  const ReviewWindow& w = ch.windows.front();
  if (ch.after && date < *ch.after)
    return fmt::format("nothing can be recorded on {}: the next review, {}, is dated on or after the {} review of {}",
                       date.str(), key_of(w.kind), key_of(*ch.after_kind), ch.after->str());
  return fmt::format("nothing can be recorded on {}: the next review, {}, falls due on {} and can be recorded from {}",
                     date.str(), key_of(w.kind), w.due->str(), w.opens->str());
}

ReviewVerdict judge_review(const ReviewChoices& ch, const Review& r, std::optional<ClosureReason> reason,
                           const Config& cfg) {
  // Accepted exactly when the hint would list it.
  for (const auto& w : valid_on(ch, r.date))
    if (w.kind == r.kind && contains(w.outcomes, r.outcome) &&
        (r.outcome != ReviewOutcome::close || (reason && contains(ch.reasons, *reason))))
      return {};
  ReviewVerdict v;
  v.ok = false;
  v.hint = review_hint(ch, r.date);
  auto it = std::find_if(ch.windows.begin(), ch.windows.end(), [&](const ReviewWindow& w) { return w.kind == r.kind; });
  if (ch.windows.empty()) {
    v.rule = ch.rule;
    v.what = ch.why_none;
  } else if (it == ch.windows.end()) {
    const ReviewWindow& next = ch.windows.front();
    if (next.kind == ReviewKind::monthly) {
      v.rule = rule::reviews;
      v.what = fmt::format("the case is {}: its reviews are monthly until it is closed",
                           ch.stage.empty() ? "open" : ch.stage);
    } else {
      v.rule = rule::post_closure_reviews;
      v.what = fmt::format("no {} review is outstanding; the next review is {}", key_of(r.kind), key_of(next.kind));
    }
  } else if (it->opens && r.date < *it->opens) {
    v.rule = rule::post_closure_reviews;
    v.what = fmt::format("the {} review falls due on {} and can be recorded from {} (review.early_days {}), not on {}",
                         key_of(r.kind), it->due->str(), it->opens->str(), cfg.review_early_days, r.date.str());
  } else if (ch.after && r.date < *ch.after) {
    v.rule = rule::post_closure_reviews;
    v.what = fmt::format("the {} review is dated before the {} review of {}; reviews after closure follow in order",
                         key_of(r.kind), key_of(*ch.after_kind), ch.after->str());
  } else if (!contains(it->outcomes, r.outcome)) {
    v.rule = r.kind == ReviewKind::monthly && r.outcome != ReviewOutcome::reopen ? rule::reviews
                                                                                  : rule::post_closure_reviews;
    v.what = outcome_misfit(r.kind, r.outcome, cfg);
  } else if (reason && is_closure_by_consent(*reason)) {
    v.rule = rule::refusal_closes;
    v.what = "consent-declined and consent-withdrawn closures come from `prevent panel consent`";
  } else {
    v.rule = rule::reviews;
    v.what = reason ? fmt::format("a review does not close a case with the reason {}", key_of(*reason))
                    : "a review that closes the case needs a reason";
  }
  return v;
}

namespace {

// One closed or open episode's reviews, replayed one by one.
void episode_notices(const std::vector<Review>& reviews, const std::optional<Closure>& closure, const Config& cfg,
                     std::string_view where, std::vector<std::string>& out) {
  auto note = [&](const Review& r, const ReviewVerdict& v) {
    out.push_back(fmt::format("the {} review of {}{}: {}", key_of(r.kind), r.date.str(), where, v.what));
  };
  const ReviewChoices monthly = monthly_choices();
  for (const auto& r : reviews) {
    if (r.kind != ReviewKind::monthly) continue;
    // The reason is the record's own closure's (rule 7 checks the pairing).
    auto v = judge_review(monthly, r, ClosureReason::no_further_concerns, cfg);
    if (!v.ok) note(r, v);
  }
  if (!closure) return;
  std::vector<const Review*> post;
  for (const auto& r : reviews)
    if (r.kind != ReviewKind::monthly) post.push_back(&r);
  std::stable_sort(post.begin(), post.end(), [](const Review* a, const Review* b) { return a->date < b->date; });
  std::vector<const Review*> done;
  for (const Review* r : post) {
    auto v = judge_review(post_closure_choices(closure->date, done, cfg), *r, std::nullopt, cfg);
    if (!v.ok) note(*r, v);
    done.push_back(r);
  }
}

}  // namespace

std::vector<std::string> review_rule_notices(const Case& c, const Config& cfg) {
  std::vector<std::string> out;
  if (is_voided_case(c)) return out;
  for (const auto& e : c.previous) episode_notices(e.reviews, e.closure, cfg, " (an earlier episode)", out);
  episode_notices(c.reviews, c.closure, cfg, "", out);
  return out;
}

}  // namespace prevent

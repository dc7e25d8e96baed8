#include "void_entry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>

#include "case_actions.hpp"
#include "failure.hpp"
#include "rules.hpp"
#include "text.hpp"
#include "workflow.hpp"

namespace prevent {

namespace {

using Kind = VoidTarget::Kind;

struct KindName {
  Kind kind;
  std::string_view name;
};
constexpr KindName kKinds[] = {
    {Kind::triage, "triage"}, {Kind::assessment, "assessment"}, {Kind::decision, "decision"},
    {Kind::consent, "consent"}, {Kind::action, "action"},       {Kind::review, "review"},
    {Kind::note, "note"},       {Kind::whole_case, "case"},
};

std::string_view name_of(Kind k) {
  for (const auto& e : kKinds)
    if (e.kind == k) return e.name;
  return "";
}

[[noreturn]] void bad_what() {
  fail(Exit::invalid_data, fmt::format("not something that can be voided (command line)"),
       fmt::format("WHAT is one of: {}", void_forms()));
}

std::optional<int> positive(std::string_view s) {
  int n = 0;
  if (s.empty() || s.size() > 4 || s[0] == '0') return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || p != s.data() + s.size() || n < 1) return std::nullopt;
  return n;
}

std::string hint_listing(const Case& c) {
  return fmt::format("entries that can be voided on {}: {}", c.id, fmt::join(voidable_entries(c), ", "));
}

[[noreturn]] void no_such_entry(const Case& c, const VoidTarget& t) {
  fail(Exit::not_found, fmt::format("no {} on this case ({})", t.text(), c.id), hint_listing(c));
}

[[noreturn]] void ambiguous(const Case& c, const VoidTarget& t, std::string_view how) {
  fail(Exit::invalid_data, fmt::format("{} names more than one entry; say which with {} ({})", t.text(), how, c.id),
       hint_listing(c));
}

// Entries of `list` dated `t.date` (by `date_of`), narrowed to the nth when
// given; the index of the one meant.
template <class T, class F>
size_t pick_dated(const Case& c, const std::vector<T>& list, const VoidTarget& t, F date_of) {
  std::vector<size_t> same;
  for (size_t i = 0; i < list.size(); ++i)
    if (date_of(list[i]) == t.date) same.push_back(i);
  if (t.nth > 0) {
    if (static_cast<size_t>(t.nth) > same.size()) no_such_entry(c, t);
    return same[t.nth - 1];
  }
  if (same.empty()) no_such_entry(c, t);
  if (same.size() > 1) ambiguous(c, t, fmt::format("{}:{}:N (the N-th that day)", name_of(t.kind), t.date.str()));
  return same.front();
}

// The name WHAT gives entry i of a dated list: with :N when the day has more
// than one.
template <class T, class F>
void name_dated(std::vector<std::string>& out, std::string_view kind, const std::vector<T>& list, F date_of) {
  for (size_t i = 0; i < list.size(); ++i) {
    size_t nth = 0, of = 0;
    for (size_t j = 0; j < list.size(); ++j)
      if (date_of(list[j]) == date_of(list[i])) {
        ++of;
        if (j <= i) ++nth;
      }
    out.push_back(of > 1 ? fmt::format("{}:{}:{}", kind, date_of(list[i]).str(), nth)
                         : fmt::format("{}:{}", kind, date_of(list[i]).str()));
  }
}

std::string void_cmd(const Case& c, std::string_view what) {
  return fmt::format("prevent void {} {} --reason TEXT", c.id, what);
}

// The latest review of the current episode (by date, then record order),
// named as WHAT names it.
std::string review_name(const Case& c, const Review& r) {
  size_t same = std::count_if(c.reviews.begin(), c.reviews.end(), [&](const Review& x) { return x.date == r.date; });
  return same > 1 ? fmt::format("review:{}:{}", r.date.str(), key_of(r.kind)) : fmt::format("review:{}", r.date.str());
}

const Review* latest_review(const Case& c, bool post_closure_only) {
  const Review* last = nullptr;
  for (const auto& r : c.reviews)
    if ((!post_closure_only || r.kind != ReviewKind::monthly) && (!last || r.date >= last->date)) last = &r;
  return last;
}

// Rule 8 on what a voided closure leaves: no post-closure review without it.
void refuse_while_post_closure_reviews(const Case& c, std::string_view what) {
  if (const Review* r = latest_review(c, true))
    refuse(rule::post_closure_reviews,
           fmt::format("voiding {} would reopen the case, but post-closure reviews stand on it", what), c.id,
           fmt::format("void them first, latest first: {}", void_cmd(c, review_name(c, *r))));
}

VoidedEntry entry_for(const VoidTarget& t, Date date, const std::string& reason) {
  VoidedEntry v;
  v.what = t.text();
  v.date = date;
  v.reason = PersonalText(reason);
  return v;
}

// SPEC §4 rule 9 for the void itself: it comes after what it voids.
void not_before_entry(const Case& c, Date date, Date entry, std::string_view what) {
  if (date < entry)
    refuse(rule::dates_follow_the_process,
           fmt::format("the void ({}) is dated before the {} it voids ({})", date.str(), what, entry.str()), c.id);
}

void void_triage(Case& c, VoidedEntry& v, Date date) {
  // Rule 3: the panel heard the case because of this triage.
  if (!c.panel.empty())
    refuse(rule::heard_while_awaiting_panel, "the panel heard the case after this triage; its entries stand on it",
           c.id,
           fmt::format("void the panel entries first, latest first: {}",
                       void_cmd(c, fmt::format("decision:{}", c.panel.back().meeting.str()))));
  not_before_entry(c, date, c.triage->completed, "triage");
  v.triage = std::move(c.triage);
  c.triage.reset();
}

void void_decision(Case& c, VoidedEntry& v, const VoidTarget& t, Date date) {
  auto it = std::find_if(c.panel.begin(), c.panel.end(), [&](const Hearing& h) { return h.meeting == t.date; });
  if (it == c.panel.end()) no_such_entry(c, t);
  auto current = current_hearings(c);
  bool in_current = std::find(current.begin(), current.end(), &*it) != current.end();
  if (!in_current)
    refuse(rule::heard_while_awaiting_panel,
           fmt::format("the panel entry of {} belongs to an earlier episode, closed and reopened since", t.date.str()),
           c.id);
  if (&*it == current.back() && it->decision == PanelDecision::adopt) {
    // What the adoption made possible stands on it (rules 5 and 7).
    if (const Review* r = latest_review(c, false))
      refuse(rule::reviews, "reviews of the adopted case stand on this decision", c.id,
             fmt::format("void them first, latest first: {}", void_cmd(c, review_name(c, *r))));
    if (!c.support_plan.empty())
      refuse(rule::support_plan, "support actions of the adopted case stand on this decision", c.id,
             fmt::format("void them first: {}", void_cmd(c, fmt::format("action:{}", c.support_plan.back().id))));
    if (!c.consent.empty())
      refuse(rule::consent, "consent to support stands on this decision", c.id,
             fmt::format("void it first: {}", void_cmd(c, "consent")));
  }
  not_before_entry(c, date, it->meeting, "panel entry");
  v.decision = std::move(*it);
  c.panel.erase(it);
}

// The latest entry of the consent history is voided; the earlier ones
// stand, and the one before it counts again.
void void_consent(Case& c, VoidedEntry& v, Date date) {
  const Consent* before = c.consent.size() > 1 ? &c.consent[c.consent.size() - 2] : nullptr;
  // Rule 5: support only with consent given. Voiding a withdrawal leaves
  // the consent the actions stand on; voiding that consent does not.
  if (!c.support_plan.empty() && !(before && before->status == ConsentStatus::given))
    refuse(rule::consent, "support actions stand on this consent", c.id,
           fmt::format("void them first: {}", void_cmd(c, fmt::format("action:{}", c.support_plan.back().id))));
  if (c.closure && !is_closure_by_consent(c.closure->reason))
    refuse(rule::reviews,
           fmt::format("the case was closed at the review of {} after this consent", c.closure->date.str()), c.id,
           fmt::format("void the closing review first: {}",
                       void_cmd(c, fmt::format("review:{}", c.closure->date.str()))));
  bool closed_by_it = c.closure && is_closure_by_consent(c.closure->reason);
  if (closed_by_it) refuse_while_post_closure_reviews(c, "the consent");
  not_before_entry(c, date, c.consent.back().date, "consent");
  v.consent = std::move(c.consent.back());
  c.consent.pop_back();
  // Rule 6: the closure declined or withdrawn consent made goes with it,
  // and the actions it closed with the case are open again.
  if (closed_by_it) {
    v.closure = std::move(c.closure);
    c.closure.reset();
    reopen_actions_closed_with_case(c.support_plan);
  }
}

void void_review(Case& c, VoidedEntry& v, const VoidTarget& t, Date date) {
  std::vector<size_t> same;
  for (size_t i = 0; i < c.reviews.size(); ++i)
    if (c.reviews[i].date == t.date && (!t.review_kind || c.reviews[i].kind == *t.review_kind)) same.push_back(i);
  if (same.size() > 1) ambiguous(c, t, fmt::format("review:{}:KIND", t.date.str()));
  if (same.size() == 1) {
    Review& r = c.reviews[same.front()];
    bool closed_it = r.outcome == ReviewOutcome::close && c.closure && !is_closure_by_consent(c.closure->reason) &&
                     c.closure->date == r.date;
    if (closed_it) refuse_while_post_closure_reviews(c, "the closing review");
    not_before_entry(c, date, r.date, "review");
    v.review = std::move(r);
    c.reviews.erase(c.reviews.begin() + static_cast<long>(same.front()));
    // Rule 7: the closure came from this review; the episode is open again,
    // as it was before it, with the support actions it closed open again.
    if (closed_it) {
      v.closure = std::move(c.closure);
      c.closure.reset();
      reopen_actions_closed_with_case(c.support_plan);
    }
    return;
  }
  // The review that reopened the case: in the episode it moved aside.
  if (c.previous.empty()) no_such_entry(c, t);
  Episode& e = c.previous.back();
  auto it = std::find_if(e.reviews.begin(), e.reviews.end(), [&](const Review& r) {
    return r.outcome == ReviewOutcome::reopen && r.date == t.date && (!t.review_kind || r.kind == *t.review_kind);
  });
  if (it == e.reviews.end() || reopened_on(e) != t.date) no_such_entry(c, t);
  // Rule 8: what was recorded since the reopening stands on it.
  auto current = current_hearings(c);
  if (!current.empty())
    refuse(rule::post_closure_reviews, "the case was heard at the panel after this review reopened it", c.id,
           fmt::format("void the panel entries first, latest first: {}",
                       void_cmd(c, fmt::format("decision:{}", current.back()->meeting.str()))));
  if (!c.consent.empty() || !c.support_plan.empty() || !c.reviews.empty() || c.closure)
    refuse(rule::post_closure_reviews, "the reopened episode has entries of its own", c.id, hint_listing(c));
  not_before_entry(c, date, it->date, "review");
  v.review = std::move(*it);
  e.reviews.erase(it);
  // The closed episode comes back as it was.
  c.consent = std::move(e.consent);
  c.support_plan = std::move(e.support_plan);
  c.reviews = std::move(e.reviews);
  c.closure = std::move(e.closure);
  c.previous.pop_back();
}

}  // namespace

std::string VoidTarget::text() const {
  switch (kind) {
    case Kind::triage:
    case Kind::consent:
    case Kind::whole_case:
      return std::string(name_of(kind));
    case Kind::action:
      return fmt::format("action:{}", action_id);
    case Kind::review:
      if (review_kind) return fmt::format("review:{}:{}", date.str(), key_of(*review_kind));
      return fmt::format("review:{}", date.str());
    case Kind::assessment:
    case Kind::decision:
    case Kind::note:
      if (nth > 0) return fmt::format("{}:{}:{}", name_of(kind), date.str(), nth);
      return fmt::format("{}:{}", name_of(kind), date.str());
  }
  return {};
}

std::string_view void_forms() {
  return "triage, assessment:DATE, decision:DATE, consent, action:A<n>, review:DATE, note:DATE, case "
         "(review:DATE:KIND or assessment:DATE:N / note:DATE:N when two share a date)";
}

VoidTarget parse_void_target(std::string_view what) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t colon = what.find(':', start);
    parts.push_back(what.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  const KindName* kind = nullptr;
  for (const auto& e : kKinds)
    if (e.name == parts[0]) kind = &e;
  if (!kind) bad_what();
  VoidTarget t;
  t.kind = kind->kind;
  switch (t.kind) {
    case Kind::triage:
    case Kind::consent:
    case Kind::whole_case:
      if (parts.size() != 1) bad_what();
      return t;
    case Kind::action: {
      if (parts.size() != 2 || parts[1].size() < 2 || parts[1][0] != 'A' || !positive(parts[1].substr(1))) bad_what();
      t.action_id = std::string(parts[1]);
      return t;
    }
    case Kind::review:
    case Kind::assessment:
    case Kind::decision:
    case Kind::note:
      break;
  }
  if (parts.size() < 2 || parts.size() > 3) bad_what();
  auto date = Date::parse(parts[1]);
  if (!date)
    fail(Exit::invalid_data,
         fmt::format("{}: the date after '{}:': {} (command line)", name_of(t.kind), name_of(t.kind), kDateForm),
         fmt::format("WHAT is one of: {}", void_forms()));
  t.date = *date;
  if (parts.size() == 3) {
    if (t.kind == Kind::review) {
      t.review_kind = key_to<ReviewKind>(parts[2]);
      if (!t.review_kind)
        fail(Exit::invalid_data, "review:DATE:KIND: the kind is not a review kind (command line)",
             fmt::format("kinds: {}", fmt::join(keys_of<ReviewKind>(), ", ")));
    } else if (t.kind == Kind::decision) {
      bad_what();  // one panel entry per meeting
    } else {
      auto n = positive(parts[2]);
      if (!n) bad_what();
      t.nth = *n;
    }
  }
  return t;
}

std::vector<std::string> voidable_entries(const Case& c) {
  std::vector<std::string> out;
  if (is_voided_case(c)) return out;
  if (c.triage) out.emplace_back("triage");
  name_dated(out, "assessment", c.assessments, [](const Assessment& a) { return a.date; });
  for (const Hearing* h : current_hearings(c)) out.push_back(fmt::format("decision:{}", h->meeting.str()));
  if (!c.consent.empty()) out.emplace_back("consent");
  for (const auto& a : c.support_plan) out.push_back(fmt::format("action:{}", a.id));
  for (const auto& r : c.reviews) out.push_back(review_name(c, r));
  if (!c.previous.empty())
    if (auto since = reopened_on(c.previous.back())) out.push_back(fmt::format("review:{}", since->str()));
  name_dated(out, "note", c.chronology, [](const ChronologyEntry& e) { return e.date; });
  out.emplace_back(kVoidedCase);
  return out;
}

void refuse_if_voided(const Case& c) {
  for (const auto& v : c.voided)
    if (v.what == kVoidedCase)
      fail(Exit::refused,
           fmt::format("refused: the case was voided on {} as entered in error; nothing more is recorded on it ({})",
                       v.date.str(), c.id),
           "`prevent show ID` shows it with its voided entries");
}

std::string apply_void(Case& c, const VoidTarget& t, Date date, const std::string& reason) {
  refuse_if_voided(c);
  VoidedEntry v = entry_for(t, date, reason);
  switch (t.kind) {
    case Kind::triage:
      if (!c.triage) no_such_entry(c, t);
      void_triage(c, v, date);
      break;
    case Kind::assessment: {
      size_t i = pick_dated(c, c.assessments, t, [](const Assessment& a) { return a.date; });
      not_before_entry(c, date, c.assessments[i].date, "assessment");
      v.assessment = std::move(c.assessments[i]);
      c.assessments.erase(c.assessments.begin() + static_cast<long>(i));
      break;
    }
    case Kind::decision:
      void_decision(c, v, t, date);
      break;
    case Kind::consent:
      if (c.consent.empty()) no_such_entry(c, t);
      void_consent(c, v, date);
      break;
    case Kind::action: {
      auto it = std::find_if(c.support_plan.begin(), c.support_plan.end(),
                             [&](const Action& a) { return a.id == t.action_id; });
      if (it == c.support_plan.end()) no_such_entry(c, t);
      not_before_entry(c, date, it->added, "support action");
      v.action = std::move(*it);
      c.support_plan.erase(it);
      break;
    }
    case Kind::review:
      void_review(c, v, t, date);
      break;
    case Kind::note: {
      size_t i = pick_dated(c, c.chronology, t, [](const ChronologyEntry& e) { return e.date; });
      not_before_entry(c, date, c.chronology[i].date, "note");
      v.note = std::move(c.chronology[i]);
      c.chronology.erase(c.chronology.begin() + static_cast<long>(i));
      break;
    }
    case Kind::whole_case:
      not_before_entry(c, date, c.referral.received, "referral");
      break;
  }
  c.voided.push_back(std::move(v));
  return c.voided.back().what;
}

}  // namespace prevent

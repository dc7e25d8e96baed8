#include "rules.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "case_fields.hpp"
#include "consent_giver.hpp"
#include "failure.hpp"
#include "workflow.hpp"

namespace prevent {

void refuse(Rule r, std::string_view what, std::string_view case_label, std::string hint) {
  fail(Exit::refused, fmt::format("refused by rule {} ({}): {} ({})", r.number, r.title, what, case_label),
       std::move(hint));
}

namespace {

class Checker {
 public:
  Checker(const Case& c, const RuleContext& ctx) : c_(c), ctx_(ctx) {}

  void require(bool ok, Rule r, const std::string& what, std::string hint = {}) const {
    if (!ok) refuse(r, what, label(), std::move(hint));
  }

  // Rule 9 wording in one place.
  void not_before(Date later, std::string_view later_name, Date earlier, std::string_view earlier_name) const {
    require(later >= earlier, rule::dates_follow_the_process,
            fmt::format("{} ({}) is before {} ({})", later_name, later.str(), earlier_name, earlier.str()));
  }

  const std::string& label() const { return ctx_.label.empty() ? c_.id : ctx_.label; }

  // In rule order: the first rule broken is the one a refusal names.
  void run() {
    nothing_dated_in_the_future();
    triage_fits_its_outcome();
    heard_only_while_awaiting_panel();
    police_present_for_case_business();
    consent_before_support();
    refusal_or_withdrawal_closes_the_case();
    reviews_and_closure_follow_adoption();
    dates_follow_the_process();
    not_related_to_itself();
  }

 private:
  void future(Date d, const std::string& field) const {
    require(d <= ctx_.as_of, rule::nothing_in_the_future,
            fmt::format("{} is {}, after today ({})", field, d.str(), ctx_.as_of.str()));
  }

  // Rule 1: nothing is dated after today; the date of birth is before the
  // referral. Every date of the record, as the description marks it.
  void nothing_dated_in_the_future() const {
    const Date received = c_.referral.received;
    for_each_date(c_, [&](Date d, std::string_view path, Dating how) {
      // The messages name an earlier episode's fields "previous consent.date".
      std::string field(path);
      if (field.starts_with("previous.")) field[8] = ' ';
      switch (how) {
        case Dating::not_after_today:
          future(d, field);
          break;
        case Dating::before_referral:
          require(d < received, rule::nothing_in_the_future,
                  fmt::format("{} is not before referral.received", field));
          break;
        case Dating::deadline:
        case Dating::rule9:
          break;
      }
    });
  }

  // Rule 2: triage once, on or after the referral; channel-panel needs a
  // Section 36 decision (CTSA 2015 s.36: a case comes to the panel on a
  // referral by the police, who must have reasonable grounds to believe the
  // person is vulnerable to being drawn into terrorism).
  void triage_fits_its_outcome() const {
    if (!c_.triage) return;
    const Triage& t = *c_.triage;
    if (t.outcome == TriageOutcome::channel_panel) {
      require(t.section36.has_value(), rule::triage,
              "a channel-panel outcome needs a Section 36 decision (date and deciding police body)");
      require(!t.section36->by.empty(), rule::triage, "the Section 36 decision needs the deciding police body");
    } else {
      require(!t.section36.has_value(), rule::triage, "a Section 36 decision goes only with a channel-panel outcome");
    }
    if (t.outcome == TriageOutcome::signposted)
      require(!t.signposted_to.empty(), rule::triage, "a signposted outcome names at least one service");
  }

  // Rule 3: a case is heard only while awaiting panel: after triage to the
  // panel, any number of deferrals, then at most one adopt or not-adopt per
  // episode.
  void heard_only_while_awaiting_panel() const {
    if (c_.panel.empty()) return;
    require(c_.triage && c_.triage->outcome == TriageOutcome::channel_panel, rule::heard_while_awaiting_panel,
            "the case was not triaged to the Channel panel");
    auto current = current_hearings(c_);
    for (size_t i = 0; i + 1 < current.size(); ++i)
      require(current[i]->decision == PanelDecision::defer, rule::heard_while_awaiting_panel,
              fmt::format("the case was heard on {} after the panel decided '{}' on {}",
                          current[i + 1]->meeting.str(), key_of(current[i]->decision), current[i]->meeting.str()));
    for (size_t i = 0; i + 1 < c_.panel.size(); ++i)
      require(c_.panel[i].meeting < c_.panel[i + 1].meeting, rule::heard_while_awaiting_panel,
              fmt::format("panel decisions are not in date order ({} then {})", c_.panel[i].meeting.str(),
                          c_.panel[i + 1].meeting.str()));
  }

  // Rule 4 (CTSA 2015 s.37): all case business recorded against a meeting
  // (every hearing, every review held at one, which closes or reopens cases
  // too) was at a meeting of panels/ with a police representative present.
  void police_present_for_case_business() const {
    for (const auto& h : c_.panel) police_present_at(h.meeting, "panel decision");
    for (const auto& r : c_.reviews)
      if (r.meeting) police_present_at(*r.meeting, "review");
    for (const auto& e : c_.previous)
      for (const auto& r : e.reviews)
        if (r.meeting) police_present_at(*r.meeting, "review");
  }

  void police_present_at(Date date, std::string_view what) const {
    const Meeting* m = ctx_.meeting(date);
    if (!m)
      fail(Exit::not_found, fmt::format("no panel meeting on {} ({})", date.str(), label()),
           fmt::format("create it first: prevent panel new {} --chair ROLE@AGENCY --police ROLE@FORCE", date.str()));
    // CTSA 2015 s.37: the police are represented when a case is discussed.
    // Whether it is the force for the person's area cannot be checked from
    // the record.
    require(m->police_present(), rule::police_present,
            fmt::format("no police representative attended the meeting of {} (CTSA 2015 s.37){}", date.str(),
                        what == "panel decision" ? "" : fmt::format(", where a {} is recorded", what)),
            fmt::format("record one with `prevent panel attend {} --police ROLE@FORCE`", date.str()));
  }

  // Rule 5 (Channel Duty Guidance; Mental Capacity Act 2005): every entry
  // of every consent history was given, asked of or refused by someone who
  // could decide for the person on its day (consent_giver_problem).
  void consent_givers_fit_age_and_capacity(const std::vector<Consent>& history) const {
    const AgeFacts age = age_facts(c_);
    for (const auto& k : history)
      if (auto problem = consent_giver_problem(k, age, c_.id)) {
        // Not a breach: a question only the key can answer (exit 6).
        if (problem->needs_key) fail(Exit::store, fmt::format("{} ({})", problem->what, label()), problem->hint);
        refuse(rule::consent, problem->what, label(), problem->hint);
      }
  }

  // Rule 5: consent after adoption, and before support. The latest entry
  // of the history is the consent that counts.
  void consent_before_support() const {
    const Hearing* adopted = adopting_hearing(c_);
    const Consent* now = latest_consent(c_);
    if (now) require(adopted != nullptr, rule::consent, "consent is recorded but the panel has not adopted the case");
    consent_givers_fit_age_and_capacity(c_.consent);
    if (!c_.support_plan.empty())
      require(now && (now->status == ConsentStatus::given || now->status == ConsentStatus::withdrawn),
              rule::consent, "support actions need consent given");
    for (const auto& e : c_.previous) consent_givers_fit_age_and_capacity(e.consent);
  }

  // Rule 6: refusal or withdrawal ends Channel support (CTSA 2015 s.36(4)(e)).
  // A history goes on only while the case is open: a refusal or a
  // withdrawal is its last entry.
  void refusal_or_withdrawal_closes_the_case() const {
    const Consent* now = latest_consent(c_);
    if (now)
      if (auto reason = closure_by_consent(now->status))
        require(c_.closure && c_.closure->reason == *reason, rule::refusal_closes,
                fmt::format("consent {} needs closure with reason {}", key_of(now->status), key_of(*reason)));
    if (c_.closure && is_closure_by_consent(c_.closure->reason))
      require(now && closure_by_consent(now->status) == c_.closure->reason, rule::refusal_closes,
              fmt::format("closure reason {} does not match the consent recorded", key_of(c_.closure->reason)));
    auto ends_it = [&](const std::vector<Consent>& history) {
      for (size_t i = 0; i + 1 < history.size(); ++i)
        require(!closure_by_consent(history[i].status), rule::refusal_closes,
                fmt::format("the consent history goes on after {}, which closed the case", consent_entry_name(history[i])));
    };
    ends_it(c_.consent);
    for (const auto& e : c_.previous) ends_it(e.consent);
  }

  // Rule 7 (structure): reviews and closure belong to an adopted case, and a
  // closure other than by consent comes from a review with outcome `close`.
  void reviews_and_closure_follow_adoption() const {
    const Hearing* adopted = adopting_hearing(c_);
    if (!c_.reviews.empty())
      require(adopted != nullptr, rule::reviews, "reviews are recorded but the panel has not adopted the case");
    if (!c_.closure) {
      for (const auto& r : c_.reviews)
        require(r.kind == ReviewKind::monthly, rule::reviews,
                fmt::format("a {} review needs a closed case", key_of(r.kind)));
      return;
    }
    require(adopted != nullptr, rule::reviews, "closure is recorded but the panel has not adopted the case");
    if (is_closure_by_consent(c_.closure->reason)) return;
    bool from_review = false;
    for (const auto& r : c_.reviews)
      if (r.outcome == ReviewOutcome::close && r.date == c_.closure->date) from_review = true;
    require(from_review, rule::reviews, "a closure needs a review on the closure date with outcome close");
  }

  // Rule 9: the dates follow the process (triage after referral, consent
  // after adoption, actions numbered in order, reviews against closure).
  void dates_follow_the_process() const {
    const Date received = c_.referral.received;
    if (c_.triage) {
      not_before(c_.triage->completed, "triage.completed", received, "referral.received");
      if (c_.triage->section36)
        not_before(c_.triage->section36->decided, "triage.section36.decided", received, "referral.received");
    }
    if (!c_.panel.empty() && c_.triage)
      not_before(c_.panel.front().meeting, "the first panel meeting", c_.triage->completed, "triage.completed");
    const Hearing* adopted = adopting_hearing(c_);
    // The consent history in date order, after the adoption; a capacity
    // assessment on or before the consent it goes with.
    if (!c_.consent.empty() && adopted)
      not_before(c_.consent.front().date, "consent.date", adopted->meeting, "the adopting meeting");
    auto history_in_order = [&](const std::vector<Consent>& history, std::string_view prefix) {
      for (size_t i = 0; i + 1 < history.size(); ++i)
        not_before(history[i + 1].date, fmt::format("{}{}", prefix, consent_entry_name(history[i + 1])),
                   history[i].date, fmt::format("the entry before it, {}", consent_entry_name(history[i])));
    };
    history_in_order(c_.consent, "");
    for (const auto& e : c_.previous) history_in_order(e.consent, "previous ");
    // Support starts with consent given: the given entry the actions stand
    // on (the latest given; a withdrawal comes after the actions).
    const Consent* given = nullptr;
    for (const auto& k : c_.consent)
      if (k.status == ConsentStatus::given) given = &k;
    for (const auto& a : c_.support_plan) {
      if (given) not_before(a.added, fmt::format("support_plan {} added", a.id), given->date, "consent.date");
      not_before(a.due, fmt::format("support_plan {} due", a.id), a.added, "its added date");
      if (a.closed) not_before(*a.closed, fmt::format("support_plan {} closed", a.id), a.added, "its added date");
      require((a.status == ActionStatus::open) == !a.closed.has_value(), rule::dates_follow_the_process,
              fmt::format("support_plan {}: a done or cancelled action has a closed date, an open one none", a.id));
      require((a.status == ActionStatus::closed) == a.closed_with.has_value(), rule::dates_follow_the_process,
              fmt::format("support_plan {}: an action closed with the case has status closed and closed_with, "
                          "others neither",
                          a.id));
    }
    // Numbered A1, A2, … in order; a voided action's number is not given
    // again, so the live ones are numbered around it.
    const std::vector<int> voided = voided_action_numbers(c_);
    int next = 1;
    for (size_t i = 0; i < c_.support_plan.size(); ++i) {
      while (std::binary_search(voided.begin(), voided.end(), next)) ++next;
      require(c_.support_plan[i].id == fmt::format("A{}", next), rule::dates_follow_the_process,
              fmt::format("support actions are numbered A1, A2, … in order (found {} at position {})",
                          c_.support_plan[i].id, i + 1));
      ++next;
    }
    for (const auto& r : c_.reviews) {
      if (adopted) not_before(r.date, "reviews.date", adopted->meeting, "the adopting meeting");
      if (r.meeting) {
        require(*r.meeting == r.date, rule::dates_follow_the_process,
                fmt::format("the review of {} names the meeting of {}: they must be the same day", r.date.str(),
                            r.meeting->str()));
        if (!ctx_.meeting(*r.meeting))
          fail(Exit::not_found, fmt::format("no panel meeting on {} ({})", r.meeting->str(), label()));
      }
      if (c_.closure) {
        bool post = r.kind != ReviewKind::monthly;
        if (post)
          not_before(r.date, fmt::format("the {} review", key_of(r.kind)), c_.closure->date, "closure.date");
        else
          not_before(c_.closure->date, "closure.date", r.date, "a monthly review");
      }
    }
    for (const auto& a : c_.assessments) not_before(a.date, "assessments.date", received, "referral.received");
    for (const auto& e : c_.chronology) not_before(e.date, "chronology.date", received, "referral.received");
    for (const auto& k : c_.corrections) not_before(k.date, "corrections.date", received, "referral.received");
    for (const auto& v : c_.voided) not_before(v.date, "voided.date", received, "referral.received");
    for (const auto& e : c_.previous) {
      if (e.closure) {
        for (const auto& r : e.reviews)
          if (r.kind == ReviewKind::monthly) not_before(e.closure->date, "previous closure.date", r.date, "a monthly review");
        if (e.reopened) not_before(*e.reopened, "previous reopened", e.closure->date, "its closure.date");
      }
    }
  }

  // Rule 10: repeat referrals are linked, to other cases.
  void not_related_to_itself() const {
    for (const auto& id : c_.related)
      require(id != c_.id, rule::repeat_referrals_linked, "a case cannot be related to itself");
  }

  const Case& c_;
  const RuleContext& ctx_;
};

}  // namespace

void check_case_rules(const Case& c, const RuleContext& ctx) { Checker(c, ctx).run(); }

std::vector<Date> business_meetings(const Case& c) {
  std::vector<Date> out;
  for (const auto& h : c.panel) out.push_back(h.meeting);
  auto held_at = [&](const std::vector<Review>& reviews) {
    for (const auto& r : reviews)
      if (r.meeting) out.push_back(*r.meeting);
  };
  held_at(c.reviews);
  for (const auto& e : c.previous) held_at(e.reviews);
  return out;
}

bool case_business_at(const Case& c, Date date) {
  const auto dates = business_meetings(c);
  return std::find(dates.begin(), dates.end(), date) != dates.end();
}

namespace {

// How a meeting refusal names the cases it is about: the first three.
std::string cases_label(const std::vector<std::string>& cases) {
  if (cases.size() <= 3) return fmt::format("{}", fmt::join(cases, ", "));
  return fmt::format("{}, {}, {} and {} more", cases[0], cases[1], cases[2], cases.size() - 3);
}

}  // namespace

// CTSA 2015 s.37: a police representative is present when a case is
// discussed; the minutes never show case business without one.
void police_stay_while_business_recorded(const Meeting& after, const std::vector<std::string>& cases) {
  if (after.police_present() || cases.empty()) return;
  refuse(rule::police_present,
         fmt::format("case business is recorded at the meeting of {}, so it keeps a police representative "
                     "(CTSA 2015 s.37)",
                     after.date.str()),
         cases_label(cases),
         fmt::format("record another police representative first: prevent panel attend {} --police "
                     "ROLE@FORCE",
                     after.date.str()));
}

// SPEC §4 rule 4 (CTSA 2015 s.37, channel-process.md): the panel is chaired
// by the local authority.
void chair_stays(const Meeting& m, const Member& who, std::string_view option) {
  if (!is_chair(m, who)) return;
  refuse(rule::meeting_record,
         fmt::format("{} names the chair of the meeting of {}; the chair is the local authority and stays the chair",
                     option, m.date.str()),
         meeting_path(m.date));
}

// The agenda of a meeting that has been held is part of its record (SPEC
// §8: the history is the audit trail); a refill from today's due list would
// rewrite what was before the panel. No legal source is cited for this.
void past_agenda_stands(Date meeting, Date as_of) {
  if (meeting >= as_of) return;
  refuse(rule::meeting_record,
         fmt::format("the meeting of {} is past (today is {}); its agenda is not refilled", meeting.str(), as_of.str()),
         meeting_path(meeting),
         fmt::format("change one entry with `prevent panel agenda {} --add ID` or `--drop ID`", meeting.str()));
}

void agenda_keeps_case_business(Date meeting, const std::string& case_id, bool business_recorded) {
  if (!business_recorded) return;
  refuse(rule::meeting_record,
         fmt::format("business on the case is recorded at the meeting of {}, so it stays on the agenda", meeting.str()),
         case_id);
}

}  // namespace prevent

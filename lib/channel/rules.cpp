#include "rules.hpp"

#include <fmt/format.h>

#include "case_fields.hpp"
#include "failure.hpp"
#include "workflow.hpp"

namespace prevent {

namespace {

class Checker {
 public:
  Checker(const Case& c, const RuleContext& ctx) : c_(c), ctx_(ctx) {}

  [[noreturn]] void refuse(int rule, std::string_view title, const std::string& what,
                           std::string hint = {}) const {
    fail(Exit::refused, fmt::format("refused by rule {} ({}): {} ({})", rule, title, what, label()), std::move(hint));
  }

  void require(bool ok, int rule, std::string_view title, const std::string& what, std::string hint = {}) const {
    if (!ok) refuse(rule, title, what, std::move(hint));
  }

  // Rule 9 wording in one place.
  void not_before(Date later, std::string_view later_name, Date earlier, std::string_view earlier_name) const {
    require(later >= earlier, 9, "dates follow the process",
            fmt::format("{} ({}) is before {} ({})", later_name, later.str(), earlier_name, earlier.str()));
  }

  const std::string& label() const { return ctx_.label.empty() ? c_.id : ctx_.label; }

  void run() {
    rule1_nothing_in_the_future();
    rule2_triage();
    rule3_4_hearings();
    rule5_6_consent_and_support();
    rule7_closure();
    rule9_dates();
    rule10_related();
  }

 private:
  void future(Date d, const std::string& field) const {
    require(d <= ctx_.as_of, 1, "nothing is dated in the future",
            fmt::format("{} is {}, after today ({})", field, d.str(), ctx_.as_of.str()));
  }

  // Rule 1: nothing is dated after today; the date of birth is before the
  // referral. Every date of the record, as the description marks it.
  void rule1_nothing_in_the_future() const {
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
          require(d < received, 1, "nothing is dated in the future",
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
  void rule2_triage() const {
    if (!c_.triage) return;
    const Triage& t = *c_.triage;
    if (t.outcome == "channel-panel") {
      require(t.section36.has_value(), 2, "triage",
              "a channel-panel outcome needs a Section 36 decision (date and deciding police body)");
      require(!t.section36->by.empty(), 2, "triage", "the Section 36 decision needs the deciding police body");
    } else {
      require(!t.section36.has_value(), 2, "triage", "a Section 36 decision goes only with a channel-panel outcome");
    }
    if (t.outcome == "signposted")
      require(!t.signposted_to.empty(), 2, "triage", "a signposted outcome names at least one service");
  }

  // Rule 3: a case is heard only while awaiting panel: after triage to the
  // panel, any number of deferrals, then at most one adopt or not-adopt per
  // episode. Rule 4 (CTSA 2015 s.37): a police representative was present.
  void rule3_4_hearings() const {
    if (c_.panel.empty()) return;
    require(c_.triage && c_.triage->outcome == "channel-panel", 3, "only a case awaiting panel is heard",
            "the case was not triaged to the Channel panel");
    auto current = current_hearings(c_);
    for (size_t i = 0; i + 1 < current.size(); ++i)
      require(current[i]->decision == "defer", 3, "only a case awaiting panel is heard",
              fmt::format("the case was heard on {} after the panel decided '{}' on {}",
                          current[i + 1]->meeting.str(), current[i]->decision, current[i]->meeting.str()));
    for (size_t i = 0; i + 1 < c_.panel.size(); ++i)
      require(c_.panel[i].meeting < c_.panel[i + 1].meeting, 3, "only a case awaiting panel is heard",
              fmt::format("panel decisions are not in date order ({} then {})", c_.panel[i].meeting.str(),
                          c_.panel[i + 1].meeting.str()));
    for (const auto& h : c_.panel) {
      const Meeting* m = ctx_.meeting(h.meeting);
      if (!m)
        fail(Exit::not_found, fmt::format("no panel meeting on {} ({})", h.meeting.str(), label()),
             fmt::format("create it first: prevent panel new {} --chair ROLE@AGENCY --police ROLE@FORCE",
                         h.meeting.str()));
      // CTSA 2015 s.37: the police are represented when a case is discussed.
      // Whether it is the force for the person's area cannot be checked from
      // the record.
      require(m->police_present(), 4, "a police representative must be present",
              fmt::format("no police representative attended the meeting of {} (CTSA 2015 s.37)", h.meeting.str()),
              fmt::format("record one with `prevent panel attend {} --police ROLE@FORCE`", h.meeting.str()));
    }
  }

  // Rule 5: consent before support; a person under 18 cannot consent for
  // themselves (Channel Duty Guidance: a parent or guardian consents).
  void check_consent(const Consent& k) const {
    if (k.by != "subject") return;
    const auto& dob = c_.referral.subject.date_of_birth.reveal();
    require(dob.has_value(), 5, "consent",
            "consent by the subject needs a date of birth showing they are 18 or over",
            "a parent or guardian consents for a child: --by parent-guardian");
    require(age_on(*dob, k.date) >= 18, 5, "consent",
            "the subject is under 18 on the consent date and cannot consent for themselves",
            "a parent or guardian consents for a child: --by parent-guardian");
  }

  void rule5_6_consent_and_support() const {
    const Hearing* adopted = adopting_hearing(c_);
    if (c_.consent) {
      require(adopted != nullptr, 5, "consent", "consent is recorded but the panel has not adopted the case");
      check_consent(*c_.consent);
    }
    if (!c_.support_plan.empty())
      require(c_.consent && (c_.consent->status == "given" || c_.consent->status == "withdrawn"), 5, "consent",
              "support actions need consent given");
    for (const auto& e : c_.previous)
      if (e.consent) check_consent(*e.consent);
    // Rule 6: refusal or withdrawal ends Channel support (CTSA 2015 s.36(4)(e)).
    if (c_.consent && (c_.consent->status == "declined" || c_.consent->status == "withdrawn")) {
      std::string reason = "consent-" + c_.consent->status;
      require(c_.closure && c_.closure->reason == reason, 6, "declined or withdrawn consent closes the case",
              fmt::format("consent {} needs closure with reason {}", c_.consent->status, reason));
    }
    if (c_.closure && (c_.closure->reason == "consent-declined" || c_.closure->reason == "consent-withdrawn"))
      require(c_.consent && "consent-" + c_.consent->status == c_.closure->reason, 6,
              "declined or withdrawn consent closes the case",
              fmt::format("closure reason {} does not match the consent recorded", c_.closure->reason));
  }

  // Rule 7 (structure): reviews and closure belong to an adopted case, and a
  // closure other than by consent comes from a review with outcome `close`.
  void rule7_closure() const {
    const Hearing* adopted = adopting_hearing(c_);
    if (!c_.reviews.empty())
      require(adopted != nullptr, 7, "reviews", "reviews are recorded but the panel has not adopted the case");
    if (!c_.closure) {
      for (const auto& r : c_.reviews)
        require(r.kind == "monthly", 7, "reviews", fmt::format("a {} review needs a closed case", r.kind));
      return;
    }
    require(adopted != nullptr, 7, "reviews", "closure is recorded but the panel has not adopted the case");
    if (c_.closure->reason.rfind("consent-", 0) == 0) return;
    bool from_review = false;
    for (const auto& r : c_.reviews)
      if (r.outcome == "close" && r.date == c_.closure->date) from_review = true;
    require(from_review, 7, "reviews", "a closure needs a review on the closure date with outcome close");
  }

  void rule9_dates() const {
    const Date received = c_.referral.received;
    if (c_.triage) {
      not_before(c_.triage->completed, "triage.completed", received, "referral.received");
      if (c_.triage->section36)
        not_before(c_.triage->section36->decided, "triage.section36.decided", received, "referral.received");
    }
    if (!c_.panel.empty() && c_.triage)
      not_before(c_.panel.front().meeting, "the first panel meeting", c_.triage->completed, "triage.completed");
    const Hearing* adopted = adopting_hearing(c_);
    if (c_.consent && adopted) not_before(c_.consent->date, "consent.date", adopted->meeting, "the adopting meeting");
    for (const auto& a : c_.support_plan) {
      // Once consent is withdrawn, consent.date is the withdrawal: the
      // actions came before it.
      if (c_.consent && c_.consent->status == "given")
        not_before(a.added, fmt::format("support_plan {} added", a.id), c_.consent->date, "consent.date");
      not_before(a.due, fmt::format("support_plan {} due", a.id), a.added, "its added date");
      if (a.closed) not_before(*a.closed, fmt::format("support_plan {} closed", a.id), a.added, "its added date");
      require((a.status == "open") == !a.closed.has_value(), 9, "dates follow the process",
              fmt::format("support_plan {}: a done or cancelled action has a closed date, an open one none", a.id));
    }
    for (size_t i = 0; i < c_.support_plan.size(); ++i)
      require(c_.support_plan[i].id == fmt::format("A{}", i + 1), 9, "dates follow the process",
              fmt::format("support actions are numbered A1, A2, … in order (found {} at position {})",
                          c_.support_plan[i].id, i + 1));
    for (const auto& r : c_.reviews) {
      if (adopted) not_before(r.date, "reviews.date", adopted->meeting, "the adopting meeting");
      if (r.meeting) {
        require(*r.meeting == r.date, 9, "dates follow the process",
                fmt::format("the review of {} names the meeting of {}: they must be the same day", r.date.str(),
                            r.meeting->str()));
        if (!ctx_.meeting(*r.meeting))
          fail(Exit::not_found, fmt::format("no panel meeting on {} ({})", r.meeting->str(), label()));
      }
      if (c_.closure) {
        bool post = r.kind != "monthly";
        if (post)
          not_before(r.date, fmt::format("the {} review", r.kind), c_.closure->date, "closure.date");
        else
          not_before(c_.closure->date, "closure.date", r.date, "a monthly review");
      }
    }
    for (const auto& a : c_.assessments) not_before(a.date, "assessments.date", received, "referral.received");
    for (const auto& e : c_.chronology) not_before(e.date, "chronology.date", received, "referral.received");
    for (const auto& k : c_.corrections) not_before(k.date, "corrections.date", received, "referral.received");
    for (const auto& e : c_.previous) {
      if (e.closure) {
        for (const auto& r : e.reviews)
          if (r.kind == "monthly") not_before(e.closure->date, "previous closure.date", r.date, "a monthly review");
        if (e.reopened) not_before(*e.reopened, "previous reopened", e.closure->date, "its closure.date");
      }
    }
  }

  void rule10_related() const {
    for (const auto& id : c_.related)
      require(id != c_.id, 10, "repeat referrals are linked", "a case cannot be related to itself");
  }

  const Case& c_;
  const RuleContext& ctx_;
};

}  // namespace

void check_case_rules(const Case& c, const RuleContext& ctx) { Checker(c, ctx).run(); }

}  // namespace prevent

// The three-way merge of a record (issue 19 item 2, docs/merge.md): by
// field and by list entry, a conflict recorded with both values, who and
// when, nothing lost. Every name and text is fictional.
#include "record_merge.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>

#include "case_fixtures.hpp"
#include "case_record.hpp"
#include "crypto.hpp"
#include "meeting.hpp"
#include "record_diff.hpp"
#include "member_count.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;
using prevent::fixtures::cfg;
using prevent::fixtures::full_case;

namespace {

const MergeSide kOurs{"Alex Example", Date::from_ymd(2027, 2, 1)};
const MergeSide kTheirs{"Sam Example", Date::from_ymd(2027, 2, 2)};

CaseMerge merge(const Case& base, const Case& ours, const Case& theirs) {
  return merge_cases(&base, ours, theirs, kOurs, kTheirs);
}

// The record as its file holds it: how two records are compared here.
std::string text(const Case& c) { return write_case(c); }

// The record read back from its file, through the schema and the
// vocabularies, must give the same file.
void round_trips(const Case& c) {
  const std::string t = write_case(c);
  const Case back = read_case(t, "merged.yaml", cfg());
  CHECK(write_case(back) == t);
}

// `c` with ours and theirs swapped in the conflicts this merge recorded.
Case swapped(Case c) {
  for (auto& k : c.conflicts) std::swap(k.ours, k.theirs);
  return c;
}

const Conflict* conflict_at(const Case& c, const std::string& field) {
  for (const auto& k : c.conflicts)
    if (k.field == field) return &k;
  return nullptr;
}

}  // namespace

TEST_CASE("changes to different fields on each side merge without a conflict") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.triage->rationale = PersonalNote(std::string("Fictional rationale, revised"));
  ours.support_plan[1].due = d("2027-04-30");
  theirs.referral.agency = "Quillet Sixth Form";
  theirs.support_plan[1].status = ActionStatus::done;
  theirs.support_plan[1].closed = d("2027-01-25");
  const auto r = merge(base, ours, theirs);
  CHECK_FALSE(r.conflicted());
  CHECK(r.merged.conflicts.empty());
  CHECK(r.merged.triage->rationale.reveal() == "Fictional rationale, revised");
  CHECK(r.merged.referral.agency == "Quillet Sixth Form");
  CHECK(r.merged.support_plan[1].due == d("2027-04-30"));
  CHECK(r.merged.support_plan[1].status == ActionStatus::done);
  CHECK(r.merged.support_plan[1].closed == d("2027-01-25"));
  round_trips(r.merged);
}

TEST_CASE("a panel entry added on each side for different meetings: both are kept, in meeting order") {
  const Case base = fixtures::awaiting_panel();
  Case ours = base, theirs = base;
  ours.panel.push_back(fixtures::hearing("2026-02-19", PanelDecision::defer));
  theirs.panel.push_back(fixtures::hearing("2026-02-05", PanelDecision::defer));
  const auto r = merge(base, ours, theirs);
  CHECK_FALSE(r.conflicted());
  REQUIRE(r.merged.panel.size() == 2u);
  CHECK(r.merged.panel[0].meeting == d("2026-02-05"));
  CHECK(r.merged.panel[1].meeting == d("2026-02-19"));
  round_trips(r.merged);
}

TEST_CASE("entries of one day added on both sides are both kept, ours first") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.chronology.push_back({d("2026-01-09"), "contact", PersonalText("Zedshire NHS FT"), PersonalNote()});
  theirs.chronology.push_back({d("2026-01-09"), "home-visit", PersonalText("Quillet family"), PersonalNote()});
  theirs.chronology.push_back({d("2026-01-06"), "contact", PersonalText("Quillet Academy"), PersonalNote()});
  const auto r = merge(base, ours, theirs);
  CHECK_FALSE(r.conflicted());
  REQUIRE(r.merged.chronology.size() == 5u);
  CHECK(r.merged.chronology[0].kind == "info-request");  // 2026-01-06, the base's
  CHECK(r.merged.chronology[1].kind == "contact");       // 2026-01-06, theirs: after the base's of that day
  CHECK(r.merged.chronology[1].with.reveal() == "Quillet Academy");
  CHECK(r.merged.chronology[2].kind == "info-received");  // 2026-01-07
  CHECK(r.merged.chronology[3].kind == "contact");        // 2026-01-09, ours
  CHECK(r.merged.chronology[4].kind == "home-visit");     // 2026-01-09, theirs
}

TEST_CASE("a field changed two different ways is a conflict holding both values, who and when") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.referral.agency = "Quillet Sixth Form";
  theirs.referral.agency = "Quillet College";
  const auto r = merge(base, ours, theirs);
  CHECK(r.conflicted());
  CHECK(r.conflicts == std::vector<std::string>{"referral.source.agency"});
  // The record keeps what it held before either change.
  CHECK(r.merged.referral.agency == "Quillet Academy");
  const Conflict* k = conflict_at(r.merged, "referral.source.agency");
  REQUIRE(k);
  CHECK(k->ours.value == "Quillet Sixth Form");
  CHECK(k->theirs.value == "Quillet College");
  CHECK(k->ours.by == "Alex Example");
  CHECK(k->ours.date == d("2027-02-01"));
  CHECK(k->theirs.by == "Sam Example");
  CHECK(k->theirs.date == d("2027-02-02"));
  CHECK(k->ours.personal_value == PersonalNote());
  round_trips(r.merged);
}

TEST_CASE("a conflict as the case file holds it") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.referral.agency = "Quillet Sixth Form";
  theirs.referral.agency = "Quillet College";
  const std::string file = write_case(merge(base, ours, theirs).merged);
  CHECK(has(file,
            "conflicts:\n"
            "  - field: referral.source.agency\n"
            "    ours:\n"
            "      by: Alex Example\n"
            "      date: 2027-02-01\n"
            "      value: Quillet Sixth Form\n"
            "    theirs:\n"
            "      by: Sam Example\n"
            "      date: 2027-02-02\n"
            "      value: Quillet College\n"));
}

TEST_CASE("a personal field's conflict holds its values as personal data, never in its path") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.panel[1].rationale = PersonalNote(std::string("Okkvan ours"));
  theirs.panel[1].rationale = PersonalNote(std::string("Okkvan theirs"));
  const auto r = merge(base, ours, theirs);
  REQUIRE(r.conflicts == std::vector<std::string>{"panel[2026-02-05].rationale"});
  const Conflict& k = r.merged.conflicts.at(0);
  CHECK_FALSE(k.ours.value.has_value());
  CHECK_FALSE(k.theirs.value.has_value());
  CHECK(k.ours.personal_value.reveal() == "Okkvan ours");
  CHECK(k.theirs.personal_value.reveal() == "Okkvan theirs");
  CHECK(is_personal_field("conflicts[1].ours.personal_value"));
  CHECK_FALSE(is_personal_field("conflicts[1].field"));
  // Whole-store reads strip them, as every (P) field.
  const Case stripped = without_personal_data(r.merged);
  CHECK(stripped.conflicts.at(0).field == "panel[2026-02-05].rationale");
  CHECK(stripped.conflicts.at(0).ours.personal_value == PersonalNote());
  CHECK_FALSE(has(write_case(stripped), "Okkvan"));
  // `log` (the history diff) names the change and withholds the values.
  bool seen = false;
  for (const auto& change : diff_cases(&base, &r.merged, ShowPersonal::no)) {
    CHECK_FALSE(has(change.from.value_or(""), "Okkvan"));
    CHECK_FALSE(has(change.to.value_or(""), "Okkvan"));
    if (change.field == "conflicts[1].ours.personal_value") {
      seen = true;
      CHECK(change.personal);
    }
  }
  CHECK(seen);
  round_trips(r.merged);
}

TEST_CASE("an entry's path never names personal data, even where the entry's identity holds some") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.chronology[0].text = PersonalNote(std::string("Ours"));
  theirs.chronology[0].text = PersonalNote(std::string("Theirs"));
  const auto r = merge(base, ours, theirs);
  REQUIRE(r.conflicts.size() == 1u);
  CHECK(r.conflicts[0] == "chronology[2026-01-06,info-request].text");  // `with` is (P): left out
  CHECK_FALSE(has(r.conflicts[0], "NHS"));
}

TEST_CASE("entries a path would name alike are numbered, the base's first") {
  Case base = full_case();
  base.chronology[1] = {d("2026-01-06"), "info-request", PersonalText("Quillet Academy"), PersonalNote()};
  Case ours = base, theirs = base;
  ours.chronology[1].text = PersonalNote(std::string("Ours"));
  theirs.chronology[1].text = PersonalNote(std::string("Theirs"));
  const auto r = merge(base, ours, theirs);
  CHECK(r.conflicts == std::vector<std::string>{"chronology[2026-01-06,info-request#2].text"});
  CHECK(merge_cases(&base, theirs, ours, kTheirs, kOurs).conflicts == r.conflicts);
}

TEST_CASE("an entry deleted on one side and unchanged on the other is deleted") {
  const Case base = full_case();
  Case ours = base;
  ours.chronology.erase(ours.chronology.begin());
  ours.related.clear();
  const auto r = merge(base, ours, base);
  CHECK_FALSE(r.conflicted());
  CHECK(text(r.merged) == text(ours));
  const auto back = merge(base, base, ours);
  CHECK(text(back.merged) == text(ours));
}

TEST_CASE("an entry changed on one side and deleted on the other is a conflict, and the entry stays") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.chronology[0].text = PersonalNote(std::string("Fictional text, corrected"));
  theirs.chronology.erase(theirs.chronology.begin());
  const auto r = merge(base, ours, theirs);
  REQUIRE(r.conflicts == std::vector<std::string>{"chronology[2026-01-06,info-request]"});
  const Conflict& k = r.merged.conflicts.at(0);
  // The whole entry, as ours holds it; theirs has none.
  REQUIRE(k.ours.personal_value.reveal().has_value());
  CHECK(has(*k.ours.personal_value.reveal(), "text: Fictional text, corrected"));
  CHECK(has(*k.ours.personal_value.reveal(), "date: 2026-01-06"));
  CHECK_FALSE(k.theirs.personal_value.reveal().has_value());
  CHECK_FALSE(k.theirs.value.has_value());
  // The entry stays as the base held it until someone resolves the conflict.
  REQUIRE(r.merged.chronology.size() == 2u);
  CHECK(r.merged.chronology[0].text.reveal() == "Fictional text");
  round_trips(r.merged);

  // The other way round: deleted by ours, changed by theirs.
  const auto s = merge_cases(&base, theirs, ours, kTheirs, kOurs);
  CHECK(s.conflicts == r.conflicts);
  CHECK(text(s.merged) == text(swapped(r.merged)));
}

TEST_CASE("an entry changed on both sides merges field by field") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.support_plan[1].due = d("2027-04-30");
  theirs.support_plan[1].status = ActionStatus::cancelled;
  theirs.support_plan[1].closed = d("2027-01-25");
  ours.reviews[0].notes = PersonalNote(std::string("Ours"));
  theirs.reviews[0].notes = PersonalNote(std::string("Theirs"));
  theirs.reviews[0].meeting.reset();
  const auto r = merge(base, ours, theirs);
  CHECK(r.conflicts == std::vector<std::string>{"reviews[2026-12-17,monthly].notes"});
  CHECK(r.merged.support_plan[1].due == d("2027-04-30"));
  CHECK(r.merged.support_plan[1].status == ActionStatus::cancelled);
  CHECK_FALSE(r.merged.reviews[0].meeting.has_value());
  CHECK(r.merged.reviews[0].notes.reveal() == "Fictional notes");
  round_trips(r.merged);
}

TEST_CASE("an action is matched by its ID, and nested lists by their own identities") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  // Theirs reorders nothing but adds an action; ours edits the earlier
  // episode's review, which is matched inside `previous` by its reopening.
  theirs.support_plan.push_back({"A3", "education-training", PersonalText("Zedshire College"), d("2026-12-01"),
                                 d("2027-02-28"), ActionStatus::open, std::nullopt, std::nullopt});
  ours.previous[0].reviews[0].notes = PersonalNote(std::string("Fictional earlier notes, revised"));
  theirs.previous[0].reviews[0].notes = PersonalNote(std::string("Fictional earlier notes, other"));
  const auto r = merge(base, ours, theirs);
  CHECK(r.conflicts == std::vector<std::string>{"previous[2026-09-07].reviews[2026-03-05,monthly].notes"});
  REQUIRE(r.merged.support_plan.size() == 3u);
  CHECK(r.merged.support_plan[2].id == "A3");
}

TEST_CASE("one action ID added on both sides two ways is a conflict holding both actions") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.support_plan.push_back({"A3", "education-training", PersonalText("Zedshire College"), d("2026-12-01"),
                               d("2027-02-28"), ActionStatus::open, std::nullopt, std::nullopt});
  theirs.support_plan.push_back({"A3", "family-support", PersonalText("Zedshire Family Service"), d("2026-12-02"),
                                 d("2027-03-31"), ActionStatus::open, std::nullopt, std::nullopt});
  const auto r = merge(base, ours, theirs);
  REQUIRE(r.conflicts == std::vector<std::string>{"support_plan[A3]"});
  const Conflict& k = r.merged.conflicts.at(0);
  CHECK(has(*k.ours.personal_value.reveal(), "support: education-training"));
  CHECK(has(*k.theirs.personal_value.reveal(), "support: family-support"));
  CHECK(r.merged.support_plan.size() == 2u);  // the base had no A3
  round_trips(r.merged);
}

TEST_CASE("the same change made on both sides is taken once") {
  const Case base = full_case();
  Case ours = base;
  ours.referral.agency = "Quillet Sixth Form";
  ours.panel.push_back(fixtures::hearing("2027-01-07", PanelDecision::defer));
  ours.related.push_back("PRV-2026-0002");
  const auto r = merge(base, ours, ours);
  CHECK_FALSE(r.conflicted());
  CHECK(text(r.merged) == text(ours));
}

TEST_CASE("merging a side with itself, or with an unchanged base, gives that side") {
  const Case base = full_case();
  Case x = base;
  x.referral.agency = "Quillet Sixth Form";
  x.panel.erase(x.panel.begin());
  x.chronology.push_back({d("2026-01-02"), "contact", PersonalText("Zedshire NHS FT"), PersonalNote()});
  x.reviews[0].notes = PersonalNote();
  CHECK(text(merge(base, x, x).merged) == text(x));
  CHECK(text(merge(base, base, x).merged) == text(x));
  CHECK(text(merge(base, x, base).merged) == text(x));
  CHECK(text(merge(base, base, base).merged) == text(base));
}

TEST_CASE("a merge is symmetric up to the labels ours and theirs") {
  const Case base = full_case();
  Case a = base, b = base;
  a.referral.agency = "Quillet Sixth Form";
  b.referral.agency = "Quillet College";
  a.triage->rationale = PersonalNote(std::string("A's rationale"));
  b.related.push_back("PRV-2026-0009");
  a.chronology.push_back({d("2026-01-10"), "contact", PersonalText("Zedshire NHS FT"), PersonalNote()});
  b.chronology.push_back({d("2026-01-12"), "home-visit", PersonalText("Quillet family"), PersonalNote()});
  a.chronology[0].text = PersonalNote(std::string("A's text"));
  b.chronology.erase(b.chronology.begin());
  b.support_plan[0].due = d("2027-02-28");
  a.support_plan[0].due = d("2027-02-14");
  const MergeSide sa{"Alex Example", d("2027-02-01")}, sb{"Sam Example", d("2027-02-02")};
  const auto ab = merge_cases(&base, a, b, sa, sb);
  const auto ba = merge_cases(&base, b, a, sb, sa);
  CHECK(ab.conflicts.size() == 3u);
  CHECK(ab.conflicts == ba.conflicts);
  CHECK(text(ab.merged) == text(swapped(ba.merged)));
}

TEST_CASE("the conflicts the sides already hold are kept, and the new ones follow") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.conflicts.push_back(Conflict{"closure.reason", ConflictSide{"Alex Example", d("2027-01-30"), "other", {}},
                                    ConflictSide{"Sam Example", d("2027-01-30"), "transferred-out", {}}});
  theirs.referral.agency = "Quillet College";
  ours.referral.agency = "Quillet Sixth Form";
  const auto r = merge(base, ours, theirs);
  CHECK(r.conflicts == std::vector<std::string>{"referral.source.agency"});
  REQUIRE(r.merged.conflicts.size() == 2u);
  CHECK(r.merged.conflicts[0].field == "closure.reason");
  CHECK(r.merged.conflicts[1].field == "referral.source.agency");
  round_trips(r.merged);
}

TEST_CASE("a triage recorded on both sides two ways is a conflict, and the case stays untriaged") {
  const Case base = fixtures::referred();
  Case ours = base, theirs = base;
  ours.triage = fixtures::to_panel();
  Triage t;
  t.completed = d("2026-01-09");
  t.outcome = TriageOutcome::no_further_action;
  t.rationale = PersonalNote(std::string("Fictional"));
  theirs.triage = t;
  const auto r = merge(base, ours, theirs);
  REQUIRE(r.conflicts == std::vector<std::string>{"triage"});
  CHECK_FALSE(r.merged.triage.has_value());
  const Conflict& k = r.merged.conflicts.at(0);
  CHECK(has(*k.ours.personal_value.reveal(), "outcome: channel-panel"));
  CHECK(has(*k.theirs.personal_value.reveal(), "outcome: no-further-action"));
  round_trips(r.merged);
}

TEST_CASE("voided entries are matched by what they void") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  // Both void the same hearing on different days: one voided entry, added
  // on both sides two ways, so a conflict holding both; the hearing is gone.
  for (Case* side : {&ours, &theirs}) {
    VoidedEntry v;
    v.what = "decision:2026-01-22";
    v.date = side == &ours ? d("2027-01-21") : d("2027-01-22");
    v.reason = PersonalText("Recorded in error");
    v.decision = side->panel.front();
    side->panel.erase(side->panel.begin());
    side->voided.push_back(v);
  }
  const auto r = merge(base, ours, theirs);
  REQUIRE(r.conflicts == std::vector<std::string>{"voided[decision:2026-01-22]"});
  CHECK(has(*r.merged.conflicts[0].ours.personal_value.reveal(), "date: 2027-01-21"));
  CHECK(has(*r.merged.conflicts[0].theirs.personal_value.reveal(), "date: 2027-01-22"));
  CHECK(r.merged.voided.empty());
  CHECK(r.merged.panel.size() == 1u);
  // Voided the same way on both sides: one voided entry.
  const auto same_day = merge(base, ours, ours);
  CHECK(same_day.merged.voided.size() == 1u);
  // Each side voids a different hearing: both voided entries are kept.
  Case other = base;
  VoidedEntry v;
  v.what = "decision:2026-02-05";
  v.date = d("2027-01-23");
  v.reason = PersonalText("Recorded in error");
  v.decision = other.panel.back();
  other.panel.pop_back();
  other.voided.push_back(v);
  // One side changed the hearing before voiding it: still the same void,
  // the held hearing merged field by field.
  Case edited = theirs;
  edited.voided.back().date = ours.voided.back().date;
  edited.voided.back().decision->rationale = PersonalNote(std::string("Fictional, changed"));
  const auto held = merge(base, ours, edited);
  CHECK(held.merged.voided.empty());
  CHECK(held.conflicts == std::vector<std::string>{"voided[decision:2026-01-22]"});
  Case voided_base = ours;
  const auto later = merge(voided_base, ours, edited);
  CHECK_FALSE(later.conflicted());
  REQUIRE(later.merged.voided.size() == 1u);
  CHECK(later.merged.voided[0].decision->rationale.reveal() == "Fictional, changed");
  const auto both = merge(base, ours, other);
  CHECK_FALSE(both.conflicted());
  CHECK(both.merged.voided.size() == 2u);
  CHECK(both.merged.panel.empty());
  round_trips(both.merged);
}

TEST_CASE("a case added on both sides merges two ways, ours in place of a difference") {
  Case ours = full_case(), theirs = full_case();
  ours.referral.agency = "Quillet Sixth Form";
  theirs.chronology.push_back({d("2026-01-09"), "contact", PersonalText("Zedshire NHS FT"), PersonalNote()});
  theirs.support_plan[1].due = d("2027-04-30");
  const auto r = merge_cases(nullptr, ours, theirs, kOurs, kTheirs);
  CHECK(r.conflicts == std::vector<std::string>{"referral.source.agency", "support_plan[A2]"});
  CHECK(r.merged.referral.agency == "Quillet Sixth Form");
  CHECK(r.merged.chronology.size() == 3u);
  REQUIRE(r.merged.support_plan.size() == 1u);
  CHECK(r.merged.support_plan[0].id == "A1");
  round_trips(r.merged);
}

// ---------------------------------------------------------------------------
// Sealed values: compared as stored, never opened.

namespace {

CaseKeys keys() {
  static const crypto::SecretKey case_key = crypto::random_key(), store_key = crypto::random_key();
  return CaseKeys{"0123456789abcdef0123456789abcdef", case_key, store_key};
}

Case sealed(Case c) {
  seal_personal(c, keys());
  return c;
}

}  // namespace

TEST_CASE("sealed values are compared by their sealed text, and two ciphertexts are a conflict") {
  const Case plain = full_case();
  const Case base = sealed(plain);
  Case o = plain, t = plain;
  o.triage->rationale = PersonalNote(std::string("Ours"));
  t.triage->rationale = PersonalNote(std::string("Theirs"));
  o.chronology[1].text = PersonalNote(std::string("Same on both"));
  t.chronology[1].text = PersonalNote(std::string("Same on both"));
  const Case ours = sealed(o), theirs = sealed(t);
  REQUIRE(ours.triage->rationale.is_sealed());

  const auto r = merge(base, ours, theirs);
  // One value sealed the same way on both sides is one change.
  CHECK(r.conflicts == std::vector<std::string>{"triage.rationale"});
  CHECK(r.merged.chronology[1].text == ours.chronology[1].text);
  const Conflict& k = r.merged.conflicts.at(0);
  CHECK(k.ours.personal_value.reveal() == ours.triage->rationale.sealed_text());
  CHECK(k.theirs.personal_value.reveal() == theirs.triage->rationale.sealed_text());
  CHECK(r.merged.triage->rationale == base.triage->rationale);

  // Written as an encrypted store writes it, the conflict's values are
  // sealed again in their own place, and open back to the ciphertexts.
  Case written = r.merged;
  seal_personal(written, keys());
  CHECK(written.conflicts[0].ours.personal_value.is_sealed());
  const std::string file = write_case(written);
  CHECK_FALSE(has(file, "Ours"));
  Case back = read_case(file, "merged.yaml", cfg());
  open_personal(back, keys(), "merged.yaml");
  CHECK(back.conflicts[0].ours.personal_value.reveal() == ours.triage->rationale.sealed_text());
  CHECK(back.conflicts[0].theirs.personal_value.reveal() == theirs.triage->rationale.sealed_text());
  CHECK(back.triage->rationale.reveal() == plain.triage->rationale.reveal());
}

// ---------------------------------------------------------------------------
// Meetings.

// merge_meetings names a meeting's fields one by one.
static_assert(test_members::member_count<Meeting>() == 8, "a field added to Meeting needs its line in merge_meetings");

namespace {


MeetingMerge merge(const Meeting& base, const Meeting& ours, const Meeting& theirs) {
  return merge_meetings(&base, ours, theirs, kOurs, kTheirs);
}

}  // namespace

TEST_CASE("a meeting's attendance merges as a set of people") {
  const Meeting base = fixtures::panel_meeting();
  Meeting ours = base, theirs = base;
  set_presence(ours, Member{"Youth Worker", "Zedshire Youth Service", false}, Presence::attending);
  set_presence(ours, Member{"social worker", "Zedshire  Children's Services", false}, Presence::apology);
  set_presence(theirs, Member{"School Nurse", "Zedshire NHS FT", false}, Presence::apology);
  theirs.agenda.push_back(AgendaItem{"PRV-2026-0003", "monthly-review", false});
  ours.agenda[0].by_hand = true;
  const auto r = merge(base, ours, theirs);
  CHECK_FALSE(r.conflicted());
  const Meeting& m = r.merged;
  CHECK(presence_of(m, Member{"Youth Worker", "Zedshire Youth Service", false}) == Presence::attending);
  CHECK(presence_of(m, Member{"Social Worker", "Zedshire Children's Services", false}) == Presence::apology);
  CHECK(presence_of(m, Member{"School Nurse", "Zedshire NHS FT", false}) == Presence::apology);
  CHECK(presence_of(m, Member{"Detective Sergeant", "Counter Terrorism Policing North West", false}) ==
        Presence::police);
  CHECK(m.attendees.size() == 2u);
  CHECK(m.apologies.size() == 3u);
  REQUIRE(m.agenda.size() == 2u);
  CHECK(m.agenda[0].by_hand);
  CHECK(m.agenda[1].case_id == "PRV-2026-0003");
  CHECK(m.police_present());
  // The merged meeting is a meeting file like any other.
  const std::string file = write_meeting(m);
  CHECK(write_meeting(read_meeting(file, "panels/2026-12-03.yaml")) == file);
}

TEST_CASE("a person moved two different ways at a meeting is a conflict, and stays as they were") {
  const Meeting base = fixtures::panel_meeting();
  Meeting ours = base, theirs = base;
  const Member officer{"Detective Sergeant", "Counter Terrorism Policing North West", false};
  set_presence(ours, officer, Presence::attending);  // no longer for the police
  set_presence(theirs, officer, Presence::apology);
  ours.chair.role = "Prevent Manager";
  theirs.chair.role = "Head of Prevent";
  const auto r = merge(base, ours, theirs);
  REQUIRE(r.conflicts.size() == 2u);
  CHECK(r.conflicts[0].field == "chair.role");
  CHECK(r.conflicts[0].ours.value == "Prevent Manager");
  CHECK(r.conflicts[0].theirs.value == "Head of Prevent");
  CHECK(r.conflicts[1].field == "attendance[Detective Sergeant@Counter Terrorism Policing North West]");
  CHECK(r.conflicts[1].ours.value == "attendee");
  CHECK(r.conflicts[1].theirs.value == "apology");
  CHECK(r.conflicts[1].theirs.by == "Sam Example");
  CHECK(presence_of(r.merged, officer) == Presence::police);
  CHECK(r.merged.chair.role == "Prevent Lead");
  // Removed on one side, moved on the other.
  Meeting gone = base;
  set_presence(gone, officer, Presence::not_listed);
  const auto s = merge(base, gone, theirs);
  REQUIRE(s.conflicts.size() == 1u);
  CHECK_FALSE(s.conflicts[0].ours.value.has_value());
  CHECK(s.conflicts[0].theirs.value == "apology");
}

TEST_CASE("merging a meeting with itself, or with an unchanged base, gives that meeting") {
  const Meeting base = fixtures::panel_meeting();
  Meeting x = base;
  set_presence(x, Member{"Youth Worker", "Zedshire Youth Service", false}, Presence::police);
  x.agenda.clear();
  CHECK(write_meeting(merge(base, x, x).merged) == write_meeting(x));
  CHECK(write_meeting(merge(base, base, x).merged) == write_meeting(x));
  CHECK(write_meeting(merge(base, x, base).merged) == write_meeting(x));
}

// ---------------------------------------------------------------------------
// Random edits on two sides: no entry of either side is lost.

namespace {

struct Editor {
  std::mt19937 rng;
  int added = 0;
  const char* side;

  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  bool coin() { return pick(2) == 0; }

  void edit(Case& c) {
    const int edits = 1 + static_cast<int>(pick(6));
    for (int i = 0; i < edits; ++i) {
      switch (pick(9)) {
        case 0:
          c.chronology.push_back({d("2026-01-06").add_days(static_cast<int>(pick(20))),
                                  coin() ? "contact" : "home-visit",
                                  PersonalText(fmt::format("Partner {} {}", side, ++added)), PersonalNote()});
          break;
        case 1:
          if (!c.chronology.empty()) c.chronology.erase(c.chronology.begin() + static_cast<long>(pick(c.chronology.size())));
          break;
        case 2:
          if (!c.chronology.empty())
            c.chronology[pick(c.chronology.size())].text = PersonalNote(fmt::format("Text {} {}", side, ++added));
          break;
        case 3:
          c.panel.push_back(
              fixtures::hearing(coin() ? "2026-03-05" : "2026-03-19", coin() ? PanelDecision::defer : PanelDecision::adopt));
          c.panel.back().rationale = PersonalNote(fmt::format("Rationale {}", side));
          break;
        case 4:
          if (!c.panel.empty()) c.panel.erase(c.panel.begin() + static_cast<long>(pick(c.panel.size())));
          break;
        case 5:
          if (!c.support_plan.empty()) {
            auto& a = c.support_plan[pick(c.support_plan.size())];
            a.due = a.due.add_days(1 + static_cast<int>(pick(30)));
          }
          break;
        case 6:
          c.support_plan.push_back({fmt::format("A{}", 3 + pick(3)), "family-support", PersonalText(side),
                                    d("2026-12-01"), d("2027-03-31"), ActionStatus::open, std::nullopt, std::nullopt});
          break;
        case 7:
          if (auto id = fmt::format("PRV-2025-{:04}", 10 + pick(5));
              std::find(c.related.begin(), c.related.end(), id) == c.related.end())
            c.related.push_back(id);
          break;
        case 8:
          if (!c.reviews.empty())
            c.reviews[pick(c.reviews.size())].notes = PersonalNote(fmt::format("Notes {} {}", side, ++added));
          break;
      }
    }
  }
};

// The entries of `c`'s lists this test edits, each as its file writes it,
// with the path label the merge names it by.
std::vector<std::pair<std::string, std::string>> entries(const Case& c) {
  std::vector<std::pair<std::string, std::string>> out;
  auto one = [](const Case& holder) { return write_case(holder); };
  for (const auto& x : c.chronology) {
    Case h;
    h.chronology = {x};
    out.emplace_back(fmt::format("chronology[{},{}", x.date.str(), x.kind), one(h));
  }
  for (const auto& x : c.panel) {
    Case h;
    h.panel = {x};
    out.emplace_back(fmt::format("panel[{}", x.meeting.str()), one(h));
  }
  for (const auto& x : c.support_plan) {
    Case h;
    h.support_plan = {x};
    out.emplace_back(fmt::format("support_plan[{}", x.id), one(h));
  }
  for (const auto& x : c.reviews) {
    Case h;
    h.reviews = {x};
    out.emplace_back(fmt::format("reviews[{},{}", x.date.str(), key_of(x.kind)), one(h));
  }
  return out;
}

bool holds(const std::vector<std::pair<std::string, std::string>>& list, const std::string& entry) {
  return std::any_of(list.begin(), list.end(), [&](const auto& e) { return e.second == entry; });
}

}  // namespace

TEST_CASE("random edits on two sides merge without losing an entry either side holds") {
  const Case base = full_case();
  const auto in_base = entries(base);
  for (unsigned seed = 1; seed <= 300; ++seed) {
    CAPTURE(seed);
    Editor eo{std::mt19937(seed), 0, "ours"}, et{std::mt19937(seed * 7919u), 0, "theirs"};
    Case ours = base, theirs = base;
    eo.edit(ours);
    et.edit(theirs);
    const auto r = merge(base, ours, theirs);
    const auto merged = entries(r.merged);
    for (const auto* side : {&ours, &theirs}) {
      const Case& other = side == &ours ? theirs : ours;
      const auto in_other = entries(other);
      for (const auto& one : entries(*side)) {
        // Not bound by name: clang cannot capture a structured binding.
        const std::string& label = one.first;
        const std::string& entry = one.second;
        if (holds(merged, entry)) continue;
        // Not there as it was: merged with the other side's change of it,
        // or in conflict, or unchanged here and deleted by the other side.
        const bool named = std::any_of(r.conflicts.begin(), r.conflicts.end(),
                                       [&](const std::string& f) { return f.starts_with(label); });
        const bool merged_change = std::any_of(merged.begin(), merged.end(), [&](const auto& m) {
          return m.first == label;
        });
        const bool deleted_by_other = holds(in_base, entry) && !holds(in_other, entry);
        CHECK_MESSAGE((named || merged_change || deleted_by_other), label);
      }
    }
    // Nothing merged appears from nowhere: every merged entry is on a side
    // or a field-by-field merge of the sides' versions of it.
    const auto in_ours = entries(ours), in_theirs = entries(theirs);
    for (const auto& one : merged) {
      const std::string& label = one.first;
      const std::string& entry = one.second;
      const bool somewhere = holds(in_ours, entry) || holds(in_theirs, entry) || holds(in_base, entry);
      const bool merged_fields =
          std::any_of(in_ours.begin(), in_ours.end(), [&](const auto& e) { return e.first == label; });
      CHECK_MESSAGE((somewhere || merged_fields), label);
    }
    // The related cases: a set.
    for (const auto* side : {&ours, &theirs})
      for (const auto& id : side->related) {
        const bool kept = std::find(r.merged.related.begin(), r.merged.related.end(), id) != r.merged.related.end();
        const Case& other = side == &ours ? theirs : ours;
        const bool deleted = std::find(base.related.begin(), base.related.end(), id) != base.related.end() &&
                             std::find(other.related.begin(), other.related.end(), id) == other.related.end();
        CHECK_MESSAGE((kept || deleted), id);
      }
    // Each conflict holds both values; the record reads back.
    for (const auto& k : r.merged.conflicts) {
      const bool ours_has = k.ours.value || k.ours.personal_value.reveal();
      const bool theirs_has = k.theirs.value || k.theirs.personal_value.reveal();
      CHECK_MESSAGE((ours_has || theirs_has), k.field);
    }
    round_trips(r.merged);
    // Symmetric, as far as the order of one day's additions allows.
    const auto s = merge(base, theirs, ours);
    CHECK(s.conflicts.size() == r.conflicts.size());
    CHECK(std::set<std::string>(s.conflicts.begin(), s.conflicts.end()) ==
          std::set<std::string>(r.conflicts.begin(), r.conflicts.end()));
  }
}

TEST_CASE("a meeting's conflicts held on either side are kept, and the merge's own are given apart") {
  const Meeting base = fixtures::panel_meeting();
  Meeting ours = base, theirs = base;
  ours.conflicts.push_back(Conflict{"chair.agency", ConflictSide{"Alex Example", d("2026-12-04"), "A", {}},
                                    ConflictSide{"Sam Example", d("2026-12-05"), "B", {}}});
  theirs.conflicts.push_back(Conflict{"chair.role", ConflictSide{"Alex Example", d("2026-12-04"), "C", {}},
                                      ConflictSide{"Sam Example", d("2026-12-05"), "D", {}}});
  set_presence(ours, Member{"Head of Year", "Quillet Academy", false}, Presence::police);
  set_presence(theirs, Member{"Head of Year", "Quillet Academy", false}, Presence::attending);
  const auto r = merge(base, ours, theirs);
  REQUIRE(r.merged.conflicts.size() == 2u);
  CHECK(r.merged.conflicts[0].field == "chair.agency");
  CHECK(r.merged.conflicts[1].field == "chair.role");
  REQUIRE(r.conflicts.size() == 1u);
  CHECK(r.conflicts[0].field == "attendance[Head of Year@Quillet Academy]");
  // A side that only added a conflict is that side.
  CHECK(write_meeting(merge(base, base, theirs).merged) == write_meeting(theirs));
}

// ---------------------------------------------------------------------------
// Holding changes (MergeHold): what `prevent sync` does when the changes of
// the two sides together break a rule (docs/team.md).

TEST_CASE("holding theirs: a change only theirs made is a conflict, the base's value in place") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.referral.agency = "Quillet Sixth Form";                   // ours alone: taken
  theirs.support_plan[1].due = d("2027-04-30");                  // theirs alone: held
  theirs.panel.push_back(fixtures::hearing("2026-03-05", PanelDecision::adopt));  // added by theirs: held
  theirs.chronology.erase(theirs.chronology.begin());            // removed by theirs: held
  theirs.corrections.push_back(
      Correction{d("2027-01-20"), {"referral.agency"}, PersonalText("Fictional reason")});  // never held
  const auto r = merge_cases(&base, ours, theirs, kOurs, kTheirs, MergeHold::theirs);
  const Case& m = r.merged;
  CHECK(m.referral.agency == "Quillet Sixth Form");
  CHECK(m.support_plan[1].due == base.support_plan[1].due);
  CHECK(m.panel.size() == base.panel.size());
  CHECK(m.chronology.size() == base.chronology.size());
  CHECK(m.corrections.size() == base.corrections.size() + 1);
  const std::set<std::string> fields(r.conflicts.begin(), r.conflicts.end());
  CHECK(fields == std::set<std::string>{"support_plan[A2].due", "panel[2026-03-05]",
                                        "chronology[2026-01-06,info-request]"});
  // Each conflict holds both values: theirs is the change, ours the value
  // in place.
  const Conflict* added = conflict_at(m, "panel[2026-03-05]");
  REQUIRE(added);
  CHECK_FALSE(added->ours.personal_value.reveal());
  CHECK(added->theirs.personal_value.reveal());
  const Conflict* removed = conflict_at(m, "chronology[2026-01-06,info-request]");
  REQUIRE(removed);
  CHECK(removed->ours.personal_value.reveal().has_value());
  CHECK_FALSE(removed->theirs.personal_value.reveal().has_value());
  round_trips(m);
  // Without holding, every one of these changes is taken.
  const auto plain = merge(base, ours, theirs);
  CHECK_FALSE(plain.conflicted());
  CHECK(plain.merged.panel.size() == base.panel.size() + 1);
}

TEST_CASE("holding both: a change either side made alone is a conflict; one both made is taken") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.referral.agency = "Quillet Sixth Form";
  ours.chronology.push_back({d("2026-02-01"), "meeting", PersonalText("Zedshire College"), PersonalNote()});
  theirs.support_plan[1].due = d("2027-04-30");
  ours.triage->rationale = theirs.triage->rationale = PersonalNote(std::string("Fictional rationale, both"));
  const auto r = merge_cases(&base, ours, theirs, kOurs, kTheirs, MergeHold::both);
  const Case& m = r.merged;
  CHECK(m.referral.agency == base.referral.agency);
  CHECK(m.support_plan[1].due == base.support_plan[1].due);
  CHECK(m.chronology.size() == base.chronology.size());
  CHECK(m.triage->rationale.reveal() == "Fictional rationale, both");
  const std::set<std::string> fields(r.conflicts.begin(), r.conflicts.end());
  CHECK(fields == std::set<std::string>{"referral.source.agency", "support_plan[A2].due", "chronology[2026-02-01,meeting]"});
  round_trips(m);
  // Swapping the sides gives the same record, the conflicts' sides swapped.
  const auto s = merge_cases(&base, theirs, ours, kTheirs, kOurs, MergeHold::both);
  CHECK(text(swapped(s.merged)) == text(m));
}

TEST_CASE("holding a meeting's changes: a person taken off by one side stays, as a conflict") {
  const Meeting base = fixtures::panel_meeting();
  Meeting ours = base, theirs = base;
  const Member police{"Detective Sergeant", "Counter Terrorism Policing North West", false};
  set_presence(theirs, police, Presence::not_listed);
  theirs.agenda.push_back(AgendaItem{"PRV-2026-0003", "monthly-review", false});
  // Not held: theirs' change is taken.
  CHECK_FALSE(merge(base, ours, theirs).merged.police_present());
  const auto r = merge_meetings(&base, ours, theirs, kOurs, kTheirs, MergeHold::theirs);
  CHECK(r.merged.police_present());
  CHECK(r.merged.agenda.size() == base.agenda.size());
  std::set<std::string> fields;
  for (const auto& c : r.conflicts) fields.insert(c.field);
  CHECK(fields == std::set<std::string>{"attendance[Detective Sergeant@Counter Terrorism Policing North West]",
                                        "agenda[PRV-2026-0003,monthly-review]"});
  // Holding theirs leaves ours' change in place; holding both holds it.
  set_presence(ours, Member{"Youth Worker", "Zedshire Youth Service", false}, Presence::attending);
  CHECK(presence_of(merge_meetings(&base, ours, theirs, kOurs, kTheirs, MergeHold::theirs).merged,
                    Member{"Youth Worker", "Zedshire Youth Service", false}) == Presence::attending);
  CHECK(presence_of(merge_meetings(&base, ours, theirs, kOurs, kTheirs, MergeHold::both).merged,
                    Member{"Youth Worker", "Zedshire Youth Service", false}) == Presence::not_listed);
}

// `prevent resolve` (docs/commands.md, docs/merge.md): a conflict a merge
// left, resolved by taking a side or a value; the conflicts are made by the
// merge itself. Every name and text is fictional.
#include "conflict_resolution.hpp"

#include <doctest/doctest.h>

#include <string>

#include "case_fixtures.hpp"
#include "case_record.hpp"
#include "record_merge.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;
using prevent::fixtures::cfg;
using prevent::fixtures::full_case;

namespace {

const MergeSide kOurs{"Alex Example", Date::from_ymd(2027, 2, 1)};
const MergeSide kTheirs{"Sam Example", Date::from_ymd(2027, 2, 2)};

Case merged(const Case& base, const Case& ours, const Case& theirs) {
  return merge_cases(&base, ours, theirs, kOurs, kTheirs).merged;
}

Case resolve(const Case& c, const std::string& field, const std::string& take) {
  auto i = find_conflict(c, field);
  REQUIRE(i);
  return resolve_conflict(c, *i, parse_conflict_choice(take), cfg(), "test");
}

// Resolving gives the record the side would have given, the conflict gone.
void same_record(const Case& got, const Case& want) { CHECK(write_case(got) == write_case(want)); }

Case agency_conflict(Case& ours, Case& theirs) {
  const Case base = full_case();
  ours = theirs = base;
  ours.referral.agency = "Quillet Sixth Form";
  theirs.referral.agency = "Quillet College";
  return merged(base, ours, theirs);
}

}  // namespace

TEST_CASE("a conflict's path is found in the record: fields, grouped keys, entries by identity") {
  const Case c = full_case();
  auto p = conflict_place(c, "referral.source.agency");
  REQUIRE(p);
  CHECK(p->path == std::vector<std::string>{"referral", "source", "agency"});
  CHECK_FALSE(p->entry);
  CHECK_FALSE(p->mapping);
  p = conflict_place(c, "panel[2026-02-05].rationale");
  REQUIRE(p);
  CHECK(p->path == std::vector<std::string>{"panel", "2", "rationale"});
  p = conflict_place(c, "triage.completed");
  REQUIRE(p);
  CHECK(p->plain);
  p = conflict_place(c, "support_plan[A2]");
  REQUIRE(p);
  CHECK(p->entry);
  CHECK(p->path == std::vector<std::string>{"support_plan"});
  CHECK(p->position == 2u);
  p = conflict_place(c, "support_plan[A9]");
  REQUIRE(p);
  CHECK_FALSE(p->position);
  p = conflict_place(c, "previous[2026-09-07].reviews[2026-03-05,monthly].notes");
  REQUIRE(p);
  CHECK(p->path == std::vector<std::string>{"previous", "1", "reviews", "1", "notes"});
  p = conflict_place(c, "triage");
  REQUIRE(p);
  CHECK(p->mapping);
  for (const char* bad : {"", "nosuch", "referral.", "panel[", "panel[]", "id", "conflicts", "related",
                          "panel[2099-01-01].rationale", "referral.source"})
    CHECK_FALSE(conflict_place(c, bad));
}

TEST_CASE("taking ours or theirs puts that side's value in place and removes the conflict") {
  Case ours, theirs;
  const Case c = agency_conflict(ours, theirs);
  same_record(resolve(c, "referral.source.agency", "ours"), ours);
  same_record(resolve(c, "referral.source.agency", "theirs"), theirs);
  Case given = resolve(c, "referral.source.agency", "Quillet Further Education");
  CHECK(given.referral.agency == "Quillet Further Education");
  CHECK(given.conflicts.empty());
}

TEST_CASE("the words ours and theirs name a side; anything else is a value") {
  CHECK(parse_conflict_choice("ours").side == ConflictChoice::Side::ours);
  CHECK(parse_conflict_choice("theirs").side == ConflictChoice::Side::theirs);
  CHECK(parse_conflict_choice("Ours").side == ConflictChoice::Side::value);
  CHECK(parse_conflict_choice("'ours'").side == ConflictChoice::Side::value);
}

TEST_CASE("a value given is checked as the field: type, fixed list, vocabulary, YAML") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.triage->completed = d("2026-01-06");
  theirs.triage->completed = d("2026-01-09");
  ours.referral.sector = "health";
  theirs.referral.sector = "police";
  const Case c = merged(base, ours, theirs);
  CHECK(resolve(c, "triage.completed", "2026-01-07").triage->completed == d("2026-01-07"));
  auto refused = [&](const std::string& field, const std::string& take) {
    CHECK_THROWS_AS(resolve_conflict(c, *find_conflict(c, field), parse_conflict_choice(take), cfg(), "test"),
                    Failure);
    try {
      resolve_conflict(c, *find_conflict(c, field), parse_conflict_choice(take), cfg(), "test");
    } catch (const Failure& f) {
      CHECK(f.code() == Exit::invalid_data);
      CHECK_FALSE(has(f.what(), take));
    }
  };
  refused("triage.completed", "07/01/2026");
  refused("triage.completed", "[2026-01-07]");
  refused("triage.completed", "{a: b}");
  refused("referral.source.sector", "Zorblatt Agency");  // not in the vocabulary
  refused("referral.source.sector", "{: x");             // not YAML
  same_record(resolve(c, "referral.source.sector", "ours"), resolve(c, "referral.source.sector", "health"));
}

TEST_CASE("a personal field's conflict is resolved from its personal value") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.panel[1].rationale = PersonalNote(std::string("Okkvan ours"));
  theirs.panel[1].rationale = PersonalNote(std::string("Okkvan theirs"));
  const Case c = merged(base, ours, theirs);
  Case t = resolve(c, "panel[2026-02-05].rationale", "theirs");
  CHECK(t.panel[1].rationale.reveal() == "Okkvan theirs");
  // The conflict of the other side's order is resolved the same way.
  same_record(t, theirs);
}

TEST_CASE("a sealed side's value needs the key; an erased one cannot be taken") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.panel[1].rationale = PersonalNote(std::string("Okkvan ours"));
  theirs.panel[1].rationale = PersonalNote(std::string("Okkvan theirs"));
  Case c = merged(base, ours, theirs);
  c.conflicts[0].ours.personal_value = PersonalNote::sealed("enc:v1:AAAA");
  c.conflicts[0].theirs.personal_value = PersonalNote::erased();
  try {
    resolve(c, "panel[2026-02-05].rationale", "ours");
    FAIL("not refused");
  } catch (const Failure& f) {
    CHECK(f.code() == Exit::store);
  }
  try {
    resolve(c, "panel[2026-02-05].rationale", "theirs");
    FAIL("not refused");
  } catch (const Failure& f) {
    CHECK(f.code() == Exit::invalid_data);
  }
}

TEST_CASE("an entry changed on one side and deleted on the other: taking a side keeps or deletes it") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.chronology[0].text = PersonalNote(std::string("Fictional text, corrected"));
  theirs.chronology.erase(theirs.chronology.begin());
  const Case c = merged(base, ours, theirs);
  const std::string field = "chronology[2026-01-06,info-request]";
  same_record(resolve(c, field, "ours"), ours);
  same_record(resolve(c, field, "theirs"), theirs);
  same_record(resolve(c, field, "~"), theirs);
}

TEST_CASE("one action added two ways: taking a side adds that action, in its place") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.support_plan.push_back({"A3", "education-training", PersonalText("Zedshire College"), d("2026-12-01"),
                               d("2027-02-28"), ActionStatus::open, std::nullopt, std::nullopt});
  theirs.support_plan.push_back({"A3", "family-support", PersonalText("Zedshire Family Service"), d("2026-12-02"),
                                 d("2027-03-31"), ActionStatus::open, std::nullopt, std::nullopt});
  const Case c = merged(base, ours, theirs);
  same_record(resolve(c, "support_plan[A3]", "ours"), ours);
  same_record(resolve(c, "support_plan[A3]", "theirs"), theirs);
  // A value of one's own: a mapping of the entry's keys.
  Case own = resolve(c, "support_plan[A3]",
                     "{id: A3, support: housing, provider: Zedshire Homes, added: 2026-12-03, due: 2027-03-01, "
                     "status: open}");
  REQUIRE(own.support_plan.size() == 3u);
  CHECK(own.support_plan[2].support == "housing");
  CHECK_THROWS_AS(resolve(c, "support_plan[A3]", "housing"), Failure);
}

TEST_CASE("a triage recorded two ways: taking a side triages the case as that side did") {
  const Case base = fixtures::referred();
  Case ours = base, theirs = base;
  ours.triage = fixtures::to_panel();
  Triage t;
  t.completed = d("2026-01-09");
  t.outcome = TriageOutcome::no_further_action;
  t.rationale = PersonalNote(std::string("Fictional"));
  theirs.triage = t;
  const Case c = merged(base, ours, theirs);
  same_record(resolve(c, "triage", "ours"), ours);
  same_record(resolve(c, "triage", "theirs"), theirs);
}

TEST_CASE("a conflict whose place the record no longer holds is refused") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.previous[0].reviews[0].notes = PersonalNote(std::string("Fictional earlier notes, revised"));
  theirs.previous[0].reviews[0].notes = PersonalNote(std::string("Fictional earlier notes, other"));
  Case c = merged(base, ours, theirs);
  c.previous.clear();
  try {
    resolve(c, "previous[2026-09-07].reviews[2026-03-05,monthly].notes", "ours");
    FAIL("not refused");
  } catch (const Failure& f) {
    CHECK(f.code() == Exit::invalid_data);
  }
}

// A panel meeting's conflicts (docs/merge.md, "Meetings").

namespace {


MeetingMerge merged_meetings(const Meeting& base, const Meeting& ours, const Meeting& theirs) {
  auto r = merge_meetings(&base, ours, theirs, kOurs, kTheirs);
  for (auto& k : r.conflicts) r.merged.conflicts.push_back(k);
  return r;
}

Meeting resolve(const Meeting& m, const std::string& field, const std::string& take) {
  auto i = find_conflict(m, field);
  REQUIRE(i);
  return resolve_conflict(m, *i, parse_conflict_choice(take), "test");
}

}  // namespace

TEST_CASE("a person moved two ways at a meeting is resolved by taking a side or a presence") {
  const Meeting base = fixtures::panel_meeting();
  Meeting ours = base, theirs = base;
  const Member who{"Head of Year", "Quillet Academy", false};
  set_presence(ours, who, Presence::police);
  set_presence(theirs, who, Presence::not_listed);
  const Meeting m = merged_meetings(base, ours, theirs).merged;
  const std::string field = "attendance[Head of Year@Quillet Academy]";
  REQUIRE(find_conflict(m, field));
  CHECK(write_meeting(resolve(m, field, "ours")) == write_meeting(ours));
  CHECK(write_meeting(resolve(m, field, "theirs")) == write_meeting(theirs));
  CHECK(presence_of(resolve(m, field, "attendee"), who) == Presence::attending);
  CHECK(presence_of(resolve(m, field, "~"), who) == Presence::not_listed);
  try {
    resolve(m, field, "chairing");
    FAIL("not refused");
  } catch (const Failure& f) {
    CHECK(f.code() == Exit::invalid_data);
  }
}

TEST_CASE("a meeting's chair and agenda entries are resolved in place; its date is not") {
  const Meeting base = fixtures::panel_meeting();
  Meeting ours = base, theirs = base;
  ours.chair.agency = "Zedshire Borough Council";
  theirs.chair.agency = "Zedshire Council (Prevent)";
  ours.agenda.push_back(AgendaItem{"PRV-2026-0003", "monthly-review", true});
  theirs.agenda.push_back(AgendaItem{"PRV-2026-0003", "monthly-review", false});
  const Meeting m = merged_meetings(base, ours, theirs).merged;
  REQUIRE(m.conflicts.size() == 2u);
  CHECK(resolve(m, "chair.agency", "theirs").chair.agency == "Zedshire Council (Prevent)");
  CHECK(resolve(m, "chair.agency", "Zedshire Unitary Council").chair.agency == "Zedshire Unitary Council");
  const std::string entry = "agenda[PRV-2026-0003,monthly-review]";
  REQUIRE(find_conflict(m, entry));
  Meeting a = resolve(m, entry, "ours");
  REQUIRE(a.agenda.size() == 2u);
  CHECK(a.agenda[1].by_hand);
  CHECK(resolve(m, entry, "~").agenda.size() == 1u);
  CHECK_THROWS_AS(resolve(m, "chair.agency", "~"), Failure);  // the schema requires it
  Meeting dated = m;
  dated.conflicts.push_back(Conflict{"date", ConflictSide{"Alex Example", d("2026-12-04"), "2026-12-04", {}},
                                     ConflictSide{"Sam Example", d("2026-12-05"), "2026-12-05", {}}});
  CHECK_THROWS_AS(resolve(dated, "date", "ours"), Failure);
}

TEST_CASE("a side's entry that is not YAML is refused without quoting it") {
  const Case base = full_case();
  Case ours = base, theirs = base;
  ours.chronology[0].text = PersonalNote(std::string("Fictional text, corrected"));
  theirs.chronology.erase(theirs.chronology.begin());
  Case c = merged(base, ours, theirs);
  c.conflicts[0].ours.personal_value = PersonalNote(std::string("text: Wrennick: [unclosed"));
  try {
    resolve(c, "chronology[2026-01-06,info-request]", "ours");
    FAIL("not refused");
  } catch (const Failure& f) {
    CHECK(f.code() == Exit::invalid_data);
    CHECK_FALSE(has(f.what(), "Wrennick"));
    CHECK_FALSE(has(f.hint(), "Wrennick"));
  }
}

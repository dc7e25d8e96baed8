// Panel meetings: panels/<YYYY-MM-DD>.yaml (SPEC §2, §4 rule 4, §6 `panel new`).
#include <doctest/doctest.h>

#include <string>

#include "action_scope.hpp"
#include "failure.hpp"
#include "meeting.hpp"

using namespace prevent;

namespace {

Meeting sample() {
  Meeting m;
  m.date = Date::from_ymd(2026, 12, 3);
  m.chair = Member{"Prevent Lead", "Zedshire Council", false};
  m.attendees = {Member{"Social Worker", "Zedshire Children's Services", false},
                 Member{"Detective Sergeant", "Counter Terrorism Policing North West", true}};
  m.apologies = {Member{"Head of Year", "Quillet Academy", false}};
  m.declarations = {Declaration{"Social Worker", "Zedshire Children's Services", "PRV-2026-0014"}};
  m.agenda = {AgendaItem{"PRV-2026-0014", "panel"}, AgendaItem{"PRV-2026-0003", "monthly-review"}};
  return m;
}

}  // namespace

TEST_CASE("a meeting file lives under panels/ by its date") {
  CHECK(meeting_path(Date::from_ymd(2026, 12, 3)) == "panels/2026-12-03.yaml");
}

TEST_CASE("a meeting written and read back is the same meeting and the same bytes") {
  std::string text = write_meeting(sample());
  CHECK(text.rfind(std::string(kMeetingSchemaComment), 0) == 0);
  Meeting back = read_meeting(text, "panels/2026-12-03.yaml");
  CHECK(back.date == sample().date);
  CHECK(back.chair.role == "Prevent Lead");
  CHECK(back.chair.agency == "Zedshire Council");
  REQUIRE(back.attendees.size() == 2u);
  CHECK_FALSE(back.attendees[0].police);
  CHECK(back.attendees[1].police);
  CHECK(back.attendees[1].agency == "Counter Terrorism Policing North West");
  REQUIRE(back.apologies.size() == 1u);
  REQUIRE(back.declarations.size() == 1u);
  CHECK(back.declarations[0].case_id == "PRV-2026-0014");
  REQUIRE(back.agenda.size() == 2u);
  CHECK(back.agenda[1].item == "monthly-review");
  CHECK(write_meeting(back) == text);
}

TEST_CASE("a decision needs a police attendee, not a police apology") {
  Meeting m = sample();
  CHECK(m.police_present());
  m.attendees[1].police = false;
  CHECK_FALSE(m.police_present());
  m.attendees.clear();
  CHECK_FALSE(m.police_present());
}

TEST_CASE("a member is given as ROLE@AGENCY") {
  Member m = parse_member("Detective Sergeant@Counter Terrorism Policing North West", "--police");
  CHECK(m.role == "Detective Sergeant");
  CHECK(m.agency == "Counter Terrorism Policing North West");
  Member spaced = parse_member("  Prevent Lead @ Zedshire Council ", "--chair");
  CHECK(spaced.role == "Prevent Lead");
  CHECK(spaced.agency == "Zedshire Council");
  for (const char* bad : {"Prevent Lead", "@Zedshire Council", "Prevent Lead@", " @ ", ""}) {
    CAPTURE(bad);
    try {
      parse_member(bad, "--chair");
      FAIL_CHECK("accepted");
    } catch (const Failure& f) {
      CHECK(f.code() == Exit::invalid_data);
      CHECK(std::string(f.what()).find("--chair") != std::string::npos);
    }
  }
}

TEST_CASE("a meeting file with an impossible date or no chair is invalid data") {
  std::string text = write_meeting(sample());
  std::string bad_date = text;
  bad_date.replace(bad_date.find("2026-12-03"), 10, "2026-02-30");
  CHECK_THROWS_AS(read_meeting(bad_date, "panels/x.yaml"), Failure);
  try {
    read_meeting(bad_date, "panels/x.yaml");
  } catch (const Failure& f) {
    CHECK(f.code() == Exit::invalid_data);
  }
  try {
    read_meeting("date: 2026-12-03\n", "panels/2026-12-03.yaml");
    FAIL_CHECK("a meeting without a chair was accepted");
  } catch (const Failure& f) {
    CHECK(f.code() == Exit::invalid_data);
  }
}

TEST_CASE("a person is listed once: each change of attendance changes their entry in place") {
  Meeting m = sample();  // Social Worker, Detective Sergeant (police); apology Head of Year
  Member ds{"detective sergeant", "Counter Terrorism  Policing North West", false};
  CHECK(presence_of(m, ds) == Presence::police);
  CHECK_FALSE(set_presence(m, ds, Presence::police));  // already so
  CHECK(set_presence(m, ds, Presence::attending));      // no longer for the police
  REQUIRE(m.attendees.size() == 2u);
  CHECK(m.attendees[1].role == "Detective Sergeant");   // as recorded, in its place
  CHECK_FALSE(m.attendees[1].police);
  CHECK(set_presence(m, ds, Presence::apology));
  CHECK(m.attendees.size() == 1u);
  REQUIRE(m.apologies.size() == 2u);
  CHECK(m.apologies[1].role == "Detective Sergeant");
  // Apologies sent, then came on the day after all.
  Member hoy{"Head of Year", "Quillet Academy", false};
  CHECK(set_presence(m, hoy, Presence::attending));
  CHECK(m.apologies.size() == 1u);
  CHECK(m.attendees.back().role == "Head of Year");
  CHECK(set_presence(m, hoy, Presence::not_listed));
  CHECK(presence_of(m, hoy) == Presence::not_listed);
  CHECK_FALSE(set_presence(m, hoy, Presence::not_listed));
}

TEST_CASE("a person listed twice by hand is listed once after any change") {
  Meeting m = sample();
  const Member twice = m.attendees[0];
  m.attendees.push_back(twice);
  CHECK(set_presence(m, twice, Presence::attending));
  CHECK(m.attendees.size() == 2u);
  CHECK(m.attendees[0].role == "Social Worker");
}

TEST_CASE("the chair counts as attending") {
  Meeting m = sample();
  CHECK(is_chair(m, Member{"PREVENT LEAD", "zedshire council", false}));
  CHECK(presence_of(m, m.chair) == Presence::attending);
  const Member chair = m.chair;
  CHECK_FALSE(set_presence(m, chair, Presence::attending));
}

TEST_CASE("an agenda entry put there by hand keeps its mark") {
  Meeting m = sample();
  m.agenda[0].by_hand = true;
  std::string text = write_meeting(m);
  CHECK(text.find("    by_hand: true\n") != std::string::npos);
  Meeting back = read_meeting(text, "panels/x.yaml");
  CHECK(back.agenda[0].by_hand);
  CHECK_FALSE(back.agenda[1].by_hand);
  CHECK(write_meeting(back) == text);
}

TEST_CASE("a meeting's corrections are written last and read back; without them the file is as before") {
  Meeting m = sample();
  const std::string plain = write_meeting(m);
  CHECK(plain.find("corrections") == std::string::npos);
  m.corrections.push_back(
      Correction{Date::from_ymd(2026, 12, 5), {"attendees.1.agency"}, PersonalText("Fictional: typed from the wrong form")});
  const std::string text = write_meeting(m);
  CHECK(text.rfind(plain.substr(0, plain.size()), 0) == 0);  // appended after everything else
  Meeting back = read_meeting(text, "panels/2026-12-03.yaml");
  REQUIRE(back.corrections.size() == 1u);
  CHECK(back.corrections[0].date == Date::from_ymd(2026, 12, 5));
  CHECK(back.corrections[0].fields == std::vector<std::string>{"attendees.1.agency"});
  CHECK(back.corrections[0].reason.reveal() == "Fictional: typed from the wrong form");
  CHECK(write_meeting(back) == text);
}

TEST_CASE("an edit of a meeting changes named roles, agencies and police markings only") {
  const Meeting before = sample();
  Meeting after = before;
  after.attendees[0].agency = "Zedshire Childrens Services";
  after.corrections.push_back(Correction{Date::from_ymd(2026, 12, 5), {"attendees.1.agency"}, PersonalText("x")});
  CHECK(meeting_change_outside(before, after).empty());

  Meeting unnamed = after;
  unnamed.chair.role = "Prevent Co-ordinator";
  CHECK(meeting_change_outside(before, unnamed).fields == std::vector<std::string>{"chair.role"});

  Meeting agenda = after;
  agenda.agenda[0].item = "consent";
  agenda.corrections.back().fields.push_back("agenda.1.item");
  CHECK(meeting_change_outside(before, agenda).fields == std::vector<std::string>{"agenda[1].item"});

  Meeting added = after;
  added.apologies.push_back(Member{"School Nurse", "Zedshire Health", false});
  CHECK(meeting_change_outside(before, added).fields == std::vector<std::string>{"apologies"});

  Meeting no_entry = before;
  no_entry.attendees[0].agency = "Zedshire Childrens Services";
  CHECK(meeting_change_outside(before, no_entry).why == "it did not add one corrections entry");
}

// ---------------------------------------------------------------------------
// Sealed values of a meeting (docs/encryption.md, "Meetings").

namespace {

const std::string kStoreId = "0123456789abcdef0123456789abcdef";

MeetingKeys meeting_keys() {
  static const crypto::SecretKey store_key = crypto::random_key();
  return MeetingKeys{kStoreId, store_key};
}

// The sample meeting with two corrections, their reasons in plain text.
Meeting corrected() {
  Meeting m = sample();
  m.corrections.push_back(Correction{Date::from_ymd(2026, 12, 5), {"attendees.1.agency"},
                                     PersonalText("Fictional reason Wendlemere typed")});
  m.corrections.push_back(
      Correction{Date::from_ymd(2026, 12, 6), {"chair.role"}, PersonalText("Fictional reason Oskarbrook")});
  return m;
}

}  // namespace

TEST_CASE("a meeting's correction reasons are sealed in the file and open back with the store's key") {
  Meeting m = corrected();
  CHECK(has_plain_values(m));
  CHECK_FALSE(has_sealed_values(m));
  seal_meeting_personal(m, meeting_keys());
  CHECK_FALSE(has_plain_values(m));
  const std::string text = write_meeting(m);
  CHECK(text.find("Wendlemere") == std::string::npos);
  CHECK(text.find("Oskarbrook") == std::string::npos);
  CHECK(text.find("    reason: enc:v1:") != std::string::npos);
  // What is not personal data stays in clear.
  CHECK(text.find("attendees.1.agency") != std::string::npos);
  CHECK(text.find("Zedshire Council") != std::string::npos);

  Meeting back = read_meeting(text, "panels/2026-12-03.yaml");
  CHECK(has_sealed_values(back));
  CHECK(back.corrections[0].reason.reveal().empty());
  CHECK(write_meeting(back) == text);  // a sealed value is written back as it was read
  open_meeting_personal(back, meeting_keys(), "panels/2026-12-03.yaml");
  CHECK_FALSE(has_sealed_values(back));
  CHECK(back.corrections[0].reason.reveal() == "Fictional reason Wendlemere typed");
  CHECK(back.corrections[1].reason.reveal() == "Fictional reason Oskarbrook");
  // Sealing is deterministic: the same reason in the same meeting seals to
  // the same text, so a meeting rewritten keeps its ciphertexts.
  seal_meeting_personal(back, meeting_keys());
  CHECK(write_meeting(back) == text);
}

TEST_CASE("a meeting is sealed only where the store is encrypted, and never without the key") {
  Meeting plain_store = corrected();
  seal_meeting_personal(plain_store, MeetingKeys{});
  CHECK(write_meeting(plain_store) == write_meeting(corrected()));

  Meeting no_key = corrected();
  CHECK_THROWS_AS(seal_meeting_personal(no_key, MeetingKeys{kStoreId, std::nullopt}), Failure);
  try {
    seal_meeting_personal(no_key, MeetingKeys{kStoreId, std::nullopt});
  } catch (const Failure& f) {
    CHECK(f.code() == Exit::store);
    CHECK(std::string(f.what()).find("Wendlemere") == std::string::npos);
  }
  // A meeting without a reason needs no key.
  Meeting none = sample();
  seal_meeting_personal(none, MeetingKeys{kStoreId, std::nullopt});
  CHECK(write_meeting(none) == write_meeting(sample()));

  // Without the key a sealed reason stays sealed, and shows as [encrypted].
  Meeting sealed = corrected();
  seal_meeting_personal(sealed, meeting_keys());
  Meeting kept = sealed;
  open_meeting_personal(kept, MeetingKeys{kStoreId, std::nullopt}, "panels/2026-12-03.yaml");
  CHECK(write_meeting(kept) == write_meeting(sealed));
  mask_sealed(kept);
  CHECK(kept.corrections[0].reason.sealed_text() == kEncryptedShown);
}

TEST_CASE("a meeting's sealed reason moved to another meeting, store or key, or changed, does not open") {
  Meeting m = corrected();
  seal_meeting_personal(m, meeting_keys());
  const std::string sealed_reason = m.corrections[0].reason.sealed_text();
  auto refused = [](Meeting x, const MeetingKeys& keys) {
    try {
      open_meeting_personal(x, keys, "panels/x.yaml");
    } catch (const Failure& f) {
      CHECK(f.code() == Exit::store);
      CHECK(std::string(f.what()).find("corrections.reason") != std::string::npos);
      CHECK(std::string(f.what()).find("Wendlemere") == std::string::npos);
      return true;
    }
    return false;
  };
  // Copied into the meeting of another date.
  Meeting other = sample();
  other.date = Date::from_ymd(2027, 1, 7);
  other.corrections.push_back(
      Correction{Date::from_ymd(2027, 1, 8), {"chair.role"}, PersonalText::sealed(sealed_reason)});
  CHECK(refused(other, meeting_keys()));
  // Another store, the same key; another key.
  CHECK(refused(m, MeetingKeys{"fedcba9876543210fedcba9876543210", meeting_keys().store_key}));
  CHECK(refused(m, MeetingKeys{kStoreId, crypto::random_key()}));
  // One character changed.
  Meeting changed = m;
  std::string text = sealed_reason;
  text[10] = text[10] == 'A' ? 'B' : 'A';
  changed.corrections[0].reason = PersonalText::sealed(text);
  CHECK(refused(changed, meeting_keys()));
  // A case's value sealed with the same key (an erasure's reason) is bound
  // to the case, not to a meeting.
  CaseKeys case_keys{kStoreId, std::nullopt, meeting_keys().store_key};
  Case c;
  c.id = "PRV-2026-0014";
  c.erasure = Erasure{Date::from_ymd(2026, 12, 5), PersonalText("Fictional reason Wendlemere typed")};
  seal_personal(c, case_keys);
  Meeting from_case = sample();
  from_case.corrections.push_back(
      Correction{Date::from_ymd(2026, 12, 5), {"chair.role"}, PersonalText::sealed(c.erasure->reason.sealed_text())});
  CHECK(refused(from_case, meeting_keys()));
  // Moved within its own meeting (another correction): the field is the
  // same kind of entry, as for a case's values.
  Meeting within = m;
  within.corrections[1].reason = PersonalText::sealed(sealed_reason);
  CHECK_FALSE(refused(within, meeting_keys()));
}

TEST_CASE("an encrypt commit changes a meeting only by sealing its correction reasons") {
  const Meeting before = corrected();
  Meeting after = before;
  seal_meeting_personal(after, meeting_keys());
  CHECK(meeting_sealing_outside(before, after).empty());

  Meeting more = after;
  more.chair.role = "Prevent Co-ordinator";
  CHECK(meeting_sealing_outside(before, more).fields == std::vector<std::string>{"chair.role"});
  CHECK(meeting_sealing_outside(before, before).why == "it left personal data in plain text");
  CHECK(meeting_sealing_outside(after, after).why == "the meeting had sealed values before");
}

// Conflicts left by a merge (docs/merge.md, "Meetings").

namespace {

Meeting conflicted() {
  Meeting m = sample();
  m.conflicts.push_back(Conflict{"attendance[Youth Worker@Zedshire Youth Service]",
                                 ConflictSide{"Alex Example", Date::from_ymd(2026, 12, 4), "police", PersonalNote()},
                                 ConflictSide{"Sam Example", Date::from_ymd(2026, 12, 5), "apology", PersonalNote()}});
  m.conflicts.push_back(
      Conflict{"corrections[2026-12-05]",
               ConflictSide{"Alex Example", Date::from_ymd(2026, 12, 4), std::nullopt,
                            PersonalNote(std::string("date: 2026-12-05\nreason: Fictional reason Quorvel\n"))},
               ConflictSide{"Sam Example", Date::from_ymd(2026, 12, 5), std::nullopt, PersonalNote()}});
  return m;
}

}  // namespace

TEST_CASE("a meeting's conflicts are written last and read back; without them the file is as before") {
  const Meeting m = conflicted();
  const std::string text = write_meeting(m);
  CHECK(text.find("conflicts:\n"
                  "  - field: attendance[Youth Worker@Zedshire Youth Service]\n"
                  "    ours:\n"
                  "      by: Alex Example\n"
                  "      date: 2026-12-04\n"
                  "      value: police\n") != std::string::npos);
  const Meeting back = read_meeting(text, "panels/2026-12-03.yaml");
  REQUIRE(back.conflicts.size() == 2u);
  CHECK(back.conflicts[0].theirs.value == "apology");
  CHECK(back.conflicts[1].ours.personal_value.reveal() == m.conflicts[1].ours.personal_value.reveal());
  CHECK_FALSE(back.conflicts[1].theirs.personal_value.reveal().has_value());
  CHECK(write_meeting(back) == text);
  CHECK(write_meeting(sample()).find("conflicts") == std::string::npos);
}

TEST_CASE("a meeting conflict's personal value is sealed like a correction's reason, and opens back") {
  Meeting m = conflicted();
  CHECK(has_plain_values(m));
  seal_meeting_personal(m, meeting_keys());
  CHECK_FALSE(has_plain_values(m));
  const std::string text = write_meeting(m);
  CHECK(text.find("Quorvel") == std::string::npos);
  CHECK(text.find("      personal_value: enc:v1:") != std::string::npos);
  CHECK(text.find("value: police") != std::string::npos);  // not personal data: in clear
  Meeting back = read_meeting(text, "panels/2026-12-03.yaml");
  CHECK(has_sealed_values(back));
  CHECK(write_meeting(back) == text);
  open_meeting_personal(back, meeting_keys(), "panels/2026-12-03.yaml");
  CHECK(back.conflicts[1].ours.personal_value.reveal() == conflicted().conflicts[1].ours.personal_value.reveal());
  CHECK_FALSE(has_sealed_values(back));
  // Without the key nothing personal is written in clear.
  Meeting no_key = conflicted();
  CHECK_THROWS_AS(seal_meeting_personal(no_key, MeetingKeys{kStoreId, std::nullopt}), Failure);
  // Moved to the reason's field, it does not open.
  Meeting moved = read_meeting(text, "panels/2026-12-03.yaml");
  moved.corrections.push_back(Correction{Date::from_ymd(2026, 12, 6), {"chair.role"},
                                         PersonalText::sealed(moved.conflicts[1].ours.personal_value.sealed_text())});
  CHECK_THROWS_AS(open_meeting_personal(moved, meeting_keys(), "panels/2026-12-03.yaml"), Failure);
}

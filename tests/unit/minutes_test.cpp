// The minutes of a panel meeting: the decisions and reviews held at it, by
// case ID, read from the case files; no personal data.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "case_fixtures.hpp"
#include "minutes.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;
using namespace prevent::fixtures;

namespace {

Meeting meeting_of(const char* date) {
  Meeting m;
  m.date = d(date);
  m.chair = {"Channel Chair", "Zedshire Council", false};
  m.attendees.push_back({"Channel Officer", "Counter Terrorism Policing North West", true});
  return m;
}

Case with_id(Case c, const char* id) {
  c.id = id;
  return c;
}

// Three cases heard on 5 February 2026 (listed out of ID order), one heard
// at another meeting, and a review held at the meeting of 2 April 2026 (of a
// case the fixtures adopt on 5 February).
std::vector<Case> cases() {
  Case adopted = with_id(awaiting_panel(), "PRV-2026-0010");
  Hearing h = hearing("2026-02-05", PanelDecision::adopt);
  h.method = "consensus";
  h.rationale = PersonalNote(std::string("Fictional rationale"));
  apply_decision(adopted, h, cfg());
  Case not_adopted = with_id(awaiting_panel(), "PRV-2026-0002");
  Hearing n = hearing("2026-02-05", PanelDecision::not_adopt);
  n.signposted_to = {"early-help", "housing"};
  apply_decision(not_adopted, n, cfg());
  Case other = with_id(awaiting_panel(), "PRV-2026-0003");
  apply_decision(other, hearing("2026-02-19", PanelDecision::defer), cfg());
  Case reviewed = with_id(supported(), "PRV-2026-0004");
  ReviewInput r = review("2026-04-02", ReviewKind::monthly, ReviewOutcome::continue_);
  r.review.meeting = d("2026-04-02");
  apply_review(reviewed, r, cfg());
  return {adopted, not_adopted, other, reviewed};
}

}  // namespace

TEST_CASE("the minutes list each decision taken at the meeting, by case ID") {
  Minutes m = minutes_of(meeting_of("2026-02-05"), cases(), std::nullopt);
  REQUIRE(m.decisions.size() == 3u);
  CHECK(m.decisions[0].id == "PRV-2026-0002");
  CHECK(m.decisions[0].decision == "not-adopt");
  CHECK(m.decisions[0].method.empty());
  CHECK(m.decisions[0].signposted_to == std::vector<std::string>{"early-help", "housing"});
  CHECK(m.decisions[1].id == "PRV-2026-0004");
  CHECK(m.decisions[2].id == "PRV-2026-0010");
  CHECK(m.decisions[2].decision == "adopt");
  CHECK(m.decisions[2].method == "consensus");
  CHECK(m.reviews.empty());
}

TEST_CASE("the minutes list the reviews held at the meeting with their kind and outcome") {
  Minutes m = minutes_of(meeting_of("2026-04-02"), cases(), std::nullopt);
  CHECK(m.decisions.empty());
  REQUIRE(m.reviews.size() == 1u);
  CHECK(m.reviews[0].id == "PRV-2026-0004");
  CHECK(m.reviews[0].kind == "monthly");
  CHECK(m.reviews[0].outcome == "continue");
}

TEST_CASE("the minutes are rendered with the record's keys and no personal data") {
  Minutes m = minutes_of(meeting_of("2026-02-05"), cases(), std::nullopt);
  std::string md = minutes_markdown(m, "Zedshire");
  CHECK(has(md, "| PRV-2026-0002 | not-adopt |  | early-help, housing |\n"));
  CHECK(has(md, "| PRV-2026-0010 | adopt | consensus |  |\n"));
  CHECK_FALSE(has(md, "Fictional"));
  CHECK_FALSE(has(md, "Zorvan"));
  auto j = minutes_json(m);
  CHECK(j["decisions"][2]["decision"] == "adopt");
  CHECK(j["decisions"][0]["method"].is_null());
  std::string all = j.dump();
  CHECK_FALSE(has(all, "Fictional"));
  CHECK_FALSE(has(all, "Zorvan"));
}

TEST_CASE("the minutes list the actions agreed, closures by a review held there, and the next meeting") {
  // Reviewed and closed at the meeting of 2 April 2026; an action added that
  // day and one added earlier; another case with an action added that day
  // but no business at the meeting.
  Case closed_there = with_id(supported(), "PRV-2026-0007");
  add_support_action(closed_there, action("2026-02-10", "2026-05-31"), cfg());
  add_support_action(closed_there, action("2026-04-02", "2026-06-30"), cfg());
  ReviewInput r = review("2026-04-02", ReviewKind::monthly, ReviewOutcome::close, ClosureReason::no_further_concerns);
  r.review.meeting = d("2026-04-02");
  apply_review(closed_there, r, cfg());
  Case elsewhere = with_id(supported(), "PRV-2026-0008");
  add_support_action(elsewhere, action("2026-04-02", "2026-06-30"), cfg());
  Minutes m = minutes_of(meeting_of("2026-04-02"), {elsewhere, closed_there}, d("2026-04-30"));
  REQUIRE(m.actions.size() == 1u);
  CHECK(m.actions[0].id == "PRV-2026-0007");
  CHECK(m.actions[0].action == "A2");
  CHECK(m.actions[0].due == d("2026-06-30"));
  REQUIRE(m.closures.size() == 1u);
  CHECK(m.closures[0].id == "PRV-2026-0007");
  CHECK(m.closures[0].reason == "no-further-concerns");
  std::string md = minutes_markdown(m, "Zedshire");
  CHECK(has(md, "## Actions agreed\n\n| case | action | support | due |\n|---|---|---|---|\n| PRV-2026-0007 | A2 |"));
  CHECK(has(md, "## Closures\n\n| case | reason |\n|---|---|\n| PRV-2026-0007 | no-further-concerns |\n"));
  CHECK(has(md, "\nNext meeting: 2026-04-30\n"));
  auto j = minutes_json(m);
  CHECK(j["next_meeting"] == "2026-04-30");
  CHECK(j["closures"][0]["reason"] == "no-further-concerns");
  CHECK(j["actions"][0]["action"] == "A2");
  CHECK(minutes_json(minutes_of(meeting_of("2026-04-02"), {}, std::nullopt))["next_meeting"].is_null());
  CHECK(has(minutes_markdown(minutes_of(meeting_of("2026-04-02"), {}, std::nullopt), "Zedshire"),
            "Next meeting: none arranged yet."));
}

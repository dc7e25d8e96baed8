// The minutes of a panel meeting: who attended, apologies, declarations of
// interest, and the case business recorded at it, by case ID: decisions,
// reviews, the support actions agreed, closures; then the next meeting's
// date. Business is read from the case files (the one place it is kept);
// no personal data.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "meeting.hpp"
#include "case_record.hpp"
#include "config.hpp"

namespace prevent {

struct MinuteDecision {
  std::string id;
  std::string decision;
  std::string method;  // empty when not recorded
  std::vector<std::string> signposted_to;
};

struct MinuteReview {
  std::string id;
  std::string kind;
  std::string outcome;
};

// A support action agreed at the meeting: added on the meeting's date to a
// case decided or reviewed there (actions name no meeting of their own).
struct MinuteAction {
  std::string id;
  std::string action;  // A1, A2, …
  std::string support;
  Date due;
};

// A case closed by a review held at the meeting.
struct MinuteClosure {
  std::string id;
  std::string reason;
};

struct Minutes {
  Meeting meeting;
  std::vector<MinuteDecision> decisions;
  std::vector<MinuteReview> reviews;
  std::vector<MinuteAction> actions;
  std::vector<MinuteClosure> closures;
  std::optional<Date> next_meeting;
};

Minutes minutes_of(const Meeting& meeting, const std::vector<Case>& cases, std::optional<Date> next_meeting);
std::string minutes_markdown(const Minutes& m, const std::string& area);
nlohmann::ordered_json minutes_json(const Minutes& m);

}  // namespace prevent

// The minutes of a panel meeting: who attended, apologies, declarations of
// interest, and what was decided, by case ID. Decisions are read from the
// case files (the one place they are kept); no personal data.
#pragma once

#include <nlohmann/json.hpp>
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

struct Minutes {
  Meeting meeting;
  std::vector<MinuteDecision> decisions;
  std::vector<MinuteReview> reviews;
};

Minutes minutes_of(const Meeting& meeting, const std::vector<Case>& cases);
std::string minutes_markdown(const Minutes& m, const std::string& area);
nlohmann::ordered_json minutes_json(const Minutes& m);

}  // namespace prevent

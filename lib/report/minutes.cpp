#include "minutes.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "failure.hpp"
#include "listing.hpp"

namespace prevent {

Minutes minutes_of(const Meeting& meeting, const std::vector<Case>& cases, std::optional<Date> next_meeting) {
  const Date date = meeting.date;
  Minutes out{meeting, {}, {}, {}, {}, next_meeting};
  for (const auto& c : cases) {
    bool business = false;
    for (const auto& h : c.panel)
      if (h.meeting == date) {
        out.decisions.push_back({c.id, std::string(key_of(h.decision)), h.method.value_or(""), h.signposted_to});
        business = true;
      }
    // One episode's reviews held at the meeting, and its closure when a
    // review there closed it.
    auto add_episode = [&](const std::vector<Review>& reviews, const std::optional<Closure>& closure) {
      for (const auto& r : reviews) {
        if (!r.meeting || *r.meeting != date) continue;
        out.reviews.push_back({c.id, std::string(key_of(r.kind)), std::string(key_of(r.outcome))});
        business = true;
        if (r.outcome == ReviewOutcome::close && closure && closure->date == date)
          out.closures.push_back({c.id, std::string(key_of(closure->reason))});
      }
    };
    add_episode(c.reviews, c.closure);
    for (const auto& e : c.previous) add_episode(e.reviews, e.closure);
    if (!business) continue;
    auto add_actions = [&](const std::vector<Action>& plan) {
      for (const auto& a : plan)
        if (a.added == date) out.actions.push_back({c.id, a.id, a.support, a.due});
    };
    for (const auto& e : c.previous) add_actions(e.support_plan);
    add_actions(c.support_plan);
  }
  auto by_id = [](const auto& a, const auto& b) { return case_id_less(a.id, b.id); };
  std::stable_sort(out.decisions.begin(), out.decisions.end(), by_id);
  std::stable_sort(out.reviews.begin(), out.reviews.end(), by_id);
  std::stable_sort(out.actions.begin(), out.actions.end(), by_id);
  std::stable_sort(out.closures.begin(), out.closures.end(), by_id);
  return out;
}

namespace {

// Markdown table cells: a pipe or a line break would break the table.
std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string minutes_markdown(const Minutes& m, const std::string& area) {
  std::string out = fmt::format("# Channel panel, {}: {}\n\n", cell(area), m.meeting.date.str());
  out += fmt::format("Chair: {}, {}\n\n## Attendance\n\n| role | agency | police |\n|---|---|---|\n",
                     cell(m.meeting.chair.role), cell(m.meeting.chair.agency));
  out += fmt::format("| {} | {} | |\n", cell(m.meeting.chair.role), cell(m.meeting.chair.agency));
  for (const auto& a : m.meeting.attendees)
    out += fmt::format("| {} | {} | {} |\n", cell(a.role), cell(a.agency), a.police ? "yes" : "");
  out += "\n## Apologies\n\n";
  if (m.meeting.apologies.empty()) out += "None.\n";
  for (const auto& a : m.meeting.apologies) out += fmt::format("- {}, {}\n", cell(a.role), cell(a.agency));
  out += "\n## Declarations of interest\n\n";
  if (m.meeting.declarations.empty()) out += "None.\n";
  for (const auto& d : m.meeting.declarations)
    out += fmt::format("- {}, {}: {}\n", cell(d.role), cell(d.agency), d.case_id);
  out += "\n## Decisions\n\n";
  if (m.decisions.empty()) {
    out += "None.\n";
  } else {
    out += "| case | decision | method | signposted to |\n|---|---|---|---|\n";
    for (const auto& d : m.decisions)
      out += fmt::format("| {} | {} | {} | {} |\n", d.id, d.decision, d.method, fmt::join(d.signposted_to, ", "));
  }
  out += "\n## Reviews\n\n";
  if (m.reviews.empty()) {
    out += "None.\n";
  } else {
    out += "| case | review | outcome |\n|---|---|---|\n";
    for (const auto& r : m.reviews) out += fmt::format("| {} | {} | {} |\n", r.id, r.kind, r.outcome);
  }
  out += "\n## Actions agreed\n\n";
  if (m.actions.empty()) {
    out += "None.\n";
  } else {
    out += "| case | action | support | due |\n|---|---|---|---|\n";
    for (const auto& a : m.actions)
      out += fmt::format("| {} | {} | {} | {} |\n", a.id, cell(a.action), cell(a.support), a.due.str());
  }
  out += "\n## Closures\n\n";
  if (m.closures.empty()) {
    out += "None.\n";
  } else {
    out += "| case | reason |\n|---|---|\n";
    for (const auto& k : m.closures) out += fmt::format("| {} | {} |\n", k.id, k.reason);
  }
  out += m.next_meeting ? fmt::format("\nNext meeting: {}\n", m.next_meeting->str())
                        : std::string("\nNext meeting: none arranged yet.\n");
  return out;
}

nlohmann::ordered_json minutes_json(const Minutes& m) {
  using J = nlohmann::ordered_json;
  auto member = [](const Member& x) { return J{{"role", x.role}, {"agency", x.agency}}; };
  J j;
  j["date"] = m.meeting.date.str();
  j["chair"] = member(m.meeting.chair);
  j["attendees"] = J::array();
  for (const auto& a : m.meeting.attendees) {
    J x = member(a);
    x["police"] = a.police;
    j["attendees"].push_back(x);
  }
  j["apologies"] = J::array();
  for (const auto& a : m.meeting.apologies) j["apologies"].push_back(member(a));
  j["declarations"] = J::array();
  for (const auto& d : m.meeting.declarations)
    j["declarations"].push_back(J{{"role", d.role}, {"agency", d.agency}, {"case", d.case_id}});
  j["decisions"] = J::array();
  for (const auto& d : m.decisions) {
    J x{{"case", d.id}, {"decision", d.decision}};
    x["method"] = d.method.empty() ? J(nullptr) : J(d.method);
    x["signposted_to"] = d.signposted_to;
    j["decisions"].push_back(x);
  }
  j["reviews"] = J::array();
  for (const auto& r : m.reviews) j["reviews"].push_back(J{{"case", r.id}, {"kind", r.kind}, {"outcome", r.outcome}});
  j["actions"] = J::array();
  for (const auto& a : m.actions)
    j["actions"].push_back(J{{"case", a.id}, {"action", a.action}, {"support", a.support}, {"due", a.due.str()}});
  j["closures"] = J::array();
  for (const auto& k : m.closures) j["closures"].push_back(J{{"case", k.id}, {"reason", k.reason}});
  j["next_meeting"] = m.next_meeting ? J(m.next_meeting->str()) : J(nullptr);
  return j;
}

}  // namespace prevent

#include "meetings.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "case_reader.hpp"

namespace prevent {

void create_meeting(Store& store, const Meeting& m) {
  auto lock = store.lock();
  std::string path = meeting_path(m.date);
  if (store.meeting(m.date))
    fail(Exit::invalid_data, fmt::format("a panel meeting on {} already exists ({})", m.date.str(), path),
         "add people to it with `prevent panel attend`");
  std::string tail = fmt::format("{} meeting, {} attending{}", m.date.str(), m.attendees.size() + 1,
                                 m.police_present() ? "" : ", no police representative yet");
  store.commit({{path, write_meeting(m)}}, commit_message("panel new", tail, {}, "panel-new"));
}

void add_to_meeting(Store& store, Date date, std::vector<Member> attendees, std::vector<Declaration> declarations) {
  auto lock = store.lock();
  Meeting m = store.require_meeting(date);
  std::vector<std::string> cases;
  for (const auto& d : declarations) {
    if (!store.find_case_file(*parse_case_id(d.case_id)))
      fail(Exit::not_found, fmt::format("no such case ({})", d.case_id));
    if (std::find(cases.begin(), cases.end(), d.case_id) == cases.end()) cases.push_back(d.case_id);
  }
  for (auto& a : attendees) m.attendees.push_back(std::move(a));
  for (auto& d : declarations) m.declarations.push_back(std::move(d));
  std::string tail = fmt::format("{} {} attending, {} declaration{}", date.str(), m.attendees.size() + 1,
                                 m.declarations.size(), m.declarations.size() == 1 ? "" : "s");
  store.commit({{meeting_path(date), write_meeting(m)}}, commit_message("panel attend", tail, cases, "panel-attend"));
}

Agenda meeting_agenda(const Store& store, Date date) {
  store.require_meeting(date);
  Agenda agenda;
  auto all = for_each_case_without_personal_data(
      store, [&](const Case& c) { add_agenda_rows(agenda.rows, c, store.config(), date); });
  sort_due_rows(agenda.rows);
  agenda.unreadable = std::move(all.unreadable);
  return agenda;
}

void write_agenda(Store& store, Date date, const std::vector<DueRow>& rows) {
  Meeting m = store.require_meeting(date);
  m.agenda.clear();
  std::vector<std::string> cases;
  for (const auto& r : rows) {
    m.agenda.push_back({r.id, std::string(key_of(r.item))});
    if (std::find(cases.begin(), cases.end(), r.id) == cases.end()) cases.push_back(r.id);
  }
  store.commit({{meeting_path(date), write_meeting(m)}},
               commit_message("panel agenda", fmt::format("{} {} item{}", date.str(), rows.size(), rows.size() == 1 ? "" : "s"),
                              cases, "panel-agenda"));
}

}  // namespace prevent

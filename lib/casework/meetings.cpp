#include "meetings.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "case_reader.hpp"
#include "rules.hpp"

namespace prevent {

namespace {

std::string person(const Member& m) { return fmt::format("{}@{}", m.role, m.agency); }

std::string_view presence_name(Presence p) {
  switch (p) {
    case Presence::attending: return "an attendee";
    case Presence::police: return "a police representative";
    case Presence::apology: return "sending apologies";
    case Presence::not_listed: return "not listed";
  }
  return "";
}

void add_unique(std::vector<std::string>& ids, const std::string& id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

}  // namespace

std::vector<std::string> cases_with_business(const Store& store, Date date) {
  std::vector<std::string> ids;
  auto all = for_each_case_without_personal_data(store, [&](const Case& c) {
    if (case_business_at(c, date)) ids.push_back(c.id);
  });
  if (!all.unreadable.empty()) throw all.unreadable.front();
  return ids;
}

std::vector<std::string> apply_attendance(Meeting& m, const std::vector<AttendanceChange>& changes) {
  std::vector<std::string> notices;
  for (const auto& c : changes) {
    if (c.to != Presence::attending) chair_stays(m, c.who, c.option);
    Presence was = presence_of(m, c.who);
    if (c.to == Presence::not_listed && was == Presence::not_listed)
      fail(Exit::not_found, fmt::format("{} is not listed at the meeting of {} ({})", person(c.who), m.date.str(),
                                        meeting_path(m.date)));
    if (!set_presence(m, c.who, c.to)) {
      notices.push_back(fmt::format("notice: {} is already listed at the meeting of {} as {}; nothing to change",
                                    person(c.who), m.date.str(), is_chair(m, c.who) ? "the chair" : presence_name(was)));
    } else if (was == Presence::police && c.to == Presence::attending) {
      notices.push_back(fmt::format("notice: {} is now listed as an attendee, not as a police representative",
                                    person(c.who)));
    }
  }
  return notices;
}

void create_meeting(Store& store, const Meeting& m) {
  auto lock = store.lock();
  std::string path = meeting_path(m.date);
  if (store.meeting(m.date))
    fail(Exit::invalid_data, fmt::format("a panel meeting on {} already exists ({})", m.date.str(), path),
         "add people to it with `prevent panel attend`");
  std::string tail = fmt::format("{} meeting, {} attending{}", m.date.str(), m.attendees.size() + 1,
                                 m.police_present() ? "" : ", no police representative yet");
  store.commit({{path, store.meeting_text(m)}}, commit_message("panel new", tail, {}, "panel-new"));
}

std::vector<std::string> change_meeting(Store& store, Date date, const std::vector<AttendanceChange>& changes,
                                        std::vector<Declaration> declarations) {
  auto lock = store.lock();
  const Meeting& before = store.require_meeting(date);
  Meeting m = before;
  std::vector<std::string> cases;
  for (const auto& d : declarations)
    if (!store.find_case_file(*parse_case_id(d.case_id)))
      fail(Exit::not_found, fmt::format("no such case ({})", d.case_id));
  std::vector<std::string> notices = apply_attendance(m, changes);
  for (auto& d : declarations) {
    bool known = std::any_of(m.declarations.begin(), m.declarations.end(), [&](const Declaration& x) {
      return x.case_id == d.case_id && same_member(Member{x.role, x.agency, false}, Member{d.role, d.agency, false});
    });
    if (known) {
      notices.push_back(fmt::format("notice: {}@{} has already declared an interest in {}; nothing to change", d.role,
                                    d.agency, d.case_id));
      continue;
    }
    add_unique(cases, d.case_id);
    m.declarations.push_back(std::move(d));
  }
  // Nothing changed (every change was already so): no commit.
  if (write_meeting(m) == write_meeting(before)) return notices;
  if (before.police_present() && !m.police_present())
    police_stay_while_business_recorded(m, cases_with_business(store, date));
  std::string tail = fmt::format("{} {} attending, {} declaration{}", date.str(), m.attendees.size() + 1,
                                 m.declarations.size(), m.declarations.size() == 1 ? "" : "s");
  store.commit({{meeting_path(date), store.meeting_text(m)}},
               commit_message("panel attend", tail, cases, "panel-attend"));
  return notices;
}

std::optional<Date> next_meeting(const Store& store, Date date) {
  for (Date d : store.meeting_dates())
    if (d > date) return d;
  return std::nullopt;
}

Date agenda_until(const Store& store, Date date) {
  // Monthly panels: without a next meeting in the store, one 28 days on.
  Date next = next_meeting(store, date).value_or(date.add_days(28));
  return next.add_days(-1);
}

Agenda meeting_agenda(const Store& store, Date date, Date until) {
  store.require_meeting(date);
  Agenda agenda;
  auto all = for_each_case_without_personal_data(store, [&](const Case& c) {
    add_agenda_rows(agenda.rows, c, store.config(), date, until);
    if (case_business_at(c, date)) agenda.business.push_back(c.id);
  });
  sort_due_rows(agenda.rows);
  agenda.unreadable = std::move(all.unreadable);
  return agenda;
}

size_t write_agenda(Store& store, Date date, const Agenda& agenda, Date as_of) {
  past_agenda_stands(date, as_of);
  Meeting m = store.require_meeting(date);
  auto kept = [&](const AgendaItem& e) {
    return e.by_hand ||
           std::find(agenda.business.begin(), agenda.business.end(), e.case_id) != agenda.business.end();
  };
  std::vector<AgendaItem> items;
  std::vector<std::string> cases;
  for (const auto& r : agenda.rows) {
    AgendaItem item{r.id, std::string(key_of(r.item)), false};
    for (const auto& e : m.agenda)
      if (e.case_id == item.case_id && e.item == item.item && e.by_hand) item.by_hand = true;
    items.push_back(item);
    add_unique(cases, r.id);
  }
  // What was on the agenda by hand, or has business recorded, stays.
  for (const auto& e : m.agenda) {
    bool listed = std::any_of(items.begin(), items.end(),
                              [&](const AgendaItem& x) { return x.case_id == e.case_id && x.item == e.item; });
    if (!listed && kept(e)) {
      items.push_back(e);
      add_unique(cases, e.case_id);
    }
  }
  m.agenda = std::move(items);
  size_t n = m.agenda.size();
  store.commit({{meeting_path(date), store.meeting_text(m)}},
               commit_message("panel agenda", fmt::format("{} {} item{}", date.str(), n, n == 1 ? "" : "s"), cases,
                              "panel-agenda"));
  return n;
}

std::vector<std::string> change_agenda(Store& store, Date date, const std::vector<CaseId>& add,
                                       const std::vector<CaseId>& drop) {
  auto lock = store.lock();
  Meeting m = store.require_meeting(date);
  std::vector<std::string> notices, cases;
  bool changed = false;
  for (const auto& id : add) {
    Case c = store.load_case(id);  // Failure(not_found) when there is none
    auto listed = std::find_if(m.agenda.begin(), m.agenda.end(), [&](const AgendaItem& e) { return e.case_id == c.id; });
    if (listed != m.agenda.end()) {
      if (listed->by_hand) {
        notices.push_back(fmt::format("notice: {} is already on the agenda of {}; nothing to change", c.id, date.str()));
        continue;
      }
      listed->by_hand = true;  // so that --fill keeps it
    } else {
      auto item = item_for_the_panel(c, store.config());
      if (!item)
        refuse(rule::heard_while_awaiting_panel,
               fmt::format("the case is {} and has nothing for the panel", key_of(stage_of(c, store.config()))),
               c.id);
      m.agenda.push_back({c.id, std::string(key_of(item->item)), true});
    }
    add_unique(cases, c.id);
    changed = true;
  }
  for (const auto& id : drop) {
    std::string key = id.str();
    if (std::none_of(m.agenda.begin(), m.agenda.end(), [&](const AgendaItem& e) { return e.case_id == key; }))
      fail(Exit::not_found, fmt::format("{} is not on the agenda of {} ({})", key, date.str(), meeting_path(date)));
    Case c = store.load_case(id);
    agenda_keeps_case_business(date, key, case_business_at(c, date));
    std::erase_if(m.agenda, [&](const AgendaItem& e) { return e.case_id == key; });
    add_unique(cases, key);
    changed = true;
  }
  if (!changed) return notices;
  size_t n = m.agenda.size();
  store.commit({{meeting_path(date), store.meeting_text(m)}},
               commit_message("panel agenda", fmt::format("{} {} item{}", date.str(), n, n == 1 ? "" : "s"), cases,
                              "panel-agenda"));
  return notices;
}

}  // namespace prevent

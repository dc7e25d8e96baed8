#include <fmt/format.h>

#include "cli.hpp"
#include "failure.hpp"
#include "meeting.hpp"

namespace prevent::cli {

namespace {

struct PanelNewOptions {
  std::string date;
  std::string chair;
  std::vector<std::string> attendees, police, apologies;
};

int run_panel_new(const Globals& g, const PanelNewOptions& o) {
  Meeting m;
  m.date = option_date(o.date, "DATE");
  // A meeting may be set up ahead of its day: the agenda is filled before it.
  m.chair = parse_member(o.chair, "--chair");
  for (const auto& a : o.attendees) m.attendees.push_back(parse_member(a, "--attendee"));
  for (const auto& p : o.police) {
    Member member = parse_member(p, "--police");
    member.police = true;
    m.attendees.push_back(member);
  }
  for (const auto& a : o.apologies) m.apologies.push_back(parse_member(a, "--apology"));
  Store store = open_store(g);
  auto lock = store.lock();
  std::string path = meeting_path(m.date);
  if (store.meeting(m.date))
    fail(Exit::invalid_data, fmt::format("a panel meeting on {} already exists ({})", m.date.str(), path),
         "add people to it with `prevent panel attend`");
  std::string tail = fmt::format("{} meeting, {} attending{}", m.date.str(), m.attendees.size() + 1,
                                 m.police_present() ? "" : ", no police representative yet");
  store.commit({{path, write_meeting(m)}}, commit_message("panel new", tail, {}, "panel-new"));
  if (!m.police_present())
    notice(g, "notice: no police representative is recorded yet; the panel cannot decide on a case until one "
              "attends (CTSA 2015 s.37); add one with `prevent panel attend DATE --police ROLE@FORCE`");
  return 0;
}

}  // namespace

void add_panel(CLI::App& app, Globals& g, Action& action) {
  auto* panel = app.add_subcommand("panel", "panel meetings");
  panel->require_subcommand(1);
  auto o = std::make_shared<PanelNewOptions>();
  auto* sub = panel->add_subcommand("new", "create a panel meeting");
  sub->add_option("date", o->date, "the meeting's date (YYYY-MM-DD)")->required();
  sub->add_option("--chair", o->chair, "ROLE@AGENCY of the chair (the local authority)")->required();
  sub->add_option("--attendee", o->attendees, "ROLE@AGENCY of an attendee (repeatable)");
  sub->add_option("--police", o->police, "ROLE@FORCE of a police representative (repeatable)");
  sub->add_option("--apology", o->apologies, "ROLE@AGENCY of someone who sent apologies (repeatable)");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_panel_new(g, *o); }; });
}

}  // namespace prevent::cli

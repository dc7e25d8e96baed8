#include <fmt/format.h>

#include "case_reader.hpp"
#include "cli.hpp"
#include "failure.hpp"
#include "meeting.hpp"
#include "case_actions.hpp"
#include "case_update.hpp"
#include "due_list.hpp"
#include "meetings.hpp"
#include "minutes.hpp"
#include "rules.hpp"

#include <algorithm>

namespace prevent::cli {

namespace {

struct PanelNewOptions {
  std::string date;
  std::string chair;
  std::vector<std::string> attendees, police, apologies;
};

// The people of `panel new` and `panel attend`, flag by flag; one person
// given to two of the flags is a usage error (which one was meant?).
std::vector<AttendanceChange> attendance_changes(
    const std::vector<std::pair<const std::vector<std::string>*, std::pair<Presence, const char*>>>& flags) {
  std::vector<AttendanceChange> changes;
  for (const auto& [texts, how] : flags)
    for (const auto& t : *texts) {
      AttendanceChange c{parse_member(t, how.second), how.first, how.second};
      for (const auto& other : changes)
        if (same_member(other.who, c.who) && other.to != c.to)
          fail(Exit::usage, fmt::format("{}@{} is given to both {} and {} (command line)", c.who.role, c.who.agency,
                                        other.option, c.option));
      changes.push_back(std::move(c));
    }
  return changes;
}

int run_panel_new(const Globals& g, const PanelNewOptions& o) {
  Meeting m;
  m.date = option_date(o.date, "DATE");
  // A meeting may be set up ahead of its day: the agenda is filled before it.
  m.chair = parse_member(o.chair, "--chair");
  auto changes = attendance_changes({{&o.attendees, {Presence::attending, "--attendee"}},
                                     {&o.police, {Presence::police, "--police"}},
                                     {&o.apologies, {Presence::apology, "--apology"}}});
  auto notices = apply_attendance(m, changes);
  write_today(g);
  Store store = open_store(g);
  create_meeting(store, m);
  for (const auto& n : notices) notice(g, n);
  confirm(g, fmt::format("panel {}", m.date.str()),
          fmt::format("meeting created, {} attending{}; fill its agenda with `prevent panel agenda {} --fill`",
                      m.attendees.size() + 1, m.police_present() ? " with the police" : "", m.date.str()));
  if (!m.police_present())
    notice(g, "notice: no police representative is recorded yet; the panel cannot decide on a case until one "
              "attends (CTSA 2015 s.37); add one with `prevent panel attend DATE --police ROLE@FORCE`");
  return 0;
}


struct AttendOptions {
  std::string date;
  std::vector<std::string> attendees, police, apologies, remove, declarations;
};

int run_panel_attend(const Globals& g, const AttendOptions& o) {
  Date date = option_date(o.date, "DATE");
  auto changes = attendance_changes({{&o.attendees, {Presence::attending, "--attendee"}},
                                     {&o.police, {Presence::police, "--police"}},
                                     {&o.apologies, {Presence::apology, "--apology"}},
                                     {&o.remove, {Presence::not_listed, "--remove"}}});
  std::vector<Declaration> declared;
  for (const auto& d : o.declarations) {
    auto colon = d.rfind(':');
    if (colon == std::string::npos)
      fail(Exit::invalid_data, "--declare: expected ROLE@AGENCY:CASE-ID, e.g. Chair@Stockport Council:PRV-2026-0014 "
                               "(command line)");
    Member m = parse_member(d.substr(0, colon), "--declare");
    declared.push_back({m.role, m.agency, case_id_option(d.substr(colon + 1), "--declare").str()});
  }
  if (changes.empty() && declared.empty())
    fail(Exit::usage, "give --attendee, --police, --apology, --remove or --declare (command line)");
  write_today(g);
  Store store = open_store(g);
  const size_t declarations = declared.size();
  for (const auto& n : change_meeting(store, date, changes, std::move(declared))) notice(g, n);
  confirm(g, fmt::format("panel {}", date.str()),
          fmt::format("attendance recorded: {} change{}, {} declaration{} of interest", changes.size(),
                      changes.size() == 1 ? "" : "s", declarations, declarations == 1 ? "" : "s"));
  return 0;
}

struct AgendaOptions {
  std::string date;
  bool fill = false;
  std::optional<std::string> until;
  std::vector<std::string> add, drop;
  std::string format = "table";
  bool partial = false;
  bool show_personal = false;
};

int run_agenda_change(const Globals& g, const AgendaOptions& o, Date date) {
  std::vector<CaseId> add, drop;
  for (const auto& a : o.add) add.push_back(case_id_option(a, "--add"));
  for (const auto& d : o.drop) {
    drop.push_back(case_id_option(d, "--drop"));
    for (const auto& a : add)
      if (a.str() == drop.back().str())
        fail(Exit::usage, fmt::format("{} is given to both --add and --drop (command line)", a.str()));
  }
  Store store = open_store(g);
  for (const auto& n : change_agenda(store, date, add, drop)) notice(g, n);
  std::vector<std::string> what;
  auto ids = [](const std::vector<CaseId>& v) {
    std::vector<std::string> s;
    for (const auto& id : v) s.push_back(id.str());
    return fmt::format("{}", fmt::join(s, ", "));
  };
  if (!add.empty()) what.push_back("on it: " + ids(add));
  if (!drop.empty()) what.push_back("taken off: " + ids(drop));
  confirm(g, fmt::format("panel {}", date.str()), fmt::format("agenda changed; {}", fmt::join(what, "; ")));
  return 0;
}

int run_panel_agenda(const Globals& g, const AgendaOptions& o) {
  const bool by_hand = !o.add.empty() || !o.drop.empty();
  if (by_hand && (o.fill || o.until || o.partial || o.show_personal))
    fail(Exit::usage, "--add and --drop go without --fill, --until, --partial and --show-personal (command line)");
  Date date = option_date(o.date, "DATE");
  if (by_hand || o.fill) write_today(g);  // without either the agenda is only read
  if (by_hand) return run_agenda_change(g, o, date);
  std::optional<Date> until;
  if (o.until) {
    until = option_date(*o.until, "--until");
    if (*until < date) fail(Exit::usage, "--until is before the meeting (command line)");
  }
  Date as_of = today(g);
  Store store = open_store(g);
  std::unique_ptr<StoreLock> lock;
  if (o.fill) {
    lock = store.lock();
    store.require_meeting(date);
    past_agenda_stands(date, as_of);
  }
  Agenda agenda = meeting_agenda(store, date, until.value_or(agenda_until(store, date)));
  // The names are only printed: the meeting file gets the agenda's rows,
  // which hold none.
  Table table = due_table(agenda.rows);
  if (o.show_personal) add_name_column(store, table);
  int code = print_unless_incomplete(render(table, list_format(o.format)), agenda.unreadable, o.partial);
  // An agenda missing unreadable cases is not written into the meeting,
  // --partial or not.
  if (!o.fill || code != 0) return code;
  const size_t n = write_agenda(store, date, agenda, as_of);
  confirm(g, fmt::format("panel {}", date.str()),
          fmt::format("agenda filled on {}: {} item{}", as_of.str(), n, n == 1 ? "" : "s"));
  return 0;
}

struct DecideOptions {
  std::vector<std::string> args;  // ID (with --meeting), or DATE ID as SPEC §6 first gave it
  std::string decision;
  std::optional<std::string> meeting, method, rationale;
  std::vector<std::string> signpost;
};

// `panel decide ID --meeting DATE`, the grammar of every case command (the
// ID first); `panel decide DATE ID` of SPEC §6 still works. The two
// positional words are told apart by which is a case ID, else by which is
// a date; neither tells them apart → usage error with the form to use.
std::pair<CaseId, Date> decide_target(const DecideOptions& o) {
  constexpr const char* kForm = "prevent panel decide ID --meeting DATE --decision adopt|not-adopt|defer";
  if (o.meeting) {
    if (o.args.size() != 1)
      fail(Exit::usage, "with --meeting, give the case ID alone (command line)", kForm);
    return {case_id_option(o.args[0]), option_date(*o.meeting, "--meeting")};
  }
  if (o.args.size() != 2)
    fail(Exit::usage, "give the meeting's date with --meeting DATE (command line)", kForm);
  const std::string& a = o.args[0];
  const std::string& b = o.args[1];
  const bool a_id = parse_case_id(a).has_value(), b_id = parse_case_id(b).has_value();
  if (a_id != b_id) return a_id ? std::pair{*parse_case_id(a), option_date(b, "DATE")}
                                : std::pair{*parse_case_id(b), option_date(a, "DATE")};
  const bool a_date = Date::parse(a).has_value(), b_date = Date::parse(b).has_value();
  if (a_date != b_date) return a_date ? std::pair{case_id_option(b), *Date::parse(a)}
                                      : std::pair{case_id_option(a), *Date::parse(b)};
  fail(Exit::usage, "cannot tell the case ID from the meeting's date (command line)", kForm);
}

int run_panel_decide(const Globals& g, const DecideOptions& o) {
  // Not a structured binding: clang does not let a lambda capture one.
  const std::pair<CaseId, Date> target = decide_target(o);
  const CaseId& id = target.first;
  const Date date = target.second;
  Hearing h;
  h.meeting = date;
  h.decision = enum_option<PanelDecision>(o.decision, "--decision");
  if (o.method) h.method = enum_option(*o.method, "panel.method", "--method");
  if (!o.signpost.empty() && h.decision != PanelDecision::not_adopt)
    fail(Exit::usage, "--signpost goes with --decision not-adopt (command line)");
  for (const auto& s : o.signpost)
    if (std::find(h.signposted_to.begin(), h.signposted_to.end(), s) == h.signposted_to.end())
      h.signposted_to.push_back(s);
  if (o.rationale) h.rationale = PersonalNote(text_option(*o.rationale, "--rationale"));
  Date as_of = write_today(g);
  Store store = open_store(g);
  for (const auto& s : h.signposted_to) require_in_vocabulary(store.config().services, s, "--signpost", "command line");
  if (!store.find_case_file(id)) fail(Exit::not_found, fmt::format("no such case ({})", id.str()));
  store.require_meeting(date);
  Case done = update_case(store, id, as_of, "panel decide", "panel-decide", [&](Case& c) {
    apply_decision(c, h, store.config());
    return fmt::format("{} at {}", key_of(h.decision), date.str());
  });
  confirm_case(g, done, store.config(),
               fmt::format("panel decided {} at the meeting of {}", key_of(h.decision), date.str()));
  return 0;
}

struct ConsentOptions {
  std::string id, status, by;
  bool keep_actions = false;
  std::optional<std::string> date, capacity_assessed, reason;
};

int run_panel_consent(const Globals& g, const ConsentOptions& o) {
  CaseId id = case_id_option(o.id);
  Consent k{enum_option<ConsentStatus>(o.status, "--status"), enum_option<ConsentGiver>(o.by, "--by"), Date{}};
  if (o.keep_actions && k.status != ConsentStatus::withdrawn && k.status != ConsentStatus::declined)
    fail(Exit::usage, "--keep-actions goes only with --status withdrawn or declined (command line)");
  if (o.capacity_assessed) k.capacity_assessed = option_date(*o.capacity_assessed, "--capacity-assessed");
  if (o.reason) k.reason = PersonalNote(text_option(*o.reason, "--reason"));
  Date as_of = write_today(g);
  k.date = option_date_or(o.date, "--date", as_of);
  Store store = open_store(g);
  Case done = update_case(store, id, as_of, "panel consent", "panel-consent", [&](Case& c) {
    apply_consent(c, k, store.config(), o.keep_actions ? KeepActions::yes : KeepActions::no);
    return fmt::format("{} by {}", key_of(k.status), key_of(k.by));
  });
  confirm_case(g, done, store.config(),
               fmt::format("consent {} by {} on {}", key_of(k.status), key_of(k.by), k.date.str()));
  return 0;
}

struct ActionOptions {
  std::string id;
  // add
  std::string support, provider, due;
  std::optional<std::string> date;
  // done / cancel
  std::string action_id;
  std::optional<std::string> close_date;
};

int run_action_add(const Globals& g, const ActionOptions& o) {
  CaseId id = case_id_option(o.id);
  Date as_of = write_today(g);
  Action a;
  a.provider = PersonalText(text_option(o.provider, "--provider"));
  a.due = option_date(o.due, "--due");
  a.added = o.date ? option_date(*o.date, "--date") : as_of;
  Store store = open_store(g);
  require_in_vocabulary(store.config().support_types, o.support, "--support", "command line");
  a.support = o.support;
  std::string new_id;
  Case done = update_case(store, id, as_of, "panel action", "panel-action", [&](Case& c) {
    new_id = add_support_action(c, a, store.config());
    return fmt::format("{} added", new_id);
  });
  print(new_id + "\n");
  confirm_case(g, done, store.config(),
               fmt::format("added action {} ({}, due {}) on {}", new_id, a.support, a.due.str(), a.added.str()));
  return 0;
}

int run_action_close(const Globals& g, const ActionOptions& o, ActionStatus status) {
  CaseId id = case_id_option(o.id);
  // The case schema's form, ^A[1-9][0-9]*$: "A0" and "A01" name no action
  // the program could have given, so they are malformed, not unknown.
  if (o.action_id.empty() || o.action_id[0] != 'A' || o.action_id.size() > 6 ||
      !std::all_of(o.action_id.begin() + 1, o.action_id.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      o.action_id.size() < 2 || o.action_id[1] == '0')
    fail(Exit::invalid_data, "ACTION: expected an action ID as A and a number, e.g. A1 (command line)");
  Date as_of = write_today(g);
  Date date = option_date_or(o.close_date, "--date", as_of);
  Store store = open_store(g);
  Case done = update_case(store, id, as_of, "panel action", "panel-action", [&](Case& c) {
    close_support_action(c, o.action_id, status, date);
    return fmt::format("{} {}", o.action_id, key_of(status));
  });
  confirm_case(g, done, store.config(), fmt::format("action {} {} on {}", o.action_id, key_of(status), date.str()));
  return 0;
}

struct MinutesOptions {
  std::string date;
  std::string format = "md";
  bool partial = false;
};

int run_panel_minutes(const Globals& g, const MinutesOptions& o) {
  Date date = option_date(o.date, "DATE");
  Store store = open_store(g);
  const Meeting& meeting = store.require_meeting(date);
  auto all = load_cases_without_personal_data(store);
  Minutes m = minutes_of(meeting, all.cases, next_meeting(store, date));
  std::string text = o.format == "json"
                         ? minutes_json(m).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n"
                         : minutes_markdown(m, store.config().area);
  return print_unless_incomplete(text, all.unreadable, o.partial);
}

}  // namespace

void add_panel(CLI::App& app, Globals& g, Runner& action) {
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

  auto at = std::make_shared<AttendOptions>();
  auto* attend = panel->add_subcommand("attend", "change who attended a meeting, or add declarations of interest");
  attend->add_option("date", at->date, "the meeting's date")->required();
  attend->add_option("--attendee", at->attendees, "ROLE@AGENCY attended (repeatable)");
  attend->add_option("--police", at->police, "ROLE@FORCE attended as a police representative (repeatable)");
  attend->add_option("--apology", at->apologies, "ROLE@AGENCY sent apologies (repeatable)");
  attend->add_option("--remove", at->remove, "ROLE@AGENCY is taken off the meeting (repeatable)");
  attend->add_option("--declare", at->declarations, "ROLE@AGENCY:CASE-ID, a declaration of interest (repeatable)");
  attend->footer("Each flag says how the person stands: someone already listed is changed in place, never listed "
                 "twice; someone already so listed is left as they are, with a notice.");
  attend->callback([&g, &action, at] { action = [&g, at] { return run_panel_attend(g, *at); }; });

  auto ag = std::make_shared<AgendaOptions>();
  auto* agenda = panel->add_subcommand("agenda", "what comes before a meeting: cases awaiting panel, reviews due");
  agenda->add_option("date", ag->date, "the meeting's date")->required();
  agenda->add_flag("--fill", ag->fill, "write the agenda into the meeting (not after the meeting's day)");
  agenda->add_option("--until", ag->until, "reviews due up to this date (default: the day before the next meeting)");
  agenda->add_option("--add", ag->add, "put a case on the meeting's agenda by hand (repeatable)");
  agenda->add_option("--drop", ag->drop, "take a case off the meeting's agenda (repeatable)");
  agenda->add_option("--format", ag->format, "table (default), csv, json or yaml")
      ->check(CLI::IsMember({"table", "csv", "json", "yaml"}));
  add_partial_flag(*agenda, ag->partial);
  add_show_personal_flag(*agenda, ag->show_personal);
  agenda->footer("Columns as `review due` (name too, with --show-personal), with days_overdue counted at the "
                 "meeting's date; --fill never writes a name into the meeting. Without a next meeting "
                 "in the store, --until defaults to the day before DATE + 28 days.");
  agenda->callback([&g, &action, ag] { action = [&g, ag] { return run_panel_agenda(g, *ag); }; });

  auto de = std::make_shared<DecideOptions>();
  auto* decide = panel->add_subcommand("decide", "record the panel's decision on a case");
  decide->add_option("id", de->args, "case ID (the older form DATE ID works too)")->required()->expected(1, 2);
  decide->add_option("--meeting", de->meeting, "the meeting's date");
  decide->add_option("--decision", de->decision, "adopt | not-adopt | defer")->required();
  decide->add_option("--method", de->method, "consensus | majority | chair (CTSA 2015 s.37)");
  decide->add_option("--signpost", de->signpost, "with not-adopt: a service signposted to (repeatable)");
  decide->add_option("--rationale", de->rationale, "why (personal data)");
  decide->footer("Usage: prevent panel decide ID --meeting DATE --decision … (or, as before, DATE ID). Only a case awaiting panel is heard, and only with a police representative present (CTSA 2015 "
                 "s.37).");
  decide->callback([&g, &action, de] { action = [&g, de] { return run_panel_decide(g, *de); }; });

  auto co = std::make_shared<ConsentOptions>();
  auto* consent = panel->add_subcommand("consent", "record consent to Channel support");
  consent->add_option("id", co->id, "case ID")->required();
  consent->add_option("--status", co->status, "requested | given | declined | withdrawn")->required();
  consent->add_option("--by", co->by, "subject | parent-guardian | attorney-or-deputy | best-interests")->required();
  consent->add_option("--date", co->date, "date of the consent (default: today)");
  consent->add_flag("--keep-actions", co->keep_actions,
                    "with withdrawn or declined: leave the open support actions open (else they close with the case)");
  consent->add_option("--capacity-assessed", co->capacity_assessed,
                      "with --by attorney-or-deputy or best-interests: when capacity was assessed (not after --date)");
  consent->add_option("--reason", co->reason, "why, where given (a refusal, a withdrawal); personal data");
  consent->footer("Each call appends a dated entry to the case's consent history. By age on --date (from the "
                  "recorded date of birth): subject only at 18 or over, parent-guardian only under 18; "
                  "attorney-or-deputy and best-interests only for an adult, with --capacity-assessed (Mental "
                  "Capacity Act 2005). Declined or withdrawn consent closes the case, and its open support actions "
                  "with it (status closed, closed_with: case) unless --keep-actions; its post-closure reviews still "
                  "fall due.");
  consent->callback([&g, &action, co] { action = [&g, co] { return run_panel_consent(g, *co); }; });

  auto ac = std::make_shared<ActionOptions>();
  auto* act = panel->add_subcommand("action", "the support plan: add, done, cancel");
  act->add_option("id", ac->id, "case ID")->required();
  act->require_subcommand(1);
  auto* add = act->add_subcommand("add", "add a support action; prints its ID (A1, A2, …)");
  add->add_option("--support", ac->support, "vocabulary `support_types`")->required();
  add->add_option("--provider", ac->provider, "who provides it")->required();
  add->add_option("--due", ac->due, "when it is due")->required();
  add->add_option("--date", ac->date, "date added (default: today)");
  add->callback([&g, &action, ac] { action = [&g, ac] { return run_action_add(g, *ac); }; });
  for (const char* verb : {"done", "cancel"}) {
    auto* close = act->add_subcommand(verb, std::string(verb) == "done" ? "mark an action done" : "cancel an action");
    close->add_option("action", ac->action_id, "action ID, e.g. A1")->required();
    close->add_option("--date", ac->close_date, "date (default: today)");
    ActionStatus status = std::string(verb) == "done" ? ActionStatus::done : ActionStatus::cancelled;
    close->callback([&g, &action, ac, status] { action = [&g, ac, status] { return run_action_close(g, *ac, status); }; });
  }

  auto mi = std::make_shared<MinutesOptions>();
  auto* minutes = panel->add_subcommand("minutes", "attendance, apologies, declarations and decisions of a meeting");
  minutes->add_option("date", mi->date, "the meeting's date")->required();
  minutes->add_option("--format", mi->format, "md (default) or json")->check(CLI::IsMember({"md", "json"}));
  add_partial_flag(*minutes, mi->partial);
  minutes->callback([&g, &action, mi] { action = [&g, mi] { return run_panel_minutes(g, *mi); }; });
}

}  // namespace prevent::cli

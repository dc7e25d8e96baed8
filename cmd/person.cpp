#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "failure.hpp"
#include "people.hpp"
#include "text.hpp"

namespace prevent::cli {

namespace {

struct PersonOptions {
  std::string id;
  std::string format = "table";
};

using json = nlohmann::ordered_json;

// What `person` says of one referral: the derived stage (stage_of) and
// next due item (due_items), and what was recorded; no free text.
json case_summary(const Case& c, const Config& cfg) {
  json j;
  j["id"] = c.id;
  const Stage stage = stage_of(c, cfg);
  j["stage"] = std::string(stage_key(stage));
  j["received"] = c.referral.received.str();
  j["related"] = c.related;
  if (c.triage)
    j["triage"] = {{"outcome", std::string(key_of(c.triage->outcome))}, {"date", c.triage->completed.str()}};
  else
    j["triage"] = nullptr;
  j["panel"] = json::array();
  for (const auto& h : c.panel) j["panel"].push_back({{"meeting", h.meeting.str()}, {"decision", std::string(key_of(h.decision))}});
  if (const Consent* k = latest_consent(c))
    j["consent"] = {{"status", std::string(key_of(k->status))}, {"by", std::string(key_of(k->by))}, {"date", k->date.str()}};
  else
    j["consent"] = nullptr;
  if (c.closure)
    j["closure"] = {{"date", c.closure->date.str()}, {"reason", std::string(key_of(c.closure->reason))}};
  else
    j["closure"] = nullptr;
  j["open_actions"] = json::array();
  for (const auto& a : c.support_plan)
    if (a.status == ActionStatus::open)
      j["open_actions"].push_back({{"id", a.id}, {"support", a.support}, {"due", a.due.str()}});
  j["next_due"] = nullptr;
  if (!is_final(stage)) {
    if (auto due = due_items(c, cfg); !due.empty()) {
      j["next_due"] = {{"item", std::string(key_of(due.front().item))}, {"due", due.front().due.str()}};
      if (!due.front().action_id.empty()) j["next_due"]["action"] = due.front().action_id;
    }
  }
  return j;
}

std::string text_of(const json& v) { return v.is_string() ? v.get<std::string>() : std::string(); }

// The readable form: the name once, then each referral.
std::string render_person_text(const std::string& name, const std::string& asked, const json& cases) {
  std::string out = fmt::format("{}\n", terminal_safe(name));
  out += fmt::format("{} referral{} linked to {}\n", cases.size(), cases.size() == 1 ? "" : "s", asked);
  for (const auto& c : cases) {
    out += fmt::format("\n{}  {}  received {}\n", text_of(c["id"]), text_of(c["stage"]), text_of(c["received"]));
    if (!c["related"].empty()) {
      std::vector<std::string> rel;
      for (const auto& r : c["related"]) rel.push_back(terminal_safe(text_of(r)));
      out += fmt::format("  related:      {}\n", fmt::join(rel, ", "));
    }
    if (c["triage"].is_null())
      out += "  triage:       not yet\n";
    else
      out += fmt::format("  triage:       {} on {}\n", text_of(c["triage"]["outcome"]), text_of(c["triage"]["date"]));
    for (const auto& h : c["panel"])
      out += fmt::format("  panel:        {} on {}\n", text_of(h["decision"]), text_of(h["meeting"]));
    if (!c["consent"].is_null())
      out += fmt::format("  consent:      {} by {} on {}\n", text_of(c["consent"]["status"]), text_of(c["consent"]["by"]),
                         text_of(c["consent"]["date"]));
    if (!c["closure"].is_null())
      out += fmt::format("  closed:       {} ({})\n", text_of(c["closure"]["date"]), text_of(c["closure"]["reason"]));
    for (const auto& a : c["open_actions"])
      out += fmt::format("  open action:  {} {} due {}\n", terminal_safe(text_of(a["id"])),
                         terminal_safe(text_of(a["support"])), text_of(a["due"]));
    if (!c["next_due"].is_null())
      out += fmt::format("  next due:     {} {}\n", text_of(c["next_due"]["item"]), text_of(c["next_due"]["due"]));
  }
  return out;
}

// `person` shows the name once, as `show` does: it is a view of one
// person, asked for by one of their case IDs.
int run_person(const Globals& g, const PersonOptions& o) {
  CaseId id = case_id_option(o.id);
  Store store = open_store(g);
  PersonCases p = person_cases(store, id);
  json cases = json::array();
  std::string name;
  for (const auto& c : p.cases) {
    if (c.id == id.str()) name = c.referral.subject.name.reveal();
    cases.push_back(case_summary(c, store.config()));
  }
  if (o.format == "json") {
    json j;
    j["id"] = id.str();
    j["name"] = name;
    j["cases"] = std::move(cases);
    print(j.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  } else {
    print(render_person_text(name, id.str(), cases));
  }
  return report_unreadable(p.unreadable);
}

}  // namespace

void add_person(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<PersonOptions>();
  auto* sub = app.add_subcommand(
      "person", "the person behind a case: every linked referral with its stage, outcomes and next due (shows the name)");
  sub->add_option("id", o->id, "case ID, e.g. PRV-2026-0014")->required();
  sub->add_option("--format", o->format, "table (default: readable text) or json")
      ->check(CLI::IsMember({"table", "json"}));
  sub->footer("The linked referrals are those `related` joins, either way and through other cases (SPEC §4 rule 10, "
              "`prevent link`).");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_person(g, *o); }; });
}

}  // namespace prevent::cli

#include <fmt/format.h>

#include "case_id.hpp"
#include "cli.hpp"
#include "failure.hpp"
#include "text.hpp"
#include "workflow.hpp"

namespace prevent::cli {

namespace {

struct ShowOptions {
  std::string id;
  std::string format = "yaml";
};

// What a coordinator looks for first: where the case stands and what is
// next. Keys, IDs and dates only (the record that follows has the rest).
struct Summary {
  std::vector<std::string> due, actions;
  std::string consent;
};

Summary summary_of(const Case& c, const Config& config, Date as_of) {
  Summary s;
  for (const auto& d : due_items(c, config)) {
    std::string item = d.item == DueKind::action ? "action " + d.action_id : std::string(key_of(d.item));
    long late = as_of - d.due;
    s.due.push_back(late > 0 ? fmt::format("{} by {} ({} day{} overdue)", item, d.due.str(), late, late == 1 ? "" : "s")
                             : fmt::format("{} by {}", item, d.due.str()));
  }
  for (const auto& a : c.support_plan)
    if (a.status == ActionStatus::open) s.actions.push_back(fmt::format("{} {}, due {}", a.id, a.support, a.due.str()));
  if (const Consent* k = latest_consent(c))
    s.consent = fmt::format("{} by {} on {}", key_of(k->status), key_of(k->by), k->date.str());
  else
    s.consent = "none recorded";
  return s;
}

std::string none_or(const std::vector<std::string>& items) {
  return items.empty() ? std::string("none") : fmt::format("{}", fmt::join(items, "; "));
}

// `show` is the one command that prints personal data by default: it is how
// a coordinator reads a case. The summary goes where a script is not
// disturbed: as comment lines after `id` and `stage` (the YAML parses as
// before, its first two lines unchanged), and as a `summary` key at the end
// of the JSON object.
int run_show(const Globals& g, const ShowOptions& o) {
  CaseId id = case_id_option(o.id);
  Date as_of = today(g);
  Store store = open_store(g);
  // A case a sync renumbered is found by its old ID when no case holds
  // that ID (docs/team.md); only then, as the search reads a year's records.
  if (!store.find_case_file(id))
    if (auto renumbered = store.renumbered_as(id)) {
      notice(g, fmt::format("{} was renumbered {} by a sync (its previous_ids)", id.str(), renumbered->str()));
      id = *renumbered;
    }
  Case c = store.load_case(id);
  // The case holds the ID, and another copy gave it offline to a case a
  // sync renumbered: that one is named too.
  for (const auto& other : c.number_also_given_to)
    notice(g, fmt::format("{} was also given offline to another case, which a sync renumbered {} (`prevent show {}`)",
                          id.str(), terminal_safe(other), terminal_safe(other)));
  // Without the key (docs/encryption.md): `[encrypted]` in place of each
  // sealed value.
  Case shown = c;
  mask_sealed(shown);
  // With the date of birth readable, the age at referral prevent keeps in
  // clear beside its sealed form says nothing more: the record is shown as
  // a plain store's is (the same before and after `prevent encrypt`).
  if (shown.referral.subject.date_of_birth.is_plain()) shown.referral.subject.age_at_referral.reset();
  YNode node = case_to_node(shown);
  YNode stage = YNode::text(std::string(stage_key(stage_of(c, store.config()))));
  node.entries.insert(node.entries.begin() + 1, {"stage", std::move(stage)});
  Summary s = summary_of(c, store.config(), as_of);
  if (o.format == "json") {
    nlohmann::ordered_json j = to_json(node);
    j["summary"] = {{"due", s.due}, {"open_actions", s.actions}, {"consent", s.consent}};
    print(j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
    return 0;
  }
  std::string yaml = emit_yaml(node);
  size_t after_stage = yaml.find('\n', yaml.find('\n') + 1) + 1;
  yaml.insert(after_stage, fmt::format("# due: {}\n# open actions: {}\n# consent: {}\n", none_or(s.due),
                                       none_or(s.actions), s.consent));
  print(yaml);
  return 0;
}

}  // namespace

void add_show(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<ShowOptions>();
  auto* sub = app.add_subcommand("show", "one case in full, with its stage (shows personal data)");
  sub->add_option("id", o->id, "case ID, e.g. PRV-2026-0014")->required();
  sub->add_option("--format", o->format, "yaml (default) or json")->check(CLI::IsMember({"yaml", "json"}));
  sub->callback([&g, &action, o] { action = [&g, o] { return run_show(g, *o); }; });
}

}  // namespace prevent::cli

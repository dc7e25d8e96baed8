#include <fmt/format.h>

#include "case_id.hpp"
#include "cli.hpp"
#include "failure.hpp"
#include "workflow.hpp"

namespace prevent::cli {

namespace {

struct ShowOptions {
  std::string id;
  std::string format = "yaml";
};

// `show` is the one command that prints personal data by default: it is how
// a coordinator reads a case.
int run_show(const Globals& g, const ShowOptions& o) {
  CaseId id = require_case_id(o.id, "case ID");
  Store store = open_store(g);
  Case c = store.load_case(id);
  YNode node = case_to_node(c);
  YNode stage = YNode::text(std::string(stage_key(stage_of(c, store.config()))));
  node.entries.insert(node.entries.begin() + 1, {"stage", std::move(stage)});
  if (o.format == "json")
    print(to_json(node).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
  else
    print(emit_yaml(node));
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

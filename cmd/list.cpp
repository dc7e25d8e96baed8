#include <fmt/format.h>

#include "case_id.hpp"
#include "case_reader.hpp"
#include "cli.hpp"
#include "failure.hpp"
#include "listing.hpp"

namespace prevent::cli {

namespace {

struct ListOptions {
  std::string format = "table";
  std::optional<std::string> stage, sector, concern, from, to, related_to;
  bool show_personal = false;
};

int run_list(const Globals& g, const ListOptions& o) {
  ListFilter f;
  if (o.stage) {
    f.stage = parse_stage(*o.stage);
    if (!f.stage) {
      std::vector<std::string> keys;
      for (Stage s : all_stages()) keys.emplace_back(stage_key(s));
      fail(Exit::invalid_data, "--stage: not a stage (command line)", fmt::format("stages: {}", fmt::join(keys, ", ")));
    }
  }
  f.received_from = option_date(o.from, "--received-from");
  f.received_to = option_date(o.to, "--received-to");
  std::optional<CaseId> related;
  if (o.related_to) related = case_id_option(*o.related_to, "--related-to");
  Store store = open_store(g);
  if (related) {
    if (!store.find_case_file(*related)) fail(Exit::not_found, fmt::format("no such case ({})", related->str()));
    f.related_to = related->str();
  }
  if (o.sector) require_in_vocabulary(store.config().sectors, *o.sector, "--sector", "command line");
  if (o.concern) require_in_vocabulary(store.config().concern_types, *o.concern, "--concern", "command line");
  f.sector = o.sector;
  f.concern = o.concern;
  CaseLister lister(store.config(), f);
  auto read = for_each_case_without_personal_data(store, [&](const Case& c) { lister.add(c); });
  Table table = lister.finish();
  if (o.show_personal) add_name_column(store, table);
  print(render(table, list_format(o.format)));
  return report_unreadable(read.unreadable);
}

}  // namespace

void add_list(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<ListOptions>();
  auto* sub = app.add_subcommand("list", "a table of cases: id, stage, received, sector, concern, next_due");
  sub->add_option("--format", o->format, "table (default), csv, json or yaml")
      ->check(CLI::IsMember({"table", "csv", "json", "yaml"}));
  sub->add_option("--stage", o->stage, "only cases in this stage");
  sub->add_option("--sector", o->sector, "only referrals from this sector");
  sub->add_option("--concern", o->concern, "only this concern type");
  sub->add_option("--received-from", o->from, "only referrals received on or after this date");
  sub->add_option("--received-to", o->to, "only referrals received on or before this date");
  sub->add_option("--related-to", o->related_to, "only cases linked to this case as repeat referrals");
  add_show_personal_flag(*sub, o->show_personal);
  sub->footer("Never shows personal data unless --show-personal is given (a name column, last). `next_due` is the "
              "earliest item `prevent review due` would list.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_list(g, *o); }; });
}

}  // namespace prevent::cli

#include <fmt/format.h>

#include "cli.hpp"
#include "failure.hpp"
#include "people.hpp"

namespace prevent::cli {

namespace {

struct FindOptions {
  std::optional<std::string> name, dob, postcode_district;
  std::string format = "table";
};

// `find` shows the names of the cases it lists: the coordinator asked by
// name, and telling the people apart is what the answer is for
// (docs/commands.md). Nothing else of the person is shown.
int run_find(const Globals& g, const FindOptions& o) {
  if (!o.name && !o.dob && !o.postcode_district)
    fail(Exit::usage, "find needs --name, --dob or --postcode-district (command line)",
         "e.g. prevent find --name \"SURNAME, FORENAME\"");
  FindQuery q;
  if (o.name) q.name = text_option(*o.name, "--name");
  q.date_of_birth = option_date(o.dob, "--dob");
  if (o.postcode_district) q.postcode_district = text_option(*o.postcode_district, "--postcode-district");
  Store store = open_store(g);
  // Names are what it compares: sealed ones need the key (docs/encryption.md).
  if (store.keyring().encrypted() && !store.keyring().unlocked())
    fail(Exit::store, "this store is encrypted, and `prevent find` compares names: it needs the key",
         std::string(kNeedsKeyHint));
  FindResult found = find_cases(store, q);
  Table t;
  t.columns = {{"id", CellKind::text},
               {"stage", CellKind::text},
               {"received", CellKind::date},
               {"match", CellKind::text},
               {"name", CellKind::text}};
  for (const auto& f : found.cases)
    t.rows.push_back({f.id, std::string(stage_key(f.stage)), f.received.str(), std::string(name_match_key(f.match)),
                      f.name.reveal()});
  print(render(t, list_format(o.format)));
  return report_unreadable(found.unreadable);
}

}  // namespace

std::string possible_match_notice(const std::string& id, const std::vector<std::string>& others) {
  return fmt::format("possible match: {} is similar to {} (not linked; see `prevent person {}` and `prevent link`)",
                     id, fmt::join(others, ", "), id);
}

void add_find(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<FindOptions>();
  auto* sub = app.add_subcommand("find", "cases matching a name, date of birth or postcode district (shows names)");
  sub->add_option("--name", o->name, "the person's name, in any order and case (\"wrenfeld, tobias\")");
  sub->add_option("--dob", o->dob, "only cases with this date of birth (YYYY-MM-DD)");
  sub->add_option("--postcode-district", o->postcode_district, "only cases in this postcode district, e.g. SK4");
  sub->add_option("--format", o->format, "table (default), csv, json or yaml")
      ->check(CLI::IsMember({"table", "csv", "json", "yaml"}));
  sub->footer(
      "Columns: id, stage, received, match (exact, normalised or similar: docs/matching.md), name. Shows the "
      "names of the cases found, as the coordinator asked by name; nothing else of the person.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_find(g, *o); }; });
}

}  // namespace prevent::cli

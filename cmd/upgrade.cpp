#include <fmt/format.h>

#include "check.hpp"
#include "cli.hpp"
#include "failure.hpp"

namespace prevent::cli {

namespace {

// The store keeps copies of the schemas so that editors can validate a
// hand edit; a newer prevent brings newer schemas. `upgrade` commits this
// prevent's copies, once every record reads as valid under them.
int run_upgrade(const Globals& g) {
  Date as_of = write_today(g);
  Store store = open_store(g);
  auto lock = store.lock();
  std::vector<FileWrite> files = schema_updates(store);
  if (files.empty()) {
    notice(g, "the store's schemas are already this prevent's; nothing to do");
    return 0;
  }
  size_t invalid = 0;
  for (const auto& f : run_checks(store, {"records"}, as_of))
    if (f.level == Finding::Level::error) ++invalid;
  if (invalid > 0)
    fail(Exit::invalid_data,
         fmt::format("{} record file{} not valid for this prevent; nothing was changed", invalid,
                     invalid == 1 ? " is" : "s are"),
         "`prevent check records` names them; put them right first");
  store.commit(files, commit_message("upgrade", fmt::format("schemas of prevent {}", PREVENT_VERSION), {}, "upgrade"));
  notice(g, fmt::format("brought {} schema file{} to this prevent's version", files.size(),
                        files.size() == 1 ? "" : "s"));
  return 0;
}

}  // namespace

void add_upgrade(CLI::App& app, Globals& g, Runner& action) {
  auto* sub = app.add_subcommand(
      "upgrade", "bring the store's copies of the schemas (schemas/) to this prevent's version: one commit");
  sub->callback([&g, &action] { action = [&g] { return run_upgrade(g); }; });
}

}  // namespace prevent::cli

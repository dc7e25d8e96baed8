#include <fmt/format.h>

#include <regex>

#include "cli.hpp"
#include "failure.hpp"
#include "verified_head.hpp"

namespace prevent::cli {

namespace {

struct InitOptions {
  std::string dir = ".";
  std::string area;
  std::string prefix = "PRV";
};

int run_init(const Globals& g, const InitOptions& o) {
  if (!std::regex_match(o.prefix, std::regex("[A-Z][A-Z0-9]{0,9}")))
    fail(Exit::invalid_data, "--prefix takes 1 to 10 capital letters or digits, starting with a letter (command line)");
  if (o.area.empty()) fail(Exit::invalid_data, "--area must not be empty (command line)");
  Date now = write_today(g);
  Config config = default_config(o.area, o.prefix, now.year());
  // The first commit is the first verified head (SPEC §8).
  Store::create(o.dir, config, [](const Store& store) { advance_verified_head_to_head(store); });
  notice(g, fmt::format("created a store for {} in {}", o.area, o.dir));
  return 0;
}

}  // namespace

void add_init(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<InitOptions>();
  auto* sub = app.add_subcommand("init", "create a store: a git repository with prevent.yaml and schemas/");
  sub->add_option("dir", o->dir, "directory for the store (new or empty; default: the current directory)");
  sub->add_option("--area", o->area, "the council or area the panel serves")->required();
  sub->add_option("--prefix", o->prefix, "case ID prefix (default PRV)");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_init(g, *o); }; });
}

}  // namespace prevent::cli

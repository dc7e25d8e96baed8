#include <fmt/format.h>

#include <algorithm>

#include "check.hpp"
#include "cli.hpp"
#include "failure.hpp"
#include "text.hpp"

namespace prevent::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> names;
  bool strict = false;
};

int run_check(const Globals& g, const CheckOptions& o) {
  // Names first: a usage error wins over a store problem (SPEC §6), and the
  // name is repeated only when it looks like one.
  const auto& all = available_checks();
  for (const auto& n : o.names)
    if (std::none_of(all.begin(), all.end(), [&](const CheckInfo& c) { return c.name == n; })) {
      std::vector<std::string> known;
      for (const auto& c : all) known.push_back(c.name);
      fail(Exit::usage, fmt::format("no such check: {} (command line)", quote_if_key(n, "(not a check name)")),
           fmt::format("checks: {}", fmt::join(known, ", ")));
    }
  Date as_of = today(g);
  Store store = open_store(g);
  auto findings = run_checks(store, o.names, as_of);
  for (const auto& f : findings) {
    const char* level = f.level == Finding::Level::error ? "error" : "notice";
    if (f.level == Finding::Level::notice && g.quiet && !o.strict) continue;
    print(fmt::format("{} [{}] {}\n", level, f.check, f.message));
  }
  return static_cast<int>(check_exit_code(findings, o.strict));
}

}  // namespace

void add_check(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<CheckOptions>();
  auto* sub = app.add_subcommand("check", "is the store valid? silent and exit 0 when all is well");
  sub->add_option("name", o->names, "run only these checks");
  sub->add_flag("--strict", o->strict, "notices (hand edits, non-canonical files) count as problems (exit 4)");
  std::string names;
  for (const auto& c : available_checks()) names += fmt::format("\n  {:<10} {}", c.name, c.summary);
  sub->footer("Checks:" + names +
              "\nEach finding is one line on stdout: `error [check] …` or `notice [check] …`. Exit 5: an invalid "
              "file; 4: a rule broken; 6: a store problem.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_check(g, *o); }; });
}

}  // namespace prevent::cli

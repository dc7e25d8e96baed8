#include <fmt/format.h>

#include <algorithm>

#include "check.hpp"
#include "verified_head.hpp"
#include "cli.hpp"
#include "failure.hpp"

namespace prevent::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> names;
  bool strict = false;
};

int run_check(const Globals& g, const CheckOptions& o) {
  Date as_of = today(g);
  Store store = open_store(g);
  auto findings = run_checks(store, o.names, as_of);
  for (const auto& f : findings) {
    const char* level = f.level == Finding::Level::error ? "error" : "notice";
    if (f.level == Finding::Level::notice && g.quiet && !o.strict) continue;
    print(fmt::format("{} [{}] {}\n", level, f.check, f.message));
  }
  Exit code = check_exit_code(findings, o.strict);
  // A sound history becomes the new baseline for tamper evidence (SPEC §8):
  // a hand edit accepted by a clean check is not reported as a rewrite later.
  bool verified = o.names.empty() || std::find(o.names.begin(), o.names.end(), "verified-head") != o.names.end();
  // An auditor may check a read-only copy: not recording is not a problem.
  if (code == Exit::ok && verified) try {
      if (auto head = store.git().head()) advance_verified_head(store.git(), *head);
    } catch (const Failure&) {
    }
  return static_cast<int>(code);
}

}  // namespace

void add_check(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<CheckOptions>();
  auto* sub = app.add_subcommand("check", "is the store valid? silent and exit 0 when all is well");
  sub->add_option("name", o->names, "run only these checks");
  sub->add_flag("--strict", o->strict, "notices (hand edits, non-canonical files) count as problems (exit 4)");
  std::string names;
  for (const auto& c : available_checks()) names += fmt::format("\n  {:<14} {}", c.name, c.summary);
  sub->footer("Checks:" + names +
              "\nEach finding is one line on stdout: `error [check] …` or `notice [check] …`. Exit 5: an invalid "
              "file; 4: a rule broken; 6: a store problem.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_check(g, *o); }; });
}

}  // namespace prevent::cli

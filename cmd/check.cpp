#include <fmt/format.h>

#include <algorithm>

#include "check.hpp"
#include "verified_head.hpp"
#include "cli.hpp"
#include "failure.hpp"
#include "staged_check.hpp"
#include "text.hpp"

namespace prevent::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> names;
  bool strict = false;
  bool repair = false;
  bool staged = false;
  std::optional<std::string> since_verified;
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
  if (o.staged && !o.names.empty())
    fail(Exit::usage, "--staged checks what is staged; it takes no check names (command line)");
  if (o.staged && o.repair) fail(Exit::usage, "--repair and --staged do not go together (command line)");
  if (o.staged && o.since_verified) fail(Exit::usage, "--since-verified and --staged do not go together (command line)");
  if (o.since_verified && (o.since_verified->size() < 7 || o.since_verified->size() > 40 ||
                           o.since_verified->find_first_not_of("0123456789abcdefABCDEF") != std::string::npos))
    fail(Exit::invalid_data, "--since-verified: not a commit id (7 to 40 hexadecimal digits) (command line)");
  Date as_of = today(g);
  Store store = open_store(g);
  if (o.repair) {
    // Only ever completes or rolls back an interrupted write, and says which.
    auto lock = store.lock();
    if (auto r = store.repair()) {
      const char* plural = r->files == 1 ? "" : "s";
      if (r->outcome == Repair::Outcome::committed_since)
        print(fmt::format("repaired: the interrupted write '{}' was committed with git since; its files now match "
                          "HEAD ({} file{})\n",
                          terminal_safe(r->subject), r->files, plural));
      else
        print(fmt::format("repaired: {} the interrupted write '{}' ({} file{})\n",
                          r->outcome == Repair::Outcome::completed ? "completed" : "rolled back",
                          terminal_safe(r->subject), r->files,
                          plural));
    }
    for (const auto& name : store.remove_stale_temp_files())
      print(fmt::format("removed: a temporary file left by a stopped writer ({})\n", terminal_safe(name)));
  }
  auto findings = o.staged ? check_staged(store, as_of) : run_checks(store, o.names, as_of);
  if (o.since_verified)
    for (auto& f : check_since_verified(store, *o.since_verified)) findings.push_back(std::move(f));
  for (const auto& f : findings) {
    const char* level = f.level == Finding::Level::error ? "error" : "notice";
    if (f.level == Finding::Level::notice && g.quiet && !o.strict) continue;
    // One finding per line, whatever file name or author it quotes.
    print(fmt::format("{} [{}] {}\n", level, f.check, terminal_safe(f.message)));
  }
  Exit code = check_exit_code(findings, o.strict);
  // A plain store is noted on stderr (-q silences it), where a script
  // reading the findings is not disturbed (docs/encryption.md).
  if (!o.staged && !store.keyring().encrypted())
    confirm(g, "note", "this store is plain: personal data is kept in clear in every file and commit (for "
                       "fictional data; `prevent encrypt` converts it)");
  // A sound history becomes the new baseline for tamper evidence (SPEC §8):
  // a hand edit accepted by a clean check is not reported as a rewrite later.
  bool verified = o.names.empty() || std::find(o.names.begin(), o.names.end(), "verified-head") != o.names.end();
  // An auditor may check a read-only copy: not recording is not a problem.
  if (code == Exit::ok && verified) try {
      advance_verified_head_to_head(store);
    } catch (const Failure&) {
    }
  return static_cast<int>(code);
}

}  // namespace

void add_check(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<CheckOptions>();
  auto* sub = app.add_subcommand("check", "is the store valid? silent and exit 0 when all is well");
  sub->add_option("name", o->names, "run only these checks");
  sub->add_flag("--strict", o->strict,
                "notices (hand edits, non-canonical files, reviews outside the review rules) count as problems (exit 4)");
  sub->add_flag("--repair", o->repair,
                "first complete or roll back a write a crash left half done (and say which), and remove the temporary files "
                "of stopped writers; nothing else is changed");
  sub->add_option("--since-verified", o->since_verified,
                  "a commit id written down earlier (as `prevent log` shows it): an error (exit 6) unless it is on "
                  "HEAD's first-parent history");
  sub->add_flag("--staged", o->staged,
                "judge the staged changes (the commit git is about to make), as the pre-commit hook does");
  std::string names;
  for (const auto& c : available_checks()) names += fmt::format("\n  {:<14} {}", c.name, c.summary);
  sub->footer("Checks:" + names +
              "\nEach finding is one line on stdout: `error [check] …` or `notice [check] …`. Exit 5: an invalid "
              "file; 4: a rule broken; 6: a store problem.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_check(g, *o); }; });
}

}  // namespace prevent::cli

#include <fmt/format.h>

#include <regex>

#include "cli.hpp"
#include "failure.hpp"
#include "hook.hpp"
#include "verified_head.hpp"

namespace prevent::cli {

namespace {

struct InitOptions {
  std::string dir = ".";
  std::string area;
  std::string prefix = "PRV";
  bool no_hook = false;
  RecipientOptions recipient;
  bool plain = false;
};

// The pre-commit hook (issue 14): a hand edit that leaves an invalid record
// is refused at `git commit`. Only into the store's own .git: a
// core.hooksPath elsewhere (the user's, shared by their repositories) is
// refused before anything is made, rather than written to.
void hooks_stay_in_store(const std::filesystem::path& hooks) {
  fail(Exit::store,
       fmt::format("git runs this store's hooks from core.hooksPath ({}), outside the store: prevent writes "
                   "nothing there (git config)",
                   hooks.string()),
       "`prevent init --no-hook` creates the store without its pre-commit hook; have your own hooks run "
       "`prevent check --staged` in the store");
}

int run_init(const Globals& g, const InitOptions& o) {
  if (!std::regex_match(o.prefix, std::regex("[A-Z][A-Z0-9]{0,9}")))
    fail(Exit::invalid_data, "--prefix: expected 1 to 10 capital letters or digits, a letter first, e.g. PRV (command line)");
  if (o.area.empty()) fail(Exit::invalid_data, "--area must not be empty (command line)");
  // Encrypted unless asked otherwise (issue 18); a store of real personal
  // data is never made plain by forgetting an option.
  if (o.plain && o.recipient.file) fail(Exit::usage, "give either --recipient or --plain, not both (command line)");
  if (!o.plain && !o.recipient.file)
    fail(Exit::usage, "give --recipient PUBKEY_FILE for an encrypted store, or --plain for fictional data (command line)",
         "an encrypted store is readable by the SSH ed25519 key whose .pub file --recipient names (docs/encryption.md)");
  Date now = write_today(g);
  const std::optional<NewRecipient> first = new_recipient(o.recipient, now);
  Config config = default_config(o.area, o.prefix, now.year());
  std::filesystem::path hooks;
  if (!o.no_hook && !hooks_directory_in_new_store(o.dir, hooks)) hooks_stay_in_store(hooks);
  // The first commit is the first verified head (SPEC §8).
  Store::create(o.dir, config, [&o](const Store& store) {
    advance_verified_head_to_head(store);
    if (o.no_hook) return;
    if (!hooks_directory_in_store(store)) hooks_stay_in_store(hooks_directory(store));
    std::filesystem::path where;
    install_pre_commit_hook(store, running_program(), false, where);
  }, first);
  notice(g, fmt::format("created {}store for {} in {}", first ? "an encrypted " : "a ", o.area, o.dir));
  return 0;
}

}  // namespace

void add_init(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<InitOptions>();
  auto* sub = app.add_subcommand("init", "create a store: a git repository with prevent.yaml and schemas/");
  sub->add_option("dir", o->dir, "directory for the store (new or empty; default: the current directory)");
  sub->add_option("--area", o->area, "the council or area the panel serves")->required();
  sub->add_option("--prefix", o->prefix, "case ID prefix (default PRV)");
  sub->add_flag("--no-hook", o->no_hook, "do not install the pre-commit hook (`prevent hook install` adds it later)");
  add_recipient_options(*sub, o->recipient);
  sub->add_flag("--plain", o->plain, "a plain store, not encrypted: for fictional data only (the example store, tests)");
  sub->footer("One of --recipient and --plain is needed (docs/encryption.md). The store's pre-commit hook runs `prevent check --staged`, so git refuses a hand edit that leaves an "
              "invalid record. init refuses (exit 6) when git's core.hooksPath points outside the store.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_init(g, *o); }; });
}

}  // namespace prevent::cli

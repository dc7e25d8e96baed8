#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "cli.hpp"
#include "failure.hpp"
#include "hook.hpp"

namespace prevent::cli {

namespace {

struct HookOptions {
  bool force = false;
};

int run_hook_install(const Globals& g, const HookOptions& o) {
  Store store = open_store(g);
  auto lock = store.lock();
  std::filesystem::path where;
  HookInstalled r = install_pre_commit_hook(store, running_program(), o.force, where);
  const char* what = r == HookInstalled::already ? "already installed" : r == HookInstalled::replaced ? "replaced" : "installed";
  notice(g, fmt::format("pre-commit hook {} ({})", what, where.string()));
  return 0;
}

}  // namespace

std::filesystem::path running_program() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) fail(Exit::store, "cannot find the path of the running prevent (/proc/self/exe)");
  return p;
}

void add_hook(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<HookOptions>();
  auto* hook = app.add_subcommand("hook", "git hooks of the store");
  hook->require_subcommand(1);
  auto* install = hook->add_subcommand("install", "install the pre-commit hook that runs `prevent check --staged`");
  install->add_flag("--force", o->force, "replace a different pre-commit hook that is already there");
  install->footer("The hook runs this prevent binary (its absolute path) on every `git commit` in the store and "
                  "refuses the commit when a staged case, meeting or prevent.yaml is not valid. Installing it again "
                  "is harmless. Exit 6 when another pre-commit hook is there (--force replaces it).");
  install->callback([&g, &action, o] { action = [&g, o] { return run_hook_install(g, *o); }; });
}

}  // namespace prevent::cli

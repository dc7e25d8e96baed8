#include "hook.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "failure.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

// A shell word in single quotes.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

fs::path hooks_dir(const GitRepo& repo) {
  git_config* cfg = nullptr;
  std::string configured;
  if (git_repository_config_snapshot(&cfg, repo.raw()) == 0) {
    git::Config owned(cfg);
    configured = git::config_text(owned.get(), "core.hooksPath");
  }
  if (configured.empty()) return fs::path(git_repository_path(repo.raw())) / "hooks";
  if (configured.rfind("~/", 0) == 0)
    if (const char* home = std::getenv("HOME"); home && *home) configured = std::string(home) + configured.substr(1);
  fs::path p(configured);
  // As git: a relative core.hooksPath is relative to the work tree.
  return p.is_absolute() ? p : repo.root() / p;
}

}  // namespace

std::string pre_commit_hook(const fs::path& program) {
  return fmt::format(
      "#!/bin/sh\n"
      "# Installed by `prevent hook install`. Refuses a commit whose staged case,\n"
      "# meeting or prevent.yaml files are not valid records (SPEC §2.5). Git runs\n"
      "# it from the top of the store's work tree.\n"
      "exec {} -C . check --staged\n",
      shell_quote(program.string()));
}

HookInstalled install_pre_commit_hook(const Store& store, const fs::path& program, bool force, fs::path& where) {
  fs::path dir = hooks_dir(store.git());
  where = dir / "pre-commit";
  std::string text = pre_commit_hook(program);
  std::error_code ec;
  bool exists = fs::exists(fs::symlink_status(where, ec));
  if (exists) {
    std::ifstream in(where, std::ios::binary);
    std::ostringstream old;
    old << in.rdbuf();
    struct stat st {};
    bool executable = ::stat(where.c_str(), &st) == 0 && (st.st_mode & S_IXUSR);
    if (old.str() == text && executable) return HookInstalled::already;
    if (!force)
      fail(Exit::store, fmt::format("a different pre-commit hook is already installed ({})", where.string()),
           "look at it first; `prevent hook install --force` replaces it");
  }
  make_private_dirs(dir);
  write_file_atomically(where, text);
  if (::chmod(where.c_str(), 0700) != 0)
    fail(Exit::store, fmt::format("cannot make the hook executable ({})", where.string()));
  return exists ? HookInstalled::replaced : HookInstalled::installed;
}

}  // namespace prevent

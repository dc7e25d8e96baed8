#include "hook.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "failure.hpp"
#include "git_handles.hpp"
#include "git_options.hpp"
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

// core.hooksPath of `cfg` as git reads it, else `fallback`.
fs::path hooks_dir_from(git_config* cfg, const fs::path& work_tree, const fs::path& fallback) {
  std::string configured;
  if (cfg) configured = git::config_text(cfg, "core.hooksPath");
  if (configured.empty()) return fallback;
  if (configured.rfind("~/", 0) == 0)
    if (const char* home = std::getenv("HOME"); home && *home) configured = std::string(home) + configured.substr(1);
  fs::path p(configured);
  // As git: a relative core.hooksPath is relative to the work tree.
  return p.is_absolute() ? p : work_tree / p;
}

fs::path hooks_dir(const GitRepo& repo) {
  git_config* cfg = nullptr;
  git::Config owned;
  if (git_repository_config_snapshot(&cfg, repo.raw()) == 0) owned.reset(cfg);
  return hooks_dir_from(owned.get(), repo.root(), fs::path(git_repository_path(repo.raw())) / "hooks");
}

// Symbolic links resolved, no trailing separator (git_repository_path ends
// in one).
fs::path resolved(const fs::path& p, std::error_code& ec) {
  fs::path r = fs::weakly_canonical(p, ec);
  return r.has_filename() ? r : r.parent_path();
}

// Whether `hooks` lies inside `git_dir`, component by component (so
// .git-other is not inside .git).
bool inside(const fs::path& hooks, const fs::path& git_dir) {
  std::error_code ec;
  fs::path g = resolved(git_dir, ec);
  if (ec) return false;
  fs::path h = resolved(hooks, ec);
  if (ec) return false;
  auto [end, _] = std::mismatch(g.begin(), g.end(), h.begin(), h.end());
  return end == g.end();
}

}  // namespace

fs::path hooks_directory(const Store& store) { return hooks_dir(store.git()); }

bool hooks_directory_in_store(const Store& store) {
  return inside(hooks_directory(store), fs::path(git_repository_path(store.git().raw())));
}

bool hooks_directory_in_new_store(const fs::path& dir, fs::path& hooks) {
  ensure_libgit2();
  const fs::path root = fs::absolute(dir);
  git_config* raw = nullptr;
  git::Config cfg;
  git_repository* repo_raw = nullptr;
  // An empty repository init takes up has settings of its own.
  if (git_repository_open_ext(&repo_raw, (root / ".git").c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) == 0) {
    git::Repository repo(repo_raw);
    if (git_repository_config_snapshot(&raw, repo.get()) == 0) cfg.reset(raw);
  } else if (git_config_open_default(&raw) == 0) {
    git::Config live(raw);
    git_config* snap = nullptr;
    if (git_config_snapshot(&snap, live.get()) == 0) cfg.reset(snap);
  }
  hooks = hooks_dir_from(cfg.get(), root, root / ".git" / "hooks");
  return inside(hooks, root / ".git");
}

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
  // A core.hooksPath outside the store (the user's shared hooks, or any
  // directory a store's own .git/config names) is never written to: what
  // the store says must not place files elsewhere (issue 15).
  if (!inside(dir, fs::path(git_repository_path(store.git().raw()))))
    fail(Exit::store,
         fmt::format("git runs this store's hooks from core.hooksPath ({}), outside the store: prevent writes "
                     "nothing there (git config)",
                     dir.string()),
         "have your own hooks run `prevent check --staged` in the store, or unset core.hooksPath");
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

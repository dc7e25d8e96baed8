// remote_probe: a fetch or a push through libgit2 with the SSH callbacks of
// lib/store/remote_auth.cpp, for the e2e suite tests/e2e/ssh_remote.sh,
// which runs it against a real sshd on 127.0.0.1 (tests/e2e/lib/sshd.bash).
// Not installed; prevent's own `sync` goes through the same callbacks.
//
//   remote_probe fetch URL REPO        fetch +refs/heads/*:refs/remotes/probe/*
//   remote_probe push URL REPO BRANCH  push refs/heads/BRANCH to the same name
//
// The URL is vetted by check_remote_url first. Prints `fetched` or
// `pushed` on success; a failure as prevent prints one (`prevent: …`, then
// `hint: …`), with its exit code (libgit2's own errors: 6).
#include <git2.h>

#include <iostream>
#include <string>

#include "failure.hpp"
#include "git_handles.hpp"
#include "git_options.hpp"
#include "remote_auth.hpp"
#include "remote_url.hpp"
#include "text.hpp"

using namespace prevent;

namespace {

using Remote = git::Owned<git_remote, git_remote_free>;

std::string rejected;  // a ref the server refused, and why

int note_rejection(const char* ref, const char* status, void*) {
  if (status) rejected = std::string(ref) + ": " + status;
  return 0;
}

[[noreturn]] void fail_git(const git::RemoteAuth& auth, const std::string& what) {
  git::throw_remote_refusal(auth);
  const git_error* e = git_error_last();
  fail(Exit::store, what + " failed: " + terminal_safe(e && e->message ? e->message : "unknown libgit2 error"));
}

int probe(int argc, char** argv) {
  std::string verb = argc > 1 ? argv[1] : "";
  if (!((verb == "fetch" && argc == 4) || (verb == "push" && argc == 5)))
    fail(Exit::usage, "usage: remote_probe fetch URL REPO | remote_probe push URL REPO BRANCH");
  git::RemoteAuth auth{check_remote_url(argv[2])};
  ensure_libgit2();
  git_repository* raw_repo = nullptr;
  if (git_repository_open(&raw_repo, argv[3]) < 0) fail(Exit::store, "cannot open the repository");
  git::Repository repo(raw_repo);
  // The address as vetted: no url.<base>.insteadOf of any git config may
  // rewrite it after check_remote_url (to another host, or to ext::).
  git_remote* raw_remote = nullptr;
  git_remote_create_options create = GIT_REMOTE_CREATE_OPTIONS_INIT;
  create.repository = repo.get();
  create.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
  if (git_remote_create_with_opts(&raw_remote, auth.remote.url.c_str(), &create) < 0)
    fail_git(auth, "creating the remote");
  Remote remote(raw_remote);

  if (verb == "fetch") {
    char spec[] = "+refs/heads/*:refs/remotes/probe/*";
    char* specs[] = {spec};
    git_strarray refspecs{specs, 1};
    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    git::set_remote_callbacks(options.callbacks, auth);
    if (git_remote_fetch(remote.get(), &refspecs, &options, "remote_probe fetch") < 0) fail_git(auth, "fetch");
    std::cout << "fetched\n";
    return 0;
  }
  std::string spec = std::string("refs/heads/") + argv[4] + ":refs/heads/" + argv[4];
  char* specs[] = {spec.data()};
  git_strarray refspecs{specs, 1};
  git_push_options options = GIT_PUSH_OPTIONS_INIT;
  git::set_remote_callbacks(options.callbacks, auth);
  options.callbacks.push_update_reference = note_rejection;
  if (git_remote_push(remote.get(), &refspecs, &options) < 0) fail_git(auth, "push");
  if (!rejected.empty()) fail(Exit::store, "push refused by the server: " + terminal_safe(rejected));
  std::cout << "pushed\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return probe(argc, argv);
  } catch (const Failure& f) {
    std::cerr << "prevent: " << f.what() << "\n";
    if (!f.hint().empty()) std::cerr << "hint: " << f.hint() << "\n";
    return static_cast<int>(f.code());
  }
}

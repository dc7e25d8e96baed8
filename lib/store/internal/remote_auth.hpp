// SSH for libgit2's remotes: the server's host key checked against the
// user's known_hosts, and the user's key offered without a prompt
// (docs/ssh.md). For git_remote_fetch and git_remote_push:
//
//   RemoteAuth auth{check_remote_url(url)};
//   git_fetch_options o = GIT_FETCH_OPTIONS_INIT;
//   set_remote_callbacks(o.callbacks, auth);
//   if (git_remote_fetch(remote, …, &o, …) < 0) { throw_remote_refusal(auth); … libgit2's own error … }
//
// libgit2 1.5.1 checks an SSH host key against ~/.ssh/known_hosts itself
// (through libssh2) when no callback is set; the callback here decides
// instead, so that /etc/ssh/ssh_known_hosts counts, a @revoked key is
// refused, and a refusal names the host and the key's fingerprint as ssh
// prints it. Nothing here runs a program or prompts; libgit2 reads no
// core.sshCommand or GIT_SSH.
#pragma once

#include <git2.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "failure.hpp"
#include "remote_url.hpp"

namespace prevent::git {

// What the callbacks know, and the refusal one of them made. Lives as long
// as the fetch or push it is given to.
struct RemoteAuth {
  explicit RemoteAuth(RemoteUrl url) : remote(std::move(url)) {}

  RemoteUrl remote;
  // Where known_hosts and the keys are looked for: HOME at construction
  // (empty when unset), and the system-wide file.
  std::string home = home_from_environment();
  std::string system_known_hosts = "/etc/ssh/ssh_known_hosts";
  // The SSH agent's socket (SSH_AUTH_SOCK at construction; empty: none).
  std::string agent_socket = agent_from_environment();

  // Per connection (reset by the host-key check that starts each one): the
  // methods tried, so libgit2, which asks again after every refused
  // attempt, is told to stop once each has been tried.
  bool agent_tried = false;
  bool key_tried = false;
  std::string tried;  // for the message: "the ssh-agent, ~/.ssh/id_ed25519"

  // The caller's own, for its other callbacks (sideband_progress,
  // push_update_reference, …): their payload is this RemoteAuth too.
  void* context = nullptr;

  // A callback's refusal (host key, authentication), kept for
  // throw_remote_refusal: libgit2 only sees an error code.
  std::optional<Failure> failure;

  static std::string home_from_environment();
  static std::string agent_from_environment();
};

// Sets credentials, certificate_check and payload (= &auth) of `callbacks`,
// and nothing else of them.
void set_remote_callbacks(git_remote_callbacks& callbacks, RemoteAuth& auth);

// After a fetch or push failed: throws the refusal a callback made, if any.
void throw_remote_refusal(const RemoteAuth& auth);

// --- known_hosts (exposed for the unit tests) ------------------------------

enum class HostKeyVerdict {
  known,        // a line for this host has this key
  unknown,      // no line for this host
  other_types,  // lines for this host, all with keys of other types
  mismatch,     // a line for this host has another key of this type
  revoked,      // a @revoked line has this key
};

// The verdict of one known_hosts text (OpenSSH's format: [marker] hosts
// keytype base64 [comment]) on `key` (the SSH wire blob of the server's
// host key) for `host` at `port`. Hosts are comma-separated patterns
// (`*`, `?`, `!` negation), `[host]:port` when port is not 22, or hashed
// (`|1|salt|hash`, HMAC-SHA1). A @revoked line revokes its key for every
// host; @cert-authority lines are not supported and are skipped, as are
// lines that do not parse.
HostKeyVerdict match_known_hosts(std::string_view known_hosts, std::string_view host, int port,
                                 std::span<const unsigned char> key);

// Several files' verdicts as one: revoked wins, then known, mismatch,
// other_types, unknown.
HostKeyVerdict combine(HostKeyVerdict a, HostKeyVerdict b);

// "SHA256:" and the unpadded base64 of the key's SHA-256, as ssh prints it.
std::string ssh_fingerprint(std::span<const unsigned char> key);

// The key type named at the start of a key blob ("ssh-ed25519"), or "".
std::string ssh_key_type(std::span<const unsigned char> key);

}  // namespace prevent::git

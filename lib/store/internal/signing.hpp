// Signed commits, as git makes and checks them (SPEC §8: "when the store's
// git config asks for signed commits, the program signs as git would").
//
// Configuration read. From the store's git config chain, as git reads it:
//   commit.gpgsign        true: every commit is signed
//   gpg.format            openpgp (default) | ssh | x509 (x509 is refused)
//   user.signingkey       openpgp: a key ID (default: the committer's
//                         "Name <email>"); ssh: the path of a key file
//                         (`~/` expanded); a literal `ssh-…` key is refused
// From the user's own configuration only (global, XDG and system; never the
// store's .git/config, which travels with the store; issue 15):
//   gpg.program, gpg.openpgp.program   the gpg to run (default gpg)
//   gpg.ssh.program       the ssh-keygen to run (default ssh-keygen)
//   gpg.ssh.allowedSignersFile, gpg.ssh.revocationFile
//                         who may sign, for verification
//
// Signing runs the same command as git, with the commit buffer on stdin:
//   openpgp: gpg --status-fd=2 -bsau KEY
//   ssh:     ssh-keygen -Y sign -n git -f KEYFILE
#pragma once

#include <git2.h>

#include "git_handles.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prevent {

struct Signer {
  enum class Format { openpgp, ssh };
  Format format = Format::openpgp;
  std::string program;  // gpg or ssh-keygen, or what the config names
  std::string key;      // key ID (openpgp) or key file (ssh)
};

// The signer the configuration asks for, or nullopt when commit.gpgsign is
// not true. Failure(store) with a hint for a configuration prevent cannot
// follow (x509, a literal ssh key, ssh without user.signingkey).
// `committer` is "Name <email>", git's default openpgp key.
// `user` is the user's own configuration (user_git_config()), from which
// the program is taken.
std::optional<Signer> configured_signer(git_config* config, git_config* user, const std::string& committer);

// The user's own git configuration (global, XDG, system), as a snapshot;
// null when there is none to read.
git::Config user_git_config();

// The program that signs or verifies `format`, as `user` names it, else
// gpg or ssh-keygen (found on PATH).
std::string signing_program(git_config* user, Signer::Format format);

// The program-naming keys (gpg.program, gpg.ssh.program, …) that the
// store's own configuration sets; prevent runs none of them.
std::vector<std::string> store_named_programs(git_repository* repo);

// Signs a commit buffer; returns the armoured signature without a trailing
// newline (the `gpgsig` header's value). Failure(store) when the signer
// cannot be run or fails.
std::string sign_commit_buffer(const Signer& signer, std::string_view buffer);

struct SignatureProblem {
  std::string commit;   // full hex id
  std::string date;     // the commit's committer date, YYYY-MM-DD
  std::string problem;  // one line, no personal data
};

// Verifies every commit reachable from HEAD with the tool that made its
// signature (gpg --verify, and a user ID of the signing key with the
// committer's e-mail; ssh-keygen -Y verify with gpg.ssh.allowedSignersFile
// and the committer's e-mail as the principal),
// programs and files as the user's own configuration names them.
// Returns the unsigned and badly signed commits, oldest first.
std::vector<SignatureProblem> verify_history_signatures(git_repository* repo);

// One commit's signature, for `prevent log`: good means made with a key of
// the commit's committer (ssh: allowed for the committer's e-mail in
// gpg.ssh.allowedSignersFile; openpgp: a key with a user ID of the
// committer's e-mail), verified as verify_history_signatures does.
struct CommitSignature {
  enum class State { none, good, bad, unverified };
  State state = State::none;
  std::string problem;  // one line, no personal data; empty when good
};
CommitSignature commit_signature(git_repository* repo, git_config* user, const git_oid& id,
                                 const std::string& committer_email);

// True when the store's configuration has commit.gpgsign = true.
bool signing_requested(git_repository* repo);

}  // namespace prevent

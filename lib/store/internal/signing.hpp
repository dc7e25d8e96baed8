// Signed commits, as git makes and checks them (SPEC §8: "when the store's
// git config asks for signed commits, the program signs as git would").
//
// Configuration read (the store's git config chain, as git reads it):
//   commit.gpgsign        true: every commit is signed
//   gpg.format            openpgp (default) | ssh | x509 (x509 is refused)
//   user.signingkey       openpgp: a key ID (default: the committer's
//                         "Name <email>"); ssh: the path of a key file
//                         (`~/` expanded); a literal `ssh-…` key is refused
//   gpg.program, gpg.openpgp.program   the gpg to run (default gpg)
//   gpg.ssh.program       the ssh-keygen to run (default ssh-keygen)
//   gpg.ssh.allowedSignersFile         who may sign, for verification
//
// Signing runs the same command as git, with the commit buffer on stdin:
//   openpgp: gpg --status-fd=2 -bsau KEY
//   ssh:     ssh-keygen -Y sign -n git -f KEYFILE
#pragma once

#include <git2.h>

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
std::optional<Signer> configured_signer(git_config* config, const std::string& committer);

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
// signature (gpg --verify, ssh-keygen -Y verify with
// gpg.ssh.allowedSignersFile and the committer's e-mail as the principal).
// Returns the unsigned and badly signed commits, oldest first.
std::vector<SignatureProblem> verify_history_signatures(git_repository* repo);

// True when the store's configuration has commit.gpgsign = true.
bool signing_requested(git_repository* repo);

}  // namespace prevent

#include "signing.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "failure.hpp"
#include "git_handles.hpp"
#include "subprocess.hpp"

namespace prevent {

namespace {

// `~/…` as git expands a path from its configuration.
std::string expand_home(std::string path) {
  if (path.rfind("~/", 0) == 0)
    if (const char* home = std::getenv("HOME"); home && *home) path = std::string(home) + path.substr(1);
  return path;
}

// What follows `[GNUPG:] KEYWORD ` on its line of gpg's status output, or
// empty.
std::string status_rest(const std::string& status, std::string_view keyword) {
  const std::string tag = fmt::format("[GNUPG:] {} ", keyword);
  size_t at = status.find(tag);
  if (at == std::string::npos) return {};
  at += tag.size();
  return status.substr(at, status.find('\n', at) - at);
}

// A temporary file holding `content`, removed when it goes out of scope.
class TempFile {
 public:
  explicit TempFile(std::string_view content) {
    const char* dir = std::getenv("TMPDIR");
    path_ = fmt::format("{}/prevent-sig.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = ::mkstemp(path_.data());
    if (fd < 0) fail(Exit::store, "cannot make a temporary file to verify a signature");
    size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fd, content.data() + done, content.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The repository's configuration, as a snapshot; null when it cannot be read.
git::Config config_snapshot(git_repository* repo) {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) < 0) return git::Config();
  return git::Config(raw);
}

// The keys that name a program to run. prevent reads them from the user's
// own configuration only: a store's .git/config travels with the store, and
// whoever handed it over chose what it says (issue 15).
constexpr const char* kProgramKeys[] = {"gpg.program", "gpg.openpgp.program", "gpg.ssh.program",
                                        "gpg.x509.program", "gpg.ssh.defaultKeyCommand"};

}  // namespace

git::Config user_git_config() {
  git_config* raw = nullptr;
  if (git_config_open_default(&raw) < 0) return git::Config();
  git::Config live(raw);
  git_config* snap = nullptr;
  if (git_config_snapshot(&snap, live.get()) < 0) return git::Config();
  return git::Config(snap);
}

std::string signing_program(git_config* user, Signer::Format format) {
  std::string program;
  if (format == Signer::Format::openpgp) {
    program = git::config_text(user, "gpg.openpgp.program");
    if (program.empty()) program = git::config_text(user, "gpg.program");
    if (program.empty()) program = "gpg";
  } else {
    program = git::config_text(user, "gpg.ssh.program");
    if (program.empty()) program = "ssh-keygen";
  }
  return program;
}

std::vector<std::string> store_named_programs(git_repository* repo) {
  std::vector<std::string> out;
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) < 0) return out;
  git::Config all(raw);
  for (const char* key : kProgramKeys) {
    git_config_entry* entry = nullptr;
    if (git_config_get_entry(&entry, all.get(), key) < 0 || !entry) continue;
    // The repository's own level (.git/config, with what it includes) and
    // any above it.
    if (entry->level >= GIT_CONFIG_LEVEL_LOCAL)
      out.emplace_back(key);
    git_config_entry_free(entry);
  }
  return out;
}

bool signing_requested(git_repository* repo) {
  git::Config cfg = config_snapshot(repo);
  int v = 0;
  return cfg && git_config_get_bool(&v, cfg.get(), "commit.gpgsign") == 0 && v != 0;
}

std::optional<Signer> configured_signer(git_config* cfg, git_config* user, const std::string& committer) {
  int wanted = 0;
  if (!cfg || git_config_get_bool(&wanted, cfg, "commit.gpgsign") < 0 || !wanted) return std::nullopt;
  std::string format = git::config_text(cfg, "gpg.format");
  Signer s;
  if (format.empty() || format == "openpgp") {
    s.format = Signer::Format::openpgp;
    s.program = signing_program(user, s.format);
    s.key = git::config_text(cfg, "user.signingkey");
    if (s.key.empty()) s.key = committer;  // as git: the committer's identity names the key
    return s;
  }
  if (format == "ssh") {
    s.format = Signer::Format::ssh;
    s.program = signing_program(user, s.format);
    s.key = git::config_text(cfg, "user.signingkey");
    if (s.key.empty())
      fail(Exit::store, "the store's git configuration asks for ssh-signed commits but names no key (user.signingkey)",
           "git config user.signingkey ~/.ssh/id_ed25519");
    if (s.key.rfind("ssh-", 0) == 0 || s.key.rfind("key::", 0) == 0)
      fail(Exit::store, "user.signingkey is a literal ssh public key, which prevent cannot sign with (git config)",
           "set user.signingkey to the path of the key file, e.g. ~/.ssh/id_ed25519 (or its .pub with ssh-agent)");
    s.key = expand_home(s.key);
    return s;
  }
  if (format == "x509")
    fail(Exit::store, "the store's git configuration asks for x509 (gpgsm) signed commits, which prevent cannot make "
                      "(gpg.format)",
         "use gpg.format openpgp or ssh for this store");
  fail(Exit::store, fmt::format("unknown gpg.format '{}' in the store's git configuration", format),
       "gpg.format is openpgp, ssh or x509");
}

std::string sign_commit_buffer(const Signer& signer, std::string_view buffer) {
  std::vector<std::string> argv;
  if (signer.format == Signer::Format::openpgp)
    argv = {signer.program, "--status-fd=2", "-bsau", signer.key};
  else
    argv = {signer.program, "-Y", "sign", "-n", "git", "-f", signer.key};
  ProcessResult r = run_process(argv, buffer);
  const char* format = signer.format == Signer::Format::openpgp ? "openpgp" : "ssh";
  if (!r.started)
    fail(Exit::store, fmt::format("cannot sign the commit: cannot run {} (gpg.format {})", signer.program, format),
         "install it, or name the program in your own configuration: git config --global gpg.program / "
         "gpg.ssh.program");
  bool ok = r.exit_status == 0 && !r.out.empty();
  if (ok && signer.format == Signer::Format::openpgp) ok = r.err.find("[GNUPG:] SIG_CREATED ") != std::string::npos;
  if (!ok) {
    std::string why = first_line(r.err);
    fail(Exit::store,
         fmt::format("cannot sign the commit: {} failed with exit status {} (gpg.format {})", signer.program,
                     r.exit_status, format),
         why.empty() ? "check user.signingkey and that the key can be used without a prompt" : why);
  }
  std::string sig = std::move(r.out);
  while (!sig.empty() && (sig.back() == '\n' || sig.back() == '\r')) sig.pop_back();
  return sig;
}

namespace {

// The first field after `[GNUPG:] KEYWORD ` in gpg's status output, or empty.
std::string status_field(const std::string& status, std::string_view keyword) {
  std::string rest = status_rest(status, keyword);
  return rest.substr(0, rest.find(' '));
}

// Whether `email` is the e-mail of one of the user IDs: of the signer's
// user ID that gpg printed (`primary`), else of any of the key's (gpg
// --list-keys by its fingerprint). Compared as git compares e-mails: the
// text between < and >, any case.
bool openpgp_key_names(const std::string& program, const std::string& fingerprint, const std::string& primary,
                       const std::string& email) {
  auto lower = [](std::string v) {
    for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return v;
  };
  const std::string want = fmt::format("<{}>", lower(email));
  if (email.empty()) return false;
  if (lower(primary).find(want) != std::string::npos) return true;
  if (fingerprint.empty() || fingerprint.find_first_not_of("0123456789ABCDEFabcdef") != std::string::npos)
    return false;
  ProcessResult r = run_process({program, "--batch", "--with-colons", "--fixed-list-mode", "--list-keys", fingerprint}, "");
  if (!r.started || r.exit_status != 0) return false;
  // `uid:<validity>:…:<user ID, field 10>:…`
  size_t at = 0;
  while (at < r.out.size()) {
    size_t end = r.out.find('\n', at);
    if (end == std::string::npos) end = r.out.size();
    std::string_view line(r.out.data() + at, end - at);
    at = end + 1;
    if (!line.starts_with("uid:")) continue;
    size_t field = 0, pos = 0;
    while (field < 9 && pos != std::string_view::npos) {
      pos = line.find(':', pos);
      if (pos != std::string_view::npos) ++pos, ++field;
    }
    if (pos == std::string_view::npos) continue;
    std::string_view uid = line.substr(pos, line.find(':', pos) - pos);
    if (lower(std::string(uid)).find(want) != std::string::npos) return true;
  }
  return false;
}

// `user` is the user's own configuration (global and system), never the
// store's: who may sign, and the verifier to run, are the auditor's choice.
std::string verify_one(git_config* user, const std::string& signature, const std::string& data,
                       const std::string& email) {
  TempFile sig_file(signature + "\n");
  if (signature.rfind("-----BEGIN SSH SIGNATURE-----", 0) == 0) {
    std::string allowed = expand_home(git::config_text(user, "gpg.ssh.allowedSignersFile"));
    if (allowed.empty())
      fail(Exit::store, "cannot verify ssh signatures: gpg.ssh.allowedSignersFile is not set (git config)",
           "git config --global gpg.ssh.allowedSignersFile PATH (see docs/signing.md)");
    std::string program = signing_program(user, Signer::Format::ssh);
    std::vector<std::string> argv = {program, "-Y", "verify", "-n", "git", "-f", allowed, "-I", email,
                                     "-s", sig_file.path()};
    if (std::string revoked = expand_home(git::config_text(user, "gpg.ssh.revocationFile")); !revoked.empty()) {
      argv.push_back("-r");
      argv.push_back(revoked);
    }
    ProcessResult r = run_process(argv, data);
    if (!r.started) fail(Exit::store, fmt::format("cannot verify ssh signatures: cannot run {}", program));
    if (r.exit_status == 0 && r.out.find("Good \"git\" signature") != std::string::npos) return {};
    return "bad ssh signature, or a key not allowed for the committer's e-mail in gpg.ssh.allowedSignersFile";
  }
  if (signature.rfind("-----BEGIN PGP SIGNATURE-----", 0) == 0) {
    std::string program = signing_program(user, Signer::Format::openpgp);
    ProcessResult r =
        run_process({program, "--keyid-format=long", "--status-fd=1", "--verify", sig_file.path(), "-"}, data);
    if (!r.started) fail(Exit::store, fmt::format("cannot verify openpgp signatures: cannot run {}", program));
    if (r.out.find("[GNUPG:] NO_PUBKEY ") != std::string::npos)
      return "openpgp signature by a key that is not in the keyring";
    if (r.exit_status != 0 || r.out.find("[GNUPG:] GOODSIG ") == std::string::npos) return "bad openpgp signature";
    // Good, but whose? As ssh's principal is the committer's e-mail, the
    // key must carry a user ID with the committer's e-mail: a good
    // signature by someone else's key is not the committer's.
    if (!openpgp_key_names(program, status_field(r.out, "VALIDSIG"), status_rest(r.out, "GOODSIG"), email))
      return "openpgp signature by a key that is not the committer's: no user ID of the key has the committer's e-mail";
    return {};
  }
  return "a signature of a kind prevent cannot verify (only openpgp and ssh)";
}

// What is wrong with the signature of commit `id`, whose committer's
// e-mail is `email`; empty when it is good and the committer's.
std::string verify_commit(git_repository* repo, git_config* user, const git_oid& id, const std::string& email) {
  // Owned, so a verification that throws (no allowed signers file) does
  // not leak them.
  git::Buf sig, data;
  git_oid commit = id;
  int erc = git_commit_extract_signature(sig.get(), data.get(), repo, &commit, nullptr);
  if (erc == GIT_ENOTFOUND) return "not signed";
  if (erc < 0) return "its signature cannot be read";
  return verify_one(user, std::string(sig.view()), std::string(data.view()), email);
}

}  // namespace

CommitSignature commit_signature(git_repository* repo, git_config* user, const git_oid& id,
                                 const std::string& committer_email) {
  try {
    std::string problem = verify_commit(repo, user, id, committer_email);
    if (problem.empty()) return {CommitSignature::State::good, {}};
    if (problem == "not signed") return {CommitSignature::State::none, problem};
    return {CommitSignature::State::bad, problem};
  } catch (const Failure& f) {
    return {CommitSignature::State::unverified, f.what()};
  }
}

std::vector<SignatureProblem> verify_history_signatures(git_repository* repo) {
  std::vector<SignatureProblem> out;
  git::Config cfg = user_git_config();
  git_revwalk* walk_raw = nullptr;
  if (git_revwalk_new(&walk_raw, repo) < 0) fail(Exit::store, "cannot walk the history");
  git::Revwalk walk(walk_raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  int rc = git_revwalk_push_head(walk.get());
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return out;
  if (rc < 0) fail(Exit::store, "cannot walk the history from HEAD");
  git_oid id;
  while ((rc = git_revwalk_next(&id, walk.get())) == 0) {
    git_commit* commit_raw = nullptr;
    if (git_commit_lookup(&commit_raw, repo, &id) < 0) {
      out.push_back({git::object_id(id).hex(), "", "the commit cannot be read"});
      continue;
    }
    git::Commit commit(commit_raw);
    const git_signature* committer = git_commit_committer(commit.get());
    std::string email = committer->email ? committer->email : "";
    std::time_t t = static_cast<std::time_t>(committer->when.time);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", &utc);
    commit.reset();

    std::string problem = verify_commit(repo, cfg.get(), id, email);
    if (!problem.empty()) out.push_back({git::object_id(id).hex(), date, problem});
  }
  if (rc != GIT_ITEROVER) fail(Exit::store, "cannot walk the history from HEAD");
  return out;
}

}  // namespace prevent

#include "remote_auth.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "text.hpp"

namespace prevent::git {

namespace remote_auth_detail {

using Bytes = std::vector<unsigned char>;

// Standard base64 (with or without padding), as known_hosts writes it; nullopt for
// anything else.
std::optional<Bytes> base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string base64_encode_unpadded(std::span<const unsigned char> bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

// OpenSSH's wildcards: '*' any run, '?' one character.
bool wildcard_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// A hashed entry, |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
bool hashed_match(std::string_view entry, std::string_view name) {
  entry.remove_prefix(3);
  auto bar = entry.find('|');
  if (bar == std::string_view::npos) return false;
  auto salt = base64_decode(entry.substr(0, bar));
  auto hash = base64_decode(entry.substr(bar + 1));
  if (!salt || !hash || hash->size() != 20) return false;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (!HMAC(EVP_sha1(), salt->data(), static_cast<int>(salt->size()),
            reinterpret_cast<const unsigned char*>(name.data()), name.size(), mac.data(), &mac_len) ||
      mac_len != 20)
    return false;
  return std::equal(hash->begin(), hash->end(), mac.begin());
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// OpenSSH's rule for a line's host list: no negated pattern matches, and
// some other entry does.
bool hosts_match(std::string_view list, std::string_view name) {
  bool found = false;
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view entry = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    bool negated = !entry.empty() && entry.front() == '!';
    if (negated) entry.remove_prefix(1);
    bool match = entry.starts_with("|1|") ? hashed_match(entry, name) : wildcard_match(lower(entry), name);
    if (match && negated) return false;
    found = found || match;
  }
  return found;
}

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

int rank(HostKeyVerdict v) {
  switch (v) {
    case HostKeyVerdict::unknown: return 0;
    case HostKeyVerdict::other_types: return 1;
    case HostKeyVerdict::mismatch: return 2;
    case HostKeyVerdict::known: return 3;
    case HostKeyVerdict::revoked: return 4;
  }
  return 0;
}

// A known_hosts file's text; empty when it cannot be read (missing).
std::string read_known_hosts(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

std::string host_for_people(std::string_view host, int port) {
  return port == 22 ? terminal_safe(host) : fmt::format("{} port {}", terminal_safe(host), port);
}

Failure host_key_refusal(HostKeyVerdict verdict, std::string_view host, int port,
                         std::span<const unsigned char> key) {
  std::string where = host_for_people(host, port);
  std::string type = terminal_safe(ssh_key_type(key));
  if (type.empty()) type = "unknown type";
  std::string print = fmt::format("{} {}", type, ssh_fingerprint(key));
  std::string scan = fmt::format("ssh-keyscan -p {} {} >> ~/.ssh/known_hosts", port, terminal_safe(host));
  std::string line_name = port == 22 ? terminal_safe(host) : fmt::format("[{}]:{}", terminal_safe(host), port);
  switch (verdict) {
    case HostKeyVerdict::revoked:
      return Failure(Exit::refused,
                     fmt::format("the SSH host key of {} ({}) is revoked in known_hosts: not connecting", where, print),
                     "ask the server's administrator which key the server should have");
    case HostKeyVerdict::mismatch:
      return Failure(Exit::refused,
                     fmt::format("the SSH host key of {} ({}) does not match known_hosts: someone may be "
                                 "intercepting the connection, or the server's key was changed",
                                 where, print),
                     fmt::format("check that fingerprint with the server's administrator (not over this "
                                 "network); only if it is right: ssh-keygen -R '{}' and then {}",
                                 line_name, scan));
    case HostKeyVerdict::other_types:
      return Failure(Exit::refused,
                     fmt::format("the SSH host key of {} ({}) is not known: known_hosts has keys of other types "
                                 "for it",
                                 where, print),
                     fmt::format("check that fingerprint with the server's administrator, then: ssh-keyscan -t {} "
                                 "-p {} {} >> ~/.ssh/known_hosts",
                                 type, port, terminal_safe(host)));
    case HostKeyVerdict::known:
    case HostKeyVerdict::unknown:
      break;
  }
  return Failure(Exit::refused,
                 fmt::format("the SSH host key of {} ({}) is not known: it is in neither ~/.ssh/known_hosts "
                             "nor /etc/ssh/ssh_known_hosts",
                             where, print),
                 fmt::format("check that fingerprint with the server's administrator (not over this network), "
                             "then: {}",
                             scan));
}

// Which of ~/.ssh/id_ed25519, id_ecdsa, id_rsa to offer: the first that
// exists with its .pub. Returns the name ("id_ed25519") or "".
std::string first_key(const std::string& home) {
  if (home.empty()) return {};
  for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
    std::error_code ec;
    std::filesystem::path key = std::filesystem::path(home) / ".ssh" / name;
    if (std::filesystem::is_regular_file(key, ec) &&
        std::filesystem::is_regular_file(std::filesystem::path(key.string() + ".pub"), ec))
      return name;
  }
  return {};
}

Failure authentication_refusal(const RemoteAuth& auth, unsigned int allowed) {
  std::string who = fmt::format("{}@{}", terminal_safe(auth.remote.user),
                                host_for_people(auth.remote.host, auth.remote.port));
  if (!(allowed & GIT_CREDENTIAL_SSH_KEY))
    return Failure(Exit::refused, fmt::format("SSH authentication failed for {}: the server offers no login by key", who),
                   "prevent logs in with a key only: ask the server's administrator to allow your public key");
  if (auth.tried.empty())
    return Failure(Exit::refused,
                   fmt::format("SSH authentication failed for {}: no key to offer (no ssh-agent in SSH_AUTH_SOCK, "
                               "and none of ~/.ssh/id_ed25519, id_ecdsa, id_rsa with its .pub)",
                               who),
                   "make a key (ssh-keygen -t ed25519) and have its .pub added for this user on the server");
  return Failure(Exit::refused,
                 fmt::format("SSH authentication failed for {} (tried {})", who, terminal_safe(auth.tried)),
                 "the server must have your public key for this user; a key with a passphrase is used through the "
                 "ssh-agent (ssh-add), as prevent never prompts");
}

void keep_refusal(RemoteAuth& auth, Failure failure) {
  git_error_set_str(GIT_ERROR_SSH, failure.what());
  auth.failure = std::move(failure);
}

int check_host_key(git_cert* cert, int /*valid*/, const char* host, void* payload) {
  auto& auth = *static_cast<RemoteAuth*>(payload);
  try {
    // Each connection starts here: its authentication starts afresh.
    auth.agent_tried = auth.key_tried = false;
    auth.tried.clear();
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) return GIT_PASSTHROUGH;  // TLS: libgit2's own check
    const auto* hostkey = reinterpret_cast<const git_cert_hostkey*>(cert);
    std::string name = lower(host ? std::string_view(host) : std::string_view(auth.remote.host));
    int port = auth.remote.port;
    if (!(hostkey->type & GIT_CERT_SSH_RAW) || !hostkey->hostkey || hostkey->hostkey_len == 0) {
      keep_refusal(auth, Failure(Exit::refused,
                                 fmt::format("the SSH host key of {} cannot be checked: libgit2 gave no key",
                                             host_for_people(name, port))));
      return GIT_ECERTIFICATE;
    }
    std::span key(reinterpret_cast<const unsigned char*>(hostkey->hostkey), hostkey->hostkey_len);
    HostKeyVerdict verdict = match_known_hosts(read_known_hosts(auth.system_known_hosts), name, port, key);
    if (!auth.home.empty())
      verdict = combine(
          verdict, match_known_hosts(read_known_hosts(auth.home + "/.ssh/known_hosts"), name, port, key));
    if (verdict == HostKeyVerdict::known) return 0;
    keep_refusal(auth, host_key_refusal(verdict, name, port, key));
    return GIT_ECERTIFICATE;
  } catch (const Failure& f) {
    keep_refusal(auth, f);
  } catch (const std::exception& e) {
    keep_refusal(auth, Failure(Exit::bug, fmt::format("checking the SSH host key: {}", e.what())));
  }
  return GIT_EUSER;
}

int offer_credentials(git_credential** out, const char* /*url*/, const char* /*username_from_url*/,
                      unsigned int allowed, void* payload) {
  auto& auth = *static_cast<RemoteAuth*>(payload);
  try {
    const char* user = auth.remote.user.c_str();
    if (allowed & GIT_CREDENTIAL_USERNAME) return git_credential_username_new(out, user);
    if (allowed & GIT_CREDENTIAL_SSH_KEY) {
      auto tried = [&](std::string_view what) { auth.tried += (auth.tried.empty() ? "" : ", ") + std::string(what); };
      if (!auth.agent_tried && !auth.agent_socket.empty()) {
        auth.agent_tried = true;
        tried("the ssh-agent");
        return git_credential_ssh_key_from_agent(out, user);
      }
      if (!auth.key_tried) {
        auth.key_tried = true;
        if (std::string name = first_key(auth.home); !name.empty()) {
          tried("~/.ssh/" + name);
          std::string key = auth.home + "/.ssh/" + name;
          return git_credential_ssh_key_new(out, user, (key + ".pub").c_str(), key.c_str(), nullptr);
        }
      }
    }
    keep_refusal(auth, authentication_refusal(auth, allowed));
  } catch (const Failure& f) {
    keep_refusal(auth, f);
  } catch (const std::exception& e) {
    keep_refusal(auth, Failure(Exit::bug, fmt::format("choosing an SSH key: {}", e.what())));
  }
  return GIT_EUSER;
}

}  // namespace remote_auth_detail

std::string RemoteAuth::home_from_environment() {
  const char* home = std::getenv("HOME");
  return home ? home : "";
}

std::string RemoteAuth::agent_from_environment() {
  const char* sock = std::getenv("SSH_AUTH_SOCK");
  return sock ? sock : "";
}

void set_remote_callbacks(git_remote_callbacks& callbacks, RemoteAuth& auth) {
  callbacks.credentials = remote_auth_detail::offer_credentials;
  callbacks.certificate_check = remote_auth_detail::check_host_key;
  callbacks.payload = &auth;
}

void throw_remote_refusal(const RemoteAuth& auth) {
  if (auth.failure) throw *auth.failure;
}

HostKeyVerdict combine(HostKeyVerdict a, HostKeyVerdict b) {
  return remote_auth_detail::rank(a) >= remote_auth_detail::rank(b) ? a : b;
}

std::string ssh_fingerprint(std::span<const unsigned char> key) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  if (EVP_Digest(key.data(), key.size(), digest.data(), &n, EVP_sha256(), nullptr) != 1 || n != 32)
    fail(Exit::bug, "SHA-256 of a host key failed (OpenSSL)");
  return "SHA256:" + remote_auth_detail::base64_encode_unpadded(std::span(digest.data(), n));
}

std::string ssh_key_type(std::span<const unsigned char> key) {
  if (key.size() < 4) return {};
  size_t n = (size_t{key[0]} << 24) | (size_t{key[1]} << 16) | (size_t{key[2]} << 8) | key[3];
  if (n == 0 || n > 64 || key.size() - 4 < n) return {};
  return std::string(reinterpret_cast<const char*>(key.data() + 4), n);
}

HostKeyVerdict match_known_hosts(std::string_view known_hosts, std::string_view host, int port,
                                 std::span<const unsigned char> key) {
  using namespace remote_auth_detail;
  std::string host_lower = lower(host);
  std::string name = port == 22 ? host_lower : fmt::format("[{}]:{}", host_lower, port);
  std::string type = ssh_key_type(key);
  bool known = false, mismatch = false, other = false;
  while (!known_hosts.empty()) {
    auto eol = known_hosts.find('\n');
    std::string_view line = known_hosts.substr(0, eol);
    known_hosts = eol == std::string_view::npos ? std::string_view{} : known_hosts.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto fields = fields_of(line);
    if (fields.empty() || fields[0].front() == '#') continue;
    std::string_view marker;
    if (fields[0].front() == '@') {
      marker = fields[0];
      fields.erase(fields.begin());
    }
    if (fields.size() < 3 || (!marker.empty() && marker != "@revoked")) continue;  // @cert-authority: unsupported
    auto blob = base64_decode(fields[2]);
    if (!blob || ssh_key_type(*blob) != fields[1]) continue;  // not a line of a key we can read
    bool same = blob->size() == key.size() && std::equal(blob->begin(), blob->end(), key.begin());
    if (marker == "@revoked") {
      if (same) return HostKeyVerdict::revoked;
      continue;
    }
    if (!hosts_match(fields[0], name)) continue;
    if (same)
      known = true;
    else if (fields[1] == type)
      mismatch = true;
    else
      other = true;
  }
  if (known) return HostKeyVerdict::known;
  if (mismatch) return HostKeyVerdict::mismatch;
  if (other) return HostKeyVerdict::other_types;
  return HostKeyVerdict::unknown;
}

}  // namespace prevent::git

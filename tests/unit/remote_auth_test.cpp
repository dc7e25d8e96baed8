// SSH for sync's remotes (lib/store/remote_auth.cpp, remote_url.cpp): the
// remote URLs prevent accepts, and the known_hosts lines that prove a
// server's host key. The keys below were made with ssh-keygen for this
// test; the hashed lines with `ssh-keygen -H`; the fingerprint is the one
// `ssh-keygen -lf` printed.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "failure.hpp"
#include "remote_auth.hpp"
#include "remote_url.hpp"

using namespace prevent;
using git::HostKeyVerdict;

namespace {

const std::string kKeyA = "AAAAC3NzaC1lZDI1NTE5AAAAIAOjWgPaPn8UdCONQddbCfkG+MV9LZxm6ELuDokall/b";
const std::string kKeyB = "AAAAC3NzaC1lZDI1NTE5AAAAILdd2B42YGEJznL2aYBkq02KYX6veP4+L0skt+LwNDKF";
const std::string kKeyC =
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFNwVLx8aE4F2aE+z2RKl9MXt2VTa0oa7nkfLkhdZ7cKqgMyt79m9xALjqyxl"
    "YL+/syaAGhosKJCv+99iEc8HRw=";

std::vector<unsigned char> blob(const std::string& b64) {
  // Decoded through a one-line known_hosts match would be circular; decode here.
  std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<unsigned char> out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    acc = (acc << 6) | static_cast<unsigned>(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

HostKeyVerdict verdict(const std::string& known_hosts, const std::string& host, int port, const std::string& key) {
  return git::match_known_hosts(known_hosts, host, port, blob(key));
}

int refused_code(const std::string& url) {
  try {
    check_remote_url(url);
  } catch (const Failure& f) {
    return static_cast<int>(f.code());
  }
  return 0;
}

}  // namespace

TEST_CASE("a host key is named by its type and its SHA-256 fingerprint, as ssh prints it") {
  CHECK(git::ssh_fingerprint(blob(kKeyA)) == "SHA256:7IfgmmY/lQSMUw8kDD/b/QbhRHSoOMm9qp05k0x/G68");
  CHECK(git::ssh_key_type(blob(kKeyA)) == "ssh-ed25519");
  CHECK(git::ssh_key_type(blob(kKeyC)) == "ecdsa-sha2-nistp256");
  CHECK(git::ssh_key_type({}) == "");
}

TEST_CASE("a host key listed for its host is known; another host's line proves nothing") {
  std::string kh = "# a comment\n\ngit.example.org ssh-ed25519 " + kKeyA + " a comment\n";
  CHECK(verdict(kh, "git.example.org", 22, kKeyA) == HostKeyVerdict::known);
  CHECK(verdict(kh, "GIT.Example.ORG", 22, kKeyA) == HostKeyVerdict::known);
  CHECK(verdict(kh, "other.example.org", 22, kKeyA) == HostKeyVerdict::unknown);
  CHECK(verdict("", "git.example.org", 22, kKeyA) == HostKeyVerdict::unknown);
  CHECK(verdict("other.example.org ssh-ed25519 " + kKeyA + "\r\n", "git.example.org", 22, kKeyA) ==
        HostKeyVerdict::unknown);
}

TEST_CASE("a host list is comma-separated, with wildcards and negation as in OpenSSH") {
  std::string kh = "alpha.example.org,git.example.org,10.0.0.7 ssh-ed25519 " + kKeyA + "\n";
  CHECK(verdict(kh, "git.example.org", 22, kKeyA) == HostKeyVerdict::known);
  CHECK(verdict(kh, "10.0.0.7", 22, kKeyA) == HostKeyVerdict::known);
  CHECK(verdict(kh, "git.example.or", 22, kKeyA) == HostKeyVerdict::unknown);
  std::string wild = "*.example.org,!bad.example.org ssh-ed25519 " + kKeyA + "\n";
  CHECK(verdict(wild, "git.example.org", 22, kKeyA) == HostKeyVerdict::known);
  CHECK(verdict(wild, "bad.example.org", 22, kKeyA) == HostKeyVerdict::unknown);
  CHECK(verdict("git?.example.org ssh-ed25519 " + kKeyA, "git2.example.org", 22, kKeyA) == HostKeyVerdict::known);
}

TEST_CASE("a port other than 22 is looked up as [host]:port, and only so") {
  std::string kh = "[git.example.org]:2222 ssh-ed25519 " + kKeyA + "\n";
  CHECK(verdict(kh, "git.example.org", 2222, kKeyA) == HostKeyVerdict::known);
  CHECK(verdict(kh, "git.example.org", 22, kKeyA) == HostKeyVerdict::unknown);
  CHECK(verdict(kh, "git.example.org", 2223, kKeyA) == HostKeyVerdict::unknown);
  // A plain line for the host does not vouch for another port.
  CHECK(verdict("git.example.org ssh-ed25519 " + kKeyA, "git.example.org", 2222, kKeyA) == HostKeyVerdict::unknown);
}

TEST_CASE("hashed host names (|1|salt|hash, HMAC-SHA1) match the name they were made from") {
  // ssh-keygen -H of "[git.example.org]:2222 …" and "git.example.org …"
  std::string kh = "|1|ksCHFY2m2ebWpm3Lrl1TRxcD/2s=|H/GbxGOS+UxAKshBcWCJHK/XnGM= ssh-ed25519 " + kKeyA + "\n" +
                   "|1|ajeQSAb62xdKNNBPa6wAOazX8EQ=|/IHo6TjvIHNF62oIgga8vRIbqsQ= ssh-ed25519 " + kKeyA + "\n";
  CHECK(verdict(kh, "git.example.org", 2222, kKeyA) == HostKeyVerdict::known);
  CHECK(verdict(kh, "git.example.org", 22, kKeyA) == HostKeyVerdict::known);
  CHECK(verdict(kh, "git.example.org", 2223, kKeyA) == HostKeyVerdict::unknown);
  CHECK(verdict(kh, "git.example.net", 22, kKeyA) == HostKeyVerdict::unknown);
  CHECK(verdict(kh, "git.example.org", 22, kKeyB) == HostKeyVerdict::mismatch);
  // A damaged hash or salt is no match, and no crash.
  CHECK(verdict("|1|ksCHFY2m2ebWpm3L|H/Gbx ssh-ed25519 " + kKeyA, "git.example.org", 2222, kKeyA) ==
        HostKeyVerdict::unknown);
  CHECK(verdict("|1|%%%|H/GbxGOS+UxAKshBcWCJHK/XnGM= ssh-ed25519 " + kKeyA, "git.example.org", 2222, kKeyA) ==
        HostKeyVerdict::unknown);
  CHECK(verdict("|1| ssh-ed25519 " + kKeyA, "git.example.org", 2222, kKeyA) == HostKeyVerdict::unknown);
}

TEST_CASE("another key of the same type for the host is a mismatch; only other types is not") {
  std::string kh = "git.example.org ssh-ed25519 " + kKeyB + "\n";
  CHECK(verdict(kh, "git.example.org", 22, kKeyA) == HostKeyVerdict::mismatch);
  std::string other = "git.example.org ecdsa-sha2-nistp256 " + kKeyC + "\n";
  CHECK(verdict(other, "git.example.org", 22, kKeyA) == HostKeyVerdict::other_types);
  // One line with the key is enough, whatever else is listed.
  CHECK(verdict(kh + other + "git.example.org ssh-ed25519 " + kKeyA + "\n", "git.example.org", 22, kKeyA) ==
        HostKeyVerdict::known);
}

TEST_CASE("a @revoked key is refused whatever else vouches for it; @cert-authority lines are skipped") {
  std::string good = "git.example.org ssh-ed25519 " + kKeyA + "\n";
  CHECK(verdict(good + "@revoked * ssh-ed25519 " + kKeyA + "\n", "git.example.org", 22, kKeyA) ==
        HostKeyVerdict::revoked);
  CHECK(verdict("@revoked other.example.org ssh-ed25519 " + kKeyA + "\n" + good, "git.example.org", 22, kKeyA) ==
        HostKeyVerdict::revoked);
  // Revoking another key leaves this one known.
  CHECK(verdict(good + "@revoked * ssh-ed25519 " + kKeyB + "\n", "git.example.org", 22, kKeyA) ==
        HostKeyVerdict::known);
  // Certificates are not supported: the line does not vouch for the key.
  CHECK(verdict("@cert-authority *.example.org ssh-ed25519 " + kKeyA + "\n", "git.example.org", 22, kKeyA) ==
        HostKeyVerdict::unknown);
  CHECK(verdict("@unheard-of git.example.org ssh-ed25519 " + kKeyA + "\n", "git.example.org", 22, kKeyA) ==
        HostKeyVerdict::unknown);
}

TEST_CASE("a line whose key does not decode, or whose type does not match its key, vouches for nothing") {
  CHECK(verdict("git.example.org ssh-ed25519 AAAA!!!\n", "git.example.org", 22, kKeyA) == HostKeyVerdict::unknown);
  CHECK(verdict("git.example.org ssh-rsa " + kKeyA + "\n", "git.example.org", 22, kKeyA) == HostKeyVerdict::unknown);
  CHECK(verdict("git.example.org ssh-ed25519\n", "git.example.org", 22, kKeyA) == HostKeyVerdict::unknown);
  CHECK(verdict("git.example.org\n", "git.example.org", 22, kKeyA) == HostKeyVerdict::unknown);
  CHECK(verdict("@revoked\n", "git.example.org", 22, kKeyA) == HostKeyVerdict::unknown);
}

TEST_CASE("the verdicts of two known_hosts files: revoked, then known, mismatch, other types, unknown") {
  CHECK(git::combine(HostKeyVerdict::known, HostKeyVerdict::revoked) == HostKeyVerdict::revoked);
  CHECK(git::combine(HostKeyVerdict::mismatch, HostKeyVerdict::known) == HostKeyVerdict::known);
  CHECK(git::combine(HostKeyVerdict::unknown, HostKeyVerdict::mismatch) == HostKeyVerdict::mismatch);
  CHECK(git::combine(HostKeyVerdict::other_types, HostKeyVerdict::unknown) == HostKeyVerdict::other_types);
}

TEST_CASE("remote URLs: a path, file:// and ssh:// in both its forms are accepted") {
  RemoteUrl p = check_remote_url("/srv/channel.git");
  CHECK(p.kind == RemoteKind::path);
  CHECK(p.path == "/srv/channel.git");
  CHECK(check_remote_url("../shared/channel.git").kind == RemoteKind::path);
  CHECK(check_remote_url("-odd/name.git").kind == RemoteKind::path);  // a path; libgit2 runs nothing

  RemoteUrl f = check_remote_url("file:///srv/channel.git");
  CHECK(f.kind == RemoteKind::file);
  CHECK(f.path == "/srv/channel.git");

  RemoteUrl s = check_remote_url("ssh://panel@git.example.org:2222/srv/channel.git");
  CHECK(s.kind == RemoteKind::ssh);
  CHECK(s.user == "panel");
  CHECK(s.host == "git.example.org");
  CHECK(s.port == 2222);
  CHECK(s.path == "/srv/channel.git");

  RemoteUrl d = check_remote_url("ssh://git.example.org/srv/channel.git");
  CHECK(d.user == "git");
  CHECK(d.port == 22);

  RemoteUrl v6 = check_remote_url("ssh://root@[::1]:40022/srv/c.git");
  CHECK(v6.host == "::1");
  CHECK(v6.port == 40022);

  RemoteUrl scp = check_remote_url("panel@git.example.org:channel.git");
  CHECK(scp.kind == RemoteKind::ssh);
  CHECK(scp.user == "panel");
  CHECK(scp.host == "git.example.org");
  CHECK(scp.port == 22);
  CHECK(scp.path == "channel.git");
  CHECK(check_remote_url("git.example.org:channel.git").user == "git");
}

TEST_CASE("remote URLs that would run a program, or reach a server another way, are refused (exit 2)") {
  for (const char* url : {"ext::sh -c touch% /tmp/pwned", "ext::ssh -o ProxyCommand=x host", "fd::17",
                          "fd::3,4/path", "transport::address"}) {
    CAPTURE(url);
    CHECK(refused_code(url) == 2);
  }
  for (const char* url : {"http://git.example.org/c.git", "https://git.example.org/c.git",
                          "git://git.example.org/c.git", "ftp://git.example.org/c.git", "git+ssh://h/c.git",
                          "file://relative/path", "file://"}) {
    CAPTURE(url);
    CHECK(refused_code(url) == 2);
  }
}

TEST_CASE("an SSH host or user that begins with '-' or has other characters is refused") {
  for (const char* url : {"ssh://-oProxyCommand=touch%20x/c.git", "ssh://root@-oProxyCommand=x/c.git",
                          "-oProxyCommand=x:c.git", "root@-host:c.git", "ssh://-user@host/c.git",
                          "-user@host:c.git", "ssh://ho$t/c.git", "ssh://host name/c.git", "ssh://u:pw@host/c.git",
                          "ssh://host:0/c.git", "ssh://host:65536/c.git", "ssh://host:22x/c.git",
                          "ssh://host/", "ssh://host", "ssh:///c.git", "host:", "@host:c.git",
                          "ssh://[::1/c.git", "ssh://[zz]/c.git", "ssh://h%2d/c.git", "", "/srv/a\nb.git",
                          "ssh://host/c\x1b[2J.git"}) {
    CAPTURE(url);
    CHECK(refused_code(url) == 2);
  }
}

TEST_CASE("a refused URL is quoted safely in a one-line message") {
  try {
    check_remote_url("ext::sh -c \x1b[31mred\nsecond");
    FAIL("not refused");
  } catch (const Failure& f) {
    std::string what = f.what();
    CHECK(what.find('\n') == std::string::npos);
    CHECK(what.find('\x1b') == std::string::npos);
  }
  try {
    check_remote_url("ext::sh -c x");
    FAIL("not refused");
  } catch (const Failure& f) {
    CHECK(std::string(f.what()) == "remote URL refused: the remote helper 'ext::' runs a program");
  }
}

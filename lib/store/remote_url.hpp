// The address of a remote store, as `prevent sync` is given it (on its
// command line or as a store's `origin`), vetted before libgit2 sees it.
//
// Only three kinds of address are accepted: a path (or file://), and SSH
// (ssh://[user@]host[:port]/path, or the scp-like [user@]host:path that git
// also reads as SSH). Refused: git's remote-helper forms (`ext::…`, which
// git would run as a command, `fd::…`, any `name::address`), every other
// scheme (http:// and https:// too: prevent never prompts for a password
// and libgit2 reads no credential helper, so a forge is reached over its
// SSH address), a host or user that begins with `-` or has a character
// outside [A-Za-z0-9._-] (an IPv6 address in brackets in ssh:// aside), a
// password in the URL, and any control character. docs/ssh.md.
#pragma once

#include <string>
#include <string_view>

namespace prevent {

enum class RemoteKind { path, file, ssh };

struct RemoteUrl {
  RemoteKind kind = RemoteKind::path;
  std::string url;   // as given
  std::string user;  // ssh: from the URL, or "git" when it names none
  std::string host;  // ssh: a name or an address (an IPv6 one without its brackets)
  int port = 22;     // ssh
  std::string path;  // the path (on the server, for ssh)
};

// `url` parsed, or Failure(Exit::usage) naming what is refused and why.
RemoteUrl check_remote_url(std::string_view url);

}  // namespace prevent

#include "remote_url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "failure.hpp"
#include "text.hpp"

namespace prevent {

namespace remote_url_detail {

[[noreturn]] void refuse_url(std::string_view url, std::string_view why) {
  // The address is not repeated: it may hold a password.
  (void)url;
  fail(Exit::usage, fmt::format("remote URL refused: {}", why),
       "prevent syncs with a path, file:///path, ssh://user@host[:port]/path or user@host:path (docs/ssh.md)");
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

// A user or host name: [A-Za-z0-9._-]+, not beginning with '-' (which ssh
// and other programs would read as an option).
void check_name(std::string_view url, std::string_view what, std::string_view name) {
  if (name.empty()) refuse_url(url, fmt::format("no {}", what));
  if (name.front() == '-') refuse_url(url, fmt::format("the {} begins with '-'", what));
  if (!std::all_of(name.begin(), name.end(), name_char))
    refuse_url(url, fmt::format("the {} has a character other than letters, digits, '.', '_' and '-'", what));
}

// [user@]host, the user defaulting to "git".
void split_user_host(std::string_view url, std::string_view user_host, RemoteUrl& out) {
  out.user = "git";
  if (auto at = user_host.rfind('@'); at != std::string_view::npos) {
    std::string_view user = user_host.substr(0, at);
    if (user.find(':') != std::string_view::npos) refuse_url(url, "a password in the URL");
    check_name(url, "user", user);
    out.user = user;
    user_host.remove_prefix(at + 1);
  }
  out.host = user_host;
}

}  // namespace remote_url_detail

RemoteUrl check_remote_url(std::string_view url) {
  using namespace remote_url_detail;
  RemoteUrl out;
  out.url = url;
  if (url.empty()) refuse_url(url, "it is empty");
  for (char c : url)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) refuse_url(url, "it has a control character");

  size_t slash = url.find('/');
  std::string_view head = url.substr(0, slash);  // before the first '/'
  if (auto helper = head.find("::"); helper != std::string_view::npos)
    refuse_url(url, fmt::format("the remote helper '{}::' runs a program", head.substr(0, helper)));

  if (auto scheme_end = url.find("://"); scheme_end != std::string_view::npos && scheme_end < slash) {
    std::string_view scheme = url.substr(0, scheme_end);
    std::string_view rest = url.substr(scheme_end + 3);
    if (scheme == "file") {
      if (rest.empty() || rest.front() != '/') refuse_url(url, "a file:// URL needs an absolute path (file:///path)");
      out.kind = RemoteKind::file;
      out.path = rest;
      return out;
    }
    if (scheme == "http" || scheme == "https")
      refuse_url(url, fmt::format("{}:// is not supported (prevent never prompts for a password): use the "
                                  "server's SSH address",
                                  scheme));
    if (scheme != "ssh") refuse_url(url, fmt::format("the scheme '{}://' is not supported", scheme));
    out.kind = RemoteKind::ssh;
    size_t path_at = rest.find('/');
    if (path_at == std::string_view::npos || path_at + 1 >= rest.size()) refuse_url(url, "no path on the server");
    std::string_view authority = rest.substr(0, path_at);
    out.path = rest.substr(path_at);
    split_user_host(url, authority, out);
    std::string_view host_port = out.host;
    std::string_view port;
    if (!host_port.empty() && host_port.front() == '[') {
      auto close = host_port.find(']');
      if (close == std::string_view::npos) refuse_url(url, "an unclosed '[' in the host");
      std::string_view v6 = host_port.substr(1, close - 1);
      if (v6.empty() || !std::all_of(v6.begin(), v6.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
          }))
        refuse_url(url, "the host in brackets is not an IPv6 address");
      std::string_view after = host_port.substr(close + 1);
      if (!after.empty() && after.front() != ':') refuse_url(url, "text after the ']' of the host");
      if (!after.empty()) port = after.substr(1);
      out.host = std::string(v6);
    } else {
      if (auto colon = host_port.find(':'); colon != std::string_view::npos) {
        port = host_port.substr(colon + 1);
        host_port = host_port.substr(0, colon);
      }
      std::string host(host_port);
      check_name(url, "host", host);
      out.host = host;
    }
    if (!port.empty()) {
      int p = 0;
      auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
      if (ec != std::errc() || end != port.data() + port.size() || p < 1 || p > 65535)
        refuse_url(url, "the port is not a number from 1 to 65535");
      out.port = p;
    }
    return out;
  }
  // scp-like: [user@]host:path, a ':' before any '/' (git reads it as SSH too).
  if (auto colon = head.find(':'); colon != std::string_view::npos) {
    out.kind = RemoteKind::ssh;
    std::string_view user_host = url.substr(0, colon);
    out.path = url.substr(colon + 1);
    if (out.path.empty()) refuse_url(url, "no path on the server");
    split_user_host(url, user_host, out);
    std::string host = out.host;
    check_name(url, "host", host);
    return out;
  }
  out.kind = RemoteKind::path;
  out.path = url;
  return out;
}

}  // namespace prevent

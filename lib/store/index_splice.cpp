#include "index_splice.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <sstream>

#include "durable_file.hpp"
#include "failure.hpp"

namespace prevent {

namespace fs = std::filesystem;

git_index_entry index_entry_of(const struct stat& st, const git_oid& blob, const std::string& path) {
  git_index_entry e{};
  e.ctime.seconds = static_cast<int32_t>(st.st_ctim.tv_sec);
  e.ctime.nanoseconds = static_cast<uint32_t>(st.st_ctim.tv_nsec);
  e.mtime.seconds = static_cast<int32_t>(st.st_mtim.tv_sec);
  e.mtime.nanoseconds = static_cast<uint32_t>(st.st_mtim.tv_nsec);
  e.dev = static_cast<uint32_t>(st.st_dev);
  e.ino = static_cast<uint32_t>(st.st_ino);
  e.uid = st.st_uid;
  e.gid = st.st_gid;
  e.file_size = static_cast<uint32_t>(st.st_size);
  e.mode = GIT_FILEMODE_BLOB;
  e.id = blob;
  e.path = path.c_str();
  return e;
}

namespace {

void put32(std::string& out, uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
  out.append(b, 4);
}

uint32_t get32(std::string_view s, size_t at) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[at + i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

void sha1(std::string_view data, unsigned char out[20]) {
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out, &n, EVP_sha1(), nullptr) != 1 || n != 20)
    fail(Exit::store, "cannot compute the git index's checksum");
}

std::string index_entry_bytes(const IndexUpdate& u) {
  std::string e;
  put32(e, static_cast<uint32_t>(u.st.st_ctim.tv_sec));
  put32(e, static_cast<uint32_t>(u.st.st_ctim.tv_nsec));
  put32(e, static_cast<uint32_t>(u.st.st_mtim.tv_sec));
  put32(e, static_cast<uint32_t>(u.st.st_mtim.tv_nsec));
  put32(e, static_cast<uint32_t>(u.st.st_dev));
  put32(e, static_cast<uint32_t>(u.st.st_ino));
  put32(e, GIT_FILEMODE_BLOB);
  put32(e, u.st.st_uid);
  put32(e, u.st.st_gid);
  put32(e, static_cast<uint32_t>(u.st.st_size));
  e.append(reinterpret_cast<const char*>(u.blob.id), GIT_OID_RAWSZ);
  const uint16_t flags = static_cast<uint16_t>(std::min<size_t>(u.path.size(), 0xFFF));
  e += static_cast<char>(flags >> 8);
  e += static_cast<char>(flags & 0xFF);
  e += u.path;
  // NUL-padded to a multiple of 8 bytes, at least one NUL.
  e.append(8 - (e.size() % 8), '\0');
  return e;
}

// The cache tree (TREE extension) with every directory on the way to a
// changed path marked invalid (entry count -1, no tree id), as git and
// libgit2 do when an entry changes. nullopt when it does not parse.
std::optional<std::string> invalidated_tree_cache(std::string_view data, const std::vector<IndexUpdate>& updates) {
  std::string out;
  size_t pos = 0;
  auto touches = [&](const std::string& dir) {
    if (dir.empty()) return true;
    for (const auto& u : updates)
      if (u.path.size() > dir.size() && u.path.compare(0, dir.size(), dir) == 0 && u.path[dir.size()] == '/')
        return true;
    return false;
  };
  std::function<bool(const std::string&)> node = [&](const std::string& parent) -> bool {
    size_t nul = data.find('\0', pos);
    if (nul == std::string_view::npos) return false;
    std::string name(data.substr(pos, nul - pos));
    size_t nl = data.find('\n', nul + 1);
    if (nl == std::string_view::npos) return false;
    std::string counts(data.substr(nul + 1, nl - nul - 1));
    pos = nl + 1;
    long entries = 0, subtrees = 0;
    {
      std::istringstream cs(counts);
      if (!(cs >> entries >> subtrees) || subtrees < 0 || entries < -1) return false;
    }
    std::string dir = parent.empty() ? name : parent + "/" + name;
    std::string_view id;
    if (entries >= 0) {
      if (pos + GIT_OID_RAWSZ > data.size()) return false;
      id = data.substr(pos, GIT_OID_RAWSZ);
      pos += GIT_OID_RAWSZ;
    }
    out += name;
    out += '\0';
    if (touches(dir)) {
      out += fmt::format("-1 {}\n", subtrees);
    } else {
      out += counts;
      out += '\n';
      out += id;
    }
    for (long i = 0; i < subtrees; ++i)
      if (!node(dir)) return false;
    return true;
  };
  if (!data.empty() && (!node("") || pos != data.size())) return std::nullopt;
  return out;
}

}  // namespace

std::optional<std::string> spliced_index(std::string_view old, const std::vector<IndexUpdate>& updates) {
  if (old.size() < 12 + 20 || old.substr(0, 4) != "DIRC") return std::nullopt;
  const uint32_t version = get32(old, 4);
  if (version != 2 && version != 3) return std::nullopt;
  const uint32_t count = get32(old, 8);
  const size_t body_end = old.size() - 20;
  {
    unsigned char sum[20];
    sha1(old.substr(0, body_end), sum);
    if (std::memcmp(sum, old.data() + body_end, 20) != 0) return std::nullopt;
  }
  std::string out;
  out.reserve(old.size() + updates.size() * 96);
  out.append(old.substr(0, 12));
  size_t pos = 12, u = 0;
  uint32_t written = 0;
  for (uint32_t i = 0; i < count; ++i) {
    if (pos + 62 > body_end) return std::nullopt;
    const uint16_t flags = static_cast<uint16_t>(static_cast<unsigned char>(old[pos + 60]) << 8 |
                                                 static_cast<unsigned char>(old[pos + 61]));
    size_t name_at = pos + 62;
    if (flags & 0x4000) {
      if (version < 3) return std::nullopt;
      name_at += 2;
    }
    size_t nul = old.find('\0', name_at);
    if (nul == std::string_view::npos || nul >= body_end) return std::nullopt;
    std::string_view name = old.substr(name_at, nul - name_at);
    const size_t len = ((name_at - pos) + name.size() + 8) & ~size_t(7);
    if (pos + len > body_end) return std::nullopt;
    while (u < updates.size() && std::string_view(updates[u].path) < name) {
      out += index_entry_bytes(updates[u++]);
      ++written;
    }
    if (u < updates.size() && std::string_view(updates[u].path) == name) {
      if ((flags >> 12) & 3) return std::nullopt;  // a conflict: libgit2's business
      out += index_entry_bytes(updates[u++]);
      ++written;
    } else if (u > 0 && std::string_view(updates[u - 1].path) == name) {
      return std::nullopt;  // a further stage of a path just written
    } else {
      out.append(old.substr(pos, len));
      ++written;
    }
    pos += len;
  }
  while (u < updates.size()) {
    out += index_entry_bytes(updates[u++]);
    ++written;
  }
  // Extensions: the cache tree is invalidated, resolve-undo kept as it is.
  while (pos < body_end) {
    if (pos + 8 > body_end) return std::nullopt;
    std::string_view sig = old.substr(pos, 4);
    const uint32_t size = get32(old, pos + 4);
    if (pos + 8 + size > body_end) return std::nullopt;
    std::string_view data = old.substr(pos + 8, size);
    if (sig == "TREE") {
      auto tree = invalidated_tree_cache(data, updates);
      if (!tree) return std::nullopt;
      out += "TREE";
      put32(out, static_cast<uint32_t>(tree->size()));
      out += *tree;
    } else if (sig == "REUC") {
      out.append(old.substr(pos, 8 + size));
    } else {
      return std::nullopt;
    }
    pos += 8 + size;
  }
  std::string n;
  put32(n, written);
  out.replace(8, 4, n);
  unsigned char sum[20];
  sha1(out, sum);
  out.append(reinterpret_cast<const char*>(sum), 20);
  return out;
}

bool update_index_in_place(const fs::path& gitdir, std::vector<IndexUpdate> updates) {
  std::sort(updates.begin(), updates.end(), [](const IndexUpdate& a, const IndexUpdate& b) { return a.path < b.path; });
  for (size_t i = 1; i < updates.size(); ++i)
    if (updates[i].path == updates[i - 1].path) return false;
  const fs::path index = gitdir / "index";
  std::string old;
  {
    int fd = ::open(index.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return false;
    }
    old.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < old.size()) {
      ssize_t n = ::read(fd, old.data() + done, old.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
    if (done != old.size()) return false;
  }
  auto bytes = spliced_index(old, updates);
  if (!bytes) return false;
  // As git and libgit2 write it: an exclusive index.lock, renamed over.
  const fs::path lock = gitdir / "index.lock";
  int fd = ::open(lock.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    fail(Exit::store, fmt::format("cannot write the git index: {} ({})", std::strerror(errno), lock.string()));
  size_t done = 0;
  bool ok = true;
  while (ok && done < bytes->size()) {
    ssize_t n = ::write(fd, bytes->data() + done, bytes->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    else done += static_cast<size_t>(n);
  }
  if (!ok || ::fsync(fd) != 0) ok = false;
  if (::close(fd) != 0) ok = false;
  if (ok && ::rename(lock.c_str(), index.c_str()) != 0) ok = false;
  if (!ok) {
    int err = errno;
    ::unlink(lock.c_str());
    fail(Exit::store, fmt::format("cannot write the git index: {}", std::strerror(err)));
  }
  fsync_directory(gitdir);
  return true;
}

}  // namespace prevent

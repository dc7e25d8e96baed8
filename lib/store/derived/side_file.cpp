#include "side_file.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "failure.hpp"
#include "git_repo.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMagicSize = 8;
constexpr size_t kSideHeaderSize = kMagicSize + 4;

uint32_t read_le32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
void append_le32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool has_header(std::string_view bytes, std::string_view magic, uint32_t version) {
  return magic.size() == kMagicSize && bytes.size() >= kSideHeaderSize && bytes.substr(0, kMagicSize) == magic &&
         read_le32(bytes.data() + kMagicSize) == version;
}

}  // namespace

namespace {

constexpr size_t kKeySize = 32;
using MacKey = std::array<unsigned char, kKeySize>;

// Random bytes from the kernel; false when there are none to be had.
bool random_bytes(unsigned char* out, size_t n) {
  while (n > 0) {
    const ssize_t got = ::getrandom(out, n, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

// The key file when it is this user's own regular file of 32 bytes that no
// one else may read or write; false otherwise.
bool read_key(const fs::path& path, MacKey& key) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  struct stat st {};
  const bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
                  (st.st_mode & 077) == 0 && st.st_size == static_cast<off_t>(kKeySize) &&
                  ::read(fd, key.data(), kKeySize) == static_cast<ssize_t>(kKeySize);
  ::close(fd);
  return ok;
}

// The user's key: read, or made on first use (written whole to a temporary
// file, then linked to its name, so that two runs making it at once agree
// on the one that got there first). Any failure: a key for this run alone.
MacKey load_key() {
  MacKey key{};
  const bool have_random = random_bytes(key.data(), kKeySize);
  const fs::path path = side_file_key_path();
  if (path.empty()) return key;
  MacKey kept{};
  if (read_key(path, kept)) return kept;
  if (!have_random) return key;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return key;
  const bool written = ::write(fd, key.data(), kKeySize) == static_cast<ssize_t>(kKeySize) && ::fsync(fd) == 0;
  ::close(fd);
  const bool linked = written && ::link(tmp.c_str(), path.c_str()) == 0;
  ::unlink(tmp.c_str());
  if (linked) return key;
  if (read_key(path, kept)) return kept;  // another run made it first
  return key;
}

// HMAC-SHA-256 under the user's key, set up once per run; each tag starts
// from a copy of it.
class Mac {
 public:
  Mac() {
    const MacKey key = load_key();
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!mac) return;
    base_ = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end()};
    if (base_ && EVP_MAC_init(base_, key.data(), key.size(), params) != 1) {
      EVP_MAC_CTX_free(base_);
      base_ = nullptr;
    }
  }
  ~Mac() { EVP_MAC_CTX_free(base_); }
  Mac(const Mac&) = delete;
  Mac& operator=(const Mac&) = delete;

  // False when OpenSSL fails (then no tag is given).
  bool tag(std::string_view bytes, uint64_t seed, unsigned char out[32]) const {
    if (!base_) return false;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(base_);
    if (!ctx) return false;
    unsigned char s[8];
    for (int i = 0; i < 8; ++i) s[i] = static_cast<unsigned char>(seed >> (8 * i));
    size_t len = 0;
    const bool ok = EVP_MAC_update(ctx, s, sizeof s) == 1 &&
                    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) == 1 &&
                    EVP_MAC_final(ctx, out, &len, 32) == 1 && len == 32;
    EVP_MAC_CTX_free(ctx);
    return ok;
  }

 private:
  EVP_MAC_CTX* base_ = nullptr;
};

}  // namespace

fs::path side_file_key_path() {
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x == '/')
    return fs::path(x) / "prevent" / "side-file-key";
  if (const char* h = std::getenv("HOME"); h && *h == '/')
    return fs::path(h) / ".local" / "state" / "prevent" / "side-file-key";
  return {};
}

void side_file_mac(std::string_view bytes, uint64_t seed, unsigned char* out, size_t n) {
  static const Mac mac;
  unsigned char full[32];
  // Should OpenSSL fail, a tag no file can match: nothing is trusted.
  if (!mac.tag(bytes, seed, full) && !random_bytes(full, sizeof full))
    for (size_t i = 0; i < sizeof full; ++i) full[i] = static_cast<unsigned char>(i * 37 + 11) ^ 0xa5;
  std::memcpy(out, full, std::min(n, sizeof full));
}

uint64_t side_file_checksum(std::string_view bytes, uint64_t seed) {
  unsigned char t[8];
  side_file_mac(bytes, seed, t, sizeof t);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | t[i];
  return v;
}

void seal_side_file(std::string& bytes, uint64_t seed) {
  const uint64_t sum = side_file_checksum(bytes, seed);
  char tail[8];
  std::memcpy(tail, &sum, 8);
  bytes.append(tail, 8);
}

std::optional<std::string_view> unsealed_side_file(std::string_view file, std::string_view magic, uint32_t version,
                                                   size_t min_size, uint64_t seed) {
  if (file.size() < std::max(min_size, kSideHeaderSize) + 8) return std::nullopt;
  const std::string_view body = file.substr(0, file.size() - 8);
  uint64_t sum = 0;
  std::memcpy(&sum, file.data() + body.size(), 8);
  if (sum != side_file_checksum(body, seed)) return std::nullopt;
  if (!has_header(body, magic, version)) return std::nullopt;
  return body;
}

bool append_side_record(const fs::path& path, std::string_view magic, uint32_t version, std::string_view record,
                        size_t max_bytes, uint64_t seed) {
  if (magic.size() != kMagicSize) return false;
  const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) > max_bytes) return false;
  std::string out;
  bool fresh = st.st_size == 0;
  if (!fresh) {
    char head[kSideHeaderSize];
    if (::pread(fd, head, kSideHeaderSize, 0) != static_cast<ssize_t>(kSideHeaderSize) ||
        !has_header(std::string_view(head, kSideHeaderSize), magic, version)) {
      // Another version's file, or garbage: started again.
      if (::ftruncate(fd, 0) != 0) return false;
      fresh = true;
    }
  }
  if (fresh) {
    out.append(magic);
    append_le32(out, version);
  }
  append_le32(out, static_cast<uint32_t>(record.size()));
  out.append(record);
  const uint64_t sum = side_file_checksum(record, seed);
  char tail[8];
  std::memcpy(tail, &sum, 8);
  out.append(tail, 8);
  // One write: a write stopped half way leaves a record that does not
  // match its checksum, and readers stop there.
  const char* p = out.data();
  size_t left = out.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

std::optional<std::vector<std::string_view>> side_records(std::string_view file, std::string_view magic,
                                                          uint32_t version, uint64_t seed) {
  if (!has_header(file, magic, version)) return std::nullopt;
  std::vector<std::string_view> records;
  for (size_t pos = kSideHeaderSize; pos < file.size();) {
    if (file.size() - pos < 4) break;
    const size_t len = read_le32(file.data() + pos);
    if (file.size() - pos - 4 < len || file.size() - pos - 4 - len < 8) break;
    const std::string_view body = file.substr(pos + 4, len);
    uint64_t sum = 0;
    std::memcpy(&sum, file.data() + pos + 4 + len, 8);
    if (sum != side_file_checksum(body, seed)) break;  // damaged or cut short: nothing past it is used
    records.push_back(body);
    pos += 4 + len + 8;
  }
  return records;
}

std::string read_side_file(const fs::path& path, size_t limit) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const auto size = static_cast<std::streamoff>(in.tellg());
  if (size <= 0 || static_cast<uint64_t>(size) > limit) return {};
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return {};
  return bytes;
}

bool write_side_file(const fs::path& path, std::string_view bytes) {
  try {
    make_private_dirs(path.parent_path());
    write_file_atomically(path, bytes, Durability::later);
    return true;
  } catch (const Failure&) {
    return false;
  }
}

}  // namespace prevent

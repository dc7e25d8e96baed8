#include "side_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "failure.hpp"
#include "git_repo.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMagicSize = 8;
constexpr size_t kHeaderSize = kMagicSize + 4;

uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool has_header(std::string_view bytes, std::string_view magic, uint32_t version) {
  return magic.size() == kMagicSize && bytes.size() >= kHeaderSize && bytes.substr(0, kMagicSize) == magic &&
         get_u32(bytes.data() + kMagicSize) == version;
}

}  // namespace

uint64_t side_file_checksum(std::string_view bytes, uint64_t seed) {
  constexpr uint64_t k1 = 0x9e3779b97f4a7c15ULL, k2 = 0xc2b2ae3d27d4eb4fULL, k3 = 0x165667b19e3779f9ULL;
  auto rotl = [](uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  uint64_t a = k3 ^ bytes.size(), b = k1 ^ seed;
  size_t i = 0;
  const char* p = bytes.data();
  for (; i + 16 <= bytes.size(); i += 16) {
    uint64_t x, y;
    std::memcpy(&x, p + i, 8);
    std::memcpy(&y, p + i + 8, 8);
    a = rotl(a ^ (x * k2), 31) * k1;
    b = rotl(b ^ (y * k2), 29) * k3;
  }
  for (; i < bytes.size(); ++i) a = rotl(a ^ (static_cast<unsigned char>(p[i]) * k2), 23) * k1;
  uint64_t h = a ^ rotl(b, 32);
  h ^= h >> 33;
  h *= k2;
  h ^= h >> 29;
  h *= k3;
  h ^= h >> 32;
  return h;
}

void seal_side_file(std::string& bytes, uint64_t seed) {
  const uint64_t sum = side_file_checksum(bytes, seed);
  char tail[8];
  std::memcpy(tail, &sum, 8);
  bytes.append(tail, 8);
}

std::optional<std::string_view> unsealed_side_file(std::string_view file, std::string_view magic, uint32_t version,
                                                   size_t min_size, uint64_t seed) {
  if (file.size() < std::max(min_size, kHeaderSize) + 8) return std::nullopt;
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
    char head[kHeaderSize];
    if (::pread(fd, head, kHeaderSize, 0) != static_cast<ssize_t>(kHeaderSize) ||
        !has_header(std::string_view(head, kHeaderSize), magic, version)) {
      // Another version's file, or garbage: started again.
      if (::ftruncate(fd, 0) != 0) return false;
      fresh = true;
    }
  }
  if (fresh) {
    out.append(magic);
    put_u32(out, version);
  }
  put_u32(out, static_cast<uint32_t>(record.size()));
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
  for (size_t pos = kHeaderSize; pos < file.size();) {
    if (file.size() - pos < 4) break;
    const size_t len = get_u32(file.data() + pos);
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

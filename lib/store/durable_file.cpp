#include "durable_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "failure.hpp"

namespace prevent {

namespace fs = std::filesystem;

void fsync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    fail(Exit::store, fmt::format("cannot save the directory {}: {}", dir.string(), std::strerror(err)));
  }
  ::close(fd);
}

std::string read_whole_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void make_private_dirs(const fs::path& dir) {
  if (dir.empty() || fs::is_directory(dir)) return;
  make_private_dirs(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    fail(Exit::store, fmt::format("cannot create directory {}: {}", dir.string(), std::strerror(errno)));
  ::chmod(dir.c_str(), 0700);
}

void sync_filesystem(const fs::path& any_path) {
  int fd = ::open(any_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(Exit::store, fmt::format("cannot save the files under {}: {}", any_path.string(), std::strerror(errno)));
  if (::syncfs(fd) != 0) {
    const int err = errno;
    ::close(fd);
    fail(Exit::store, fmt::format("cannot save the files under {}: {}", any_path.string(), std::strerror(err)));
  }
  ::close(fd);
}

std::optional<long> temp_file_owner(std::string_view name) {
  const size_t tmp = name.rfind(".tmp-");
  if (name.size() < 2 || name[0] != '.' || tmp == std::string_view::npos || tmp < 2) return std::nullopt;
  const std::string_view digits = name.substr(tmp + 5);
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  long pid = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

bool process_is_gone(long pid) { return pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH); }

void write_file_atomically(const fs::path& path, std::string_view content, Durability durability) {
  make_private_dirs(path.parent_path());
  fs::path tmp = path.parent_path() / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail(Exit::store, fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  ::fchmod(fd, 0600);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail(Exit::store, fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  if ((durability == Durability::now && ::fsync(fd) != 0) || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    fail(Exit::store, fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail(Exit::store, fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
  }
  if (durability == Durability::now) fsync_directory(path.parent_path());
}

}  // namespace prevent

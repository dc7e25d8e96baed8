// Whether a path read from outside the program (a remote's tree, the
// journal of an interrupted write) may be written into the work tree:
// relative, each part a plain name, none `.`, `..` or `.git` (in any case,
// or with the dots and spaces a file system may drop), no backslash. git
// accepts trees with `.git` and `..` entries (`git mktree` makes them);
// written as they stand they would reach outside the records.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace prevent {

inline bool is_safe_work_tree_path(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string_view::npos) return false;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    std::string_view part = path.substr(start, end - start);
    while (!part.empty() && (part.back() == '.' || part.back() == ' ')) part.remove_suffix(1);
    std::string lower;
    for (unsigned char ch : part) lower += static_cast<char>(std::tolower(ch));
    if (lower.empty() || lower == ".git" || lower == "git~1") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace prevent

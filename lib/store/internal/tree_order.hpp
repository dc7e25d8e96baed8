// Git's order of the entries of a tree, the one order every walk of two
// trees side by side must follow (the record cache's year directories, the
// log index's raw tree diff, the history's tree diff), and what those two
// diffs take as one entry rather than a directory to descend into.
#pragma once

#include <algorithm>
#include <cstring>
#include <string_view>

namespace prevent {

// <0, 0 or >0 as entry `a` comes before, with or after entry `b`: names
// compare byte by byte, a directory's name as if it ended in '/' (so
// "2026" the directory comes after "2026.yaml" and before "20260").
// Inline: the log index's tree diff calls it once per entry of every
// directory version it reads.
inline int git_tree_order(std::string_view a, bool a_is_tree, std::string_view b, bool b_is_tree) {
  const size_t n = std::min(a.size(), b.size());
  if (n > 0)
    if (int c = std::memcmp(a.data(), b.data(), n); c != 0) return c;
  const int x = n < a.size() ? static_cast<unsigned char>(a[n]) : a_is_tree ? '/' : '\0';
  const int y = n < b.size() ? static_cast<unsigned char>(b[n]) : b_is_tree ? '/' : '\0';
  return x - y;
}

// A submodule, or a directory named like a record file (`PRV-2026-0003.yaml/`):
// it stands where a record should be, so both tree diffs take it as a change
// of that path (an unreadable version), never hide it or descend into it.
inline bool stands_for_a_record(std::string_view name, bool is_tree, bool is_submodule) {
  return is_submodule || (is_tree && name.size() > 5 && name.substr(name.size() - 5) == ".yaml");
}

}  // namespace prevent

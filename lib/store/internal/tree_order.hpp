// Git's order of the entries of a tree, the one order every walk of two
// trees side by side must follow (the record cache's year directories, the
// log index's raw tree diff, the history's tree diff).
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

}  // namespace prevent

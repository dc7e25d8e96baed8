#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store.hpp"
#include "tree_order.hpp"

using namespace prevent;

TEST_CASE("git's tree order: a directory's name compares as if it ended in '/'") {
  CHECK(git_tree_order("2026", true, "2026", true) == 0);
  CHECK(git_tree_order("a", false, "a", false) == 0);
  CHECK(git_tree_order("2025", true, "2026", true) < 0);
  // '.' (0x2e) < '/' (0x2f) < '0' (0x30): the directory "2026" sits between.
  CHECK(git_tree_order("2026.yaml", false, "2026", true) < 0);
  CHECK(git_tree_order("2026", true, "20260", true) < 0);
  CHECK(git_tree_order("2026", true, "2026-x", false) > 0);
  // A file named like a directory sorts before it ('\0' < '/').
  CHECK(git_tree_order("2026", false, "2026", true) < 0);
  CHECK(git_tree_order("2026", true, "2026", false) > 0);
  // Bytes compare unsigned.
  CHECK(git_tree_order("\xc3\xa9", false, "z", false) > 0);
  CHECK(git_tree_order("", true, "a", false) < 0);

  // Sorting directory names by it gives git's order of a `cases` tree.
  std::vector<std::string> years{"20260", "2026", "2026-old", "2025", "2026.d"};
  std::sort(years.begin(), years.end(),
            [](const std::string& a, const std::string& b) { return git_tree_order(a, true, b, true) < 0; });
  CHECK(years == std::vector<std::string>{"2025", "2026-old", "2026.d", "2026", "20260"});
}

TEST_CASE("is a case record: NAME.yaml in one directory under cases/") {
  CHECK(is_case_record_name("PRV-2026-0001.yaml"));
  CHECK(is_case_record_name("x.yaml"));  // listed, then reported if it does not read
  CHECK_FALSE(is_case_record_name(".yaml"));
  CHECK_FALSE(is_case_record_name("PRV-2026-0001.yml"));
  CHECK_FALSE(is_case_record_name("PRV-2026-0001.yaml.tmp"));
  CHECK_FALSE(is_case_record_name(""));

  CHECK(is_case_record_path("cases/2026/PRV-2026-0001.yaml"));
  CHECK(is_case_record_path("cases/x/y.yaml"));
  CHECK_FALSE(is_case_record_path("cases/PRV-2026-0001.yaml"));
  CHECK_FALSE(is_case_record_path("cases//PRV-2026-0001.yaml"));
  CHECK_FALSE(is_case_record_path("cases/2026/sub/PRV-2026-0001.yaml"));
  CHECK_FALSE(is_case_record_path("cases/2026/.yaml"));
  CHECK_FALSE(is_case_record_path("panels/2026-11-02.yaml"));
  CHECK_FALSE(is_case_record_path("xcases/2026/PRV-2026-0001.yaml"));
  CHECK_FALSE(is_case_record_path("cases/2026/"));
}

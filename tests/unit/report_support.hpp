// Helpers shared by the unit tests of the report and its disclosure control.
#pragma once

#include <doctest/doctest.h>

#include <string_view>

#include "report.hpp"

namespace prevent::test {

// The cell `key` of the report's table `path`; the test fails without it.
inline const ReportCell& report_cell(const Report& r, std::string_view path, std::string_view key) {
  const ReportTable* t = r.table(path);
  REQUIRE(t != nullptr);
  for (const auto& c : t->cells)
    if (c.key == key) return c;
  FAIL("no cell " << key << " in " << path);
  throw 0;
}

}  // namespace prevent::test

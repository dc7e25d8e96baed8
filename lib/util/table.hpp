// Tabular output shared by `list`, `review due` and the like: one value,
// rendered as an aligned table, CSV (RFC 4180), JSON (an array of objects)
// or YAML, so the formats cannot disagree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "csv.hpp"

namespace prevent {

enum class Format { table, csv, json, yaml };

struct Column {
  std::string name;  // header in CSV and table, key in JSON and YAML
  CellKind kind = CellKind::text;
};

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt: no value
};

std::string render(const Table& table, Format format);

}  // namespace prevent

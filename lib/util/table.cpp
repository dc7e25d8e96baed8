#include "table.hpp"

#include <nlohmann/json.hpp>

#include "text.hpp"
#include "yaml_doc.hpp"

namespace prevent {

namespace {

size_t display_width(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++w;
  return w;
}

std::string render_text(const Table& t) {
  constexpr std::string_view kNone = "-";
  // One row per line: a line break or tab in a value is escaped.
  std::vector<std::vector<std::string>> cells;
  cells.reserve(t.rows.size());
  for (const auto& row : t.rows) {
    auto& r = cells.emplace_back();
    r.reserve(row.size());
    for (const auto& cell : row) r.push_back(cell ? terminal_safe(*cell) : std::string(kNone));
  }
  std::vector<size_t> width(t.columns.size());
  for (size_t i = 0; i < t.columns.size(); ++i) width[i] = display_width(t.columns[i].name);
  for (const auto& row : cells)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], display_width(row[i]));
  std::string out;
  size_t line_width = 1;
  for (size_t w : width) line_width += w + 2;
  out.reserve(line_width * (t.rows.size() + 1));
  auto line = [&](auto cell) {
    for (size_t i = 0; i < t.columns.size(); ++i) {
      std::string_view v = cell(i);
      out += v;
      if (i + 1 < t.columns.size()) out.append(width[i] - display_width(v) + 2, ' ');
    }
    out += '\n';
  };
  line([&](size_t i) { return std::string_view(t.columns[i].name); });
  for (const auto& row : cells) line([&](size_t i) { return std::string_view(row[i]); });
  return out;
}

std::string render_csv(const Table& t) {
  std::string out;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (i) out += ',';
    out += csv_cell(t.columns[i].name, CellKind::text);
  }
  out += "\r\n";
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      if (row[i]) out += csv_cell(*row[i], t.columns[i].kind);
    }
    out += "\r\n";
  }
  return out;
}

std::string render_json(const Table& t) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& row : t.rows) {
    nlohmann::ordered_json obj = nlohmann::ordered_json::object();
    for (size_t i = 0; i < row.size(); ++i) {
      const auto& col = t.columns[i];
      if (!row[i])
        obj[col.name] = nullptr;
      else if (col.kind == CellKind::number)
        obj[col.name] = std::stoll(*row[i]);
      else
        obj[col.name] = *row[i];
    }
    arr.push_back(std::move(obj));
  }
  // Invalid UTF-8 cannot reach here (every record is checked on reading);
  // replace rather than throw if it ever did.
  return arr.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string render_yaml(const Table& t) {
  if (t.rows.empty()) return "[]\n";
  YNode root = YNode::map();
  YNode seq = YNode::seq();
  for (const auto& row : t.rows) {
    YNode m = YNode::map();
    for (size_t i = 0; i < row.size(); ++i) {
      const auto& col = t.columns[i];
      if (!row[i])
        m.add(col.name, YNode::null_node());
      else
        m.add(col.name, col.kind == CellKind::text ? YNode::text(*row[i]) : YNode::plain(*row[i]));
    }
    seq.push(std::move(m));
  }
  root.add("-", std::move(seq));
  // A top-level list: emit it as the value of a key, then drop the key line
  // and the indent it added.
  std::string text = emit_yaml(root);
  std::string out;
  size_t pos = text.find('\n') + 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    out += (line.size() >= 2 ? line.substr(2) : line) + "\n";
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::string render(const Table& t, Format f) {
  switch (f) {
    case Format::table: return render_text(t);
    case Format::csv: return render_csv(t);
    case Format::json: return render_json(t);
    case Format::yaml: return render_yaml(t);
  }
  return {};
}

}  // namespace prevent

#include "release_register.hpp"

#include <fmt/format.h>

#include <charconv>
#include <map>

#include "failure.hpp"
#include "yaml_doc.hpp"

namespace prevent {

namespace {

constexpr std::string_view kHidden = "[c]";
constexpr std::string_view kHiddenPrimary = "[c] primary";
constexpr size_t kMaxCells = 20000;

[[noreturn]] void damaged(const std::string& where, int line, std::string_view what) {
  fail(Exit::store, fmt::format("release register damaged: {} ({} line {})", what, where, line),
       "only prevent writes releases/: restore it from history (git log -- releases)");
}

const YNode& need(const YNode& map, std::string_view key, const std::string& where) {
  const YNode* n = map.find(key);
  if (!n) damaged(where, map.line, fmt::format("no {}", key));
  return *n;
}

long number(const YNode& n, const std::string& where, long max) {
  long v = -1;
  if (n.is_scalar() && !n.quoted) {
    auto [end, ec] = std::from_chars(n.value.data(), n.value.data() + n.value.size(), v);
    if (ec != std::errc{} || end != n.value.data() + n.value.size()) v = -1;
  }
  if (v < 0 || v > max) damaged(where, n.line, "a number out of place");
  return v;
}

Date date(const YNode& n, const std::string& where) {
  auto d = n.is_scalar() ? Date::parse(n.value) : std::nullopt;
  if (!d) damaged(where, n.line, "a date out of place");
  return *d;
}

bool plain_name(std::string_view s) {
  if (s.empty() || s.size() > 80) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

}  // namespace

std::string release_path(int number) { return fmt::format("releases/{:04}.yaml", number); }

std::string write_release(const Release& r) {
  YNode root = YNode::map();
  root.add("release", YNode::plain(std::to_string(r.number)));
  if (!r.request.empty()) root.add("request", YNode::text(r.request));
  YNode period = YNode::map();
  period.add("from", YNode::plain(r.from.str()));
  period.add("to", YNode::plain(r.to.str()));
  root.add("period", std::move(period));
  root.add("as_of", YNode::plain(r.as_of.str()));
  root.add("threshold", YNode::plain(std::to_string(r.threshold)));
  YNode tables = YNode::map();
  std::string current;
  YNode* table = nullptr;
  for (const auto& c : r.cells) {
    if (!table || c.path != current) {
      current = c.path;
      table = &tables.add(c.path, YNode::map());
    }
    if (c.shown)
      table->add(c.key, YNode::plain(std::to_string(*c.shown)));
    else
      table->add(c.key, YNode::text(std::string(c.primary ? kHiddenPrimary : kHidden)));
  }
  root.add("cells", std::move(tables));
  return emit_yaml(root);
}

Release read_release(std::string_view text, const std::string& where) {
  YNode root = parse_yaml(text, where);
  if (!root.is_map()) damaged(where, root.line, "not a release");
  Release r;
  r.number = static_cast<int>(number(need(root, "release", where), where, kMaxReleases));
  if (const YNode* q = root.find("request")) {
    if (!q->is_scalar() || !is_request_reference(q->value)) damaged(where, q->line, "a request reference out of place");
    r.request = q->value;
  }
  const YNode& period = need(root, "period", where);
  if (!period.is_map()) damaged(where, period.line, "a period out of place");
  r.from = date(need(period, "from", where), where);
  r.to = date(need(period, "to", where), where);
  r.as_of = date(need(root, "as_of", where), where);
  if (r.to < r.from) damaged(where, period.line, "a period that ends before it starts");
  r.threshold = static_cast<int>(number(need(root, "threshold", where), where, 1000));
  if (r.threshold < 2) damaged(where, root.line, "a threshold below 2");
  const YNode& cells = need(root, "cells", where);
  if (!cells.is_map()) damaged(where, cells.line, "cells out of place");
  for (const auto& [path, table] : cells.entries) {
    if (!plain_name(path) || !table.is_map()) damaged(where, table.line, "a table out of place");
    for (const auto& [key, v] : table.entries) {
      if (!plain_name(key)) damaged(where, v.line, "a cell name out of place");
      ReleasedCell c{path, key, std::nullopt, false};
      if (v.is_scalar() && v.quoted && v.value == kHidden) {
      } else if (v.is_scalar() && v.quoted && v.value == kHiddenPrimary) {
        c.primary = true;
      } else {
        c.shown = number(v, where, 1'000'000'000);
      }
      r.cells.push_back(std::move(c));
      if (r.cells.size() > kMaxCells) damaged(where, v.line, "more cells than any report has");
    }
  }
  return r;
}

}  // namespace prevent

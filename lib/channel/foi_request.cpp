#include "foi_request.hpp"

#include <fmt/format.h>

#include "failure.hpp"
#include "schema.hpp"
#include "yaml_doc.hpp"

namespace prevent {

bool is_request_reference(std::string_view ref) {
  if (ref.empty() || ref.size() > 40) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(ref.front())) return false;
  for (char c : ref)
    if (!alnum(c) && c != '-' && c != '_' && c != '/' && c != '.') return false;
  return true;
}

Date foi_due_date(Date received, const HolidayCalendar& calendar) {
  // add_working_days counts from the day after `received`, skipping days
  // off: day 1 is the first working day following receipt.
  return add_working_days(received, kFoiWorkingDays, calendar);
}

std::string foi_request_path(int number) { return fmt::format("foi/{:04}.yaml", number); }

std::optional<int> foi_request_number(std::string_view name) {
  if (name.size() != 9 || name.substr(4) != ".yaml") return std::nullopt;
  int n = 0;
  for (char c : name.substr(0, 4)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n < 1) return std::nullopt;
  return n;
}

std::string write_foi_request(const FoiRequest& r) {
  YNode root = YNode::map();
  root.add("request", YNode::text(r.reference));
  root.add("received", YNode::plain(r.received.str()));
  root.add("due", YNode::plain(r.due.str()));
  if (r.period) root.add("period", YNode::text(*r.period));
  if (r.closed) {
    YNode closed = YNode::map();
    closed.add("date", YNode::plain(r.closed->date.str()));
    closed.add("reason", YNode::text(std::string(key_of(r.closed->reason))));
    root.add("closed", std::move(closed));
  }
  return std::string(kFoiSchemaComment) + emit_yaml(root);
}

namespace {

Date date_at(const YNode& map, std::string_view key, const std::string& where) {
  const YNode* n = map.find(key);
  auto d = Date::parse(n->value);
  if (!d) fail(Exit::invalid_data, fmt::format("{}: {} ({}:{})", key, kDateForm, where, n->line));
  return *d;
}

}  // namespace

FoiRequest read_foi_request(std::string_view text, const std::string& where) {
  YNode root = parse_yaml(text, where);
  validate_against_schema(root, SchemaKind::foi_request, where);
  FoiRequest r;
  r.reference = root.find("request")->value;
  r.received = date_at(root, "received", where);
  r.due = date_at(root, "due", where);
  if (r.due <= r.received)
    fail(Exit::invalid_data,
         fmt::format("due: {} is not after the date received, {} ({}:{})", r.due.str(), r.received.str(), where,
                     root.find("due")->line));
  if (const YNode* p = root.find("period")) {
    if (!parse_period(p->value))
      fail(Exit::invalid_data, fmt::format("period: not a period of YYYY-MM, YYYY-Qn or FYYYYY ({}:{})", where, p->line));
    r.period = p->value;
  }
  if (const YNode* c = root.find("closed")) {
    FoiClosure closure{date_at(*c, "date", where), *key_to<FoiCloseReason>(c->find("reason")->value)};
    if (closure.date < r.received)
      fail(Exit::invalid_data,
           fmt::format("closed.date: {} is before the date received, {} ({}:{})", closure.date.str(),
                       r.received.str(), where, c->line));
    r.closed = closure;
  }
  return r;
}

}  // namespace prevent

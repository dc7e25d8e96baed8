// `prevent foi`: the FOI requests the coordinator must answer (docs/foi.md).
#include <fmt/format.h>

#include "cli.hpp"
#include "failure.hpp"
#include "foi_list.hpp"
#include "foi_requests.hpp"

namespace prevent::cli {

namespace {

// A reference is checked before anything else is read, and never echoed
// when it is not one: it could be the requester's name typed in error.
std::string reference_option(const std::string& text) {
  if (!is_request_reference(text))
    fail(Exit::invalid_data,
         "--request: expected a request reference: letters, digits and - _ / . only, up to 40 (command line)",
         "e.g. FOI-2026-0117; never the requester's name");
  return text;
}

struct NewOptions {
  std::string request, received;
  std::optional<std::string> period;
};

int run_new(const Globals& g, const NewOptions& o) {
  std::string reference = reference_option(o.request);
  Date received = option_date(o.received, "--received");
  if (o.period) option_period(*o.period, "--period");
  Date as_of = write_today(g);
  Store store = open_store(g);
  NumberedFoiRequest r = record_foi_request(store, reference, received, o.period, as_of);
  print(r.request.due.str() + "\n");
  notice(g, fmt::format("recorded FOI request {} ({}): received {}, due {} ({} working days)", reference,
                        foi_request_path(r.number), received.str(), r.request.due.str(), kFoiWorkingDays));
  return 0;
}

struct CloseOptions {
  std::string request, reason;
  std::optional<std::string> date;
};

int run_close(const Globals& g, const CloseOptions& o) {
  std::string reference = reference_option(o.request);
  FoiCloseReason reason = enum_option<FoiCloseReason>(o.reason, "--reason");
  Date as_of = write_today(g);
  Date date = option_date_or(o.date, "--date", as_of);
  Store store = open_store(g);
  NumberedFoiRequest r = close_foi_request(store, reference, date, reason, as_of);
  notice(g, fmt::format("closed FOI request {} ({}): {} on {}, due {}", reference, foi_request_path(r.number),
                        key_of(reason), date.str(), r.request.due.str()));
  return 0;
}

struct FoiListOptions {
  std::string format = "table";
};

int run_foi_list(const Globals& g, const FoiListOptions& o) {
  Date as_of = today(g);
  Store store = open_store(g);
  FoiRequests all = read_foi_requests(store);
  std::vector<FoiRequest> requests;
  for (auto& r : all.requests) requests.push_back(std::move(r.request));
  std::vector<Release> releases = requests.empty() ? std::vector<Release>{} : read_release_register(store);
  // Like `list`: what reads is printed, each file that does not is named
  // after it (exit 5).
  print(render(foi_table(foi_list(requests, releases, as_of)), list_format(o.format)));
  return report_unreadable(all.unreadable);
}

}  // namespace

void add_foi(CLI::App& app, Globals& g, Runner& action) {
  auto* foi = app.add_subcommand("foi", "FOI requests: record one, close one, list them with their deadlines");
  foi->require_subcommand(1);
  foi->footer("An FOI request is due by the 20th working day following receipt (FOI Act 2000 s.10(1)). It is "
              "answered by `prevent report --foi --request REF`, or closed without an answer by `prevent foi "
              "close`. Open requests falling due are rows of `prevent review due`. Never the requester's name: "
              "requests are known by their reference. See docs/foi.md.");

  auto n = std::make_shared<NewOptions>();
  auto* add = foi->add_subcommand("new", "record an FOI request and its statutory deadline (one commit)");
  add->add_option("--request", n->request, "the request's reference: letters, digits and - _ / . (never a name)")
      ->required();
  add->add_option("--received", n->received, "the date the request was received")->required();
  add->add_option("--period", n->period, "the period it asks about: YYYY-MM, YYYY-Qn or FYYYYY");
  add->footer("Prints the due date (the 20th working day following receipt, weekends and the store's holidays "
              "skipped). A reference recorded already is refused (exit 5).");
  add->callback([&g, &action, n] { action = [&g, n] { return run_new(g, *n); }; });

  auto c = std::make_shared<CloseOptions>();
  auto* close = foi->add_subcommand("close", "close an FOI request answered without `report --foi` (one commit)");
  close->add_option("--request", c->request, "the request's reference")->required();
  close->add_option("--date", c->date, "the date it was closed (default: today)");
  close->add_option("--reason", c->reason, "refused | withdrawn | answered-elsewhere")->required();
  close->footer("A request is closed once; one answered by a release of the register needs no closing.");
  close->callback([&g, &action, c] { action = [&g, c] { return run_close(g, *c); }; });

  auto l = std::make_shared<FoiListOptions>();
  auto* list = foi->add_subcommand("list", "the FOI requests: deadline, status, the releases that answered them");
  list->add_option("--format", l->format, "table (default), csv, json or yaml")
      ->check(CLI::IsMember({"table", "csv", "json", "yaml"}));
  list->footer("Columns: reference, received, due, period, status (open, answered, closed), done (the first "
               "answer's as-of date, or the closing date), reason (of a closure), releases, days_overdue (done, "
               "else --as-of, minus due). In the order recorded.");
  list->callback([&g, &action, l] { action = [&g, l] { return run_foi_list(g, *l); }; });
}

}  // namespace prevent::cli

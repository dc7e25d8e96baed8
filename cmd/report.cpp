#include <fmt/format.h>

#include <charconv>

#include "case_reader.hpp"
#include "cli.hpp"
#include "failure.hpp"
#include "report.hpp"
#include "text.hpp"

namespace prevent::cli {

namespace {

struct ReportCommand {
  std::optional<std::string> from, to, period, suppress;
  std::string format = "md";
  bool foi = false;
  bool partial = false;
};

// --suppress N: a whole number from 0 to 1000.
int suppress_option(const std::string& text) {
  int n = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n < 0 || n > 1000)
    fail(Exit::invalid_data, fmt::format("--suppress takes a whole number from 0 to 1000, not {} (command line)",
                                         quote_if_key(text)));
  return n;
}

ReportFormat report_format(const std::string& text) {
  if (text == "json") return ReportFormat::json;
  if (text == "csv") return ReportFormat::csv;
  if (text == "html") return ReportFormat::html;
  return ReportFormat::md;
}

int run_report(const Globals& g, const ReportCommand& o) {
  // Usage first (exit 2), then the values (exit 5), then the store (exit 6).
  if (o.period && (o.from || o.to)) fail(Exit::usage, "give --period or --from and --to, not both (command line)");
  if (!o.period && !(o.from && o.to))
    fail(Exit::usage, "the report needs a period: --period P, or --from D and --to D (command line)",
         "periods: 2026-11 (a month), 2026-Q3 (a calendar quarter), FY2025 (1 April 2025 to 31 March 2026)");
  if (o.foi && o.suppress && (o.suppress == "0" || o.suppress == "1"))
    fail(Exit::usage, "--foi always suppresses small numbers: --suppress must be 2 or more with it (command line)");

  ReportOptions options;
  if (o.period) {
    auto p = parse_period(*o.period);
    if (!p)
      fail(Exit::invalid_data, "--period takes YYYY-MM, YYYY-Qn or FYYYYY (command line)",
           "e.g. 2026-11, 2026-Q3, FY2025");
    options.from = p->from;
    options.to = p->to;
  } else {
    options.from = option_date(*o.from, "--from");
    options.to = option_date(*o.to, "--to");
    if (options.from > options.to)
      fail(Exit::invalid_data,
           fmt::format("--from {} is after --to {} (command line)", options.from.str(), options.to.str()));
  }
  std::optional<int> threshold;
  if (o.suppress) threshold = suppress_option(*o.suppress);
  if (o.foi && threshold && *threshold < 2)
    fail(Exit::usage, "--foi always suppresses small numbers: --suppress must be 2 or more with it (command line)");
  options.as_of = today(g);
  options.foi = o.foi;

  Store store = open_store(g);
  const Config& config = store.config();
  options.threshold = threshold ? *threshold : config.suppression_threshold;
  if (options.foi && options.threshold < 2) options.threshold = 5;

  ReportBuilder builder(config, options);
  auto read = for_each_case_without_personal_data(store, [&](const Case& c) { builder.add(c); });
  return print_unless_incomplete(render_report(builder.finish(), report_format(o.format)), read.unreadable,
                                 o.partial);
}

}  // namespace

void add_report(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<ReportCommand>();
  auto* sub = app.add_subcommand("report", "the steering-group report: referrals, outcomes, work in hand, timeliness");
  sub->add_option("--period", o->period, "YYYY-MM (a month), YYYY-Qn (a calendar quarter) or FYYYYY (a financial year)");
  sub->add_option("--from", o->from, "first day of the period (with --to)");
  sub->add_option("--to", o->to, "last day of the period (with --from)");
  sub->add_option("--format", o->format, "md (default), html, csv or json")
      ->check(CLI::IsMember({"md", "html", "csv", "json"}));
  sub->add_option("--suppress", o->suppress,
                  "hide counts below N as [c] (default: suppression_threshold of prevent.yaml; 0: off)");
  sub->add_flag("--foi", o->foi, "a Freedom of Information answer: suppression on, work in hand and timeliness as totals");
  add_partial_flag(*sub, o->partial);
  sub->footer("Counts the referrals received in the period and what became of them by --as-of (default today), "
              "and the work in hand at the period's end. Never shows personal data. The counting rules are in "
              "docs/report.md.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_report(g, *o); }; });
}

}  // namespace prevent::cli

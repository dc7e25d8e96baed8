#include <fmt/format.h>

#include <charconv>

#include "case_reader.hpp"
#include "cli.hpp"
#include "failure.hpp"
#include "disclosure.hpp"
#include "foi_requests.hpp"
#include "release_register.hpp"
#include "report.hpp"
#include "store.hpp"
#include "text.hpp"

namespace prevent::cli {

namespace {

// An FOI answer's threshold is never below 3; the shortest period it may
// cover is the store's foi.min_period (a quarter unless set).
constexpr int kFoiMinThreshold = 3;

std::string_view period_kind(int months) { return months == 1 ? "month" : months == 3 ? "quarter" : "financial year"; }

struct ReportCommand {
  std::optional<std::string> from, to, period, suppress, request;
  std::string format = "md";
  bool foi = false;
  bool partial = false;
  bool explain = false;
};

// --suppress N: a whole number from 0 to 1000.
int suppress_option(const std::string& text) {
  int n = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n < 0 || n > 1000)
    fail(Exit::invalid_data, fmt::format("--suppress: expected a whole number from 0 to 1000, e.g. 10, not {} (command line)",
                                         quote_if_key(text)));
  return n;
}

// How long a period is, from the form of --period: 1 a month, 3 a quarter,
// 12 a financial year.
int period_months(std::string_view period) {
  if (period.starts_with("FY")) return 12;
  if (period.find('Q') != std::string_view::npos) return 3;
  return 1;
}

// The answer is linked to the request of its reference by the release
// itself (docs/foi.md): nothing more is written. Said when the store keeps
// FOI requests, so that a reference typed wrongly is noticed; a store
// without foi/ hears nothing new.
void link_notice(const Globals& g, const Store& store, const std::string& reference, int number) {
  FoiRequests all = read_foi_requests(store);
  if (all.requests.empty() && all.unreadable.empty()) return;
  for (const auto& r : all.requests)
    if (r.request.reference == reference) {
      notice(g, fmt::format("release {:04} answers FOI request {} ({}), received {}, due {}", number, reference,
                            foi_request_path(r.number), r.request.received.str(), r.request.due.str()));
      return;
    }
  notice(g, fmt::format("no FOI request {} is recorded in foi/; the release keeps the reference all the same",
                        reference));
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
  if (o.foi && o.suppress && (o.suppress == "0" || o.suppress == "1" || o.suppress == "2"))
    fail(Exit::usage, "--foi always suppresses small numbers: --suppress must be 3 or more with it (command line)");
  if (o.foi && !o.period)
    fail(Exit::usage, "an FOI answer covers a whole quarter or financial year: give --period, not --from and --to "
                      "(command line)",
         "periods: 2026-Q3 (a calendar quarter), FY2025 (1 April 2025 to 31 March 2026), and 2026-11 (a month) "
         "where prevent.yaml sets foi.min_period: month");
  if (o.request && !o.foi) fail(Exit::usage, "--request names the FOI request an answer is for: it needs --foi (command line)");

  ReportOptions options;
  if (o.period) {
    Period p = option_period(*o.period, "--period");
    options.from = p.from;
    options.to = p.to;
  } else {
    options.from = option_date(*o.from, "--from");
    options.to = option_date(*o.to, "--to");
    if (options.from > options.to)
      fail(Exit::invalid_data,
           fmt::format("--from {} is after --to {} (command line)", options.from.str(), options.to.str()));
  }
  std::optional<int> threshold;
  if (o.suppress) threshold = suppress_option(*o.suppress);
  if (o.foi && threshold && *threshold < kFoiMinThreshold)
    fail(Exit::usage, "--foi always suppresses small numbers: --suppress must be 3 or more with it (command line)");
  if (o.request && !is_request_reference(*o.request))
    fail(Exit::invalid_data,
         "--request: expected a request reference: letters, digits and - _ / . only, up to 40 (command line)",
         "e.g. FOI-2026-0117; never the requester's name");
  options.as_of = o.foi ? write_today(g) : today(g);
  options.foi = o.foi;
  if (o.foi && options.as_of < options.to)
    fail(Exit::invalid_data,
         fmt::format("the period {} has not ended by {}: an FOI answer covers a period that has ended (command line)",
                     *o.period, options.as_of.str()));

  Store store = open_store(g);
  const Config& config = store.config();
  if (o.foi && period_months(*o.period) < config.foi_min_months)
    fail(Exit::invalid_data,
         fmt::format("an FOI answer of this store covers a whole {}{}, not a {} ({}) (command line)",
                     config.foi_min_months == 3 ? "quarter or " : "", "financial year",
                     period_kind(period_months(*o.period)), *o.period),
         fmt::format("short periods set against each other can give away who was referred; ask for the {} "
                     "(foi.min_period in prevent.yaml)",
                     period_kind(config.foi_min_months)));
  options.threshold = threshold ? *threshold : config.suppression_threshold;
  if (options.foi && options.threshold < kFoiMinThreshold) options.threshold = 5;  // SPEC §5's default

  // Suppressed answers leave the council: each is proved safe against
  // every answer in the release register, counted again on today's records
  // (the same pass over the cases). An FOI answer is then added to it.
  std::unique_ptr<StoreLock> lock;
  if (options.foi) lock = store.lock();
  const bool suppressing = options.threshold >= 2;
  std::vector<Release> register_ = suppressing ? read_release_register(store) : std::vector<Release>{};
  ReportBuilder builder(config, options);
  // md and html show the same period a year earlier beside each count
  // (docs/report.md, "A year earlier"), counted in the same pass; an FOI
  // answer is one period, as the register records it, and json and csv
  // keep their shape: neither has it.
  const bool with_year_earlier = !options.foi && (o.format == "md" || o.format == "html");
  std::unique_ptr<ReportBuilder> earlier_builder;
  if (with_year_earlier) earlier_builder = std::make_unique<ReportBuilder>(config, year_earlier(options));
  std::vector<std::unique_ptr<ReportBuilder>> earlier_builders;
  std::vector<ReportOptions> earlier_options;
  for (const auto& r : register_) {
    earlier_options.push_back({r.from, r.to, r.as_of, 0, r.foi});
  }
  for (const auto& eo : earlier_options) earlier_builders.push_back(std::make_unique<ReportBuilder>(config, eo));
  auto read = for_each_case_without_personal_data(store, [&](const Case& c) {
    builder.add(c);
    if (earlier_builder) earlier_builder->add(c);
    for (auto& b : earlier_builders) b->add(c);
  });
  if (!read.unreadable.empty() && (options.foi || !o.partial)) {
    // An answer that leaves the council is proved on every record, or not
    // given: the same refusal as without --partial.
    return print_unless_incomplete("", read.unreadable, false);
  }
  Report report = builder.finish_counts();
  if (suppressing) {
    std::vector<EarlierAnswer> earlier;
    for (size_t i = 0; i < register_.size(); ++i) earlier.push_back({register_[i], earlier_builders[i]->finish_counts()});
    DisclosureOutcome outcome;
    if (earlier_builder) {
      JointOutcome joint = protect_with_year_earlier(report, earlier_builder->finish_counts(), earlier);
      outcome = std::move(joint.current);
      if (o.explain) {
        notice(g, fmt::format("a year earlier: {} cells hidden as from 1 to {}, {} more to protect them",
                              joint.earlier.primary, options.threshold - 1, joint.earlier.secondary));
        for (const auto& step : joint.earlier.steps) notice(g, "  hidden a year earlier " + step);
      }
    } else {
      outcome = protect(report, earlier);
    }
    if (o.explain) {
      notice(g, fmt::format("{} cells hidden as from 1 to {}, {} more to protect them ({} linear programmes, {} "
                            "earlier answers{})",
                            outcome.primary, options.threshold - 1, outcome.secondary, outcome.solves,
                            earlier.size(), earlier_builder ? " and the year-earlier column" : ""));
      for (const auto& step : outcome.steps) {
        // The year-earlier report is the answer "release 0000" of protect().
        std::string line = step;
        if (auto at = line.find("of release 0000"); at != std::string::npos) line.replace(at, 15, "a year earlier");
        notice(g, "  hidden " + line);
      }
    }
  } else if (earlier_builder) {
    protect_special_categories_with_year_earlier(report, earlier_builder->finish_counts(), config.suppression_threshold);
  } else {
    protect_special_categories(report, config.suppression_threshold);
  }
  std::string text = render_report(report, report_format(o.format));
  if (options.foi) {
    int number = 1;
    for (const auto& r : register_) number = std::max(number, r.number + 1);
    if (number > kMaxReleases)
      fail(Exit::store, "the release register is full (releases/)", "start a new store for later answers");
    Release release = release_of(report);
    release.number = number;
    if (o.request) release.request = *o.request;
    store.commit({{release_path(number), write_release(release)}},
                 commit_message("report", fmt::format("release {:04} {}", number, *o.period), {}, "report"));
    notice(g, fmt::format("recorded as release {:04} in the release register ({})", number, release_path(number)));
    if (o.request) link_notice(g, store, *o.request, number);
  }
  return print_unless_incomplete(text, read.unreadable, o.partial);
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
  sub->add_flag("--foi", o->foi,
                "a Freedom of Information answer: suppression proved against every earlier answer, work in hand and "
                "timeliness as totals; recorded in the release register (one commit)");
  sub->add_option("--request", o->request, "with --foi: the FOI request's reference, kept with the release");
  sub->add_flag("--explain", o->explain,
                "say on stderr which further cells were hidden and what each protects (names of cells only)");
  add_partial_flag(*sub, o->partial);
  sub->footer("Counts the referrals received in the period and what became of them by --as-of (default today), "
              "and the work in hand at the period's end. Never shows personal data. The counting rules are in "
              "docs/report.md.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_report(g, *o); }; });
}

}  // namespace prevent::cli

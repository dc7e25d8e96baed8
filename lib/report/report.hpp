// The steering-group report and FOI answers (SPEC §7; the counting rules are
// docs/report.md). One value is computed from the cases, suppressed, and
// rendered as JSON, CSV, Markdown or HTML, so the formats cannot disagree.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
#include "config.hpp"
#include "date.hpp"

namespace prevent {

struct ReportOptions {
  Date from;
  Date to;     // inclusive
  Date as_of;  // events after it are ignored
  int threshold = 0;  // suppression threshold; 0 or 1: off
  bool foi = false;   // FOI answer: in-hand and timeliness kept to totals
};

// One number of the report. `value` is nullopt for "no value" (the median
// of nothing); `suppressed` cells are printed as [c] in every format.
struct ReportCell {
  enum class Kind {
    count,    // a number of cases or items: suppressed from 1 to threshold-1
    total,    // a table's total: suppressed like a count (SPEC §7)
    measure,  // a median or percentile: withheld when its count is small
  };
  std::string key;    // JSON key, CSV category
  std::string label;  // what md and html show
  std::optional<long> value;
  Kind kind = Kind::count;
  bool suppressed = false;
};

// A cell of the report, named by its table's path and its key.
struct CellRef {
  std::string path;  // "referrals"
  std::string key;   // "total"
};

// A table of the report: a dotted path ("referrals.by_sector") and its cells
// in order. Sections are tables too: `referrals` holds `total`.
struct ReportTable {
  std::string path;
  std::string title;
  std::vector<ReportCell> cells;
  bool chart = false;  // html draws a bar chart of it
  // The cell the count cells of this table add up to, when they do: md and
  // html show each count's percentage of it (docs/report.md, "Formats").
  std::optional<CellRef> share_of = std::nullopt;
  std::string note = {};  // a sentence md and html print under the table
};

struct Report {
  std::string area;
  ReportOptions options;
  Date in_hand_at;
  std::vector<ReportTable> tables;  // in the order of SPEC §7
  // Tables shown whole as [c]: no cell of them could be shown without
  // letting a hidden one be worked out (disclosure.hpp).
  std::vector<std::string> withheld;
  // The same period a year earlier, counted by the same rules
  // (docs/report.md, "A year earlier"): md and html show its counts beside
  // this report's; json and csv leave it out. Null when there is none (an
  // FOI answer). Shared, as a report is copied (EarlierAnswer::truth).
  std::shared_ptr<const Report> year_earlier = nullptr;

  const ReportTable* table(std::string_view path) const;
  bool suppression_applied() const { return options.threshold >= 2; }
};

// The same period a year earlier (docs/report.md, "A year earlier"): both
// ends and the as-of date a year back, so that the earlier cohort is seen
// at the same distance from its period's end. A last day that ends a month
// goes to the end of that month (28 February 2025 to 29 February 2024, so a
// whole month stays whole); any other 29 February to the 28th. Threshold
// and foi unchanged.
ReportOptions year_earlier(const ReportOptions& options);

// What md and html call a period: "2025-Q3", "FY2024", "July 2025", else
// "2025-07-01 to 2025-08-09" (it heads a column of numbers).
std::string period_label(Date from, Date to);

// The case as it stood at the end of `day`: everything dated after it taken
// away (docs/report.md, "the state of a case on day D").
Case case_on(const Case& c, Date day);

// Nearest-rank percentile of sorted values: the value at rank ceil(p*n/100).
std::optional<long> nearest_rank(const std::vector<long>& sorted, int p);

// The report built one case at a time (in any order: the result does not
// depend on it), so a whole-store read need not hold every case.
class ReportBuilder {
 public:
  // Keeps a reference to `config`, which must outlive the builder (a
  // temporary is refused at compile time).
  ReportBuilder(const Config& config, const ReportOptions& options);
  ReportBuilder(Config&&, const ReportOptions&) = delete;
  ~ReportBuilder();
  ReportBuilder(const ReportBuilder&) = delete;
  ReportBuilder& operator=(const ReportBuilder&) = delete;
  void add(const Case& c);
  // Counts, then suppresses when options.threshold >= 2, against no
  // earlier answer (disclosure.hpp). Call once, this or finish_counts().
  Report finish();
  // Counts only: the caller suppresses (prevent::protect, with the release
  // register), or wants the true counts.
  Report finish_counts();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Special-category data (ethnicity, mental health, neurodiversity) are
// reported only as suppressed counts: with a report's suppression off,
// their tables are suppressed all the same, at the store's threshold (5
// when that is off too), against the referrals total alone, and against
// `alongside` (the same period a year earlier, disclosure.hpp).
struct EarlierAnswer;
int special_category_threshold(int store_threshold);
void protect_special_categories(Report& report, int store_threshold);
void protect_special_categories(Report& report, int store_threshold, const std::vector<EarlierAnswer>& alongside);

// Counts, then suppresses when options.threshold >= 2.
Report build_report(const std::vector<Case>& cases, const Config& config, const ReportOptions& options);

enum class ReportFormat { json, csv, md, html };
std::string render_report(const Report& report, ReportFormat format);

}  // namespace prevent

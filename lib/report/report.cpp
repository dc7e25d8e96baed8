#include "report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "calendar.hpp"
#include "disclosure.hpp"
#include "csv.hpp"
#include "labels.hpp"
#include "text.hpp"
#include "workflow.hpp"

namespace prevent {

namespace {

using Kind = ReportCell::Kind;

template <typename T, typename F>
void drop_after(std::vector<T>& v, Date day, F date_of) {
  std::erase_if(v, [&](const T& x) { return date_of(x) > day; });
}

// Counts by key, in the order the keys were declared.
class Tally {
 public:
  void declare(std::string key, std::string label) {
    if (index_.count(key)) return;
    index_[key] = cells_.size();
    cells_.push_back({std::move(key), std::move(label), 0L, Kind::count, false});
  }
  void declare(const Vocabulary& vocab) {
    for (const auto& e : vocab.entries) declare(e.key, e.label.empty() ? e.key : e.label);
  }
  void declare(const std::vector<std::string>& keys) {
    for (const auto& k : keys) declare(k, k);
  }
  // A key outside the declared list (a record the store's vocabulary no
  // longer has: `check` reports it) is still counted, after the others.
  void add(const std::string& key, long n = 1) {
    if (!index_.count(key)) declare(key, key);
    *cells_[index_[key]].value += n;
  }
  std::vector<ReportCell> cells() const { return cells_; }

 private:
  std::vector<ReportCell> cells_;
  std::map<std::string, size_t> index_;
};

ReportCell count_cell(std::string key, std::string label, long value) {
  return {std::move(key), std::move(label), value, Kind::count, false};
}
ReportCell total_cell(std::string key, std::string label, long value) {
  return {std::move(key), std::move(label), value, Kind::total, false};
}

constexpr DueKind kPostClosureItems[] = {DueKind::post_closure_6, DueKind::post_closure_12, DueKind::extended_review};

struct Timing {
  std::vector<long> days;
  void add(long d) { days.push_back(d); }
};

ReportTable timing_table(std::string path, std::string title, Timing t, bool foi) {
  std::sort(t.days.begin(), t.days.end());
  ReportTable table{std::move(path), std::move(title), {}, false};
  table.cells.push_back(total_cell("count", "Cases", static_cast<long>(t.days.size())));
  if (!foi) {
    table.cells.push_back({"median", "Median (days)", nearest_rank(t.days, 50), Kind::measure, false});
    table.cells.push_back({"p90", "90th percentile (days)", nearest_rank(t.days, 90), Kind::measure, false});
  }
  return table;
}

std::string month_key(int year, unsigned month) { return fmt::format("{:04}-{:02}", year, month); }

// The tables of special-category data (UK GDPR Art. 9): reported only as
// suppressed counts (docs/report.md, "Suppression").
constexpr std::string_view kSpecialCategoryTables[] = {"referrals.by_ethnicity", "referrals.by_mental_health",
                                                       "referrals.by_neurodiversity"};

bool is_special_category_table(std::string_view path) {
  return std::find(std::begin(kSpecialCategoryTables), std::end(kSpecialCategoryTables), path) !=
         std::end(kSpecialCategoryTables);
}

// An optional category of the referral: its key, or "not-recorded".
std::string category_or_not_recorded(const std::optional<std::string>& value) {
  return value ? *value : std::string(kNotRecorded);
}

// How a Channel case left the process, in the Home Office's terms, from
// the closure reason of the record (docs/report.md, "Closures").
std::string_view closure_category(ClosureReason reason) {
  switch (reason) {
    case ClosureReason::no_further_concerns: return "risk-reduced";
    case ClosureReason::escalated_to_police: return "referred-to-other-services";
    case ClosureReason::transferred_out: return "transferred-out";
    case ClosureReason::consent_declined:
    case ClosureReason::consent_withdrawn: return "consent-declined-or-withdrawn";
    case ClosureReason::other: break;
  }
  return "other";
}

}  // namespace

const ReportTable* Report::table(std::string_view path) const {
  for (const auto& t : tables)
    if (t.path == path) return &t;
  return nullptr;
}

std::optional<long> nearest_rank(const std::vector<long>& sorted, int p) {
  if (sorted.empty()) return std::nullopt;
  const size_t n = sorted.size();
  size_t rank = (static_cast<size_t>(p) * n + 99) / 100;  // ceil(p*n/100)
  rank = std::clamp<size_t>(rank, 1, n);
  return sorted[rank - 1];
}

namespace {

bool is_last_of_month(Date d) { return d.day() == days_in_month(d.year(), d.month()); }

// The last day of a period a year back: the last day of a month stays the
// last day of its month, so that a whole month stays whole.
Date end_a_year_before(Date d) {
  const Date back = d.add_months(-12);  // 29 February to the 28th
  if (!is_last_of_month(d)) return back;
  return Date::from_ymd(back.year(), back.month(), days_in_month(back.year(), back.month()));
}

}  // namespace

ReportOptions year_earlier(const ReportOptions& options) {
  ReportOptions out = options;
  out.from = options.from.add_months(-12);  // 29 February to the 28th
  out.to = end_a_year_before(options.to);
  out.as_of = options.as_of.add_months(-12);
  return out;
}

std::string period_label(Date from, Date to) {
  if (from.day() == 1 && is_last_of_month(to)) {
    const int months = (to.year() - from.year()) * 12 + static_cast<int>(to.month()) - static_cast<int>(from.month()) + 1;
    if (months == 1) return month_label(month_key(from.year(), from.month()));
    if (months == 3 && from.month() % 3 == 1) return fmt::format("{}-Q{}", from.year(), (from.month() + 2) / 3);
    if (months == 12 && from.month() == 4) return fmt::format("FY{}", from.year());
  }
  // Short, as it heads a column of numbers; the header facts write it out.
  return fmt::format("{} to {}", from.str(), to.str());
}

Case case_on(const Case& c, Date day) {
  Case r = c;
  // An episode reopened after the day is the current one on the day.
  while (!r.previous.empty() && reopened_on(r.previous.back()).value_or(Date::from_days(0)) > day) {
    Episode e = std::move(r.previous.back());
    r.previous.pop_back();
    r.consent = std::move(e.consent);
    r.support_plan = std::move(e.support_plan);
    r.reviews = std::move(e.reviews);
    r.closure = std::move(e.closure);
  }
  if (r.triage && r.triage->completed > day) r.triage.reset();
  drop_after(r.assessments, day, [](const Assessment& a) { return a.date; });
  drop_after(r.panel, day, [](const Hearing& h) { return h.meeting; });
  drop_after(r.consent, day, [](const Consent& k) { return k.date; });
  drop_after(r.support_plan, day, [](const Action& a) { return a.added; });
  for (auto& a : r.support_plan)
    if (a.closed && *a.closed > day) {
      a.status = ActionStatus::open;
      a.closed.reset();
      a.closed_with.reset();
    }
  drop_after(r.chronology, day, [](const ChronologyEntry& e) { return e.date; });
  drop_after(r.reviews, day, [](const Review& v) { return v.date; });
  if (r.closure && r.closure->date > day) r.closure.reset();
  drop_after(r.corrections, day, [](const Correction& x) { return x.date; });
  return r;
}

// The report's running counts: build_report's state between cases.
struct ReportBuilder::State {
  State(const Config& config, const ReportOptions& options) : cfg(config), o(options) {
    report.area = cfg.area;
    report.options = o;
    report.in_hand_at = std::min(o.to, o.as_of);

    by_sector.declare(cfg.sectors);
    by_route.declare(cfg.routes);
    by_age.declare(cfg.age_bands);
    by_gender.declare(cfg.genders);
    by_concern.declare(cfg.concern_types);
    for (auto [tally, vocab] : {std::pair{&by_ethnicity, &cfg.ethnicities}, {&by_mental_health, &cfg.mental_health},
                                {&by_neurodiversity, &cfg.neurodiversity}, {&by_consent, &cfg.referral_consent}}) {
      tally->declare(*vocab);
      tally->declare(std::string(kNotRecorded), "Not recorded");
    }
    signposted_to.declare(cfg.services);
    ch_concern.declare(cfg.concern_types);
    ch_age.declare(cfg.age_bands);
    ch_gender.declare(cfg.genders);
    ch_sector.declare(cfg.sectors);
    closed_by_reason.declare("risk-reduced", "Left with risk reduced (no further concerns)");
    closed_by_reason.declare("referred-to-other-services", "Referred to other services (escalated to the police)");
    closed_by_reason.declare("transferred-out", "Transferred to another area");
    closed_by_reason.declare("consent-declined-or-withdrawn", "Left when consent was declined or withdrawn");
    closed_by_reason.declare("other", "Closed for another reason");
    for (int y = o.from.year(), m = static_cast<int>(o.from.month());
         y < o.to.year() || (y == o.to.year() && m <= static_cast<int>(o.to.month()));) {
      by_month.declare(month_key(y, m), month_label(month_key(y, m)));
      if (++m > 12) m = 1, ++y;
    }
    for (Stage st : all_stages())  // the non-final stages, in workflow order
      if (!is_final(st)) by_stage.declare(std::string(stage_key(st)), stage_label(st));
    // Casework overdue; erasure due under the retention schedule is not
    // casework (`prevent retention due` lists it), nor is a conflict a
    // merge left (`prevent review due` lists it).
    for (const auto& e : KeyTable<DueKind>::entries)
      if (e.value != DueKind::retention && e.value != DueKind::conflict) overdue.declare(std::string(e.key), due_label(e.value, cfg));
    for (DueKind k : kPostClosureItems) post_closure.declare(std::string(key_of(k)), due_label(k, cfg));
  }

  void add(const Case& c) {
    const Date received = c.referral.received;
    // A case voided as entered in error (a duplicate referral, a wrong
    // one) counts only as that: not a referral, not work in hand.
    if (is_voided_case(c)) {
      if (received >= o.from && received <= std::min(o.to, o.as_of)) ++entered_in_error;
      return;
    }
    // A referral received after the as-of date had not been received then.
    if (received >= o.from && received <= std::min(o.to, o.as_of)) {
      const Case a = case_on(c, o.as_of);
      ++total;
      by_sector.add(a.referral.sector);
      by_route.add(a.referral.route);
      const std::string band = age_band(a, cfg);
      by_age.add(band);
      by_gender.add(a.referral.subject.gender);
      by_concern.add(a.referral.concern_type);
      by_month.add(month_key(received.year(), received.month()));
      // Special-category data, sealed until counted here.
      by_ethnicity.add(category_or_not_recorded(a.referral.subject.ethnicity.reveal()));
      by_mental_health.add(category_or_not_recorded(a.referral.subject.mental_health.reveal()));
      by_neurodiversity.add(category_or_not_recorded(a.referral.subject.neurodiversity.reveal()));
      by_consent.add(category_or_not_recorded(a.referral.consent_to_referral));

      std::set<std::string> services;
      if (a.triage) {
        const auto& t = *a.triage;
        if (t.outcome == TriageOutcome::no_further_action) ++nfa;
        if (t.outcome == TriageOutcome::signposted) ++signposted;
        if (t.outcome == TriageOutcome::police_managed) ++police;
        services.insert(t.signposted_to.begin(), t.signposted_to.end());
        ++triaged;
        to_triage.add(t.completed - received);
        if (t.completed <= add_working_days(received, cfg.triage_target_working_days, cfg.holidays)) ++within_target;
      }
      if (!a.panel.empty()) {
        ++discussed;
        Date first = a.panel.front().meeting;
        bool was_adopted = false;
        for (const auto& h : a.panel) {
          first = std::min(first, h.meeting);
          was_adopted = was_adopted || h.decision == PanelDecision::adopt;
          services.insert(h.signposted_to.begin(), h.signposted_to.end());
        }
        to_panel.add(first - received);
        if (was_adopted) {
          ++adopted;
          ch_concern.add(a.referral.concern_type);
          ch_age.add(band);
          ch_gender.add(a.referral.subject.gender);
          ch_sector.add(a.referral.sector);
          // The current episode's closure: a case reopened since is not closed.
          if (a.closure) {
            ++closed;
            closed_by_reason.add(std::string(closure_category(a.closure->reason)));
          }
        }
      }
      auto consent_was = [&](ConsentStatus status) {
        // The latest entry of each episode's history: what it ended with.
        if (const Consent* k = latest_consent(a.consent); k && k->status == status) return true;
        for (const auto& e : a.previous)
          if (const Consent* k = latest_consent(e.consent); k && k->status == status) return true;
        return false;
      };
      if (consent_was(ConsentStatus::declined)) ++declined;
      if (consent_was(ConsentStatus::withdrawn)) ++withdrawn;
      for (const auto& s : services) signposted_to.add(s);
    }

    if (received <= report.in_hand_at) {
      const Case s = case_on(c, report.in_hand_at);
      const Stage stage = stage_of(s, cfg);
      if (is_final(stage)) return;
      ++in_hand;
      by_stage.add(std::string(stage_key(stage)));
      for (const auto& item : due_items(s, cfg)) {
        if (item.due < report.in_hand_at) overdue.add(std::string(key_of(item.item)));
        if (stage == Stage::post_closure) post_closure.add(std::string(key_of(item.item)));
      }
    }
  }

  Report finish() {
    auto& T = report.tables;
    const CellRef referrals{"referrals", "total"};
    const CellRef adopted_cases{"outcomes", "adopted"};
    auto by = [&](std::string path, std::string title, const Tally& t, bool chart, std::optional<CellRef> of,
                  std::string note = {}) {
      T.push_back({std::move(path), std::move(title), t.cells(), chart, std::move(of), std::move(note)});
    };
    T.push_back({"referrals", "Referrals received", {total_cell("total", "Referrals received", total),
                  count_cell("entered_in_error", "Entered in error (voided; counted nowhere else)", entered_in_error)},
                 false});
    by("referrals.by_sector", "Referrals by sector of the referrer", by_sector, true, referrals);
    by("referrals.by_route", "Referrals by route", by_route, false, referrals);
    by("referrals.by_age_band", "Referrals by age on the referral date", by_age, true, referrals);
    by("referrals.by_gender", "Referrals by gender", by_gender, false, referrals);
    by("referrals.by_concern", "Referrals by type of concern", by_concern, true, referrals);
    by("referrals.by_month", "Referrals by month received", by_month, true, referrals);
    const std::string special =
        "Special category data: shown only with small numbers hidden, whatever the report's suppression.";
    // relation: sums to referrals.total
    by("referrals.by_ethnicity", "Referrals by ethnic group", by_ethnicity, false, referrals, special);
    // relation: sums to referrals.total
    by("referrals.by_mental_health", "Referrals by mental health concern", by_mental_health, false, referrals,
       special);
    // relation: sums to referrals.total
    by("referrals.by_neurodiversity", "Referrals by neurodivergence", by_neurodiversity, false, referrals,
       special);
    // relation: sums to referrals.total
    by("referrals.by_consent", "Referrals by consent to the referral", by_consent, false, referrals,
       "Whether the person (a parent or guardian for a child) consented to the referral being taken forward; "
       "not the consent to Channel support.");
    T.push_back({"outcomes",
                 "Outcomes of these referrals",
                 {count_cell("no_further_action", "No further action at triage", nfa),
                  count_cell("signposted", "Signposted at triage", signposted),
                  count_cell("police_managed", "Police-managed", police),
                  count_cell("discussed_at_panel", "Discussed at a Channel panel", discussed),
                  count_cell("adopted", "Adopted as a Channel case", adopted),
                  count_cell("not_adopted", "Discussed, not adopted", discussed - adopted),
                  count_cell("consent_declined", "Consent declined", declined),
                  count_cell("consent_withdrawn", "Consent withdrawn", withdrawn)},
                 false});
    T.push_back({"outcomes.signposted_to", "Signposted to (at triage or panel)", signposted_to.cells(), false});
    by("channel_cases.by_concern", "Channel cases by type of concern", ch_concern, false, adopted_cases);
    by("channel_cases.by_age_band", "Channel cases by age on the referral date", ch_age, false, adopted_cases);
    // relation: sums to outcomes.adopted
    by("channel_cases.by_gender", "Channel cases by gender", ch_gender, false, adopted_cases);
    // relation: sums to outcomes.adopted
    by("channel_cases.by_sector", "Channel cases by sector of the referrer", ch_sector, false, adopted_cases);
    // relation: channel_cases.closed <= outcomes.adopted
    T.push_back({"channel_cases",
                 "Channel cases closed",
                 {count_cell("closed", fmt::format("Closed by {}", long_date(o.as_of)), closed)},
                 false});
    // relation: sums to channel_cases.closed
    by("channel_cases.closed_by_reason", "How the closed Channel cases left", closed_by_reason, false,
       CellRef{"channel_cases", "closed"},
       "The Home Office's categories, from the closure reason recorded: risk reduced is a closure with no "
       "further concerns; referred to other services, one escalated to the police.");

    auto sum = [](const Tally& t) {
      long s = 0;
      for (const auto& c : t.cells()) s += *c.value;
      return s;
    };
    if (o.foi) {
      T.push_back({"in_hand",
                   "Work in hand",
                   {total_cell("total", "Cases in hand", in_hand), total_cell("overdue", "Overdue items", sum(overdue)),
                    total_cell("post_closure", "Post-closure reviews outstanding", sum(post_closure))},
                   false});
    } else {
      T.push_back({"in_hand", "Work in hand", {total_cell("total", "Cases in hand", in_hand)}, false});
      by("in_hand.by_stage", "Cases in hand by stage", by_stage, false, CellRef{"in_hand", "total"});
      by("in_hand.overdue", "Items overdue", overdue, false, std::nullopt);
      by("in_hand.post_closure", "Post-closure reviews outstanding", post_closure, false, std::nullopt);
    }

    T.push_back(timing_table("timeliness.referral_to_triage_days", "From referral to triage", to_triage, o.foi));
    T.push_back(timing_table("timeliness.referral_to_first_panel_days", "From referral to first panel", to_panel,
                             o.foi));
    T.push_back({"timeliness.triaged_within_target",
                 fmt::format("Triaged within {} working days", cfg.triage_target_working_days),
                 {count_cell("count", "Within the target", within_target), total_cell("of", "Triaged", triaged)},
                 false,
                 CellRef{"timeliness.triaged_within_target", "of"}});

    return std::move(report);
  }

  const Config& cfg;
  const ReportOptions o;
  Report report;
  Tally by_sector, by_route, by_age, by_gender, by_concern, by_month, signposted_to, ch_concern, ch_age;
  Tally by_ethnicity, by_mental_health, by_neurodiversity, by_consent, ch_gender, ch_sector, closed_by_reason;
  long closed = 0;
  long total = 0, nfa = 0, signposted = 0, police = 0, discussed = 0, adopted = 0, declined = 0, withdrawn = 0;
  long triaged = 0, within_target = 0, entered_in_error = 0;
  Timing to_triage, to_panel;
  Tally by_stage, overdue, post_closure;
  long in_hand = 0;
};

ReportBuilder::ReportBuilder(const Config& config, const ReportOptions& options)
    : state_(std::make_unique<State>(config, options)) {}
ReportBuilder::~ReportBuilder() = default;
void ReportBuilder::add(const Case& c) { state_->add(c); }
Report ReportBuilder::finish_counts() { return state_->finish(); }
Report ReportBuilder::finish() {
  Report r = finish_counts();
  if (r.suppression_applied())
    protect(r, {});
  else
    protect_special_categories(r, state_->cfg.suppression_threshold);
  return r;
}

int special_category_threshold(int store_threshold) { return store_threshold >= 2 ? store_threshold : 5; }

void protect_special_categories(Report& report, int store_threshold) {
  protect_special_categories(report, store_threshold, std::vector<EarlierAnswer>{});
}

void protect_special_categories(Report& report, int store_threshold, const std::vector<EarlierAnswer>& alongside) {
  Report part;
  part.options = report.options;
  part.options.threshold = special_category_threshold(store_threshold);
  for (const auto& t : report.tables)
    if (t.path == "referrals" || is_special_category_table(t.path)) part.tables.push_back(t);
  protect(part, alongside);
  // The programme above may hide the total to protect a special category
  // cell; this report shows the total, so such a table is withheld whole.
  const ReportTable* totals = part.table("referrals");
  bool total_hidden = false;
  for (const auto& c : totals->cells) total_hidden = total_hidden || (c.key == "total" && c.suppressed);
  for (auto& t : report.tables) {
    if (!is_special_category_table(t.path)) continue;
    t = *part.table(t.path);
    if (!total_hidden) continue;
    for (auto& c : t.cells) c.suppressed = c.suppressed || c.kind != ReportCell::Kind::measure;
    if (std::find(report.withheld.begin(), report.withheld.end(), t.path) == report.withheld.end())
      report.withheld.push_back(t.path);
  }
}

Report build_report(const std::vector<Case>& cases, const Config& cfg, const ReportOptions& o) {
  ReportBuilder builder(cfg, o);
  for (const Case& c : cases) builder.add(c);
  return builder.finish();
}

// ---------------------------------------------------------------------------
// Rendering

namespace {

std::string cell_text(const ReportCell& c) {
  if (c.suppressed) return "[c]";
  if (!c.value) return "";
  return std::to_string(*c.value);
}

std::string suppression_line(const Report& r) {
  if (!r.suppression_applied())
    return "off: small numbers are shown (for internal use only; not for publication)";
  std::string line = fmt::format(
      "applied: counts from 1 to {} are shown as [c], with further cells (totals and zeros included) hidden where "
      "they could be worked out from this answer{}",
      r.options.threshold - 1, r.options.foi ? " and the earlier answers of the release register" : "");
  if (!r.withheld.empty())
    line += fmt::format("; {} withheld whole", r.withheld.size() == 1 ? "one table is" : fmt::format("{} tables are", r.withheld.size()));
  return line;
}

bool any_suppressed(const Report& r) {
  for (const auto& t : r.tables)
    for (const auto& c : t.cells)
      if (c.suppressed) return true;
  return false;
}

// What [c] means, for the header of md and html; empty when nothing is hidden.
std::string hidden_note(const Report& r) {
  if (r.suppression_applied()) {
    const int n = r.options.threshold;
    return fmt::format("[c] marks a number withheld so that no one can be identified: a count from 1 to {} (the "
                       "threshold is {}), or a further number hidden because, with the totals shown, it would give "
                       "such a count away. Medians and 90th percentiles of fewer than {} values are withheld too.",
                       n - 1, n, n);
  }
  if (!any_suppressed(r)) return {};
  return "[c] marks a number withheld although suppression is off: the tables of special category data (ethnic "
         "group, mental health, neurodivergence) always hide small counts, and any number that would give one away.";
}

constexpr std::string_view kPercentNote =
    "Percentages are of the table's total, rounded to whole numbers, so they may not add up to 100. A table with a "
    "hidden number shows none, as a percentage could give the hidden number away.";

const ReportCell* cell_at(const Report& r, const CellRef& ref) {
  if (const ReportTable* t = r.table(ref.path))
    for (const auto& c : t->cells)
      if (c.key == ref.key) return &c;
  return nullptr;
}

std::string percent_text(long value, long of) {
  if (value == 0) return "0%";
  const long p = std::lround(100.0 * static_cast<double>(value) / static_cast<double>(of));
  if (p == 0) return "<1%";
  if (p == 100 && value < of) return ">99%";
  return fmt::format("{}%", p);
}

// Each count's percentage of the table's total, one per cell ("" for a
// cell that is not a count), for md and html. None at all when a cell of
// the table or its total is hidden (a percentage of a shown total could
// give a hidden cell away), or the total is 0.
std::vector<std::string> percentages(const Report& r, const ReportTable& t) {
  if (!t.share_of) return {};
  const ReportCell* total = cell_at(r, *t.share_of);
  if (!total || total->suppressed || !total->value || *total->value <= 0) return {};
  for (const auto& c : t.cells)
    if (c.suppressed) return {};
  std::vector<std::string> out;
  for (const auto& c : t.cells)
    out.push_back(c.kind == Kind::count && c.value ? percent_text(*c.value, *total->value) : "");
  return out;
}

// The median and percentile tables (timeliness.referral_to_…): md and html
// put them together, one row each, a column per measure.
bool is_timing(const ReportTable& t) { return t.path.starts_with("timeliness.referral_to_"); }

// ---------------------------------------------------------------------------
// The year-earlier column (docs/report.md, "A year earlier")

bool had_referrals(const Report& earlier) {
  if (const ReportTable* t = earlier.table("referrals"))
    for (const auto& c : t->cells)
      if (c.suppressed || c.value.value_or(0) != 0) return true;
  return false;
}

// The report md and html show beside this one: null when there is none, or
// when the earlier period had no referrals at all (the header says so once,
// rather than a column of zeros).
const Report* earlier_column(const Report& r) {
  const Report* e = r.year_earlier.get();
  return e && had_referrals(*e) ? e : nullptr;
}

std::string earlier_label(const Report& earlier) { return period_label(earlier.options.from, earlier.options.to); }

// The key of the earlier report's cell beside `key`: the same, but a month
// of referrals.by_month is the same month a year earlier.
std::string earlier_key(std::string_view path, const std::string& key) {
  if (path != "referrals.by_month") return key;
  if (auto d = Date::parse(key + "-01")) return month_key(d->year() - 1, d->month());
  return key;
}

const ReportCell* cell_with_key(const ReportTable* t, std::string_view key) {
  if (t)
    for (const auto& c : t->cells)
      if (c.key == key) return &c;
  return nullptr;
}

// A row of a count table as md and html show it: this report's cell, the
// earlier one beside it, its percentage. A key only one of the two reports
// has (one the vocabulary no longer lists) has no cell in the other.
struct ShownRow {
  const ReportCell* now;
  const ReportCell* then;
  std::string share;
};

std::vector<ShownRow> shown_rows(const Report& r, const ReportTable& t, const Report* earlier) {
  const auto shares = percentages(r, t);
  const ReportTable* before = earlier ? earlier->table(t.path) : nullptr;
  std::vector<ShownRow> rows;
  std::set<std::string> matched;
  for (size_t k = 0; k < t.cells.size(); ++k) {
    const std::string key = earlier_key(t.path, t.cells[k].key);
    const ReportCell* then = cell_with_key(before, key);
    if (then) matched.insert(key);
    rows.push_back({&t.cells[k], then, shares.empty() ? std::string() : shares[k]});
  }
  if (before)
    for (const auto& c : before->cells)
      if (!matched.contains(c.key)) rows.push_back({nullptr, &c, std::string()});
  return rows;
}

std::string render_json(const Report& r) {
  using J = nlohmann::ordered_json;
  J j;
  j["area"] = r.area;
  j["period"] = {{"from", r.options.from.str()}, {"to", r.options.to.str()}};
  j["as_of"] = r.options.as_of.str();
  j["suppression"] = {{"threshold", r.suppression_applied() ? r.options.threshold : 0},
                      {"applied", r.suppression_applied()},
                      {"foi", r.options.foi},
                      {"withheld", r.withheld}};
  for (const auto& t : r.tables) {
    J* node = &j;
    size_t start = 0;
    while (true) {
      size_t dot = t.path.find('.', start);
      node = &(*node)[t.path.substr(start, dot == std::string::npos ? std::string::npos : dot - start)];
      if (t.path == "in_hand" && !node->contains("at")) (*node)["at"] = r.in_hand_at.str();
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (node->is_null()) *node = J::object();
    for (const auto& c : t.cells) {
      if (c.suppressed)
        (*node)[c.key] = "[c]";
      else if (c.value)
        (*node)[c.key] = *c.value;
      else
        (*node)[c.key] = nullptr;
    }
  }
  return j.dump(2) + "\n";
}

std::string render_csv(const Report& r) {
  std::string out = "table,category,count\r\n";
  auto row = [&](std::string_view table, std::string_view category, std::string_view value, CellKind kind) {
    out += fmt::format("{},{},{}\r\n", csv_cell(table, CellKind::text), csv_cell(category, CellKind::text),
                       csv_cell(value, kind));
  };
  row("report", "area", r.area, CellKind::text);
  row("report", "from", r.options.from.str(), CellKind::date);
  row("report", "to", r.options.to.str(), CellKind::date);
  row("report", "as_of", r.options.as_of.str(), CellKind::date);
  row("report", "suppression_threshold", std::to_string(r.suppression_applied() ? r.options.threshold : 0),
      CellKind::number);
  row("report", "foi", r.options.foi ? "true" : "false", CellKind::text);
  for (const auto& t : r.tables) {
    if (t.path == "in_hand") row("in_hand", "at", r.in_hand_at.str(), CellKind::date);
    for (const auto& c : t.cells) row(t.path, c.key, cell_text(c), c.suppressed ? CellKind::text : CellKind::number);
  }
  return out;
}

std::string md_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|' || ch == '\\' || ch == '*' || ch == '_' || ch == '`' || ch == '<' || ch == '>' || ch == '[' ||
        ch == ']')
      out += '\\';
    if (ch == '\n' || ch == '\r') ch = ' ';
    out += ch;
  }
  return out;
}

std::string md_value(const ReportCell& c) {
  if (c.suppressed) return "\\[c\\]";
  if (!c.value) return "–";
  return std::to_string(*c.value);
}

// Section headings, by the first part of a table's path.
std::string section_title(std::string_view section) {
  if (section == "referrals") return "Referrals";
  if (section == "outcomes") return "Outcomes";
  if (section == "channel_cases") return "Channel cases";
  if (section == "in_hand") return "Work in hand";
  return "Timeliness";
}

std::string section_of(const std::string& path) { return path.substr(0, path.find('.')); }

constexpr std::string_view kTimingTitle = "Time taken, in calendar days";

// The facts at the head of md and html, as plain text.
std::vector<std::string> header_facts(const Report& r) {
  std::vector<std::string> out{
      fmt::format("Referrals received from {} to {}, and what became of them by {}", long_date(r.options.from),
                  long_date(r.options.to), long_date(r.options.as_of)),
      fmt::format("Work in hand as it stood at the end of {}", long_date(r.in_hand_at)),
      fmt::format("Suppression {}", suppression_line(r))};
  if (r.options.foi) out.push_back("Prepared as a Freedom of Information answer");
  if (const Report* e = r.year_earlier.get()) {
    if (earlier_column(r))
      out.push_back(fmt::format(
          "Beside each count, headed {}: the same period a year earlier, counted the same way: the referrals received "
          "from {} to {} and what became of them by {}, and the work in hand at the end of {}",
          earlier_label(*e), long_date(e->options.from), long_date(e->options.to), long_date(e->options.as_of),
          long_date(e->in_hand_at)));
    else
      out.push_back(fmt::format("No referrals were received in the same period a year earlier ({} to {}), so the "
                                "tables have no column for it",
                                long_date(e->options.from), long_date(e->options.to)));
  }
  return out;
}

// Each measure a row, and with a year-earlier column a row for the same
// measure a year earlier under it.
std::string md_timing(const std::vector<const ReportTable*>& group, const Report* earlier) {
  std::string out = fmt::format("\n### {}\n\n| Measure |", kTimingTitle);
  std::string rule = "|---|";
  for (const auto& c : group.front()->cells) out += fmt::format(" {} |", md_escape(c.label)), rule += "--:|";
  out += "\n" + rule + "\n";
  for (const ReportTable* t : group) {
    out += fmt::format("| {} |", md_escape(t->title));
    for (const auto& c : t->cells) out += fmt::format(" {} |", md_value(c));
    out += "\n";
    if (const ReportTable* before = earlier ? earlier->table(t->path) : nullptr) {
      out += fmt::format("| {}, {} |", md_escape(t->title), md_escape(earlier_label(*earlier)));
      for (const auto& c : t->cells) {
        const ReportCell* then = cell_with_key(before, c.key);
        out += fmt::format(" {} |", then ? md_value(*then) : "–");
      }
      out += "\n";
    }
  }
  return out;
}

std::string render_md(const Report& r) {
  std::string out = fmt::format("# Prevent referrals and Channel cases: {}\n\n", md_escape(r.area));
  for (const auto& fact : header_facts(r)) out += fmt::format("- {}\n", md_escape(fact));
  if (auto note = hidden_note(r); !note.empty()) out += fmt::format("- {}\n", md_escape(note));
  out += fmt::format("- {}\n", md_escape(kPercentNote));
  const Report* earlier = earlier_column(r);
  std::string section;
  for (size_t i = 0; i < r.tables.size(); ++i) {
    const ReportTable& t = r.tables[i];
    if (section_of(t.path) != section) {
      section = section_of(t.path);
      out += fmt::format("\n## {}\n", section_title(section));
    }
    if (is_timing(t)) {
      std::vector<const ReportTable*> group;
      for (; i < r.tables.size() && is_timing(r.tables[i]); ++i) group.push_back(&r.tables[i]);
      --i;
      out += md_timing(group, earlier);
      continue;
    }
    const bool shares = !percentages(r, t).empty();
    out += fmt::format("\n### {}\n\n| Category | Count |{}{}\n|---|--:|{}{}\n", md_escape(t.title),
                       shares ? " % |" : "", earlier ? fmt::format(" {} |", md_escape(earlier_label(*earlier))) : "",
                       shares ? "--:|" : "", earlier ? "--:|" : "");
    for (const auto& row : shown_rows(r, t, earlier)) {
      out += fmt::format("| {} | {} |", md_escape((row.now ? row.now : row.then)->label),
                         row.now ? md_value(*row.now) : "–");
      if (shares) out += fmt::format(" {} |", row.share);
      if (earlier) out += fmt::format(" {} |", row.then ? md_value(*row.then) : "–");
      out += "\n";
    }
    if (!t.note.empty()) out += fmt::format("\n{}\n", md_escape(t.note));
  }
  return out;
}

// Characters of UTF-8 text (not bytes): what a label's width goes by.
size_t text_length(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char ch) { return (ch & 0xC0) != 0x80; }));
}

// The words of `text` in lines of at most `width` characters; a longer word
// has a line of its own.
std::vector<std::string> wrap(std::string_view text, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!line.empty() && text_length(line) + 1 + text_length(word) > width) {
      lines.push_back(std::move(line));
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
  }
  if (!line.empty() || lines.empty()) lines.push_back(std::move(line));
  return lines;
}

// A horizontal bar chart of a table's shown cells as inline SVG. Hidden
// cells are left out, and the chart says how many; a table with nothing
// shown to draw has a sentence in place of its chart. Long labels wrap.
std::string svg_chart(const ReportTable& t) {
  // 11px DejaVu Sans averages under 6.4px a character: a line of 38 fits
  // the label column with room to spare.
  constexpr int kLabel = 260, kBars = 300, kValue = 60, kLine = 13, kMinRow = 22, kTop = 6;
  constexpr size_t kLabelChars = 38;
  long max = 0;
  int hidden = 0;
  for (const auto& c : t.cells) {
    if (c.suppressed) ++hidden;
    else if (c.value) max = std::max(max, *c.value);
  }
  if (max == 0) {
    if (hidden > 0)
      return "<p class=\"no-chart\">No chart: every count above 0 in this table is hidden ([c]).</p>\n";
    return "<p class=\"no-chart\">No chart: every number in this table is 0.</p>\n";
  }
  struct Row {
    const ReportCell* cell;
    std::vector<std::string> lines;
    int height;
  };
  std::vector<Row> rows;
  int height = kTop * 2;
  for (const auto& c : t.cells) {
    if (c.suppressed || !c.value) continue;
    auto lines = wrap(c.label, kLabelChars);
    const int h = std::max(kMinRow, static_cast<int>(lines.size()) * kLine + 9);
    rows.push_back({&c, std::move(lines), h});
    height += h;
  }
  if (hidden > 0) height += kMinRow;
  const int width = kLabel + kBars + kValue;
  std::string out = fmt::format(
      "<svg class=\"chart\" data-table=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
      "viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\"><title>{}</title>\n",
      html_escape(t.path), width, height, width, height, html_escape(t.title));
  int y = kTop;
  for (const auto& row : rows) {
    const int mid = y + row.height / 2;
    const int first = mid - (static_cast<int>(row.lines.size()) * kLine) / 2 + 10;
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">", kLabel - 8, first);
    for (size_t i = 0; i < row.lines.size(); ++i)
      out += fmt::format("<tspan x=\"{}\" dy=\"{}\">{}</tspan>", kLabel - 8, i == 0 ? 0 : kLine,
                         html_escape(row.lines[i]));
    out += "</text>";
    const long v = *row.cell->value;
    if (v > 0) {
      const long w = std::max(1L, v * kBars / max);
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", kLabel, mid - 8, w, 16);
      out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", kLabel + w + 6, mid + 4, v);
    } else {
      out += fmt::format("<text x=\"{}\" y=\"{}\">0</text>", kLabel + 6, mid + 4);
    }
    out += "\n";
    y += row.height;
  }
  if (hidden > 0)
    out += fmt::format("<text class=\"hidden\" x=\"{}\" y=\"{}\">Not drawn: {} {} hidden ([c])</text>\n", kLabel,
                       y + 15, hidden, hidden == 1 ? "category" : "categories");
  return out + "</svg>\n";
}

constexpr std::string_view kCss = R"(body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;font-size:10.5pt;color:#111;max-width:180mm;margin:12mm auto;line-height:1.35}
h1{font-size:17pt;margin:0 0 4mm}h2{font-size:13.5pt;margin:7mm 0 2mm;border-bottom:1px solid #888}h3{font-size:11pt;margin:4mm 0 1.5mm}
ul.facts{padding-left:5mm;margin:0 0 3mm}p.key{margin:0 0 2mm;font-size:9.5pt}p.off{border:1px solid #b00;padding:1.5mm 2.5mm;color:#700}
table{border-collapse:collapse;margin:0 0 2mm;min-width:110mm;max-width:100%}th,td{border:1px solid #bbb;padding:.6mm 2.5mm;text-align:left;vertical-align:top}
th{background:#eef2f5}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.p,th.p{text-align:right;color:#444;white-space:nowrap;font-variant-numeric:tabular-nums}
td.y,th.y{border-left:2px solid #888;color:#333}th.y{white-space:normal;max-width:28mm}th.y span.d{white-space:nowrap}tr.y td{color:#333;font-style:italic}
p.note,p.no-chart{font-size:9pt;color:#444;margin:0 0 3mm}
svg.chart{display:block;max-width:100%;height:auto;margin:1mm 0 2mm}svg.chart text{font-size:11px;fill:#111}svg.chart text.hidden{fill:#555;font-style:italic}svg.chart rect{fill:#1d5f8a}
.block{break-inside:avoid;page-break-inside:avoid}
@page{size:A4;margin:15mm}
@media print{body{margin:0;max-width:none}h2{break-after:avoid;page-break-after:avoid}th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
)";

std::string html_value(const ReportCell& c) { return c.suppressed ? "[c]" : c.value ? std::to_string(*c.value) : "–"; }

// A period's label for a column heading: a range of days breaks between its
// two dates, never inside one.
std::string html_period(const std::string& label) {
  const size_t at = label.find(" to ");
  if (at == std::string::npos) return html_escape(label);
  return fmt::format("<span class=\"d\">{}</span> to <span class=\"d\">{}</span>", html_escape(label.substr(0, at)),
                     html_escape(label.substr(at + 4)));
}

std::string html_timing(const std::vector<const ReportTable*>& group, const Report* earlier) {
  std::string out = fmt::format("<div class=\"block\" id=\"timeliness\">\n<h3>{}</h3>\n<table data-table=\"timeliness\">\n"
                                "<tr><th>Measure</th>",
                                html_escape(kTimingTitle));
  for (const auto& c : group.front()->cells) out += fmt::format("<th class=\"n\">{}</th>", html_escape(c.label));
  out += "</tr>\n";
  for (const ReportTable* t : group) {
    out += fmt::format("<tr data-table=\"{}\"><td>{}</td>", html_escape(t->path), html_escape(t->title));
    for (const auto& c : t->cells) out += fmt::format("<td class=\"n\">{}</td>", html_value(c));
    out += "</tr>\n";
    if (const ReportTable* before = earlier ? earlier->table(t->path) : nullptr) {
      out += fmt::format("<tr class=\"y\" data-year-earlier=\"{}\"><td>{}, {}</td>", html_escape(t->path),
                         html_escape(t->title), html_escape(earlier_label(*earlier)));
      for (const auto& c : t->cells) {
        const ReportCell* then = cell_with_key(before, c.key);
        out += fmt::format("<td class=\"n\">{}</td>", then ? html_value(*then) : "–");
      }
      out += "</tr>\n";
    }
  }
  return out + "</table>\n</div>\n";
}

std::string render_html(const Report& r) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<title>Prevent referrals and Channel cases: {}, {} to {}</title>\n", html_escape(r.area),
                     long_date(r.options.from), long_date(r.options.to));
  out += fmt::format("<style>\n{}</style>\n</head>\n<body>\n", kCss);
  out += fmt::format("<h1>Prevent referrals and Channel cases: {}</h1>\n<ul class=\"facts\">\n", html_escape(r.area));
  for (const auto& fact : header_facts(r)) out += fmt::format("<li>{}</li>\n", html_escape(fact));
  out += "</ul>\n";
  if (!r.suppression_applied())
    out += "<p class=\"off\">Small numbers are shown: this report is for internal use only and is not for "
           "publication.</p>\n";
  if (auto note = hidden_note(r); !note.empty()) out += fmt::format("<p class=\"key\">{}</p>\n", html_escape(note));
  out += fmt::format("<p class=\"key\">{}</p>\n", html_escape(kPercentNote));
  const Report* earlier = earlier_column(r);
  std::string section;
  for (size_t i = 0; i < r.tables.size(); ++i) {
    const ReportTable& t = r.tables[i];
    if (section_of(t.path) != section) {
      section = section_of(t.path);
      out += fmt::format("<h2>{}</h2>\n", section_title(section));
    }
    if (is_timing(t)) {
      std::vector<const ReportTable*> group;
      for (; i < r.tables.size() && is_timing(r.tables[i]); ++i) group.push_back(&r.tables[i]);
      --i;
      out += html_timing(group, earlier);
      continue;
    }
    out += fmt::format("<div class=\"block\" id=\"{}\">\n<h3>{}</h3>\n", html_escape(t.path), html_escape(t.title));
    if (t.chart) out += svg_chart(t);
    const bool shares = !percentages(r, t).empty();
    out += fmt::format("<table data-table=\"{}\">\n<tr><th>Category</th><th class=\"n\">Count</th>{}{}</tr>\n",
                       html_escape(t.path), shares ? "<th class=\"p\">%</th>" : "",
                       earlier ? fmt::format("<th class=\"n y\">{}</th>", html_period(earlier_label(*earlier))) : "");
    for (const auto& row : shown_rows(r, t, earlier)) {
      const ReportCell& c = row.now ? *row.now : *row.then;
      out += fmt::format("<tr data-key=\"{}\"><td>{}</td><td class=\"n\">{}</td>", html_escape(c.key),
                         html_escape(c.label), row.now ? html_value(*row.now) : "–");
      if (shares) out += fmt::format("<td class=\"p\">{}</td>", row.share);
      if (earlier) out += fmt::format("<td class=\"n y\">{}</td>", row.then ? html_value(*row.then) : "–");
      out += "</tr>\n";
    }
    out += "</table>\n";
    if (!t.note.empty()) out += fmt::format("<p class=\"note\">{}</p>\n", html_escape(t.note));
    out += "</div>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace

std::string render_report(const Report& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::json: return render_json(report);
    case ReportFormat::csv: return render_csv(report);
    case ReportFormat::html: return render_html(report);
    case ReportFormat::md: break;
  }
  return render_md(report);
}

}  // namespace prevent

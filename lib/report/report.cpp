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
#include "schema.hpp"
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
    by_route.declare(schema_enum(SchemaKind::case_record, "referral.route"));
    by_age.declare(cfg.age_bands);
    by_gender.declare(cfg.genders);
    by_concern.declare(cfg.concern_types);
    signposted_to.declare(cfg.services);
    ch_concern.declare(cfg.concern_types);
    ch_age.declare(cfg.age_bands);
    for (int y = o.from.year(), m = static_cast<int>(o.from.month());
         y < o.to.year() || (y == o.to.year() && m <= static_cast<int>(o.to.month()));) {
      by_month.declare(month_key(y, m), month_key(y, m));
      if (++m > 12) m = 1, ++y;
    }
    for (Stage st : all_stages())  // the non-final stages, in workflow order
      if (!is_final(st)) by_stage.declare(std::string(stage_key(st)), std::string(stage_key(st)));
    for (auto key : keys_of<DueKind>()) overdue.declare(std::string(key), std::string(key));
    for (DueKind k : kPostClosureItems) post_closure.declare(std::string(key_of(k)), std::string(key_of(k)));
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
    T.push_back({"referrals", "Referrals received", {total_cell("total", "Referrals received", total),
                  count_cell("entered_in_error", "Entered in error (voided; counted nowhere else)", entered_in_error)},
                 false});
    T.push_back({"referrals.by_sector", "Referrals by sector of the referrer", by_sector.cells(), true});
    T.push_back({"referrals.by_route", "Referrals by route", by_route.cells(), false});
    T.push_back({"referrals.by_age_band", "Referrals by age on the referral date", by_age.cells(), true});
    T.push_back({"referrals.by_gender", "Referrals by gender", by_gender.cells(), false});
    T.push_back({"referrals.by_concern", "Referrals by type of concern", by_concern.cells(), true});
    T.push_back({"referrals.by_month", "Referrals by month received", by_month.cells(), true});
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
    T.push_back({"channel_cases.by_concern", "Channel cases by type of concern", ch_concern.cells(), false});
    T.push_back({"channel_cases.by_age_band", "Channel cases by age on the referral date", ch_age.cells(), false});

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
      T.push_back({"in_hand.by_stage", "Cases in hand by stage", by_stage.cells(), false});
      T.push_back({"in_hand.overdue", "Items overdue", overdue.cells(), false});
      T.push_back({"in_hand.post_closure", "Post-closure reviews outstanding", post_closure.cells(), false});
    }

    T.push_back(timing_table("timeliness.referral_to_triage_days", "Days from referral to triage", to_triage, o.foi));
    T.push_back(timing_table("timeliness.referral_to_first_panel_days", "Days from referral to first panel",
                             to_panel, o.foi));
    T.push_back({"timeliness.triaged_within_target",
                 fmt::format("Triaged within {} working days", cfg.triage_target_working_days),
                 {count_cell("count", "Within the target", within_target), total_cell("of", "Triaged", triaged)},
                 false});

    return std::move(report);
  }

  const Config& cfg;
  const ReportOptions o;
  Report report;
  Tally by_sector, by_route, by_age, by_gender, by_concern, by_month, signposted_to, ch_concern, ch_age;
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
  if (r.suppression_applied()) protect(r, {});
  return r;
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

std::string render_md(const Report& r) {
  std::string out = fmt::format("# Prevent referrals and Channel cases: {}\n\n", md_escape(r.area));
  out += fmt::format("- Referrals received from {} to {}, and what became of them by {}\n", r.options.from.str(),
                     r.options.to.str(), r.options.as_of.str());
  out += fmt::format("- Work in hand as it stood at the end of {}\n", r.in_hand_at.str());
  out += fmt::format("- Suppression {}\n", suppression_line(r));
  if (r.options.foi) out += "- Prepared as a Freedom of Information answer\n";
  std::string section;
  for (const auto& t : r.tables) {
    if (section_of(t.path) != section) {
      section = section_of(t.path);
      out += fmt::format("\n## {}\n", section_title(section));
    }
    out += fmt::format("\n### {}\n\n| {} | {} |\n|---|--:|\n", md_escape(t.title), "Category", "Count");
    for (const auto& c : t.cells) out += fmt::format("| {} | {} |\n", md_escape(c.label), md_value(c));
  }
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

// A horizontal bar chart of a table's cells as inline SVG.
std::string svg_chart(const ReportTable& t) {
  constexpr int kLabel = 250, kBars = 330, kValue = 50, kRow = 22, kTop = 6;
  long max = 1;
  for (const auto& c : t.cells)
    if (!c.suppressed && c.value) max = std::max(max, *c.value);
  const int height = kTop * 2 + kRow * static_cast<int>(t.cells.size());
  const int width = kLabel + kBars + kValue;
  std::string out = fmt::format(
      "<svg class=\"chart\" data-table=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
      "viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\"><title>{}</title>\n",
      html_escape(t.path), width, height, width, height, html_escape(t.title));
  int y = kTop;
  for (const auto& c : t.cells) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", kLabel - 8, y + 15,
                       html_escape(c.label));
    if (!c.suppressed && c.value && *c.value > 0) {
      const long w = std::max(1L, *c.value * kBars / max);
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", kLabel, y + 3, w, kRow - 6);
      out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", kLabel + w + 6, y + 15, *c.value);
    } else {
      out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", kLabel + 6, y + 15, c.suppressed ? "[c]" : "0");
    }
    out += "\n";
    y += kRow;
  }
  return out + "</svg>\n";
}

constexpr std::string_view kCss = R"(body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;font-size:10.5pt;color:#111;max-width:180mm;margin:12mm auto;line-height:1.35}
h1{font-size:17pt;margin:0 0 4mm}h2{font-size:13.5pt;margin:7mm 0 2mm;border-bottom:1px solid #888}h3{font-size:11pt;margin:4mm 0 1.5mm}
ul.facts{padding-left:5mm;margin:0 0 3mm}
table{border-collapse:collapse;margin:0 0 3mm;min-width:110mm}th,td{border:1px solid #bbb;padding:1mm 2.5mm;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
svg.chart{display:block;max-width:100%;height:auto;margin:1mm 0 2mm}svg.chart text{font-size:11px;fill:#111}svg.chart rect{fill:#1d5f8a}
.block{break-inside:avoid;page-break-inside:avoid}
@page{size:A4;margin:15mm}
@media print{body{margin:0;max-width:none}h2{break-after:avoid;page-break-after:avoid}}
)";

std::string render_html(const Report& r) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<title>Prevent referrals and Channel cases: {}, {} to {}</title>\n", html_escape(r.area),
                     r.options.from.str(), r.options.to.str());
  out += fmt::format("<style>\n{}</style>\n</head>\n<body>\n", kCss);
  out += fmt::format("<h1>Prevent referrals and Channel cases: {}</h1>\n<ul class=\"facts\">\n", html_escape(r.area));
  out += fmt::format("<li>Referrals received from {} to {}, and what became of them by {}</li>\n",
                     r.options.from.str(), r.options.to.str(), r.options.as_of.str());
  out += fmt::format("<li>Work in hand as it stood at the end of {}</li>\n", r.in_hand_at.str());
  out += fmt::format("<li>Suppression {}</li>\n", html_escape(suppression_line(r)));
  if (r.options.foi) out += "<li>Prepared as a Freedom of Information answer</li>\n";
  out += "</ul>\n";
  std::string section;
  for (const auto& t : r.tables) {
    if (section_of(t.path) != section) {
      section = section_of(t.path);
      out += fmt::format("<h2>{}</h2>\n", section_title(section));
    }
    out += fmt::format("<div class=\"block\" id=\"{}\">\n<h3>{}</h3>\n", html_escape(t.path), html_escape(t.title));
    if (t.chart) out += svg_chart(t);
    out += fmt::format("<table data-table=\"{}\">\n<tr><th>Category</th><th class=\"n\">Count</th></tr>\n",
                       html_escape(t.path));
    for (const auto& c : t.cells) {
      std::string v = c.suppressed ? "[c]" : c.value ? std::to_string(*c.value) : "–";
      out += fmt::format("<tr data-key=\"{}\"><td>{}</td><td class=\"n\">{}</td></tr>\n", html_escape(c.key),
                         html_escape(c.label), v);
    }
    out += "</table>\n</div>\n";
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

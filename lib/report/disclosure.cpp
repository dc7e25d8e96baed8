#include "disclosure.hpp"

#include <fmt/format.h>
#include <glpk.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <tuple>

#include "failure.hpp"

namespace prevent {

namespace {

// ---------------------------------------------------------------------------
// What each cell counts

// How a cell's number depends on the days and the as-of date.
enum class Basis {
  cohort,    // referrals received on days: the same at any as-of (referral facts)
  as_of,     // referrals received on days, by what had happened by the as-of
  snapshot,  // the state on one day (work in hand)
  measure,   // a median or percentile: not a count, not in the programme
};

struct Source {
  std::string quantity;  // cells of one quantity over the same days are the same number
  Basis basis = Basis::as_of;
  std::optional<std::pair<Date, Date>> within;  // by_month: the month only
};

std::optional<std::pair<Date, Date>> month_of(std::string_view key) {
  if (auto d = Date::parse(std::string(key) + "-01"))
    return std::pair{*d, Date::from_ymd(d->year(), d->month(), days_in_month(d->year(), d->month()))};
  return std::nullopt;
}

// The one table of which cell is which number. A table not named here
// counts referrals by what happened by the as-of date, on its own.
Source source_of(const std::string& path, const std::string& key) {
  if (path == "referrals") return {key == "total" ? "R" : path + ":" + key, Basis::cohort, {}};
  if (path == "referrals.by_month") return {"R", Basis::cohort, month_of(key)};
  if (path.starts_with("referrals.")) return {path + ":" + key, Basis::cohort, {}};
  if (path == "outcomes" && key == "discussed_at_panel") return {"discussed", Basis::as_of, {}};
  if (path == "timeliness.referral_to_triage_days")
    return key == "count" ? Source{"triaged", Basis::as_of, {}} : Source{"", Basis::measure, {}};
  if (path == "timeliness.referral_to_first_panel_days")
    return key == "count" ? Source{"discussed", Basis::as_of, {}} : Source{"", Basis::measure, {}};
  if (path == "timeliness.triaged_within_target") return {key == "of" ? "triaged" : "within", Basis::as_of, {}};
  if (path == "in_hand") {
    if (key == "total") return {"in_hand", Basis::snapshot, {}};
    return {path + ":" + key, Basis::snapshot, {}};  // the FOI answer's totals of the tables below
  }
  if (path.starts_with("in_hand.")) return {path + ":" + key, Basis::snapshot, {}};
  return {path + ":" + key, Basis::as_of, {}};
}

// What a requester knows of how the tables relate, whatever the records.
// Every relation holds of the true counts of one stretch of days (and one
// as-of date); the quantities of a table are "TABLE:KEY" for every key any
// answer has.
struct TableSum {
  const char* table;
  const char* total;  // the table's cells add up to this quantity
};
constexpr TableSum kTableSums[] = {
    {"referrals.by_sector", "R"},           {"referrals.by_route", "R"},
    {"referrals.by_age_band", "R"},         {"referrals.by_gender", "R"},
    {"referrals.by_concern", "R"},          {"referrals.by_ethnicity", "R"},
    {"referrals.by_mental_health", "R"},    {"referrals.by_neurodiversity", "R"},
    {"referrals.by_consent", "R"},          {"channel_cases.by_concern", "outcomes:adopted"},
    {"channel_cases.by_age_band", "outcomes:adopted"}, {"channel_cases.by_gender", "outcomes:adopted"},
    {"channel_cases.by_sector", "outcomes:adopted"},   {"channel_cases.closed_by_reason", "channel_cases:closed"},
    {"in_hand.by_stage", "in_hand"},
    {"in_hand.overdue", "in_hand:overdue"},            {"in_hand.post_closure", "in_hand:post_closure"},
};
struct TableWithin {
  const char* part;
  const char* whole;  // each cell is at most the whole's cell of the same key
};
constexpr TableWithin kTablesWithin[] = {
    {"channel_cases.by_concern", "referrals.by_concern"},
    {"channel_cases.by_age_band", "referrals.by_age_band"},
    {"channel_cases.by_gender", "referrals.by_gender"},
    {"channel_cases.by_sector", "referrals.by_sector"},
};
struct Inequality {
  std::vector<const char*> parts;  // their sum is at most (or exactly, `equal`) the whole
  const char* whole;
  bool equal = false;
};
const std::vector<Inequality>& inequalities() {
  static const std::vector<Inequality> list = {
      {{"outcomes:adopted", "outcomes:not_adopted"}, "discussed", true},
      {{"outcomes:no_further_action", "outcomes:signposted", "outcomes:police_managed"}, "triaged", false},
      {{"triaged"}, "R", false},
      {{"discussed"}, "R", false},
      {{"within"}, "triaged", false},
      {{"outcomes:consent_declined"}, "R", false},
      {{"outcomes:consent_withdrawn"}, "R", false},
      {{"channel_cases:closed"}, "outcomes:adopted", false},
  };
  return list;
}
// Each cell of these tables is at most the referrals of its days.
constexpr const char* kTablesWithinReferrals[] = {"outcomes.signposted_to"};

Basis basis_of_quantity(const std::string& q) {
  if (q == "R" || q.starts_with("referrals")) return Basis::cohort;
  if (q.starts_with("in_hand")) return Basis::snapshot;
  return Basis::as_of;
}

bool is_a_total(const std::string& q) {
  for (const auto& s : kTableSums)
    if (q == s.total) return true;
  for (const auto& i : inequalities())
    if (q == i.whole) return true;
  return false;
}

// ---------------------------------------------------------------------------
// The requester's programme

struct Answer {
  const Release* release;
  Date cohort_from, cohort_to;  // the days whose referrals it counts (empty when to < from)
  Date in_hand_at;
};

// A row of the programme: a sum of atoms with bounds.
struct Row {
  std::vector<int> columns;
  std::vector<double> coefficients;
};

class Programme {
 public:
  explicit Programme(const std::vector<Release>& releases) {
    for (const auto& r : releases) {
      Answer a{&r, r.from, std::min(r.to, r.as_of), std::min(r.to, r.as_of)};
      answers_.push_back(a);
    }
    cut_days();
    for (size_t i = 0; i < answers_.size(); ++i) {
      cell_rows_.emplace_back();
      for (const auto& c : answers_[i].release->cells) cell_rows_.back().push_back(add_cell_row(i, c));
    }
    add_relations();
    load();
  }
  ~Programme() {
    if (lp_) glp_delete_prob(lp_);
  }
  Programme(const Programme&) = delete;
  Programme& operator=(const Programme&) = delete;

  // The row of answer i's cell j, or -1 when it is not a count or counts
  // no day.
  int row_of(size_t answer, size_t cell) const { return cell_rows_[answer][cell]; }
  const Row& row(int r) const { return rows_[r]; }

  // Bounds of a cell row as its cell is shown, hidden as primary, hidden.
  // Shown and primary can tighten a row: the points that then fall outside
  // it are dropped (points_). Hidden (0 or more) only loosens one.
  void set_shown(int r, long v) {
    glp_set_row_bnds(lp_, r + 1, GLP_FX, double(v), double(v));
    keep_points_within(r, double(v), double(v));
  }
  void set_primary(int r, int threshold) {
    if (threshold - 1 > 1)
      glp_set_row_bnds(lp_, r + 1, GLP_DB, 1.0, double(threshold - 1));
    else
      glp_set_row_bnds(lp_, r + 1, GLP_FX, 1.0, 1.0);
    keep_points_within(r, 1.0, double(std::max(threshold - 1, 1)));
  }
  void set_hidden(int r) { glp_set_row_bnds(lp_, r + 1, GLP_LO, 0.0, 0.0); }

  bool feasible() {
    std::vector<std::pair<int, double>> none;
    return solve(none, GLP_MIN).has_value() || last_status_ == GLP_UNBND;
  }

  // Least and most of a sum of rows' atoms.
  CellRange range(const std::vector<std::pair<int, double>>& row_terms) {
    const auto objective = objective_of(row_terms);
    CellRange out;
    out.min = solve(objective, GLP_MIN);
    if (!out.min && last_status_ != GLP_UNBND) out.feasible = false;
    out.max = solve(objective, GLP_MAX);
    if (!out.max && last_status_ != GLP_UNBND) out.feasible = false;
    return out;
  }

  // Whether the range of a linear form of rows covers lo..hi (rounded to
  // whole numbers; an infeasible programme covers everything, as nothing
  // consistent is learnt, and the infeasible programme is reported
  // elsewhere), without solving for the most when the least already fails.
  //
  // A point of the programme (points_) at which the sum is lo or less
  // proves the least is too, and one at hi or more the most: that solve is
  // spared. The answer is the same either way.
  bool covers_range(const std::vector<std::pair<int, double>>& row_terms, double lo, double hi) {
    const auto objective = objective_of(row_terms);
    const Reached seen = reached(objective, lo, hi);
    if (!seen.low) {
      const auto least = solve(objective, GLP_MIN);
      if (!least && last_status_ != GLP_UNBND) return true;
      if (least && std::ceil(*least - kRoundEps) > lo) return false;
    }
    if (seen.high) return true;
    const auto most = solve(objective, GLP_MAX);
    if (!most && last_status_ != GLP_UNBND) return true;
    return !most || std::floor(*most + kRoundEps) >= hi;
  }

  // The range a sum must keep, lo..hi, narrowed to what the programme
  // allows: lo raised to its least (rounded up), hi lowered to its most
  // (rounded down), as range() gives them; none when the programme has no
  // solution. A point at lo or less (hi or more) spares that solve: the
  // bound then stays as it is, as it would after the solve.
  std::optional<std::pair<double, double>> narrow(const std::vector<std::pair<int, double>>& row_terms, double lo,
                                                  double hi) {
    const auto objective = objective_of(row_terms);
    const Reached seen = reached(objective, lo, hi);
    if (!seen.low) {
      const auto least = solve(objective, GLP_MIN);
      if (!least && last_status_ != GLP_UNBND) return std::nullopt;
      if (least) lo = std::max(lo, std::ceil(*least - kRoundEps));
    }
    if (!seen.high) {
      const auto most = solve(objective, GLP_MAX);
      if (!most && last_status_ != GLP_UNBND) return std::nullopt;
      if (most) hi = std::min(hi, std::floor(*most + kRoundEps));
    }
    return std::make_pair(lo, hi);
  }

  // The rows sharing an atom with `rows`.
  std::set<int> neighbours(const std::set<int>& rows) const {
    std::set<int> out;
    for (int r : rows)
      for (int c : rows_[r].columns)
        for (int other : rows_of_column_[c]) out.insert(other);
    return out;
  }

  // Whether a row can be moved by answer `a`'s rows at all: whether it
  // shares a connected part of the programme (rows joined by atoms, `a`'s
  // own rows left out) with an atom of them.
  std::vector<bool> reachable_from(size_t a) const {
    std::vector<int> parent(atoms_.size());
    for (size_t i = 0; i < parent.size(); ++i) parent[i] = static_cast<int>(i);
    auto find = [&](int x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    std::set<int> own(cell_rows_[a].begin(), cell_rows_[a].end());
    for (size_t r = 0; r < rows_.size(); ++r) {
      if (own.contains(static_cast<int>(r))) continue;
      for (size_t i = 1; i < rows_[r].columns.size(); ++i)
        parent[find(rows_[r].columns[i])] = find(rows_[r].columns[0]);
    }
    std::set<int> touched;
    for (int r : own)
      if (r >= 0)
        for (int c : rows_[r].columns) touched.insert(find(c));
    std::vector<bool> out(rows_.size(), false);
    for (size_t r = 0; r < rows_.size(); ++r)
      for (int c : rows_[r].columns) out[r] = out[r] || touched.contains(find(c));
    return out;
  }

  int solves() const { return solves_; }
  size_t answers() const { return answers_.size(); }

 private:
  static constexpr double kRoundEps = 1e-6;
  // How far outside a row's bounds a kept solution may lie: well inside
  // the rounding of kRoundEps (a point further out than this is dropped,
  // which only costs a solve), and how many solutions are kept as points.
  static constexpr double kPointEps = 1e-9;
  static constexpr size_t kMaxPoints = 512;

  std::vector<std::pair<int, double>> objective_of(const std::vector<std::pair<int, double>>& row_terms) const {
    std::map<int, double> cols;
    for (auto [r, k] : row_terms)
      for (size_t i = 0; i < rows_[r].columns.size(); ++i) cols[rows_[r].columns[i]] += k * rows_[r].coefficients[i];
    return {cols.begin(), cols.end()};
  }

  // Whether some point gives the sum `objective` a value that rounds to lo
  // or less (low), and one that rounds to hi or more (high).
  struct Reached {
    bool low = false, high = false;
  };
  Reached reached(const std::vector<std::pair<int, double>>& objective, double lo, double hi) const {
    Reached out;
    for (const auto& x : points_) {
      double v = 0;
      for (auto [c, k] : objective) v += k * x[c];
      out.low = out.low || std::ceil(v - kRoundEps) <= lo;
      out.high = out.high || std::floor(v + kRoundEps) >= hi;
      if (out.low && out.high) break;
    }
    return out;
  }

  // Drops the points whose value of row r falls outside lo..hi (a bound
  // tightened).
  void keep_points_within(int r, double lo, double hi) {
    const Row& row = rows_[r];
    std::erase_if(points_, [&](const std::vector<double>& x) {
      double v = 0;
      for (size_t i = 0; i < row.columns.size(); ++i) v += row.coefficients[i] * x[row.columns[i]];
      return v < lo - kPointEps * (1.0 + std::abs(lo)) || v > hi + kPointEps * (1.0 + std::abs(hi));
    });
  }

  std::optional<double> solve(const std::vector<std::pair<int, double>>& objective, int direction) {
    for (auto [c, k] : objective) glp_set_obj_coef(lp_, c + 1, k);
    glp_set_obj_dir(lp_, direction);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    ++solves_;
    int ret = glp_simplex(lp_, &parm);
    if (ret != 0) {  // a basis gone bad: start again from the standard one
      glp_std_basis(lp_);
      ret = glp_simplex(lp_, &parm);
    }
    last_status_ = ret == 0 ? glp_get_status(lp_) : GLP_UNDEF;
    std::optional<double> v;
    if (last_status_ == GLP_OPT) {
      v = glp_get_obj_val(lp_);
      // The solution is a point of the programme as it stands.
      std::vector<double> x(atoms_.size());
      for (size_t c = 0; c < x.size(); ++c) x[c] = glp_get_col_prim(lp_, static_cast<int>(c) + 1);
      points_.push_back(std::move(x));
      if (points_.size() > kMaxPoints) points_.pop_front();
    }
    for (auto [c, k] : objective) glp_set_obj_coef(lp_, c + 1, 0.0);
    return v;
  }

  // The days are cut into stretches at every answer's first and last day
  // and at every month: each answer's days are a run of whole stretches.
  void cut_days() {
    std::set<long> cuts;
    for (const auto& a : answers_) {
      if (a.cohort_to < a.cohort_from) continue;
      cuts.insert(a.cohort_from.days());
      cuts.insert(a.cohort_to.days() + 1);
      for (Date m = Date::from_ymd(a.cohort_from.year(), a.cohort_from.month(), 1).add_months(1); m <= a.cohort_to;
           m = m.add_months(1))
        cuts.insert(m.days());
    }
    std::vector<long> c(cuts.begin(), cuts.end());
    for (size_t i = 0; i + 1 < c.size(); ++i) {
      const Date from = Date::from_days(c[i]), to = Date::from_days(c[i + 1] - 1);
      bool covered = false;
      for (const auto& a : answers_) covered = covered || (a.cohort_from <= from && to <= a.cohort_to);
      if (covered) stretches_.push_back({from, to});
    }
  }

  std::vector<size_t> stretches_in(Date from, Date to) const {
    std::vector<size_t> out;
    for (size_t i = 0; i < stretches_.size(); ++i)
      if (from <= stretches_[i].first && stretches_[i].second <= to) out.push_back(i);
    return out;
  }

  // An atom: a quantity over one stretch (and one as-of date), or on one day.
  int atom(const std::string& quantity, Basis basis, long stretch_or_day, long as_of) {
    auto key = std::tuple{quantity, stretch_or_day, basis == Basis::as_of ? as_of : 0L};
    auto [it, added] = atoms_.try_emplace(key, static_cast<int>(atoms_.size()));
    if (added) {
      rows_of_column_.emplace_back();
      contexts_[{basis, stretch_or_day, basis == Basis::as_of ? as_of : 0L}] = true;
      if (basis == Basis::cohort || basis == Basis::as_of) cohort_stretches_.insert(stretch_or_day);
      if (basis == Basis::as_of) as_ofs_.insert(as_of);
      if (basis == Basis::snapshot) days_.insert(stretch_or_day);
      quantities_.insert(quantity);
    }
    return it->second;
  }

  int add_row(Row in) {
    // An atom named twice in one row is one term (GLPK refuses a matrix
    // with the same entry twice, by aborting).
    Row r;
    for (size_t i = 0; i < in.columns.size(); ++i) {
      auto at = std::find(r.columns.begin(), r.columns.end(), in.columns[i]);
      if (at == r.columns.end()) {
        r.columns.push_back(in.columns[i]);
        r.coefficients.push_back(in.coefficients[i]);
      } else {
        r.coefficients[at - r.columns.begin()] += in.coefficients[i];
      }
    }
    const int index = static_cast<int>(rows_.size());
    for (int c : r.columns) rows_of_column_[c].push_back(index);
    rows_.push_back(std::move(r));
    bounds_.push_back({GLP_LO, 0, 0});
    return index;
  }

  int add_cell_row(size_t i, const ReleasedCell& cell) {
    const Answer& a = answers_[i];
    Source s = source_of(cell.path, cell.key);
    if (s.basis == Basis::measure) return -1;
    Row r;
    if (s.basis == Basis::snapshot) {
      r.columns.push_back(atom(s.quantity, s.basis, a.in_hand_at.days(), 0));
    } else {
      Date from = a.cohort_from, to = a.cohort_to;
      if (s.within) from = std::max(from, s.within->first), to = std::min(to, s.within->second);
      if (to < from) return -1;
      for (size_t k : stretches_in(from, to))
        r.columns.push_back(atom(s.quantity, s.basis, static_cast<long>(k), a.release->as_of.days()));
    }
    if (r.columns.empty()) return -1;
    r.coefficients.assign(r.columns.size(), 1.0);
    const int row = add_row(std::move(r));
    if (cell.shown)
      bounds_[row] = {GLP_FX, double(*cell.shown), double(*cell.shown)};
    else if (cell.primary)
      bounds_[row] = a.release->threshold - 1 > 1 ? Bounds{GLP_DB, 1.0, double(a.release->threshold - 1)}
                                                  : Bounds{GLP_FX, 1.0, 1.0};
    return row;
  }

  // Relations, for every stretch and as-of date (or day) with atoms.
  void add_relations() {
    // The keys of each table, from every quantity seen.
    std::map<std::string, std::vector<std::string>> keys;
    for (const auto& q : std::set<std::string>(quantities_)) {
      auto colon = q.rfind(':');
      if (colon != std::string::npos) keys[q.substr(0, colon)].push_back(q.substr(colon + 1));
    }
    auto context_atom = [&](const std::string& q, long stretch, long as_of, long day) {
      Basis b = basis_of_quantity(q);
      return b == Basis::snapshot ? atom(q, b, day, 0) : atom(q, b, stretch, as_of);
    };
    auto relate = [&](const std::vector<std::string>& parts, const std::string& whole, bool equal, long stretch,
                      long as_of, long day) {
      Row r;
      for (const auto& p : parts) r.columns.push_back(context_atom(p, stretch, as_of, day)), r.coefficients.push_back(1);
      r.columns.push_back(context_atom(whole, stretch, as_of, day));
      r.coefficients.push_back(-1);
      const int row = add_row(std::move(r));
      bounds_[row] = equal ? Bounds{GLP_FX, 0, 0} : Bounds{GLP_UP, 0, 0};
    };
    auto table_parts = [&](const std::string& table) {
      std::vector<std::string> parts;
      for (const auto& k : keys[table]) parts.push_back(table + ":" + k);
      return parts;
    };
    auto each = [&](auto&& fn) {
      // Every context a relation may hold in: cohort stretches at each
      // as-of date (and alone), and snapshot days.
      const auto stretches = cohort_stretches_;
      const auto as_ofs = as_ofs_;
      for (long s : stretches) {
        fn(Basis::cohort, s, 0L, 0L);
        for (long a : as_ofs)
          if (Date::from_days(a) >= stretches_[s].second) fn(Basis::as_of, s, a, 0L);
      }
      for (long d : std::set<long>(days_)) fn(Basis::snapshot, 0L, 0L, d);
    };
    auto context_of = [&](const std::string& whole, const std::vector<std::string>& parts) {
      Basis b = basis_of_quantity(whole);
      for (const auto& p : parts) b = std::max(b, basis_of_quantity(p));
      return b;
    };
    auto holds_here = [&](Basis b, long stretch, long as_of, long day, const std::vector<std::string>& qs) {
      // Only where at least one of its quantities has an atom already.
      for (const auto& q : qs) {
        Basis qb = basis_of_quantity(q);
        auto key = qb == Basis::snapshot ? std::tuple{q, day, 0L} : std::tuple{q, stretch, qb == Basis::as_of ? as_of : 0L};
        if (atoms_.contains(key)) return true;
      }
      (void)b;
      return false;
    };
    each([&](Basis b, long stretch, long as_of, long day) {
      for (const auto& s : kTableSums) {
        auto parts = table_parts(s.table);
        if (parts.empty() || context_of(s.total, parts) != b) continue;
        auto all = parts;
        all.push_back(s.total);
        if (holds_here(b, stretch, as_of, day, all)) relate(parts, s.total, true, stretch, as_of, day);
      }
      for (const auto& w : kTablesWithin)
        for (const auto& k : keys[w.part]) {
          std::string part = std::string(w.part) + ":" + k, whole = std::string(w.whole) + ":" + k;
          if (context_of(whole, {part}) == b && holds_here(b, stretch, as_of, day, {part}))
            relate({part}, whole, false, stretch, as_of, day);
        }
      for (const char* t : kTablesWithinReferrals)
        for (const auto& part : table_parts(t))
          if (context_of("R", {part}) == b && holds_here(b, stretch, as_of, day, {part}))
            relate({part}, "R", false, stretch, as_of, day);
      for (const auto& i : inequalities()) {
        std::vector<std::string> parts(i.parts.begin(), i.parts.end());
        auto all = parts;
        all.push_back(i.whole);
        if (context_of(i.whole, parts) == b && holds_here(b, stretch, as_of, day, all))
          relate(parts, i.whole, i.equal, stretch, as_of, day);
      }
    });
  }

  void load() {
    lp_ = glp_create_prob();
    glp_add_cols(lp_, static_cast<int>(atoms_.size()));
    for (int c = 1; c <= static_cast<int>(atoms_.size()); ++c) glp_set_col_bnds(lp_, c, GLP_LO, 0, 0);
    glp_add_rows(lp_, static_cast<int>(rows_.size()));
    std::vector<int> ia{0}, ja{0};
    std::vector<double> ar{0};
    for (size_t r = 0; r < rows_.size(); ++r) {
      const auto& b = bounds_[r];
      glp_set_row_bnds(lp_, static_cast<int>(r) + 1, b.type, b.lb, b.ub);
      for (size_t i = 0; i < rows_[r].columns.size(); ++i) {
        ia.push_back(static_cast<int>(r) + 1);
        ja.push_back(rows_[r].columns[i] + 1);
        ar.push_back(rows_[r].coefficients[i]);
      }
    }
    // add_row merged any atom named twice: no entry is duplicated.
    glp_load_matrix(lp_, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  }

  struct Bounds {
    int type;
    double lb, ub;
  };
  std::vector<Answer> answers_;
  std::vector<std::pair<Date, Date>> stretches_;
  std::map<std::tuple<std::string, long, long>, int> atoms_;
  std::map<std::tuple<Basis, long, long>, bool> contexts_;
  std::set<long> cohort_stretches_, as_ofs_, days_;
  std::set<std::string> quantities_;
  std::vector<Row> rows_;
  std::vector<Bounds> bounds_;
  std::vector<std::vector<int>> rows_of_column_;
  std::vector<std::vector<int>> cell_rows_;
  glp_prob* lp_ = nullptr;
  int last_status_ = 0;
  int solves_ = 0;
  // Solutions of earlier solves that the programme, as its bounds now
  // stand, still allows: each a value per atom (covers_range, narrow).
  std::deque<std::vector<double>> points_;
};

bool is_primary_value(std::optional<long> v, int threshold) { return v && *v >= 1 && *v < threshold; }

// Something a requester must not narrow: a linear form of cell rows and
// the range it must keep.
struct Sensitive {
  std::vector<std::pair<int, double>> terms;
  double lo, hi;
  std::string table;  // of the current answer's cell it is about, if any
  std::string what;   // what it is, for DisclosureOutcome::steps
  std::set<int> rows() const {
    std::set<int> out;
    for (auto [r, k] : terms) out.insert(r);
    return out;
  }
};

}  // namespace

Release release_of(const Report& report) {
  Release r;
  r.from = report.options.from;
  r.to = report.options.to;
  r.as_of = report.options.as_of;
  r.threshold = report.options.threshold;
  r.foi = report.options.foi;
  const bool applied = report.suppression_applied();
  for (const auto& t : report.tables) {
    const bool withheld = std::find(report.withheld.begin(), report.withheld.end(), t.path) != report.withheld.end();
    for (const auto& c : t.cells) {
      if (c.kind == ReportCell::Kind::measure) continue;
      ReleasedCell rc{t.path, c.key, c.suppressed ? std::nullopt : c.value, false};
      rc.primary = applied && c.suppressed && !withheld && is_primary_value(c.value, r.threshold);
      r.cells.push_back(std::move(rc));
    }
  }
  return r;
}

CellRange feasible_range(const std::vector<Release>& answers, const std::vector<Term>& terms) {
  glp_term_out(GLP_OFF);
  Programme p(answers);
  std::vector<std::pair<int, double>> rows;
  for (const auto& t : terms) {
    const auto& cells = answers.at(t.answer).cells;
    for (size_t j = 0; j < cells.size(); ++j)
      if (cells[j].path == t.path && cells[j].key == t.key && p.row_of(t.answer, j) >= 0)
        rows.push_back({p.row_of(t.answer, j), t.coefficient});
  }
  if (rows.empty()) return {0.0, 0.0, true};
  return p.range(rows);
}

namespace {

// The earlier answers the requester can set against this one: those whose
// days of referrals overlap its own, or whose work in hand is of its day,
// and so on through them. Answers apart from all of these share no count
// with it: the programme leaves them out, which changes no range.
std::vector<EarlierAnswer> connected_to(const Report& report, const std::vector<EarlierAnswer>& all) {
  struct Span {
    Date from, to, day;
  };
  auto span = [](Date from, Date to, Date as_of) { return Span{from, std::min(to, as_of), std::min(to, as_of)}; };
  std::vector<Span> in{span(report.options.from, report.options.to, report.options.as_of)};
  std::vector<bool> taken(all.size(), false);
  for (bool grew = true; grew;) {
    grew = false;
    for (size_t i = 0; i < all.size(); ++i) {
      if (taken[i]) continue;
      const Release& r = all[i].release;
      const Span s = span(r.from, r.to, r.as_of);
      for (const Span& x : in)
        if ((s.from <= x.to && x.from <= s.to && s.from <= s.to && x.from <= x.to) || s.day == x.day) {
          taken[i] = grew = true;
          in.push_back(s);
          break;
        }
    }
  }
  std::vector<EarlierAnswer> out;
  for (size_t i = 0; i < all.size(); ++i)
    if (taken[i]) out.push_back(all[i]);
  return out;
}

}  // namespace

DisclosureOutcome protect(Report& report, const std::vector<EarlierAnswer>& all_earlier) {
  const std::vector<EarlierAnswer> earlier = connected_to(report, all_earlier);
  glp_term_out(GLP_OFF);
  // GLPK allocates its working arrays afresh for every solve; kept by
  // malloc instead of returned to the kernel each time, the thousands of
  // solves of a large register take a third of the time.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  DisclosureOutcome out;
  const int t = report.options.threshold;

  // Primary: every count from 1 to threshold-1, totals included.
  for (auto& table : report.tables)
    for (auto& c : table.cells)
      if (c.kind != ReportCell::Kind::measure && is_primary_value(c.value, t)) c.suppressed = true, ++out.primary;
  // Medians and percentiles of fewer than threshold values are withheld.
  for (const char* path : {"timeliness.referral_to_triage_days", "timeliness.referral_to_first_panel_days"}) {
    for (auto& table : report.tables) {
      if (table.path != path) continue;
      std::optional<long> count;
      for (auto& c : table.cells)
        if (c.key == "count") count = c.value;
      for (auto& c : table.cells)
        if (c.kind == ReportCell::Kind::measure && c.value && count && *count < t) c.suppressed = true;
    }
  }

  std::vector<Release> releases;
  for (const auto& e : earlier) releases.push_back(e.release);
  releases.push_back(release_of(report));
  const size_t cur = releases.size() - 1;
  Programme p(releases);

  // The current answer's cells, by position in its release, with the
  // report cell each stands for.
  std::vector<ReportCell*> cells;
  std::vector<std::string> cell_table;
  for (auto& table : report.tables)
    for (auto& c : table.cells)
      if (c.kind != ReportCell::Kind::measure) cells.push_back(&c), cell_table.push_back(table.path);

  if (!p.feasible()) {
    // Records corrected since an earlier answer can make the answers
    // contradict each other; the earlier ones still bind the requester,
    // but the programme can no longer say how: refuse rather than guess.
    fail(Exit::store,
         "this answer contradicts an earlier release: records counted in it have been corrected since (releases/)",
         "`prevent report --explain` is not available for this; ask the analyst to compare the releases by hand");
  }

  // Everything that must keep its range.
  std::vector<Sensitive> sensitive;
  for (size_t j = 0; j < cells.size(); ++j) {
    const ReportCell& c = *cells[j];
    const int row = p.row_of(cur, j);
    if (row >= 0 && c.suppressed && is_primary_value(c.value, t))
      sensitive.push_back({{{row, 1.0}}, 1.0, double(t - 1), cell_table[j], cell_table[j] + " " + c.key});
  }
  // Counts the answer implies without a cell of their own: the cases
  // triaged outside the target are the triaged less those within it.
  struct Complement {
    const char* path;
    const char* whole;
    const char* part;
    const char* what;
  };
  constexpr Complement kComplements[] = {
      {"timeliness.triaged_within_target", "of", "count", "the cases triaged outside the target"},
  };
  for (const auto& k : kComplements) {
    std::optional<size_t> whole, part;
    for (size_t j = 0; j < cells.size(); ++j)
      if (cell_table[j] == k.path) {
        if (cells[j]->key == k.whole) whole = j;
        if (cells[j]->key == k.part) part = j;
      }
    if (!whole || !part || p.row_of(cur, *whole) < 0 || p.row_of(cur, *part) < 0) continue;
    const long rest = cells[*whole]->value.value_or(0) - cells[*part]->value.value_or(0);
    if (is_primary_value(rest, t))
      sensitive.push_back({{{p.row_of(cur, *whole), 1.0}, {p.row_of(cur, *part), -1.0}}, 1.0, double(t - 1), k.path,
                           k.what});
  }
  // An earlier cell out of this answer's reach keeps the range it had.
  const std::vector<bool> reachable = p.reachable_from(cur);
  for (size_t i = 0; i < earlier.size(); ++i) {
    const Release& r = releases[i];
    for (size_t j = 0; j < r.cells.size(); ++j)
      if (r.cells[j].primary && p.row_of(i, j) >= 0 && reachable[p.row_of(i, j)])
        sensitive.push_back({{{p.row_of(i, j), 1.0}},
                             1.0,
                             double(r.threshold - 1),
                             r.cells[j].path,
                             fmt::format("{} {} of release {:04}", r.cells[j].path, r.cells[j].key, r.number)});
  }
  // The same cohort at another as-of date: what happened between the two
  // dates is a count too.
  for (size_t i = 0; i < earlier.size(); ++i) {
    const Release& r = releases[i];
    if (r.from != report.options.from || std::min(r.to, r.as_of) != std::min(report.options.to, report.options.as_of) ||
        r.as_of == report.options.as_of)
      continue;
    for (size_t j = 0; j < cells.size(); ++j) {
      const int row = p.row_of(cur, j);
      if (row < 0) continue;
      const auto& table = cell_table[j];
      const Source s = source_of(table, cells[j]->key);
      if (s.basis != Basis::as_of) continue;
      const ReportCell* then = nullptr;
      if (const ReportTable* tt = earlier[i].truth.table(table))
        for (const auto& c : tt->cells)
          if (c.key == cells[j]->key) then = &c;
      if (!then || !then->value || !cells[j]->value) continue;
      int old_row = -1;
      for (size_t k = 0; k < r.cells.size(); ++k)
        if (r.cells[k].path == table && r.cells[k].key == cells[j]->key) old_row = p.row_of(i, k);
      if (old_row < 0) continue;
      const long d = *cells[j]->value - *then->value;
      const std::string what =
          fmt::format("{} {}: the change since release {:04}", table, cells[j]->key, r.number);
      if (d >= 1 && d < t) sensitive.push_back({{{row, 1.0}, {old_row, -1.0}}, 1.0, double(t - 1), table, what});
      if (-d >= 1 && -d < t) sensitive.push_back({{{row, 1.0}, {old_row, -1.0}}, double(1 - t), -1.0, table, what});
    }
  }

  // The shown cells of this answer (and of the earlier ones) hidden, the
  // primary cells kept as primary: what the pattern of [c] alone tells.
  auto is_withheld = [&](const std::string& table) {
    return std::find(report.withheld.begin(), report.withheld.end(), table) != report.withheld.end();
  };
  enum class Current { as_is, shown_hidden, all_hidden };
  auto set_current = [&](Current how) {
    for (size_t j = 0; j < cells.size(); ++j) {
      const int row = p.row_of(cur, j);
      if (row < 0) continue;
      const ReportCell& c = *cells[j];
      const bool shown_hidden = how != Current::as_is;
      if (how == Current::all_hidden)
        p.set_hidden(row);
      else if (c.suppressed && is_primary_value(c.value, t) && !is_withheld(cell_table[j]))
        p.set_primary(row, t);
      else if (c.suppressed || shown_hidden)
        p.set_hidden(row);
      else
        p.set_shown(row, *c.value);
    }
  };
  auto set_earlier = [&](bool shown_hidden) {
    for (size_t i = 0; i < earlier.size(); ++i)
      for (size_t j = 0; j < releases[i].cells.size(); ++j) {
        const int row = p.row_of(i, j);
        const auto& c = releases[i].cells[j];
        if (row < 0 || !c.shown) continue;
        if (shown_hidden)
          p.set_hidden(row);
        else
          p.set_shown(row, *c.shown);
      }
  };
  auto is_current_row = [&](int row) {
    for (size_t j = 0; j < cells.size(); ++j)
      if (p.row_of(cur, j) == row) return true;
    return false;
  };
  auto hide = [&](size_t j, const std::string& why) {
    out.steps.push_back(fmt::format("{} {}: for {}", cell_table[j], cells[j]->key, why));
    cells[j]->suppressed = true;
    ++out.secondary;
    p.set_hidden(p.row_of(cur, j));
  };
  auto withhold = [&](const std::string& table, const std::string& why) {
    out.steps.push_back(fmt::format("{} withheld whole: for {}", table, why));
    if (std::find(report.withheld.begin(), report.withheld.end(), table) == report.withheld.end())
      report.withheld.push_back(table);
    for (size_t j = 0; j < cells.size(); ++j)
      if (cell_table[j] == table) {
        if (!cells[j]->suppressed) ++out.secondary;
        cells[j]->suppressed = true;
        if (p.row_of(cur, j) >= 0) p.set_hidden(p.row_of(cur, j));
      }
  };
  auto safe = [&](const Sensitive& s) { return p.covers_range(s.terms, s.lo, s.hi); };

  // The cell of this answer to hide for `s`: of the shown cells near it
  // (sharing an atom with it, or one step further; then two), ranked its
  // own table first, a small count before a zero before a total, the
  // first whose hiding alone makes `s` safe, else the first.
  auto candidate = [&](const Sensitive& s) -> std::optional<size_t> {
    std::set<int> near = p.neighbours(s.rows());
    near = p.neighbours(near);
    for (int round = 0; round < 2; ++round) {
      std::vector<std::pair<std::tuple<int, int, int, long, size_t>, size_t>> ranked;
      for (size_t j = 0; j < cells.size(); ++j) {
        const int row = p.row_of(cur, j);
        if (row < 0 || cells[j]->suppressed || !cells[j]->value || !near.contains(row)) continue;
        const std::string q = source_of(cell_table[j], cells[j]->key).quantity;
        ranked.push_back({{cell_table[j] == s.table ? 0 : 1, *cells[j]->value == 0 ? 1 : 0, is_a_total(q) ? 1 : 0,
                           *cells[j]->value, j},
                          j});
      }
      std::sort(ranked.begin(), ranked.end());
      constexpr size_t kTries = 6;
      for (size_t i = 0; i < ranked.size() && i < kTries; ++i) {
        const int row = p.row_of(cur, ranked[i].second);
        p.set_hidden(row);
        const bool enough = safe(s);
        p.set_shown(row, *cells[ranked[i].second]->value);
        if (enough) return ranked[i].second;
      }
      if (!ranked.empty()) return ranked.front().second;
      near = p.neighbours(near);
    }
    return std::nullopt;
  };

  // What each must keep: its range to a requester who knew only which
  // cells are [c] and which of them are primary, within the range it must
  // keep. A count the pattern of [c] alone bounds (a hidden total of two
  // primary cells is at least 2) keeps that; the numbers shown may not
  // narrow it further.
  auto targets = [&](std::vector<Sensitive> list) {
    set_current(Current::shown_hidden);
    set_earlier(true);
    std::vector<Sensitive> out;
    for (auto& x : list) {
      const auto r = p.narrow(x.terms, x.lo, x.hi);
      if (!r) continue;
      x.lo = r->first;
      x.hi = r->second;
      if (x.lo <= x.hi) out.push_back(std::move(x));
    }
    set_earlier(false);
    set_current(Current::as_is);
    return out;
  };

  for (bool again = true; again;) {
    again = false;
    std::vector<Sensitive> exposed;
    for (const auto& x : targets(sensitive))
      if (!safe(x)) exposed.push_back(x);
    // An earlier answer's cell that the earlier answers give away without
    // any of this one (its [c] included) is not this answer's doing, and
    // nothing in it can help.
    std::erase_if(exposed, [&](const Sensitive& x) {
      bool mine = false;
      for (auto [r, k] : x.terms) mine = mine || is_current_row(r);
      if (mine) return false;
      set_current(Current::all_hidden);
      const bool already = !safe(x);
      set_current(Current::as_is);
      return already;
    });
    for (size_t i = 0; i < exposed.size() && !again;) {
      const Sensitive& x = exposed[i];
      if (safe(x)) {
        ++i;
        continue;
      }
      if (auto j = candidate(x)) {
        hide(*j, x.what);
        continue;
      }
      // Nothing near it is left to hide: withhold its table whole (its
      // cells are then no longer primary, which changes what every other
      // cell must keep: start again), and then every table, which gives
      // back the register as it was.
      const bool in_this_answer =
          std::find(cell_table.begin(), cell_table.end(), x.table) != cell_table.end();
      if (in_this_answer && !is_withheld(x.table)) {
        withhold(x.table, x.what);
        std::erase_if(sensitive, [&](const Sensitive& y) {
          return y.table == x.table && y.terms.size() == 1 && is_current_row(y.terms.front().first);
        });
        again = true;
        continue;
      }
      for (const auto& table : report.tables)
        if (!is_withheld(table.path)) withhold(table.path, x.what);
      ++i;
    }
  }

  // A hidden group must not be seen to share one category: under a hidden
  // total that is not zero, at least two of its parts must be able to be
  // non-zero (a part the answer leaves unsaid, like the cases triaged to
  // the panel, counts as one).
  struct GroupOf {
    std::string name;
    std::vector<size_t> members;  // cells of this answer
    std::string total;            // quantity
    bool rest = false;            // the members need not add up to the total
  };
  std::vector<GroupOf> groups;
  auto group_cells = [&](std::string name, auto&& is_member, std::string total, bool rest) {
    GroupOf g{std::move(name), {}, std::move(total), rest};
    for (size_t j = 0; j < cells.size(); ++j)
      if (p.row_of(cur, j) >= 0 && is_member(cell_table[j], cells[j]->key)) g.members.push_back(j);
    if (!g.members.empty()) groups.push_back(std::move(g));
  };
  for (const auto& sum : kTableSums)
    group_cells(sum.table, [&](const std::string& t, const std::string&) { return t == sum.table; }, sum.total, false);
  group_cells("referrals.by_month", [](const std::string& t, const std::string&) { return t == "referrals.by_month"; },
              "R", false);
  group_cells("outcomes (adopted or not)",
              [](const std::string& t, const std::string& k) {
                return t == "outcomes" && (k == "adopted" || k == "not_adopted");
              },
              "discussed", false);
  group_cells("outcomes (triage)",
              [](const std::string& t, const std::string& k) {
                return t == "outcomes" && (k == "no_further_action" || k == "signposted" || k == "police_managed");
              },
              "triaged", true);
  group_cells("timeliness.triaged_within_target",
              [](const std::string& t, const std::string& k) {
                return t == "timeliness.triaged_within_target" && k == "count";
              },
              "triaged", true);
  for (const auto& g : groups) {
    std::vector<size_t> totals;
    for (size_t j = 0; j < cells.size(); ++j) {
      const Source src = source_of(cell_table[j], cells[j]->key);
      if (src.quantity == g.total && !src.within && p.row_of(cur, j) >= 0) totals.push_back(j);
    }
    if (totals.empty() || !cells[totals.front()]->value || *cells[totals.front()]->value < 1) continue;
    bool hidden = true;
    for (size_t j : totals) hidden = hidden && cells[j]->suppressed;
    if (!hidden) continue;
    auto could_be_nonzero = [&] {
      int n = 0;
      for (size_t j : g.members) {
        auto r = p.range({{p.row_of(cur, j), 1.0}});
        if (!r.max || *r.max > 0.5) ++n;
      }
      if (g.rest) {
        std::vector<std::pair<int, double>> rest{{p.row_of(cur, totals.front()), 1.0}};
        for (size_t j : g.members) rest.push_back({p.row_of(cur, j), -1.0});
        auto r = p.range(rest);
        if (!r.max || *r.max > 0.5) ++n;
      }
      return n;
    };
    // A group the earlier answers already show to share one category (a
    // quarter inside a year whose every referral was of one category, shown
    // with a total large enough to publish) is not this answer's doing, and
    // hiding its zeros would tell nobody anything.
    set_current(Current::shown_hidden);
    const bool already = could_be_nonzero() < 2;
    set_current(Current::as_is);
    if (already) continue;
    while (true) {
      if (could_be_nonzero() >= 2) break;
      std::optional<size_t> zero;
      for (size_t j : g.members)
        if (!cells[j]->suppressed && cells[j]->value) {
          zero = j;
          break;
        }
      if (!zero) break;  // one category only: the table has a single key
      hide(*zero, fmt::format("the hidden group of {}", g.name));
    }
  }

  // Measures of a count now hidden are withheld with it.
  for (auto& table : report.tables) {
    const ReportCell* count = nullptr;
    for (auto& c : table.cells)
      if (c.key == "count") count = &c;
    if (count && count->suppressed)
      for (auto& c : table.cells)
        if (c.kind == ReportCell::Kind::measure && c.value) c.suppressed = true;
  }
  out.solves = p.solves();
  return out;
}

JointOutcome protect_with_year_earlier(Report& report, Report earlier,
                                       const std::vector<EarlierAnswer>& register_answers) {
  JointOutcome out;
  Report truth = earlier;
  out.earlier = protect(earlier, register_answers);
  std::vector<EarlierAnswer> answers = register_answers;
  answers.push_back({release_of(earlier), std::move(truth)});
  out.current = protect(report, answers);
  report.year_earlier = std::make_shared<const Report>(std::move(earlier));
  return out;
}

void protect_special_categories_with_year_earlier(Report& report, Report earlier, int store_threshold) {
  Report truth = earlier;
  protect_special_categories(earlier, store_threshold);
  // As the register would keep it: the special categories' small hidden
  // cells primary at the threshold they were hidden at, the rest shown.
  Report shown = earlier;
  shown.options.threshold = special_category_threshold(store_threshold);
  protect_special_categories(report, store_threshold, {{release_of(shown), std::move(truth)}});
  report.year_earlier = std::make_shared<const Report>(std::move(earlier));
}

}  // namespace prevent

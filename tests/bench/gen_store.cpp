// prevent_gen_store: writes a synthetic store of N cases, with its history,
// as one `git fast-import` stream on standard output.
//
//   git init -q -b main STORE
//   prevent_gen_store --cases 10000 --seed 1 | git -C STORE fast-import --quiet
//   git -C STORE reset -q --hard
//
// Not part of `prevent`: it is how the benchmarks (tests/bench/run) get
// stores of national size. Records are built and changed by the program's
// own library (apply_triage, apply_decision, …, write_case, write_meeting,
// write_config), every record written is checked against every rule of
// SPEC §4 on the day of its commit, and commit messages are exactly those
// the commands write. The people are invented: names from made-up
// syllables, postcode districts ZZ1–ZZ9, agencies "Example …".
//
// History:
//   full   one commit per action, as the commands would make them, in date
//          order across all cases (referral, notes, assessment, triage,
//          panel decision, consent, support actions, monthly reviews,
//          closure, post-closure reviews, reopenings);
//   light  the same records, but one `import` commit per case (its state at
//          the as-of date) instead of one per action: quick to build.
//
// Determinism: the same arguments give the same stream, byte for byte
// (commit times are derived from the event dates, never from the clock).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "calendar.hpp"
#include "case_actions.hpp"
#include "case_record.hpp"
#include "config.hpp"
#include "correction.hpp"
#include "date.hpp"
#include "failure.hpp"
#include "meeting.hpp"
#include "rules.hpp"
#include "schema.hpp"
#include "store.hpp"
#include "workflow.hpp"

using namespace prevent;

namespace {

// ---------------------------------------------------------------- random
// SplitMix64: the same numbers on every platform and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }  // inclusive
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  // An index into `weights`, chosen in proportion to them.
  size_t weighted(const std::vector<int>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int x = below(total);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  uint64_t s_;
};

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

struct Choice {
  const char* key;
  int weight;
};

const char* pick(Rng& r, const std::vector<Choice>& choices) {
  std::vector<int> w;
  for (const auto& c : choices) w.push_back(c.weight);
  return choices[r.weighted(w)].key;
}

// ---------------------------------------------------------------- proportions
// Roughly the Home Office's Prevent statistics for England and Wales
// (referrals by sector, concern and age; about 18% of referrals discussed at
// a Channel panel, about half of those adopted).
const std::vector<Choice> kSectors = {
    {"education", 39}, {"police", 29}, {"local-authority", 11}, {"health", 10}, {"community", 3},
    {"family-friends", 3}, {"prisons", 1}, {"probation", 1}, {"other", 3}};
const std::vector<Choice> kConcerns = {
    {"islamist", 13}, {"extreme-right-wing", 21}, {"left-wing-anarchist-single-issue", 1},
    {"conflicted", 2}, {"mixed-unclear-unstable", 37}, {"high-ct-risk-no-ideology", 1},
    {"vulnerability-no-ideology", 20}, {"other", 5}};
const std::vector<Choice> kGenders = {{"male", 88}, {"female", 10}, {"other", 1}, {"not-known", 1}};
const std::vector<Choice> kRoutes = {{"email", 45}, {"massh-children", 14}, {"massh-adults", 8},
                                     {"out-of-hours", 3}, {"transfer-in", 2}, {"other", 8}};
// Age on the referral date: [lo, hi] years, weight; lo < 0 = not known.
struct AgeBand {
  int lo, hi, weight;
};
const std::vector<AgeBand> kAges = {{8, 10, 4},  {11, 15, 36}, {16, 17, 13}, {18, 20, 9}, {21, 30, 13},
                                    {31, 40, 9}, {41, 50, 6},  {51, 70, 5},  {-1, -1, 5}};
const std::vector<Choice> kTriage = {{"no-further-action", 34}, {"signposted", 38}, {"police-managed", 10},
                                     {"channel-panel", 18}};
const char* kServices[] = {"children-social-care", "adult-social-care", "early-help", "mental-health", "education",
                           "housing", "police-neighbourhood", "youth-justice", "other"};
const char* kSupport[] = {"ideological-mentoring", "education-training", "mental-health", "life-skills",
                          "anger-management", "family-support", "housing", "employment", "diversionary-activity"};
const char* kSyllables[] = {"zor", "van", "quil", "let", "mar", "ibex", "tun", "drell", "okk", "io",
                            "fenn", "whis", "tle", "bram", "quix", "ulo", "vex", "ombr", "ith", "yal"};
// Texts for the (P) free-text fields: plainly synthetic.
const char* kNotes[] = {"Synthetic note: information shared as agreed.", "Synthetic note: no new concerns raised.",
                        "Synthetic note: engagement is improving.", "Synthetic note: partner agencies updated.",
                        "Synthetic note: plan discussed with the family."};

// A fixed list's value from its key, as the command line parses it.
template <KeyedEnum E>
E key(std::string_view k) {
  return *key_to<E>(k);
}

// A review as `prevent review record` gives it.
ReviewInput review_input(Date date, const char* kind, const char* outcome, const char* notes,
                         std::optional<std::string> reason = std::nullopt) {
  ReviewInput in;
  in.review.date = date;
  in.review.kind = key<ReviewKind>(kind);
  in.review.outcome = key<ReviewOutcome>(outcome);
  in.review.notes = PersonalNote(std::string(notes));
  if (reason) in.reason = key<ClosureReason>(*reason);
  return in;
}

struct Coordinator {
  const char* name;
  const char* email;
};
const Coordinator kCoordinators[] = {
    {"Avrel Quintock", "avrel.quintock@example.invalid"}, {"Bramwen Ithory", "bramwen.ithory@example.invalid"},
    {"Corvel Yalmarr", "corvel.yalmarr@example.invalid"}, {"Dulith Fennow", "dulith.fennow@example.invalid"},
    {"Evrenna Okkvist", "evrenna.okkvist@example.invalid"}, {"Fyrell Whistan", "fyrell.whistan@example.invalid"}};
constexpr int kCoordinatorCount = sizeof(kCoordinators) / sizeof(kCoordinators[0]);

std::string person_name(Rng& r) {
  auto word = [&](int n) {
    std::string w;
    int last = -1;
    for (int i = 0; i < n; ++i) {
      int s;
      do s = r.below(20); while (s == last);
      last = s;
      w += kSyllables[s];
    }
    w[0] = static_cast<char>(w[0] - 'a' + 'A');
    return w;
  };
  return word(2) + " " + word(3);
}

std::string agency(Rng& r, const std::string& sector) {
  int n = r.between(1, 60);
  if (sector == "education") return r.chance(0.7) ? fmt::format("Example Academy {}", n) : fmt::format("Example College {}", n % 12 + 1);
  if (sector == "police") return fmt::format("Example Constabulary {}", n % 9 + 1);
  if (sector == "local-authority") return fmt::format("Example Council {} Children's Services", n % 20 + 1);
  if (sector == "health") return fmt::format("Example NHS Trust {}", n % 15 + 1);
  if (sector == "community") return fmt::format("Example Community Centre {}", n);
  if (sector == "family-friends") return "Family member";
  if (sector == "prisons") return fmt::format("HMP Example {}", n % 8 + 1);
  if (sector == "probation") return fmt::format("Example Probation Service {}", n % 6 + 1);
  return fmt::format("Example Housing Association {}", n % 10 + 1);
}

std::string referrer_role(const std::string& sector) {
  if (sector == "education") return "Designated Safeguarding Lead";
  if (sector == "police") return "Police Officer";
  if (sector == "local-authority") return "Social Worker";
  if (sector == "health") return "Safeguarding Nurse";
  if (sector == "family-friends") return "Relative";
  if (sector == "prisons") return "Prison Officer";
  if (sector == "probation") return "Probation Officer";
  return "Support Worker";
}

// ---------------------------------------------------------------- options
struct Options {
  long cases = 0;
  uint64_t seed = 1;
  bool full = true;
  std::optional<int> first_year;
  Date as_of = Date::from_ymd(2026, 11, 27);
  std::string prefix = "PRV";
  std::string area = "Synthetic Region";
  std::string ref = "refs/heads/main";
  bool validate = false;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "prevent_gen_store: %s\n"
               "usage: prevent_gen_store --cases N [--seed S] [--history full|light] [--first-year Y]\n"
               "                         [--as-of YYYY-MM-DD] [--prefix P] [--area NAME] [--ref REF] [--validate]\n"
               "writes a git fast-import stream of a synthetic store to standard output\n",
               why.c_str());
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--cases") o.cases = std::stol(value());
      else if (a == "--seed") o.seed = std::stoull(value());
      else if (a == "--history") {
        std::string h = value();
        if (h != "full" && h != "light") usage("--history is full or light");
        o.full = h == "full";
      } else if (a == "--first-year") o.first_year = std::stoi(value());
      else if (a == "--as-of") {
        auto d = Date::parse(value());
        if (!d) usage("--as-of takes YYYY-MM-DD");
        o.as_of = *d;
      } else if (a == "--prefix") o.prefix = value();
      else if (a == "--area") o.area = value();
      else if (a == "--ref") o.ref = value();
      else if (a == "--validate") o.validate = true;
      else if (a == "--help" || a == "-h") usage("help");
      else usage("unknown option " + a);
    } catch (const std::logic_error&) {
      usage(a + " takes a number");
    }
  }
  if (o.cases < 1) usage("--cases N is required (N >= 1)");
  if (o.first_year && (*o.first_year < 1990 || *o.first_year > o.as_of.year())) usage("--first-year is out of range");
  return o;
}

// ---------------------------------------------------------------- output
// The fast-import stream, buffered.
class Stream {
 public:
  ~Stream() { flush(); }
  void raw(std::string_view s) {
    buf_.append(s);
    if (buf_.size() > (1u << 20)) flush();
  }
  void data(std::string_view s) {
    raw(fmt::format("data {}\n", s.size()));
    raw(s);
    raw("\n");
  }
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), stdout) != buf_.size()) {
      std::fprintf(stderr, "prevent_gen_store: cannot write the stream\n");
      std::exit(1);
    }
    buf_.clear();
  }

 private:
  std::string buf_;
};

// UK civil time: BST (+0100) from the last Sunday of March to the last
// Sunday of October, else GMT.
bool is_bst(Date d) {
  auto last_sunday = [](int y, unsigned m) {
    Date end = Date::from_ymd(y, m, days_in_month(y, m));
    return end.add_days(-((end.weekday() + 1) % 7));
  };
  return d >= last_sunday(d.year(), 3) && d < last_sunday(d.year(), 10);
}

// ---------------------------------------------------------------- the model
struct Step {
  Date date;
  uint64_t seq = 0;             // tie-break: insertion order
  long owner = -1;              // case index, or -1 - meeting index
  const char* action = nullptr;  // commit subject's action, e.g. "panel decide"
  const char* trailer = nullptr;
  std::function<std::string(Case&)> apply;  // returns the subject's "what"
};

struct Later {
  bool operator()(const Step* a, const Step* b) const {
    return a->date != b->date ? a->date > b->date : a->seq > b->seq;
  }
};

class Generator {
 public:
  explicit Generator(Options o) : o_(std::move(o)), rng_(o_.seed) {}

  void run();

 private:
  struct Person {
    std::string name;
    std::optional<Date> dob;
    std::vector<std::string> related;  // earlier cases of the same person
    std::string id;
  };

  Date working_day_on_or_after(Date d) const {
    while (!config_.holidays.is_working_day(d)) d = d.add_days(1);
    return d;
  }
  Date add_wd(Date d, int n) const { return add_working_days(d, n, config_.holidays); }
  // The first panel meeting on or after `d`.
  std::optional<Date> meeting_on_or_after(Date d) const {
    auto it = std::lower_bound(meeting_dates_.begin(), meeting_dates_.end(), d);
    if (it == meeting_dates_.end()) return std::nullopt;
    return *it;
  }

  void plan_dates();
  void plan_meetings();
  void plan_case(long i);
  void schedule(long owner, std::vector<Step>& steps);
  void commit(const Step& s, const std::string& message, const std::vector<std::pair<std::string, std::string>>& files,
              int author);
  void execute(Step& s);
  void emit_init();

  Options o_;
  Rng rng_;
  Config config_;
  Date start_;
  std::vector<Date> received_;      // per case, sorted
  std::vector<Person> people_;      // per case
  std::vector<Date> meeting_dates_;
  std::map<Date, Meeting> meetings_;  // committed so far (what the rules may see)
  std::vector<Meeting> planned_meetings_;
  std::map<int, int> next_number_;   // year → last number given
  std::unordered_map<long, Case> active_;
  std::unordered_map<long, int> remaining_;
  std::priority_queue<Step*, std::vector<Step*>, Later> queue_;
  uint64_t seq_ = 0;
  Stream out_;
  // Commit times: spread over the working day, in order.
  Date day_;
  int day_count_ = 0;
  long commits_ = 0;
  std::map<std::string, long> stage_counts_;
  std::map<std::string, long> action_counts_;
};

void Generator::plan_dates() {
  // About 9,000 referrals a year (England and Wales see 5,000–9,000),
  // ending on the as-of date, unless --first-year fixes the start.
  if (o_.first_year) {
    start_ = Date::from_ymd(*o_.first_year, 1, 1);
  } else {
    long span = std::max(1L, static_cast<long>(static_cast<double>(o_.cases) / 9000.0 * 365.25));
    start_ = o_.as_of.add_days(-span);
  }
  config_ = default_config(o_.area, o_.prefix, start_.year());
  std::vector<Date> working;
  for (Date d = start_; d <= o_.as_of; d = d.add_days(1))
    if (config_.holidays.is_working_day(d)) working.push_back(d);
  if (working.empty()) working.push_back(o_.as_of);
  received_.reserve(static_cast<size_t>(o_.cases));
  for (long i = 0; i < o_.cases; ++i) received_.push_back(working[static_cast<size_t>(rng_.below(static_cast<int>(working.size())))]);
  std::sort(received_.begin(), received_.end());
  people_.resize(static_cast<size_t>(o_.cases));
}

void Generator::plan_meetings() {
  // A panel every other Thursday, each set up (`panel new`) a fortnight
  // ahead: the day after the one before it.
  Date d = start_.add_days(7);
  while (d.weekday() != 3) d = d.add_days(1);
  for (int k = 0; d.add_days(-14) <= o_.as_of; d = d.add_days(14), ++k) {
    Date held = working_day_on_or_after(d);
    if (!meeting_dates_.empty() && held <= meeting_dates_.back()) continue;
    Meeting m;
    m.date = held;
    m.chair = {"Channel Panel Chair", o_.area + " Council", false};
    m.attendees.push_back({"Prevent Coordinator", o_.area + " Council", false});
    m.attendees.push_back({"Channel Police Practitioner", "Counter Terrorism Policing Example Region", true});
    m.attendees.push_back({"Safeguarding Lead", "Example NHS Trust 3", false});
    if (k % 3 != 0) m.attendees.push_back({"Education Safeguarding Officer", o_.area + " Council", false});
    if (k % 4 == 1) m.apologies.push_back({"Probation Manager", "Example Probation Service 2", false});
    else m.attendees.push_back({"Probation Manager", "Example Probation Service 2", false});
    meeting_dates_.push_back(held);
    planned_meetings_.push_back(m);
    std::vector<Step> one(1);
    one[0].date = held.add_days(-14);
    one[0].action = "panel new";
    one[0].trailer = "panel-new";
    schedule(-1 - static_cast<long>(planned_meetings_.size() - 1), one);
  }
}

void Generator::schedule(long owner, std::vector<Step>& steps) {
  // Within one case, steps are in date order; the same day keeps the order
  // they were planned in (consent before the first action, …).
  std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.date < b.date; });
  int kept = 0;
  for (auto& s : steps) {
    if (s.date > o_.as_of) break;  // not happened yet: the case is still in progress
    s.owner = owner;
    s.seq = seq_++;
    queue_.push(new Step(std::move(s)));
    ++kept;
  }
  if (owner >= 0) remaining_[owner] = kept;
}

void Generator::plan_case(long i) {
  // Each case has its own stream, so a case's story does not depend on
  // the others'; seeds are hashed so neighbouring cases are not correlated.
  Rng r(mix64(mix64(o_.seed) ^ mix64(static_cast<uint64_t>(i) + 0x5EED)));
  Date received = received_[static_cast<size_t>(i)];
  Person& p = people_[static_cast<size_t>(i)];
  int year = received.year();
  int number = ++next_number_[year];
  p.id = fmt::format("{}-{}-{:04d}", o_.prefix, year, number);

  Case c;
  c.id = p.id;
  Referral& ref = c.referral;
  ref.received = received;
  ref.route = pick(r, kRoutes);
  ref.sector = pick(r, kSectors);
  if (ref.sector == "police" && r.chance(0.8)) ref.route = "police";
  if (ref.route == "transfer-in") ref.from_area = fmt::format("Example Area {}", r.between(1, 40));
  ref.agency = agency(r, ref.sector);
  ref.referrer_role = referrer_role(ref.sector);
  ref.concern_type = pick(r, kConcerns);
  ref.concern_summary = PersonalText(fmt::format("Synthetic referral {} (fictional person).", i + 1));
  ref.subject.gender = pick(r, kGenders);
  if (r.chance(0.7)) ref.subject.postcode_district = Personal<std::optional<std::string>>(fmt::format("ZZ{}", r.between(1, 9)));

  // A few people are referred again (SPEC §4 rule 10): same name and date
  // of birth as an earlier case, which `related` lists.
  bool repeat = false;
  if (i > 50 && r.chance(0.03)) {
    long j = i - 1 - r.below(static_cast<int>(std::min<long>(i - 1, 5000)));
    const Person& q = people_[static_cast<size_t>(j)];
    if (q.dob && received_[static_cast<size_t>(j)] < received) {
      p.name = q.name;
      p.dob = q.dob;
      p.related = q.related;
      p.related.push_back(q.id);
      repeat = true;
    }
  }
  if (!repeat) {
    p.name = person_name(r);
    std::vector<int> w;
    for (const auto& a : kAges) w.push_back(a.weight);
    const AgeBand& band = kAges[r.weighted(w)];
    if (band.lo >= 0) {
      int age = r.between(band.lo, band.hi);
      Date dob = received.add_days(-(365L * age + r.between(1, 364) + age / 4));
      // Exactly `age` on the referral date, whatever the leap years did.
      while (age_on(dob, received) > age) dob = dob.add_days(1);
      while (age_on(dob, received) < age) dob = dob.add_days(-1);
      p.dob = dob;
    }
  }
  ref.subject.name = PersonalText(p.name);
  ref.subject.date_of_birth = PersonalDate(p.dob);
  std::optional<Date> known_dob = p.dob;
  c.related = p.related;

  std::vector<Step> steps;
  auto add = [&](Date d, const char* action, const char* trailer, std::function<std::string(Case&)> f) {
    Step s;
    s.date = d;
    s.action = action;
    s.trailer = trailer;
    s.apply = std::move(f);
    steps.push_back(std::move(s));
  };
  const Config& cfg = config_;

  add(received, "refer", "refer", [](Case&) { return std::string("new referral"); });

  // Screening: information gathering, then the gateway assessment within a
  // few working days (some late).
  int triage_days = r.chance(0.85) ? r.between(1, 5) : r.between(6, 12);
  Date triaged = add_wd(received, triage_days);
  if (r.chance(0.4)) {
    Date asked = add_wd(received, 1) > triaged ? triaged : add_wd(received, 1);
    std::string with = r.chance(0.5) ? fmt::format("Example NHS Trust {}", r.between(1, 15)) : ref.agency;
    add(asked, "note", "note", [asked, with](Case& k) {
      apply_note(k, {asked, "info-request", PersonalText(with), PersonalNote(std::string(kNotes[3]))});
      return std::string("info-request");
    });
    if (r.chance(0.6)) {
      add(triaged, "note", "note", [triaged, with](Case& k) {
        apply_note(k, {triaged, "info-received", PersonalText(with), PersonalNote(std::string(kNotes[0]))});
        return std::string("info-received");
      });
    }
  }
  std::string outcome = pick(r, kTriage);
  Triage t;
  t.completed = triaged;
  t.outcome = key<TriageOutcome>(outcome);
  t.rationale = PersonalNote(std::string("Synthetic triage rationale (fictional)."));
  if (outcome == "signposted") {
    int n = r.between(1, 2);
    for (int k = 0; k < n; ++k) {
      std::string s = kServices[r.below(9)];
      if (std::find(t.signposted_to.begin(), t.signposted_to.end(), s) == t.signposted_to.end())
        t.signposted_to.push_back(s);
    }
  }
  if (outcome == "channel-panel")
    t.section36 = Section36{triaged, fmt::format("Counter Terrorism Policing Example Region {}", r.between(1, 9))};
  add(triaged, "triage", "triage", [t](Case& k) {
    apply_triage(k, t);
    return std::string(key_of(t.outcome));
  });

  if (outcome == "channel-panel") {
    Date cursor = triaged;
    if (r.chance(0.6)) {
      Date assessed = add_wd(triaged, r.between(1, 6));
      static const char* levels[] = {"low", "medium", "high"};
      Assessment a{assessed, r.chance(0.9) ? "VAF" : "PAF", levels[r.below(3)], levels[r.below(3)],
                   levels[r.below(2)], PersonalNote(std::string(kNotes[4]))};
      add(assessed, "assess", "assess", [a](Case& k) {
        apply_assessment(k, a);
        return a.framework;
      });
      cursor = assessed;
    }
    // The Channel panel: heard at the next meeting at least three days on,
    // some deferred once.
    auto hear = [&](Date from, bool after_reopening) -> std::optional<std::pair<Date, std::string>> {
      auto m = meeting_on_or_after(from.add_days(3));
      if (!m) return std::nullopt;
      std::string decision = after_reopening ? "adopt" : (r.chance(0.1) ? "defer" : (r.chance(0.52) ? "adopt" : "not-adopt"));
      Hearing h;
      h.meeting = *m;
      h.decision = key<PanelDecision>(decision);
      h.method = r.chance(0.9) ? "consensus" : (r.chance(0.8) ? "majority" : "chair");
      if (decision == "not-adopt" && r.chance(0.6)) h.signposted_to.push_back(kServices[r.below(9)]);
      h.rationale = PersonalNote(std::string("Synthetic panel rationale (fictional)."));
      add(*m, "panel decide", "panel-decide", [h, &cfg](Case& k) {
        apply_decision(k, h, cfg);
        return fmt::format("{} at {}", key_of(h.decision), h.meeting.str());
      });
      if (decision == "defer") {
        auto again = meeting_on_or_after(m->add_days(1));
        if (!again) return std::nullopt;
        Hearing h2 = h;
        h2.meeting = *again;
        h2.decision = r.chance(0.5) ? PanelDecision::adopt : PanelDecision::not_adopt;
        h2.signposted_to.clear();
        add(*again, "panel decide", "panel-decide", [h2, &cfg](Case& k) {
          apply_decision(k, h2, cfg);
          return fmt::format("{} at {}", key_of(h2.decision), h2.meeting.str());
        });
        return std::make_pair(*again, std::string(key_of(h2.decision)));
      }
      return std::make_pair(*m, decision);
    };

    // One adopted episode: consent, support actions, monthly reviews until
    // closure, then the post-closure reviews. Returns false when it ended
    // in a reopening (a new episode follows).
    auto episode = [&](Date adopted, bool allow_reopen) -> std::optional<Date> {
      Date consented = add_wd(adopted, r.between(1, 9));
      if (!known_dob) {
        // Who may consent turns on age (SPEC §4 rule 5), so a coordinator
        // records a date of birth not given on referral before consent.
        // It stays out of p.dob: a later referral must not copy a date
        // this case did not yet have.
        int age = r.between(12, 40);
        Date dob = consented.add_days(-(365L * age + r.between(1, 364) + age / 4));
        known_dob = dob;
        add(consented, "correct", "correct", [consented, dob, &cfg](Case& k) {
          auto fields = apply_correction(k, {{"referral.subject.date_of_birth", dob.str()}},
                                         "date of birth established before consent", consented, cfg);
          return fmt::format("{}", fields.front());
        });
      }
      auto consent_by = [&](Date on) { return age_on(*known_dob, on) >= 18 ? "subject" : "parent-guardian"; };
      std::string by = consent_by(consented);
      Date closed;
      if (r.chance(0.1)) {
        add(consented, "panel consent", "panel-consent", [consented, by, &cfg](Case& k) {
          apply_consent(k, {ConsentStatus::declined, key<ConsentGiver>(by), consented}, cfg);
          return fmt::format("declined by {}", by);
        });
        closed = consented;
      } else {
        add(consented, "panel consent", "panel-consent", [consented, by, &cfg](Case& k) {
          apply_consent(k, {ConsentStatus::given, key<ConsentGiver>(by), consented}, cfg);
          return fmt::format("given by {}", by);
        });
        int months = r.between(3, 12);
        Date target = adopted.add_months(months);
        // Monthly reviews (SPEC §4 rule 7: at least every 28 days).
        std::vector<Date> reviews;
        for (Date d = working_day_on_or_after(adopted.add_days(r.between(18, 24))); d < target;
             d = working_day_on_or_after(d.add_days(r.between(18, 24))))
          reviews.push_back(d);
        if (reviews.empty()) reviews.push_back(working_day_on_or_after(adopted.add_days(21)));
        bool withdraw = reviews.size() > 2 && r.chance(0.06);
        size_t end = withdraw ? 1 + static_cast<size_t>(r.below(static_cast<int>(reviews.size()) - 1)) : reviews.size() - 1;
        closed = reviews[end];
        // Support actions, added once consent is given (rule 5).
        int n = r.between(1, 3);
        struct Planned {
          std::string id;
          Date added, due;
        };
        std::vector<Planned> actions;
        for (int k = 0; k < n; ++k) {
          Date added = working_day_on_or_after(consented.add_days(r.between(0, 7) + 7 * k));
          if (added >= closed) break;
          Date due = working_day_on_or_after(added.add_days(r.between(30, 120)));
          Action a;
          a.support = kSupport[r.below(9)];
          a.provider = PersonalText(a.support == "ideological-mentoring"
                                        ? "Home Office approved intervention provider"
                                        : fmt::format("Example Support Service {}", r.between(1, 20)));
          a.added = added;
          a.due = due;
          std::string aid = fmt::format("A{}", actions.size() + 1);
          add(added, "panel action", "panel-action", [a, &cfg](Case& k) {
            return fmt::format("{} added", add_support_action(k, a, cfg));
          });
          actions.push_back({aid, added, due});
        }
        // Actions end by their due date, or at the closure.
        for (const auto& a : actions) {
          Date when = std::min(a.due, closed);
          std::string status = withdraw && when == closed ? "cancelled" : (r.chance(0.1) ? "cancelled" : "done");
          std::string aid = a.id;
          add(when, "panel action", "panel-action", [aid, status, when](Case& k) {
            close_support_action(k, aid, key<ActionStatus>(status), when);
            return fmt::format("{} {}", aid, status);
          });
        }
        for (size_t k = 0; k < end; ++k) {
          Date d = reviews[k];
          add(d, "review record", "review-record", [d, &cfg](Case& c2) {
            apply_review(c2, review_input(d, "monthly", "continue", kNotes[2]), cfg);
            return std::string("monthly continue");
          });
        }
        if (withdraw) {
          // A child who has turned 18 since consenting withdraws for themselves.
          add(closed, "panel consent", "panel-consent", [closed, by = std::string(consent_by(closed)), &cfg](Case& k) {
            apply_consent(k, {ConsentStatus::withdrawn, key<ConsentGiver>(by), closed}, cfg);
            return fmt::format("withdrawn by {}", by);
          });
        } else {
          std::string reason = pick(r, {{"no-further-concerns", 86}, {"escalated-to-police", 5}, {"transferred-out", 4},
                                        {"other", 5}});
          add(closed, "review record", "review-record", [closed, reason, &cfg](Case& k) {
            apply_review(k, review_input(closed, "monthly", "close", kNotes[1], reason), cfg);
            return std::string("monthly close");
          });
        }
      }
      // Post-closure reviews at 6 and 12 months (rule 8), held within a
      // couple of weeks of falling due.
      Date six = working_day_on_or_after(closed.add_months(cfg.post_closure_first_months).add_days(r.between(-5, 10)));
      if (six < closed.add_days(1)) six = closed.add_days(1);
      bool reopen = allow_reopen && r.chance(0.03);
      add(six, "review record", "review-record", [six, reopen, &cfg](Case& k) {
        apply_review(k, review_input(six, "post-closure-6", reopen ? "reopen" : "no-concerns", kNotes[1]), cfg);
        return fmt::format("post-closure-6 {}", reopen ? "reopen" : "no-concerns");
      });
      if (reopen) return six;
      Date twelve = working_day_on_or_after(closed.add_months(cfg.post_closure_second_months).add_days(r.between(-5, 10)));
      if (twelve <= six) twelve = six.add_days(1);
      bool extend = r.chance(0.05);
      add(twelve, "review record", "review-record", [twelve, extend, &cfg](Case& k) {
        apply_review(k, review_input(twelve, "post-closure-12", extend ? "continue" : "no-concerns", kNotes[1]), cfg);
        return fmt::format("post-closure-12 {}", extend ? "continue" : "no-concerns");
      });
      if (extend) {
        Date ext = working_day_on_or_after(
            closed.add_months(cfg.post_closure_second_months + cfg.extension_step_months).add_days(r.between(-5, 10)));
        if (ext <= twelve) ext = twelve.add_days(1);
        add(ext, "review record", "review-record", [ext, &cfg](Case& k) {
          apply_review(k, review_input(ext, "extended", "no-concerns", kNotes[1]), cfg);
          return std::string("extended no-concerns");
        });
      }
      return std::nullopt;
    };

    auto heard = hear(cursor, false);
    if (heard && heard->second == "adopt") {
      auto reopened = episode(heard->first, true);
      if (reopened) {
        auto again = hear(*reopened, true);
        if (again) episode(again->first, false);
      }
    }
  }

  active_.emplace(i, std::move(c));
  if (o_.full) {
    schedule(i, steps);
    return;
  }
  // Light history: the whole case as it stands at the as-of date, one
  // `import` commit on the day of its last event.
  std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.date < b.date; });
  Case& k = active_.at(i);
  Date last = received;
  for (auto& s : steps) {
    if (s.date > o_.as_of) break;
    s.apply(k);
    last = s.date;
  }
  std::vector<Step> one(1);
  one[0].date = last;
  one[0].action = "import";
  one[0].trailer = "import";
  schedule(i, one);
}

void Generator::commit(const Step& s, const std::string& message,
                       const std::vector<std::pair<std::string, std::string>>& files, int author) {
  if (s.date != day_) {
    day_ = s.date;
    day_count_ = 0;
  }
  // 08:30 onwards, about a minute and a half apart; on a very busy day the
  // evening fills up a second at a time.
  long secs = 8 * 3600 + 30 * 60 + 97L * day_count_;
  if (secs > 19 * 3600) secs = 19 * 3600 + (day_count_ - (19 * 3600 - 8 * 3600 - 30 * 60) / 97);
  ++day_count_;
  bool bst = is_bst(s.date);
  long epoch = s.date.days() * 86400 + secs - (bst ? 3600 : 0);
  const Coordinator& who = kCoordinators[author % kCoordinatorCount];
  std::string when = fmt::format("{} {}", epoch, bst ? "+0100" : "+0000");
  out_.raw(fmt::format("commit {}\nauthor {} <{}> {}\ncommitter {} <{}> {}\n", o_.ref, who.name, who.email, when,
                       who.name, who.email, when));
  out_.data(message);
  for (const auto& [path, text] : files) {
    out_.raw(fmt::format("M 100644 inline {}\n", path));
    out_.data(text);
  }
  out_.raw("\n");
  ++commits_;
  if (commits_ % 20000 == 0) out_.raw(fmt::format("progress {} commits\n", commits_));
}

void Generator::emit_init() {
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("prevent.yaml", write_config(config_));
  for (const auto& s : schema_files()) files.emplace_back(fmt::format("schemas/{}", s.file_name), std::string(s.text));
  Step s;
  s.date = std::min(start_, meeting_dates_.empty() ? start_ : meeting_dates_.front().add_days(-14)).add_days(-1);
  commit(s, commit_message("init", "store created", {}, "init"), files, 0);
}

void Generator::execute(Step& s) {
  if (s.owner < 0) {
    const Meeting& m = planned_meetings_[static_cast<size_t>(-1 - s.owner)];
    std::string tail = fmt::format("{} meeting, {} attending", m.date.str(), m.attendees.size() + 1);
    commit(s, commit_message("panel new", tail, {}, "panel-new"), {{meeting_path(m.date), write_meeting(m)}},
           static_cast<int>(-1 - s.owner));
    meetings_.emplace(m.date, m);
    ++action_counts_["panel-new"];
    return;
  }
  auto it = active_.find(s.owner);
  Case& c = it->second;
  std::string text;
  std::string message;
  if (o_.full) {
    std::string what = s.apply(c);
    message = commit_message(s.action, what.empty() ? c.id : fmt::format("{} {}", c.id, what), {c.id}, s.trailer);
  } else {
    message = commit_message("import", fmt::format("{} 1 case", s.date.str()), {c.id}, "import");
  }
  // Every record committed obeys every rule on the day of its commit, as
  // the program would have checked it.
  if (o_.validate) validate_against_schema(case_to_node(c), SchemaKind::case_record, c.id);
  RuleContext ctx{config_, s.date, [this](Date d) -> const Meeting* {
                    auto m = meetings_.find(d);
                    return m == meetings_.end() ? nullptr : &m->second;
                  }};
  check_case_rules(c, ctx);
  commit(s, message, {{case_path(c.id, c.referral.received.year()), write_case(c)}}, static_cast<int>(s.owner));
  ++action_counts_[s.trailer];
  if (--remaining_[s.owner] == 0) {
    ++stage_counts_[std::string(stage_key(stage_of(c, config_)))];
    active_.erase(it);
    remaining_.erase(s.owner);
  }
}

void Generator::run() {
  plan_dates();
  plan_meetings();
  out_.raw("feature done\n");
  emit_init();
  long next = 0;
  while (next < o_.cases || !queue_.empty()) {
    // Plan every case referred by the date of the next step, so commits
    // interleave across cases in date order.
    while (next < o_.cases && (queue_.empty() || received_[static_cast<size_t>(next)] <= queue_.top()->date))
      plan_case(next++);
    std::unique_ptr<Step> s(queue_.top());
    queue_.pop();
    try {
      execute(*s);
    } catch (const Failure& f) {
      std::fprintf(stderr, "prevent_gen_store: generated an invalid record: %s\n", f.what());
      std::exit(1);
    }
  }
  out_.raw("done\n");
  out_.flush();
  std::fprintf(stderr, "prevent_gen_store: %ld cases, %zu meetings, %ld commits, %s to %s\n", o_.cases,
               meeting_dates_.size(), commits_, start_.str().c_str(), o_.as_of.str().c_str());
  std::string stages, actions;
  for (const auto& [k, v] : stage_counts_) stages += fmt::format(" {}={}", k, v);
  for (const auto& [k, v] : action_counts_) actions += fmt::format(" {}={}", k, v);
  std::fprintf(stderr, "  stages at as-of:%s\n  commits by action:%s\n", stages.c_str(), actions.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse_options(argc, argv);
  try {
    Generator(std::move(o)).run();
  } catch (const Failure& f) {
    std::fprintf(stderr, "prevent_gen_store: %s\n", f.what());
    return 1;
  }
  return 0;
}

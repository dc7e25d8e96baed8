#include "config.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

#include "calendar.hpp"
#include "failure.hpp"
#include "text.hpp"
#include "schema.hpp"
#include "workflow.hpp"

namespace prevent {

bool Vocabulary::contains(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return true;
  return false;
}

std::vector<std::string> Vocabulary::keys() const {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.key);
  return out;
}

std::string Config::age_band(std::optional<int> age) const {
  if (age) {
    for (const auto& e : age_bands.entries) {
      if (!e.min && !e.max) continue;
      if ((!e.min || *age >= *e.min) && (!e.max || *age <= *e.max)) return e.key;
    }
  }
  return "not-known";
}

namespace {

Vocabulary vocab(std::string name, std::initializer_list<std::pair<const char*, const char*>> items) {
  Vocabulary v{std::move(name), {}};
  for (auto [k, l] : items) v.entries.push_back({k, l, std::nullopt, std::nullopt});
  return v;
}

}  // namespace

// The project's proposed starting point, not a period any statute or the
// Channel Duty Guidance fixes: the council's records retention schedule
// and its data protection officer set the real ones (docs/retention.md
// gives the reasons for each).
std::vector<RetentionRule> default_retention() {
  return {
      // Not taken on after the police gateway assessment: kept long enough
      // to link a repeat referral (SPEC §4 rule 10), no longer.
      {"closed-at-triage", {Stage::no_further_action, Stage::signposted, Stage::police_managed},
       RetentionStart::triage, 3, std::nullopt, std::nullopt},
      {"not-adopted", {Stage::not_adopted}, RetentionStart::panel_decision, 3, std::nullopt, std::nullopt},
      // Support given: six years after the last post-closure review (the
      // Limitation Act 1980 s.2 period), and for a child not before six
      // years after their 18th birthday (s.28: time runs from 18).
      {"channel-case", {Stage::closed}, RetentionStart::last_review, 6, std::nullopt, 24},
      // Recorded in error: nothing to keep it for once the mistake is
      // known; a month to notice a case voided by mistake.
      {"entered-in-error", {Stage::voided}, RetentionStart::voided, std::nullopt, 1, std::nullopt},
  };
}

// Keys follow the Home Office statistical release "Individuals referred to
// and supported through the Prevent Programme" (SPEC §5).
Config default_config(std::string area, std::string prefix, [[maybe_unused]] int this_year) {
  Config c;
  c.area = std::move(area);
  c.prefix = std::move(prefix);
  // The routes of SPEC §3 `referral.route`. MASSH: Stockport's Multi-Agency
  // Safeguarding and Support Hub, with a front door for children and one
  // for adults; another area names its own hub (docs/store.md).
  c.routes = vocab("routes", {{"email", "Email"},
                              {"massh-children", "Multi-Agency Safeguarding and Support Hub (children)"},
                              {"massh-adults", "Multi-Agency Safeguarding and Support Hub (adults)"},
                              {"out-of-hours", "Out-of-hours service"},
                              {"police", "Police"},
                              {kTransferIn.data(), "Transfer from another area"},
                              {"other", "Other"}});
  c.sectors = vocab("sectors", {{"education", "Education"},
                                {"police", "Police"},
                                {"local-authority", "Local authority"},
                                {"health", "Health"},
                                {"community", "Community"},
                                {"family-friends", "Family and friends"},
                                {"prisons", "Prisons"},
                                {"probation", "Probation"},
                                {"other", "Other"}});
  c.genders = vocab("genders", {{"female", "Female"}, {"male", "Male"}, {"other", "Other"},
                                {"not-known", "Not known"}});
  c.concern_types = vocab("concern_types",
                          {{"islamist", "Islamist"},
                           {"extreme-right-wing", "Extreme right-wing"},
                           {"left-wing-anarchist-single-issue", "Left wing, anarchist or single issue"},
                           {"conflicted", "Conflicted"},
                           {"mixed-unclear-unstable", "Mixed, unclear or unstable"},
                           {"high-ct-risk-no-ideology", "High CT risk but no ideology present"},
                           {"vulnerability-no-ideology", "Vulnerability present but no ideology or CT risk"},
                           // The Prevent Case Management Tracker's category
                           // (Home Office release for April 2024 to March
                           // 2025), which replaced the four above for new
                           // referrals; they stay for older records.
                           {"no-clear-ideology", "No clear ideology"},
                           {"other", "Other"}});
  c.age_bands.entries = {
      {"10-or-under", "10 or under", std::nullopt, 10}, {"11-15", "11 to 15", 11, 15},
      {"16-17", "16 to 17", 16, 17},                    {"18-20", "18 to 20", 18, 20},
      {"21-30", "21 to 30", 21, 30},                    {"31-40", "31 to 40", 31, 40},
      {"41-50", "41 to 50", 41, 50},                    {"51-plus", "51 and over", 51, std::nullopt},
      {"not-known", "Not known", std::nullopt, std::nullopt}};
  c.services = vocab("services", {{"children-social-care", "Children's social care"},
                                  {"adult-social-care", "Adult social care"},
                                  {"early-help", "Early help"},
                                  {"mental-health", "Mental health services"},
                                  {"education", "Education"},
                                  {"housing", "Housing"},
                                  {"police-neighbourhood", "Neighbourhood policing"},
                                  {"youth-justice", "Youth justice"},
                                  {"other", "Other"}});
  c.support_types = vocab("support_types", {{"ideological-mentoring", "Ideological or theological mentoring"},
                                            {"education-training", "Education or training"},
                                            {"mental-health", "Mental health"},
                                            {"life-skills", "Life skills"},
                                            {"anger-management", "Anger management"},
                                            {"family-support", "Family support"},
                                            {"housing", "Housing"},
                                            {"employment", "Employment"},
                                            {"diversionary-activity", "Diversionary activity"},
                                            {"other", "Other"}});
  // The optional categories of the Home Office's release for April 2024 to
  // March 2025 (docs/record.md). Ethnicity: the five high-level groups of
  // the 2021 Census of England and Wales.
  c.ethnicities = vocab("ethnicities", {{"asian", "Asian, Asian British or Asian Welsh"},
                                        {"black", "Black, Black British, Black Welsh, Caribbean or African"},
                                        {"mixed", "Mixed or multiple ethnic groups"},
                                        {"white", "White"},
                                        {"other", "Other ethnic group"},
                                        {"not-stated", "Not stated"}});
  c.mental_health = vocab("mental_health", {{"concern", "Mental health concern"},
                                            {"no-concern", "No mental health concern"},
                                            {"not-known", "Not known"}});
  c.neurodiversity = vocab("neurodiversity", {{"autism", "Autism spectrum condition"},
                                              {"adhd", "Attention deficit hyperactivity disorder (ADHD)"},
                                              {"learning-disability", "Learning disability or difficulty"},
                                              {"other", "Other neurodivergence"},
                                              {"none", "No neurodivergence"},
                                              {"not-known", "Not known"}});
  c.referral_consent = vocab("referral_consent", {{"given", "Consented to the referral"},
                                                  {"not-given", "Did not consent to the referral"},
                                                  {"not-sought", "Consent not sought"},
                                                  {"not-known", "Not known"}});
  c.retention = default_retention();
  return c;
}

const std::vector<SettingBounds>& setting_bounds() {
  // Days and months: up to a year of days (260 working days), ten years of
  // months; far beyond any local target, and small enough that a due date
  // stays near the dates it is computed from.
  static const std::vector<SettingBounds> bounds = {
      {"triage_target_working_days", 0, 260},
      {"panel_target_days", 0, 366},
      {"consent_target_days", 0, 366},
      {"review.monthly_days", 1, 366},
      {"review.early_days", 0, 366},
      {"review.post_closure_months", 1, 120},
      {"review.extension_step_months", 1, 120},
      {"review.extension_limit_months", 1, 120},
      {"suppression_threshold", 0, 1000},
      {"vocabularies.age_bands min and max", 0, 150},
      {"retention.years", 0, 100},
      {"retention.months", 0, 1200},
      {"retention.not_before_birthday", 18, 100},
  };
  return bounds;
}

namespace {

const SettingBounds& bounds_of(std::string_view name) {
  for (const auto& b : setting_bounds())
    if (name == b.name) return b;
  throw std::logic_error("no bounds for a prevent.yaml setting");
}

// The number `node` holds, within the bounds of setting `name`; else
// Failure(store) naming the setting and its bounds, one line. (The schema
// has made sure it is an integer of at most 15 digits.)
int bounded_int(const YNode& node, std::string_view name, const std::string& where, std::string_view shown = {}) {
  const SettingBounds& b = bounds_of(name);
  const std::string& v = node.value;
  long long n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec == std::errc{} && end == v.data() + v.size() && n >= b.min && n <= b.max) return static_cast<int>(n);
  fail(Exit::store,
       fmt::format("prevent.yaml is damaged: {} is outside its bounds, {} to {} ({}:{})",
                   shown.empty() ? name : shown, b.min, b.max, where, node.line),
       fmt::format("set it to a number from {} to {} (docs/store.md), commit, and run `prevent check`", b.min,
                   b.max));
}

int get_int(const YNode& map, std::string_view key, std::string_view name, const std::string& where) {
  return bounded_int(*map.find(key), name, where);
}

Vocabulary read_vocab(const YNode& vocabs, const char* name, const std::string& where) {
  Vocabulary v{name, {}};
  for (const auto& item : vocabs.find(name)->items) {
    VocabEntry e;
    e.key = item.find("key")->value;
    e.label = item.find("label")->value;
    const std::string shown = fmt::format("vocabularies.{}: the bounds of {}", name, quote_if_key(e.key));
    const char* bounds = "vocabularies.age_bands min and max";
    if (auto* m = item.find("min"); m && !m->is_null()) e.min = bounded_int(*m, bounds, where, shown);
    if (auto* m = item.find("max"); m && !m->is_null()) e.max = bounded_int(*m, bounds, where, shown);
    if (v.contains(e.key))
      fail(Exit::store, fmt::format("prevent.yaml is damaged: vocabulary {} lists '{}' twice ({}:{})", name,
                                    e.key, where, item.line));
    v.entries.push_back(std::move(e));
  }
  return v;
}

// The member of Config holding the optional vocabulary `name`.
Vocabulary Config::*optional_vocabulary(std::string_view name) {
  if (name == "ethnicities") return &Config::ethnicities;
  if (name == "mental_health") return &Config::mental_health;
  if (name == "neurodiversity") return &Config::neurodiversity;
  return &Config::referral_consent;
}

YNode vocab_node(const Vocabulary& v) {
  YNode seq = YNode::seq();
  for (const auto& e : v.entries) {
    YNode item = YNode::map();
    item.add("key", YNode::text(e.key));
    item.add("label", YNode::text(e.label));
    if (e.min) item.add("min", YNode::plain(std::to_string(*e.min)));
    if (e.max) item.add("max", YNode::plain(std::to_string(*e.max)));
    seq.push(std::move(item));
  }
  return seq;
}

// A list of dates (absent: none); Failure(store) naming a value that is not one.
std::set<Date> read_dates(const YNode* list, std::string_view key, const std::string& where) {
  std::set<Date> out;
  if (!list) return out;
  for (const auto& h : list->items) {
    auto d = Date::parse(h.value);
    if (!d)
      fail(Exit::store,
           fmt::format("prevent.yaml is damaged: {}: {} is not a date ({}:{})", key, quote_if_key(h.value), where,
                       h.line));
    out.insert(*d);
  }
  return out;
}

YNode dates_node(const std::set<Date>& dates) {
  YNode seq = YNode::seq();
  for (Date d : dates) seq.push(YNode::plain(d.str()));
  return seq;
}

// How a message names a number of a retention rule: `retention
// 'channel-case': years`.
std::string retention_setting(const YNode* name, std::string_view key) {
  return fmt::format("retention {}: {}", name && name->is_scalar() ? quote_if_key(name->value, "a rule") : "a rule", key);
}

// The stages on which a retention rule's start event has always happened,
// so that every case it applies to has the date (docs/retention.md).
bool start_happened_in(RetentionStart start, Stage stage) {
  switch (start) {
    case RetentionStart::referral: return true;
    case RetentionStart::triage: return stage != Stage::voided;
    case RetentionStart::panel_decision: return stage == Stage::not_adopted || stage == Stage::closed;
    case RetentionStart::closure:
    case RetentionStart::last_review: return stage == Stage::closed;
    case RetentionStart::voided: return stage == Stage::voided;
  }
  return false;
}

// prevent.yaml's `retention`, which the schema has checked for shape; here
// what a schema cannot say: names once, every final stage in exactly one
// rule, a start event that every case of the rule has. Failure(store), one
// line naming the rule and its line.
std::vector<RetentionRule> read_retention(const YNode& list, const std::string& where) {
  auto damaged = [&](const YNode& at, const std::string& what, const std::string& hint) {
    fail(Exit::store, fmt::format("prevent.yaml is damaged: {} ({}:{})", what, where, at.line),
         hint + ", commit, and run `prevent check` (docs/retention.md)");
  };
  std::vector<RetentionRule> rules;
  std::vector<std::pair<Stage, std::string>> covered;  // stage, the rule naming it
  for (const auto& item : list.items) {
    RetentionRule r;
    r.name = item.find("name")->value;
    const std::string shown = quote_if_key(r.name, "a rule");
    for (const auto& other : rules)
      if (other.name == r.name) damaged(item, fmt::format("retention names the rule {} twice", shown), "rename one");
    r.start = *key_to<RetentionStart>(item.find("start")->value);  // the schema allows no other
    for (const auto& st : item.find("stages")->items) {
      Stage stage = *parse_stage(st.value);  // the schema allows the final stages only
      for (const auto& [s, by] : covered)
        if (s == stage)
          damaged(st, fmt::format("retention: stage {} is in rule {} and in rule {}", stage_key(stage),
                                  quote_if_key(by), shown),
                  "keep each stage in one rule");
      if (!start_happened_in(r.start, stage))
        damaged(st, fmt::format("retention {}: a case in stage {} has no {} to start from", shown, stage_key(stage),
                                key_of(r.start)),
                "give the stage a rule whose start it has (referral, triage, …)");
      covered.emplace_back(stage, r.name);
      r.stages.push_back(stage);
    }
    const std::string setting = fmt::format("retention {}", shown);
    if (const YNode* n = item.find("years"))
      r.years = bounded_int(*n, "retention.years", where, setting + ": years");
    if (const YNode* n = item.find("months"))
      r.months = bounded_int(*n, "retention.months", where, setting + ": months");
    if (const YNode* n = item.find("not_before_birthday"))
      r.not_before_birthday = bounded_int(*n, "retention.not_before_birthday", where, setting + ": not_before_birthday");
    if (!r.years && !r.months)
      damaged(item, fmt::format("retention {} has no period", shown), "give it years, months or both");
    rules.push_back(std::move(r));
  }
  for (Stage stage : all_stages()) {
    if (!is_final(stage)) continue;
    bool found = false;
    for (const auto& c : covered) found = found || c.first == stage;
    if (!found)
      damaged(list, fmt::format("retention has no rule for stage {}: its cases would be kept for ever", stage_key(stage)),
              fmt::format("add the stage to a rule (`stages: [{}]`)", stage_key(stage)));
  }
  return rules;
}

YNode retention_node(const std::vector<RetentionRule>& rules) {
  YNode seq = YNode::seq();
  for (const auto& r : rules) {
    YNode item = YNode::map();
    item.add("name", YNode::text(r.name));
    YNode stages = YNode::seq();
    for (Stage s : r.stages) stages.push(YNode::plain(std::string(stage_key(s))));
    item.add("stages", std::move(stages));
    item.add("start", YNode::plain(std::string(key_of(r.start))));
    if (r.years) item.add("years", YNode::plain(std::to_string(*r.years)));
    if (r.months) item.add("months", YNode::plain(std::to_string(*r.months)));
    if (r.not_before_birthday)
      item.add("not_before_birthday", YNode::plain(std::to_string(*r.not_before_birthday)));
    seq.push(std::move(item));
  }
  return seq;
}

// A whole number the schema would refuse by its bounds (the lower ones are
// in the schema too) is refused here first, in the words of bounded_int:
// the setting, its bounds and how to put it right.
void check_bounds_first(const YNode& root, const std::string& where) {
  auto whole_number = [](const YNode* n) {
    if (!n || !n->is_scalar()) return false;
    std::string_view v = n->value;
    if (!v.empty() && v[0] == '-') v.remove_prefix(1);
    return !v.empty() && v.size() <= 15 && v.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!root.is_map()) return;
  if (const YNode* vocabs = root.find("vocabularies"); vocabs && vocabs->is_map())
    if (const YNode* bands = vocabs->find("age_bands"))
      for (const auto& item : bands->items) {
        if (!item.is_map()) continue;
        const YNode* key = item.find("key");
        const std::string shown = fmt::format("vocabularies.age_bands: the bounds of {}",
                                              key && key->is_scalar() ? quote_if_key(key->value) : "a band");
        for (const char* end : {"min", "max"})
          if (const YNode* n = item.find(end); whole_number(n))
            bounded_int(*n, "vocabularies.age_bands min and max", where, shown);
      }
  for (const char* key : {"triage_target_working_days", "panel_target_days", "consent_target_days",
                          "suppression_threshold"})
    if (const YNode* n = root.find(key); whole_number(n)) bounded_int(*n, key, where);
  if (const YNode* rules = root.find("retention"); rules && rules->is_seq())
    for (const auto& rule : rules->items) {
      if (!rule.is_map()) continue;
      const YNode* name = rule.find("name");
      for (const char* key : {"years", "months", "not_before_birthday"})
        if (const YNode* n = rule.find(key); whole_number(n))
          bounded_int(*n, fmt::format("retention.{}", key), where, retention_setting(name, key));
    }
  const YNode* review = root.find("review");
  if (!review || !review->is_map()) return;
  for (const char* key : {"monthly_days", "early_days", "extension_step_months", "extension_limit_months"})
    if (const YNode* n = review->find(key); whole_number(n)) bounded_int(*n, fmt::format("review.{}", key), where);
  if (const YNode* months = review->find("post_closure_months"))
    for (const auto& item : months->items)
      if (whole_number(&item)) bounded_int(item, "review.post_closure_months", where);
}

}  // namespace

Config parse_config(std::string_view text, const std::string& where) {
  YNode root;
  auto damaged = [](const Failure& f) {
    // A damaged prevent.yaml is a store problem (exit 6), not bad input.
    fail(Exit::store, fmt::format("prevent.yaml is damaged: {}", f.what()),
         "restore it from git history (git log -p prevent.yaml) and run `prevent check`");
  };
  try {
    root = parse_yaml(text, where);
  } catch (const Failure& f) {
    damaged(f);
  }
  check_bounds_first(root, where);
  try {
    validate_against_schema(root, SchemaKind::config, where);
  } catch (const Failure& f) {
    damaged(f);
  }
  Config c;
  c.area = root.find("area")->value;
  c.prefix = root.find("prefix")->value;
  c.triage_target_working_days = get_int(root, "triage_target_working_days", "triage_target_working_days", where);
  c.panel_target_days = get_int(root, "panel_target_days", "panel_target_days", where);
  c.consent_target_days = get_int(root, "consent_target_days", "consent_target_days", where);
  const YNode& review = *root.find("review");
  c.review_monthly_days = get_int(review, "monthly_days", "review.monthly_days", where);
  // Optional: a store made before the key keeps the default.
  if (review.find("early_days")) c.review_early_days = get_int(review, "early_days", "review.early_days", where);
  const auto& post_closure = review.find("post_closure_months")->items;
  c.post_closure_first_months = bounded_int(post_closure.at(0), "review.post_closure_months", where);
  c.post_closure_second_months = bounded_int(post_closure.at(1), "review.post_closure_months", where);
  c.extension_step_months = get_int(review, "extension_step_months", "review.extension_step_months", where);
  c.extension_limit_months = get_int(review, "extension_limit_months", "review.extension_limit_months", where);
  c.suppression_threshold = get_int(root, "suppression_threshold", "suppression_threshold", where);
  // Optional: a store made before the key answers whole quarters and years.
  if (const YNode* foi = root.find("foi"))
    if (const YNode* min = foi->find("min_period"))
      c.foi_min_months = min->value == "month" ? 1 : min->value == "year" ? 12 : 3;  // the schema allows no other
  std::set<Date> listed = read_dates(root.find("holidays"), "holidays", where);
  std::set<Date> added, removed;
  if (const YNode* cal = root.find("calendar")) {
    added = read_dates(cal->find("added"), "calendar.added", where);
    removed = read_dates(cal->find("removed"), "calendar.removed", where);
    for (Date d : added)
      if (removed.contains(d))
        fail(Exit::store,
             fmt::format("prevent.yaml is damaged: {} is both in calendar.added and in calendar.removed ({})",
                         d.str(), where),
             "keep the date in one of the two lists, commit, and run `prevent check`");
  }
  c.holidays = HolidayCalendar(std::move(listed), std::move(added), std::move(removed));
  // Optional: a store without it has the documented defaults.
  if (const YNode* rules = root.find("retention")) {
    c.retention = read_retention(*rules, where);
    c.retention_in_file = true;
  } else {
    c.retention = default_retention();
  }
  const YNode& v = *root.find("vocabularies");
  const Config defaults = default_config("", "", 0);
  // Optional: a store made before it has the routes of SPEC §3.
  if (const YNode* routes = v.find("routes")) {
    c.routes = read_vocab(v, "routes", where);
    if (!c.routes.contains(kTransferIn))
      fail(Exit::store,
           fmt::format("prevent.yaml is damaged: vocabulary routes has no '{}', the route that referral.from_area "
                       "goes with ({}:{})",
                       kTransferIn, where, routes->line),
           fmt::format("add the entry back (its label may change: `- key: {}`), commit, and run `prevent check`",
                       kTransferIn));
  } else {
    c.routes = defaults.routes;
    c.routes.in_file = false;
  }
  c.sectors = read_vocab(v, "sectors", where);
  c.genders = read_vocab(v, "genders", where);
  c.concern_types = read_vocab(v, "concern_types", where);
  c.age_bands = read_vocab(v, "age_bands", where);
  c.services = read_vocab(v, "services", where);
  c.support_types = read_vocab(v, "support_types", where);
  // Optional: a store made before them counts its cases as not recorded.
  for (const Vocabulary* d : {&defaults.ethnicities, &defaults.mental_health, &defaults.neurodiversity,
                              &defaults.referral_consent}) {
    Vocabulary& out = c.*optional_vocabulary(d->name);
    if (!v.find(d->name)) {
      out = *d;
      out.in_file = false;
      continue;
    }
    out = read_vocab(v, d->name.c_str(), where);
    for (const auto& item : v.find(d->name)->items)
      if (item.find("key")->value == kNotRecorded)
        fail(Exit::store,
             fmt::format("prevent.yaml is damaged: vocabulary {} lists '{}', the report's key for a case without "
                         "a value ({}:{})",
                         d->name, kNotRecorded, where, item.line),
             "give the entry another key, commit, and run `prevent check`");
  }
  return c;
}

std::string write_config(const Config& c) {
  YNode root = YNode::map();
  root.add("area", YNode::text(c.area));
  root.add("prefix", YNode::text(c.prefix));
  root.add("triage_target_working_days", YNode::plain(std::to_string(c.triage_target_working_days)));
  root.add("panel_target_days", YNode::plain(std::to_string(c.panel_target_days)));
  root.add("consent_target_days", YNode::plain(std::to_string(c.consent_target_days)));
  YNode review = YNode::map();
  review.add("monthly_days", YNode::plain(std::to_string(c.review_monthly_days)));
  // Written only when it is not the default, so a store made before the key
  // reads and writes back unchanged (as `calendar` below).
  if (c.review_early_days != Config{}.review_early_days)
    review.add("early_days", YNode::plain(std::to_string(c.review_early_days)));
  YNode months = YNode::seq();
  months.push(YNode::plain(std::to_string(c.post_closure_first_months)));
  months.push(YNode::plain(std::to_string(c.post_closure_second_months)));
  review.add("post_closure_months", std::move(months));
  review.add("extension_step_months", YNode::plain(std::to_string(c.extension_step_months)));
  review.add("extension_limit_months", YNode::plain(std::to_string(c.extension_limit_months)));
  root.add("review", std::move(review));
  root.add("suppression_threshold", YNode::plain(std::to_string(c.suppression_threshold)));
  // Written only when it is not the default, so a store made before the key
  // reads and writes back unchanged.
  if (c.foi_min_months != Config{}.foi_min_months) {
    YNode foi = YNode::map();
    foi.add("min_period", YNode::plain(c.foi_min_months == 1 ? "month" : "year"));
    root.add("foi", std::move(foi));
  }
  // Written only when there is something to say, so a store made before the
  // `calendar` key reads and writes back unchanged, and a new store holds no
  // dates at all.
  if (!c.holidays.listed().empty()) root.add("holidays", dates_node(c.holidays.listed()));
  if (!c.holidays.added().empty() || !c.holidays.removed().empty()) {
    YNode cal = YNode::map();
    if (!c.holidays.added().empty()) cal.add("added", dates_node(c.holidays.added()));
    if (!c.holidays.removed().empty()) cal.add("removed", dates_node(c.holidays.removed()));
    root.add("calendar", std::move(cal));
  }
  // Written only when prevent.yaml has it, so a store without it reads and
  // writes back unchanged.
  if (c.retention_in_file) root.add("retention", retention_node(c.retention));
  YNode vocabs = YNode::map();
  for (const Vocabulary* v : {&c.routes, &c.sectors, &c.genders, &c.concern_types, &c.age_bands, &c.services,
                              &c.support_types, &c.ethnicities, &c.mental_health, &c.neurodiversity,
                              &c.referral_consent})
    if (v->in_file) vocabs.add(v->name, vocab_node(*v));
  root.add("vocabularies", std::move(vocabs));
  return "# yaml-language-server: $schema=schemas/config.schema.json\n" + emit_yaml(root);
}

void require_in_vocabulary(const Vocabulary& vocab, std::string_view value, std::string_view field,
                           const std::string& where) {
  if (vocab.contains(value)) return;
  fail(Exit::invalid_data,
       fmt::format("{}: {} is not in the store's {} vocabulary ({})", field, quote_if_key(value), vocab.name, where),
       fmt::format("allowed: {}", fmt::join(vocab.keys(), ", ")));
}

}  // namespace prevent

// prevent.yaml: settings and vocabularies (SPEC §5).
#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "calendar.hpp"
#include "config.hpp"
#include "failure.hpp"

using prevent::Config;
using prevent::Exit;
using namespace prevent::test;
using prevent::Failure;
using V = std::vector<std::string>;

namespace {




}  // namespace

TEST_CASE("the default settings are those of SPEC section 5") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  CHECK(c.area == "Test");
  CHECK(c.prefix == "PRV");
  CHECK(c.triage_target_working_days == 5);
  CHECK(c.panel_target_days == 28);
  CHECK(c.consent_target_days == 14);
  CHECK(c.review_monthly_days == 28);
  CHECK(c.post_closure_first_months == 6);
  CHECK(c.post_closure_second_months == 12);
  CHECK(c.extension_step_months == 6);
  CHECK(c.extension_limit_months == 24);
  CHECK(c.suppression_threshold == 5);
  CHECK(c.review_early_days == 28);  // issue 14
}

TEST_CASE("the default vocabularies have the keys of SPEC section 5 in order") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  CHECK(c.sectors.name == "sectors");
  CHECK(c.sectors.keys() == V{"education", "police", "local-authority", "health", "community", "family-friends",
                              "prisons", "probation", "other"});
  CHECK(c.genders.name == "genders");
  CHECK(c.genders.keys() == V{"female", "male", "other", "not-known"});
  CHECK(c.concern_types.name == "concern_types");
  CHECK(c.concern_types.keys() == V{"islamist", "extreme-right-wing", "left-wing-anarchist-single-issue", "conflicted",
                                    "mixed-unclear-unstable", "high-ct-risk-no-ideology", "vulnerability-no-ideology",
                                    "no-clear-ideology", "other"});
  CHECK(c.age_bands.name == "age_bands");
  CHECK(c.age_bands.keys() ==
        V{"10-or-under", "11-15", "16-17", "18-20", "21-30", "31-40", "41-50", "51-plus", "not-known"});
  CHECK(c.services.name == "services");
  CHECK(c.services.keys() == V{"children-social-care", "adult-social-care", "early-help", "mental-health", "education",
                               "housing", "police-neighbourhood", "youth-justice", "other"});
  CHECK(c.support_types.name == "support_types");
  CHECK(c.support_types.keys() == V{"ideological-mentoring", "education-training", "mental-health", "life-skills",
                                    "anger-management", "family-support", "housing", "employment",
                                    "diversionary-activity", "other"});
  for (const auto* v : {&c.sectors, &c.genders, &c.concern_types, &c.age_bands, &c.services, &c.support_types})
    for (const auto& e : v->entries) {
      CAPTURE(e.key);
      CHECK_FALSE(e.label.empty());
    }
}

TEST_CASE("a new store's prevent.yaml lists no holidays: the rules give every year's") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  CHECK(c.holidays.listed().empty());
  CHECK(c.holidays.added().empty());
  CHECK(c.holidays.removed().empty());
  std::string text = prevent::write_config(c);
  CHECK_FALSE(has(text, "holidays"));
  CHECK_FALSE(has(text, "calendar"));
  for (int y : {2018, 2026, 2029, 2040})
    for (auto d : prevent::england_wales_bank_holidays(y)) CHECK(c.holidays.is_holiday(d));
  CHECK(c.holidays.is_holiday(prevent::Date::from_ymd(2026, 12, 28)));
  CHECK_FALSE(c.holidays.is_holiday(prevent::Date::from_ymd(2026, 12, 29)));
}

TEST_CASE("an older store's explicit holidays list reads and writes back unchanged") {
  std::string good = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  // As `init` wrote it before the rules: three years of dates.
  std::string list = "holidays:\n";
  for (int y : {2026, 2027, 2028})
    for (auto d : prevent::england_wales_bank_holidays(y)) list += "  - " + d.str() + "\n";
  std::string old = replace(good, "vocabularies:\n", list + "vocabularies:\n");
  Config c = prevent::parse_config(old, "prevent.yaml");
  CHECK(c.holidays.listed().size() == 24u);
  CHECK(prevent::write_config(c) == old);
  // Beyond the list the rules apply: New Year's Day 2029 is a holiday.
  CHECK(c.holidays.is_holiday(prevent::Date::from_ymd(2029, 1, 1)));
}

TEST_CASE("calendar exceptions survive a round trip and change the holidays") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  c.holidays = prevent::HolidayCalendar({}, {prevent::Date::from_ymd(2031, 5, 9)}, {prevent::Date::from_ymd(2031, 5, 5)});
  std::string text = prevent::write_config(c);
  CHECK(has(text, "calendar:\n  added:\n    - 2031-05-09\n  removed:\n    - 2031-05-05\n"));
  Config back = prevent::parse_config(text, "prevent.yaml");
  CHECK(prevent::write_config(back) == text);
  CHECK(back.holidays.is_holiday(prevent::Date::from_ymd(2031, 5, 9)));
  CHECK_FALSE(back.holidays.is_holiday(prevent::Date::from_ymd(2031, 5, 5)));
}

TEST_CASE("a day both added and removed in prevent.yaml is a store problem") {
  std::string good = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  std::string text = replace(good, "vocabularies:\n",
                             "calendar:\n  added:\n    - 2031-05-09\n  removed:\n    - 2031-05-09\nvocabularies:\n");
  auto f = failure_of([&] { prevent::parse_config(text, "prevent.yaml"); });
  REQUIRE(f);
  CHECK(f->code() == Exit::store);
  CHECK(has(f->what(), "2031-05-09"));
}

TEST_CASE("prevent.yaml written and read again gives the same text") {
  Config c = prevent::default_config("Zedshire Borough Council", "ZED", 2026);
  std::string text = prevent::write_config(c);
  CHECK(text.rfind("# yaml-language-server: $schema=schemas/config.schema.json\n", 0) == 0);
  Config back = prevent::parse_config(text, "prevent.yaml");
  CHECK(prevent::write_config(back) == text);
  CHECK(back.area == "Zedshire Borough Council");
  CHECK(back.prefix == "ZED");
  CHECK(back.holidays.listed() == c.holidays.listed());
  CHECK(back.sectors.keys() == c.sectors.keys());
  CHECK(back.age_bands.keys() == c.age_bands.keys());
  CHECK(back.review_monthly_days == 28);
  CHECK(back.extension_limit_months == 24);
  REQUIRE(back.age_bands.entries.size() == c.age_bands.entries.size());
  for (size_t i = 0; i < c.age_bands.entries.size(); ++i) {
    CHECK(back.age_bands.entries[i].min == c.age_bands.entries[i].min);
    CHECK(back.age_bands.entries[i].max == c.age_bands.entries[i].max);
    CHECK(back.age_bands.entries[i].label == c.age_bands.entries[i].label);
  }
}

TEST_CASE("changed settings and an added vocabulary entry survive a round trip") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  c.triage_target_working_days = 3;
  c.review_monthly_days = 30;
  c.review_early_days = 7;
  c.post_closure_first_months = 3;
  c.post_closure_second_months = 9;
  c.extension_limit_months = 36;
  c.suppression_threshold = 10;
  c.holidays = prevent::HolidayCalendar({}, {prevent::Date::from_ymd(2026, 9, 19)}, {});
  c.sectors.entries.push_back({"armed-forces", "Armed forces: \"reserve\" units", std::nullopt, std::nullopt});
  Config back = prevent::parse_config(prevent::write_config(c), "prevent.yaml");
  CHECK(back.triage_target_working_days == 3);
  CHECK(back.review_monthly_days == 30);
  CHECK(back.review_early_days == 7);
  CHECK(back.post_closure_first_months == 3);
  CHECK(back.post_closure_second_months == 9);
  CHECK(back.extension_limit_months == 36);
  CHECK(back.suppression_threshold == 10);
  CHECK(back.holidays.is_holiday(prevent::Date::from_ymd(2026, 9, 19)));
  CHECK(back.sectors.contains("armed-forces"));
  CHECK(back.sectors.entries.back().label == "Armed forces: \"reserve\" units");
}

TEST_CASE("review.early_days is written only when it is not the default, so older stores read back unchanged") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  std::string text = prevent::write_config(c);
  CHECK(text.find("early_days") == std::string::npos);
  CHECK(prevent::parse_config(text, "prevent.yaml").review_early_days == 28);
  c.review_early_days = 14;
  CHECK(prevent::write_config(c).find("  early_days: 14\n") != std::string::npos);
}

TEST_CASE("foi.min_period is written only when it is not a quarter, and read back") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  std::string text = prevent::write_config(c);
  CHECK(text.find("foi:") == std::string::npos);
  CHECK(prevent::parse_config(text, "prevent.yaml").foi_min_months == 3);
  c.foi_min_months = 1;
  text = prevent::write_config(c);
  CHECK(has(text, "foi:\n  min_period: month\n"));
  CHECK(prevent::parse_config(text, "prevent.yaml").foi_min_months == 1);
  c.foi_min_months = 12;
  CHECK(prevent::parse_config(prevent::write_config(c), "prevent.yaml").foi_min_months == 12);
  CHECK(prevent::parse_config(replace(text, "min_period: month", "min_period: quarter"), "prevent.yaml")
            .foi_min_months == 3);
}

TEST_CASE("the optional categories of the Home Office's 2024-25 release have default vocabularies") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  CHECK(c.ethnicities.keys() == V{"asian", "black", "mixed", "white", "other", "not-stated"});
  CHECK(c.mental_health.keys() == V{"concern", "no-concern", "not-known"});
  CHECK(c.neurodiversity.keys() == V{"autism", "adhd", "learning-disability", "other", "none", "not-known"});
  CHECK(c.referral_consent.keys() == V{"given", "not-given", "not-sought", "not-known"});
  // A new store lists them in its prevent.yaml, so it can change them.
  std::string text = prevent::write_config(c);
  for (const char* name : {"  ethnicities:\n", "  mental_health:\n", "  neurodiversity:\n", "  referral_consent:\n"})
    CHECK_MESSAGE(has(text, name), name);
  Config back = prevent::parse_config(text, "prevent.yaml");
  CHECK(back.ethnicities.in_file);
  CHECK(back.referral_consent.keys() == c.referral_consent.keys());
}

TEST_CASE("an older store's prevent.yaml without the new vocabularies reads with the defaults, back unchanged") {
  std::string text = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  const std::string old = text.substr(0, text.find("  ethnicities:\n"));
  REQUIRE(old.size() < text.size());
  Config c = prevent::parse_config(old, "prevent.yaml");
  CHECK(c.ethnicities.keys() == prevent::default_config("Test", "PRV", 2026).ethnicities.keys());
  CHECK_FALSE(c.ethnicities.in_file);
  CHECK_FALSE(c.mental_health.in_file);
  CHECK_FALSE(c.neurodiversity.in_file);
  CHECK_FALSE(c.referral_consent.in_file);
  CHECK(prevent::write_config(c) == old);  // `check` finds it canonical
}

TEST_CASE("no vocabulary of an optional category may use the report's key not-recorded") {
  std::string good = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  std::string text = replace(good, "    - key: not-stated\n", "    - key: not-recorded\n");
  REQUIRE(text != good);
  auto f = failure_of([&] { prevent::parse_config(text, "prevent.yaml"); });
  REQUIRE(f);
  CHECK(f->code() == Exit::store);
  CHECK(has(f->what(), "vocabulary ethnicities lists 'not-recorded'"));
  CHECK(has(f->what(), "prevent.yaml:"));
}

TEST_CASE("routes: a vocabulary whose defaults are the seven routes of SPEC section 3") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  CHECK(c.routes.name == "routes");
  CHECK(c.routes.keys() ==
        V{"email", "massh-children", "massh-adults", "out-of-hours", "police", "transfer-in", "other"});
  CHECK(c.routes.entries[1].label == "Multi-Agency Safeguarding and Support Hub (children)");
  CHECK(c.routes.entries[5].label == "Transfer from another area");
  // A new store lists them, first of the vocabularies (a route is the
  // record's first category), so it can change them.
  std::string text = prevent::write_config(c);
  CHECK(has(text, "vocabularies:\n  routes:\n    - key: email\n      label: Email\n"));
  Config back = prevent::parse_config(text, "prevent.yaml");
  CHECK(back.routes.in_file);
  CHECK(back.routes.keys() == c.routes.keys());
}

TEST_CASE("an older store's prevent.yaml without routes reads with the defaults, back unchanged") {
  std::string text = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  const auto from = text.find("  routes:\n"), to = text.find("  sectors:\n");
  REQUIRE(from != std::string::npos);
  const std::string old = text.substr(0, from) + text.substr(to);
  Config c = prevent::parse_config(old, "prevent.yaml");
  CHECK_FALSE(c.routes.in_file);
  CHECK(c.routes.keys() == prevent::default_config("Test", "PRV", 2026).routes.keys());
  CHECK(prevent::write_config(c) == old);  // `check` finds it canonical
}

TEST_CASE("a store's own route and label survive a round trip, in the store's order") {
  std::string text = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  text = replace(text, "  routes:\n", "  routes:\n    - key: mash-north\n      label: North Hub (MASH)\n");
  Config c = prevent::parse_config(text, "prevent.yaml");
  CHECK(c.routes.keys().front() == "mash-north");
  CHECK(c.routes.entries.front().label == "North Hub (MASH)");
  CHECK(prevent::write_config(c) == text);
}

TEST_CASE("a routes vocabulary without transfer-in is a store problem; its label may change") {
  std::string good = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  std::string relabelled = replace(good, "      label: Transfer from another area\n", "      label: Came from elsewhere\n");
  REQUIRE(relabelled != good);
  CHECK(prevent::parse_config(relabelled, "prevent.yaml").routes.entries[5].label == "Came from elsewhere");
  std::string dropped = replace(good, "    - key: transfer-in\n      label: Transfer from another area\n", "");
  REQUIRE(dropped != good);
  auto f = failure_of([&] { prevent::parse_config(dropped, "prevent.yaml"); });
  REQUIRE(f);
  CHECK(f->code() == Exit::store);
  CHECK(has(f->what(), "vocabulary routes has no 'transfer-in'"));
  CHECK(has(f->what(), "prevent.yaml:"));
  CHECK(has(f->hint(), "- key: transfer-in"));
}

TEST_CASE("age bands follow their bounds") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  CHECK(c.age_band(0) == "10-or-under");
  CHECK(c.age_band(10) == "10-or-under");
  CHECK(c.age_band(11) == "11-15");
  CHECK(c.age_band(15) == "11-15");
  CHECK(c.age_band(16) == "16-17");
  CHECK(c.age_band(17) == "16-17");
  CHECK(c.age_band(18) == "18-20");
  CHECK(c.age_band(20) == "18-20");
  CHECK(c.age_band(21) == "21-30");
  CHECK(c.age_band(30) == "21-30");
  CHECK(c.age_band(31) == "31-40");
  CHECK(c.age_band(41) == "41-50");
  CHECK(c.age_band(50) == "41-50");
  CHECK(c.age_band(51) == "51-plus");
  CHECK(c.age_band(99) == "51-plus");
  CHECK(c.age_band(std::nullopt) == "not-known");
}

TEST_CASE("a store can follow a later banding through prevent.yaml") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  c.age_bands.entries = {{"under-18", "Under 18", std::nullopt, 17},
                         {"18-plus", "18 and over", 18, std::nullopt},
                         {"not-known", "Not known", std::nullopt, std::nullopt}};
  Config back = prevent::parse_config(prevent::write_config(c), "prevent.yaml");
  CHECK(back.age_band(17) == "under-18");
  CHECK(back.age_band(18) == "18-plus");
  CHECK(back.age_band(std::nullopt) == "not-known");
}

TEST_CASE("a damaged prevent.yaml is a store problem") {
  std::string good = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  const std::vector<std::string> damaged = {
      "",
      "area: [unclosed\n",
      "area: Test\n",                                                  // most keys missing
      replace(good, "panel_target_days: 28", "panel_target_days: soon"),  // wrong type
      replace(good, "prefix: PRV", "prefix: PRV\ncolour: blue"),         // unknown key
      replace(good, "vocabularies:", "holidays:\n  - 2026-02-30\nvocabularies:"),  // not a real date
      replace(good, "vocabularies:", "calendar:\n  added:\n    - soon\nvocabularies:"),  // nor this
      replace(good, "vocabularies:", "calendar:\n  moved: []\nvocabularies:"),  // an unknown calendar key
      replace(good, "key: local-authority\n", "key: education\n"),       // a vocabulary key twice
      replace(good, "area: Test", "area: &a Test"),                      // an anchor
      replace(good, "vocabularies:", "foi:\n  min_period: week\nvocabularies:"),  // not a period
      replace(good, "vocabularies:", "foi:\n  shortest: month\nvocabularies:"),   // an unknown foi key
  };
  for (const auto& text : damaged) {
    CAPTURE(text.substr(0, 200));
    auto f = failure_of([&] { prevent::parse_config(text, "prevent.yaml"); });
    REQUIRE(f);
    CHECK(f->code() == Exit::store);
    CHECK_MESSAGE(has(f->what(), "prevent.yaml"), std::string(f->what()));
  }
}

TEST_CASE("a value outside a vocabulary is invalid data, listing the allowed keys") {
  Config c = prevent::default_config("Test", "PRV", 2026);
  CHECK_NOTHROW(prevent::require_in_vocabulary(c.sectors, "education", "referral.source.sector", "case.yaml"));
  auto f = failure_of(
      [&] { prevent::require_in_vocabulary(c.sectors, "space-agency", "referral.source.sector", "case.yaml"); });
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK(has(f->what(), "referral.source.sector"));
  CHECK(has(f->what(), "space-agency"));
  CHECK(has(f->what(), "case.yaml"));
  std::string allowed = std::string(f->what()) + " " + f->hint();
  for (const auto& k : c.sectors.keys()) CHECK(has(allowed, k));
}

namespace {

// The text of the setting `name` (as setting_bounds() names it) set to
// `value` in `good`.
std::string with_setting(const std::string& good, std::string_view name, const std::string& value) {
  if (name == "review.post_closure_months")
    return replace(replace(good, "    - 6\n", "    - " + value + "\n"), "    - 12\n", "    - " + value + "\n");
  if (name == "review.early_days") return replace(good, "review:\n", "review:\n  early_days: " + value + "\n");
  if (name == "vocabularies.age_bands min and max") return replace(good, "min: 51\n", "min: " + value + "\n");
  if (name.starts_with("retention.")) {  // the default schedule, written out
    Config c = prevent::default_config("Test", "PRV", 2026);
    c.retention_in_file = true;
    std::string with = prevent::write_config(c);
    if (name == "retention.years") return replace(with, "    years: 6\n", "    years: " + value + "\n");
    if (name == "retention.months") return replace(with, "    months: 1\n", "    months: " + value + "\n");
    return replace(with, "not_before_birthday: 24\n", "not_before_birthday: " + value + "\n");
  }
  std::string key(name.starts_with("review.") ? name.substr(7) : name);
  auto at = good.find(key + ": ");
  REQUIRE(at != std::string::npos);
  auto end = good.find('\n', at);
  return good.substr(0, at) + key + ": " + value + good.substr(end);
}

}  // namespace

TEST_CASE("every number in prevent.yaml is taken at its bounds and refused beyond them, by name") {
  std::string good = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  REQUIRE(prevent::setting_bounds().size() == 13);
  for (const auto& b : prevent::setting_bounds()) {
    CAPTURE(b.name);
    CHECK_NOTHROW(prevent::parse_config(with_setting(good, b.name, std::to_string(b.min)), "prevent.yaml"));
    CHECK_NOTHROW(prevent::parse_config(with_setting(good, b.name, std::to_string(b.max)), "prevent.yaml"));
    for (std::string beyond : {std::to_string(b.max + 1), std::string("2000000000"), std::string("3000000000"),
                               std::string("999999999999999")}) {
      CAPTURE(beyond);
      auto f = failure_of([&] { prevent::parse_config(with_setting(good, b.name, beyond), "prevent.yaml"); });
      REQUIRE(f);
      CHECK(f->code() == Exit::store);
      std::string name = b.name == std::string_view("vocabularies.age_bands min and max")
                             ? "vocabularies.age_bands: the bounds of '51-plus'"
                         : b.name == std::string_view("retention.months")
                             ? "retention 'entered-in-error': months"
                         : std::string_view(b.name).starts_with("retention.")
                             ? "retention 'channel-case': " + std::string(b.name + 10)
                             : b.name;
      CHECK_MESSAGE(has(f->what(), name + " is outside its bounds, " + std::to_string(b.min) + " to " +
                                       std::to_string(b.max) + " (prevent.yaml:"),
                    std::string(f->what()));
      CHECK(std::string(f->what()).find('\n') == std::string::npos);
    }
  }
}

TEST_CASE("the settings at their bounds are read as written") {
  std::string good = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  Config c = prevent::parse_config(with_setting(good, "review.extension_step_months", "120"), "prevent.yaml");
  CHECK(c.extension_step_months == 120);
  c = prevent::parse_config(with_setting(good, "triage_target_working_days", "0"), "prevent.yaml");
  CHECK(c.triage_target_working_days == 0);
}

namespace {

// prevent.yaml with `rules` as its `retention` (YAML text, indented as a
// top-level list).
std::string with_retention(const std::string& rules) {
  std::string good = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  return replace(good, "vocabularies:\n", "retention:\n" + rules + "vocabularies:\n");
}

const char* const kAllFinal =
    "  - name: triage-outcome\n"
    "    stages: [no-further-action, signposted, police-managed]\n"
    "    start: triage\n"
    "    years: 2\n"
    "  - name: panel\n"
    "    stages: [not-adopted, closed]\n"
    "    start: panel-decision\n"
    "    years: 5\n"
    "    months: 6\n"
    "    not_before_birthday: 25\n"
    "  - name: error\n"
    "    stages: [voided]\n"
    "    start: referral\n"
    "    months: 0\n";

std::string retention_failure(const std::string& rules) {
  auto f = failure_of([&] { prevent::parse_config(with_retention(rules), "prevent.yaml"); });
  REQUIRE(f);
  CHECK(f->code() == Exit::store);
  CHECK(std::string(f->what()).find('\n') == std::string::npos);
  CHECK(has(f->what(), "prevent.yaml is damaged: "));
  return f->what();
}

}  // namespace

TEST_CASE("without retention, prevent.yaml has the default schedule and writes none back") {
  std::string text = prevent::write_config(prevent::default_config("Test", "PRV", 2026));
  CHECK(text.find("retention") == std::string::npos);
  Config c = prevent::parse_config(text, "prevent.yaml");
  CHECK_FALSE(c.retention_in_file);
  REQUIRE(c.retention.size() == prevent::default_retention().size());
  CHECK(c.retention[0].name == "closed-at-triage");
  CHECK(prevent::write_config(c) == text);
}

TEST_CASE("a store's own retention schedule is read as written and written back unchanged") {
  std::string text = with_retention(kAllFinal);
  Config c = prevent::parse_config(text, "prevent.yaml");
  CHECK(c.retention_in_file);
  REQUIRE(c.retention.size() == 3);
  CHECK(c.retention[1].name == "panel");
  CHECK(c.retention[1].start == prevent::RetentionStart::panel_decision);
  CHECK(c.retention[1].years == 5);
  CHECK(c.retention[1].months == 6);
  CHECK(c.retention[1].not_before_birthday == 25);
  CHECK(c.retention[1].stages.size() == 2);
  CHECK_FALSE(c.retention[0].months.has_value());
  CHECK(c.retention[2].months == 0);
  CHECK_FALSE(c.retention[2].years.has_value());
  // Canonical: the block form, keys as given.
  std::string canonical = prevent::write_config(c);
  CHECK(prevent::write_config(prevent::parse_config(canonical, "prevent.yaml")) == canonical);
  CHECK(has(canonical, "  - name: error\n"));
  CHECK(canonical.find("years: 0") == std::string::npos);
}

TEST_CASE("a retention schedule that leaves a final stage out, or names one twice, is a store problem") {
  std::string without_voided = kAllFinal;
  without_voided = without_voided.substr(0, without_voided.find("  - name: error\n"));
  CHECK(has(retention_failure(without_voided), "retention has no rule for stage voided"));
  CHECK(has(retention_failure(std::string(kAllFinal) + "  - name: again\n    stages: [closed]\n    start: closure\n"
                                                       "    years: 1\n"),
            "retention: stage closed is in rule 'panel' and in rule 'again'"));
  CHECK(has(retention_failure(std::string(kAllFinal) + "  - name: panel\n    stages: [voided]\n    start: voided\n"
                                                       "    years: 1\n"),
            "retention names the rule 'panel' twice"));
}

TEST_CASE("a retention rule must start from an event every case of its stages has had") {
  std::string text = replace(kAllFinal, "    stages: [not-adopted, closed]\n    start: panel-decision\n",
                             "    stages: [not-adopted, closed]\n    start: closure\n");
  CHECK(has(retention_failure(text), "retention 'panel': a case in stage not-adopted has no closure to start from"));
  text = replace(kAllFinal, "    stages: [voided]\n    start: referral\n", "    stages: [voided]\n    start: triage\n");
  CHECK(has(retention_failure(text), "a case in stage voided has no triage to start from"));
  text = replace(kAllFinal, "    start: triage\n", "    start: last-review\n");
  CHECK(has(retention_failure(text), "stage no-further-action has no last-review"));
}

TEST_CASE("a retention rule needs a period; its keys and values are those of the schema") {
  CHECK(has(retention_failure(replace(kAllFinal, "    months: 0\n", "")), "retention 'error' has no period"));
  CHECK(has(retention_failure(replace(kAllFinal, "    start: triage\n", "    start: birthday\n")),
            "retention[1].start: value is not one of: referral, triage"));
  CHECK(has(retention_failure(replace(kAllFinal, "[voided]", "[awaiting-triage]")), "retention[3].stages"));
  CHECK(has(retention_failure(replace(kAllFinal, "    years: 2\n", "    years: 2\n    weeks: 3\n")),
            "unknown key in retention[1]"));
  CHECK(has(retention_failure(replace(kAllFinal, "name: error", "name: Zorvan Quillet")), "retention[3].name"));
  CHECK(has(retention_failure(replace(kAllFinal, "    years: 2\n", "    years: -1\n")),
            "retention 'triage-outcome': years is outside its bounds, 0 to 100"));
  CHECK(has(retention_failure(replace(kAllFinal, "not_before_birthday: 25", "not_before_birthday: 17")),
            "retention 'panel': not_before_birthday is outside its bounds, 18 to 100"));
  CHECK_FALSE(has(retention_failure(replace(kAllFinal, "name: error", "name: Zorvan Quillet")), "Zorvan"));
}

// The cache entry of a case without its personal data (case_cache.hpp) and
// without_personal_data() itself (case_record.hpp).
#include <doctest/doctest.h>

#include <string>

#include "case_cache.hpp"
#include "case_record.hpp"
#include "test_support.hpp"
#include "workflow.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {

// A case with every section filled, personal data included.
Case full_case() {
  Case c;
  c.id = "PRV-2024-0007";
  c.referral.received = d("2024-02-29");
  c.referral.route = "transfer-in";
  c.referral.from_area = "Example Shire";
  c.referral.sector = "education";
  c.referral.agency = "Quillet Academy";
  c.referral.referrer_role = "Designated Safeguarding Lead";
  c.referral.subject.name = PersonalText("Vexlo Drellquix");
  c.referral.subject.date_of_birth = PersonalDate(d("2008-03-01"));  // 15 on the referral date
  c.referral.subject.gender = "female";
  c.referral.subject.postcode_district = Personal<std::optional<std::string>>(std::string("ZZ4"));
  c.referral.concern_type = "islamist";
  c.referral.concern_summary = PersonalText("Summary phrase Okkvan");
  c.related = {"PRV-2023-0002"};
  Triage t;
  t.completed = d("2024-03-04");
  t.outcome = "channel-panel";
  t.signposted_to = {"early-help"};
  t.section36 = Section36{d("2024-03-04"), "Counter Terrorism Policing"};
  t.rationale = PersonalNote(std::string("Rationale phrase Okkvan"));
  c.triage = t;
  c.assessments.push_back(
      Assessment{d("2024-03-10"), "VAF", "medium", "low", "low", PersonalNote(std::string("Notes Okkvan"))});
  c.panel.push_back(Hearing{d("2024-03-14"), "defer", std::nullopt, {}, PersonalNote(std::string("Okkvan"))});
  c.panel.push_back(Hearing{d("2024-03-28"), "adopt", std::string("majority"), {"housing"}, PersonalNote()});
  c.consent = Consent{"given", "parent-guardian", d("2024-04-02")};
  c.support_plan.push_back(Action{"A1", "ideological-mentoring", "Provider", d("2024-04-02"), d("2024-06-30"), "done",
                                  d("2024-05-01")});
  c.support_plan.push_back(
      Action{"A2", "family-support", "Provider", d("2024-04-03"), d("2024-07-30"), "open", std::nullopt});
  c.chronology.push_back(
      ChronologyEntry{d("2024-03-01"), "info-request", "Example NHS FT", PersonalNote(std::string("Okkvan text"))});
  c.reviews.push_back(Review{d("2024-04-25"), "monthly", d("2024-04-25"), "continue", PersonalNote(std::string("x"))});
  c.corrections.push_back(Correction{d("2024-05-02"), {"triage.completed"}, PersonalText("Reason Okkvan")});
  Episode e;
  e.consent = Consent{"withdrawn", "subject", d("2024-01-10")};
  e.reviews.push_back(Review{d("2024-01-20"), "post-closure-6", std::nullopt, "reopen", PersonalNote(std::string("y"))});
  e.closure = Closure{d("2024-01-10"), "consent-withdrawn"};
  e.reopened = d("2024-01-20");
  c.previous.push_back(e);
  return c;
}

std::string yaml_of(const Case& c) { return emit_yaml(case_to_node(c)); }

}  // namespace

TEST_CASE("without_personal_data empties every (P) field and keeps the age band") {
  const Config cfg = default_config("Test", "PRV", 2026);
  Case c = full_case();
  Case r = without_personal_data(c);
  std::string text = yaml_of(r);
  CHECK_FALSE(has(text, "Vexlo"));
  CHECK_FALSE(has(text, "Okkvan"));
  CHECK_FALSE(has(text, "ZZ4"));
  CHECK_FALSE(has(text, "2008-03-01"));
  CHECK(age_band(r, cfg) == age_band(c, cfg));
  CHECK(age_at_referral(r) == 15);
  CHECK(stage_of(r, cfg) == stage_of(c, cfg));
  Case no_dob = c;
  no_dob.referral.subject.date_of_birth = PersonalDate();
  CHECK(age_band(without_personal_data(no_dob), cfg) == "not-known");
}

TEST_CASE("a cache entry holds every field but personal data, and reads back the same") {
  Case r = without_personal_data(full_case());
  std::string entry = encode_case_entry(r);
  CHECK_FALSE(has(entry, "Vexlo"));
  CHECK_FALSE(has(entry, "Okkvan"));
  auto back = decode_case_entry(entry);
  REQUIRE(back.has_value());
  CHECK(yaml_of(*back) == yaml_of(r));
}

TEST_CASE("a damaged cache entry is refused, never half read") {
  std::string entry = encode_case_entry(without_personal_data(full_case()));
  for (size_t n = 0; n < entry.size(); ++n) CHECK_FALSE(decode_case_entry(std::string_view(entry).substr(0, n)));
  CHECK_FALSE(decode_case_entry(entry + "x"));
  std::string huge = entry;
  huge[0] = '\xff', huge[1] = '\xff', huge[2] = '\xff', huge[3] = '\x7f';  // an absurd length
  CHECK_FALSE(decode_case_entry(huge));
}

// The cache entry of a case without its personal data (case_cache.hpp) and
// without_personal_data() itself (case_record.hpp).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

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

namespace {

// A store in a temporary directory, removed afterwards.
struct TempStore {
  std::filesystem::path dir;
  TempStore() {
    ::setenv("GIT_AUTHOR_NAME", "Cache Test", 1);
    ::setenv("GIT_AUTHOR_EMAIL", "cache-test@example.invalid", 1);
    ::setenv("GIT_COMMITTER_NAME", "Cache Test", 1);
    ::setenv("GIT_COMMITTER_EMAIL", "cache-test@example.invalid", 1);
    dir = std::filesystem::temp_directory_path() / ("prevent-cache-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    Store::create(dir, default_config("Test", "PRV", 2026));
  }
  ~TempStore() { std::filesystem::remove_all(dir); }
};

Case simple_case(int n) {
  Case c;
  c.id = fmt::format("PRV-2026-{:04}", n);
  c.referral.received = d("2026-11-02");
  c.referral.route = "email";
  c.referral.sector = "education";
  c.referral.agency = "Example Academy 1";
  c.referral.referrer_role = "Designated Safeguarding Lead";
  c.referral.subject.name = PersonalText("Vexlo Drellquix");
  c.referral.subject.date_of_birth = PersonalDate(d(("2010-01-0" + std::to_string(n % 9 + 1)).c_str()));
  c.referral.subject.gender = "female";
  c.referral.concern_type = "islamist";
  c.referral.concern_summary = PersonalText("Summary phrase Okkvan");
  return c;
}

void add_case(Store& store, int n) {
  Case c = simple_case(n);
  store.commit({{case_path(c.id, 2026), write_case(c)}}, commit_message("refer", c.id, {c.id}, "refer"));
}

struct Seen {
  std::vector<std::string> ids;
  CaseReadSummary summary;
};
Seen read_all(const Store& store) {
  Seen s;
  s.summary = for_each_case_without_personal_data(store, [&](const Case& c) {
    CHECK(c.referral.subject.name.reveal().empty());
    s.ids.push_back(c.id);
  });
  return s;
}

}  // namespace

TEST_CASE("every case through the cache: the same cases in path order, cold, warm, stale and damaged") {
  TempStore t;
  Store store = Store::open(t.dir);
  for (int n : {3, 1, 2}) add_case(store, n);
  const std::vector<std::string> three = {"PRV-2026-0001", "PRV-2026-0002", "PRV-2026-0003"};

  auto cold = read_all(store);
  CHECK(cold.ids == three);
  CHECK(cold.summary.parsed == 3);
  CHECK(cold.summary.unreadable.empty());
  CHECK(std::filesystem::exists(case_cache_path(store)));

  auto warm = read_all(store);
  CHECK(warm.ids == three);
  CHECK(warm.summary.parsed == 0);

  add_case(store, 4);  // stale: one new record, three cached
  auto stale = read_all(store);
  CHECK(stale.ids.size() == 4);
  CHECK(stale.summary.parsed == 1);
  CHECK(read_all(store).summary.parsed == 0);

  // A record that does not read is reported on every run, cache or not.
  store.commit({{"cases/2026/PRV-2026-0005.yaml", "referral: [\n"}}, commit_message("refer", "x", {}, "refer"));
  for (int run = 0; run < 2; ++run) {
    auto broken = read_all(store);
    CHECK(broken.ids.size() == 4);
    CHECK(broken.summary.parsed == 1);
    REQUIRE(broken.summary.unreadable.size() == 1);
    CHECK(has(broken.summary.unreadable[0].what(), "PRV-2026-0005"));
  }

  // Garbage, truncation and a version from elsewhere all read as no cache.
  const auto path = case_cache_path(store);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (const std::string& damaged : {std::string("garbage"), bytes.substr(0, bytes.size() / 2), std::string()}) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
    auto again = read_all(store);
    CHECK(again.ids.size() == 4);
    CHECK(again.summary.parsed == 5);
    CHECK(again.summary.unreadable.size() == 1);
  }

  // `each` may throw: the error comes out, and the next read is whole.
  CHECK_THROWS_AS(for_each_case_without_personal_data(store, [](const Case&) { throw Failure(Exit::bug, "stop"); }),
                  Failure);
  CHECK(read_all(store).ids.size() == 4);
}

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
#include "case_reader.hpp"
#include "case_record.hpp"
#include "derived_indexes.hpp"
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
  c.previous_ids = {"PRV-2024-0006"};
  c.related = {"PRV-2023-0002"};
  Triage t;
  t.completed = d("2024-03-04");
  t.outcome = TriageOutcome::channel_panel;
  t.signposted_to = {"early-help"};
  t.section36 = Section36{d("2024-03-04"), "Counter Terrorism Policing"};
  t.rationale = PersonalNote(std::string("Rationale phrase Okkvan"));
  c.triage = t;
  c.assessments.push_back(
      Assessment{d("2024-03-10"), "VAF", "medium", "low", "low", PersonalNote(std::string("Notes Okkvan"))});
  c.panel.push_back(Hearing{d("2024-03-14"), PanelDecision::defer, std::nullopt, {}, PersonalNote(std::string("Okkvan"))});
  c.panel.push_back(Hearing{d("2024-03-28"), PanelDecision::adopt, std::string("majority"), {"housing"}, PersonalNote()});
  c.consent = {Consent{ConsentStatus::requested, ConsentGiver::best_interests, d("2024-03-29"), d("2024-03-20"),
                       PersonalNote(std::string("Reason Okkvan"))},
               Consent{ConsentStatus::given, ConsentGiver::parent_guardian, d("2024-04-02")}};
  c.support_plan.push_back(Action{"A1", "ideological-mentoring", PersonalText("Provider"), d("2024-04-02"), d("2024-06-30"), ActionStatus::done,
                                  d("2024-05-01"), std::nullopt});
  c.support_plan.push_back(
      Action{"A2", "family-support", PersonalText("Provider"), d("2024-04-03"), d("2024-07-30"), ActionStatus::open, std::nullopt, std::nullopt});
  c.chronology.push_back(
      ChronologyEntry{d("2024-03-01"), "info-request", PersonalText("Example NHS FT"), PersonalNote(std::string("Okkvan text"))});
  c.reviews.push_back(Review{d("2024-04-25"), ReviewKind::monthly, d("2024-04-25"), ReviewOutcome::continue_, PersonalNote(std::string("x"))});
  c.corrections.push_back(Correction{d("2024-05-02"), {"triage.completed"}, PersonalText("Reason Okkvan")});
  Episode e;
  e.consent = {Consent{ConsentStatus::withdrawn, ConsentGiver::subject, d("2024-01-10")}};
  e.reviews.push_back(Review{d("2024-01-20"), ReviewKind::post_closure_6, std::nullopt, ReviewOutcome::reopen, PersonalNote(std::string("y"))});
  e.closure = Closure{d("2024-01-10"), ClosureReason::consent_withdrawn};
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
  keep_derived_indexes(store);  // as the front end's open_store does
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

  add_case(store, 4);  // stale: one new record, three cached (the write's side file removed)
  std::filesystem::remove(case_cache_path(store) + "-changes");
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

namespace {

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

Case case_of_year(int year, int n) {
  Case c = simple_case(n);
  c.id = fmt::format("PRV-{}-{:04}", year, n);
  c.referral.received = Date::parse(fmt::format("{}-03-0{}", year, n % 9 + 1)).value();
  return c;
}

void add(Store& store, const Case& c) {
  store.commit({{case_path(c.id, c.referral.received.year()), write_case(c)}},
               commit_message("refer", c.id, {c.id}, "refer"));
}

// What every read must give: the cases of HEAD without personal data, as
// entries, whatever the cache holds.
std::vector<std::string> entries_of(const Store& store, CaseReadSummary* summary = nullptr) {
  std::vector<std::string> out;
  auto s = for_each_case_without_personal_data(store, [&](const Case& c) { out.push_back(encode_case_entry(c)); });
  if (summary) *summary = s;
  return out;
}
std::vector<std::string> cold_entries(const Store& store) {
  const auto path = case_cache_path(store);
  const std::string cache = read_bytes(path), changes = read_bytes(path + "-changes");
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-changes");
  CaseReadSummary s;
  auto out = entries_of(store, &s);
  // Put the cache back as it was.
  write_bytes(path, cache);
  if (!changes.empty()) write_bytes(path + "-changes", changes);
  else std::filesystem::remove(path + "-changes");
  return out;
}

}  // namespace

TEST_CASE("a record read back from what write_case wrote gives the same cache entry") {
  const Config cfg = default_config("Test", "PRV", 2026);
  for (const Case& c : {full_case(), simple_case(3), case_of_year(2019, 8)}) {
    const std::string path = case_path(c.id, c.referral.received.year());
    Case back = read_case(write_case(c), path, cfg);
    CHECK(encode_case_entry(without_personal_data(back)) == encode_case_entry(without_personal_data(c)));
  }
}

TEST_CASE("writes keep the cache warm through its side file: the next read parses nothing") {
  TempStore t;
  Store store = Store::open(t.dir);
  keep_derived_indexes(store);  // as the front end's open_store does
  for (int n : {2, 4}) add(store, case_of_year(2026, n));
  CaseReadSummary s;
  entries_of(store, &s);
  CHECK(s.parsed == 2);
  const auto path = case_cache_path(store);
  const std::string changes = path + "-changes";
  CHECK_FALSE(std::filesystem::exists(changes));

  // Inserted between, at the end, in a new year before and after, replaced.
  add(store, case_of_year(2026, 3));
  add(store, case_of_year(2026, 9));
  add(store, case_of_year(2019, 1));
  add(store, case_of_year(2027, 1));
  Case changed = case_of_year(2026, 2);
  Triage triage;
  triage.completed = d("2026-03-05");
  triage.outcome = TriageOutcome::no_further_action;
  changed.triage = triage;
  add(store, changed);
  CHECK(std::filesystem::exists(changes));
  const std::string cache_before = read_bytes(path);
  auto warm = entries_of(store, &s);
  CHECK(s.parsed == 0);
  CHECK(s.unreadable.empty());
  CHECK(read_bytes(path) == cache_before);  // not rewritten: the long way was not taken
  CHECK(warm == cold_entries(store));
  std::vector<std::string> ids;
  for (const auto& e : warm) ids.push_back(decode_case_entry(e)->id);
  CHECK(ids == std::vector<std::string>{"PRV-2019-0001", "PRV-2026-0002", "PRV-2026-0003", "PRV-2026-0004",
                                        "PRV-2026-0009", "PRV-2027-0001"});
  CHECK(decode_case_entry(warm[1])->triage.has_value());

  // A batch (an import) gives its records; they are not parsed again.
  std::vector<FileWrite> files;
  std::vector<Case> batch;
  for (int n = 10; n < 40; ++n) batch.push_back(case_of_year(2026, n));
  std::vector<const Case*> given;
  for (const auto& c : batch) {
    files.push_back({case_path(c.id, 2026), write_case(c)});
    given.push_back(&c);
  }
  store.commit(files, commit_message("import", "batch", {}, "import"), given);
  warm = entries_of(store, &s);
  CHECK(s.parsed == 0);
  CHECK(warm.size() == 36);
  CHECK(warm == cold_entries(store));
  // Two records of one directory in one commit: one replaced, one new.
  Case again = case_of_year(2026, 3);
  again.referral.sector = "health";
  Case fresh = case_of_year(2026, 5);
  store.commit({{case_path(again.id, 2026), write_case(again)}, {case_path(fresh.id, 2026), write_case(fresh)}},
               commit_message("import", "two", {}, "import"));
  warm = entries_of(store, &s);
  CHECK(s.parsed == 0);
  CHECK(warm.size() == 37);
  CHECK(warm == cold_entries(store));
  CHECK_FALSE(has(read_bytes(changes), "Vexlo"));
  CHECK_FALSE(has(read_bytes(changes), "Okkvan"));
}

TEST_CASE("a damaged, cut short or other version's side file is not used, and the results are the same") {
  // Each damage on a cache made at the first case, with a side file of two
  // writes leading from it to HEAD.
  for (int damage = 0; damage < 5; ++damage) {
    CAPTURE(damage);
    TempStore t;
    Store store = Store::open(t.dir);
    keep_derived_indexes(store);  // as the front end's open_store does
    add(store, case_of_year(2026, 1));
    entries_of(store);
    add(store, case_of_year(2026, 2));
    add(store, case_of_year(2026, 3));
    const auto changes = case_cache_path(store) + "-changes";
    std::string bytes = read_bytes(changes);
    REQUIRE(bytes.size() > 40);
    switch (damage) {
      case 0: bytes = "garbage"; break;
      case 1: bytes.resize(bytes.size() - 3); break;       // the last record cut short
      case 2: bytes[bytes.size() - 20] ^= 0x01; break;      // a flipped bit
      case 3: bytes[8] = 2; break;                          // another format version
      case 4: bytes.insert(12, std::string(5, '\xff')); break;  // an absurd length
    }
    write_bytes(changes, bytes);
    CaseReadSummary s;
    auto got = entries_of(store, &s);
    CHECK(s.parsed > 0);  // the long way
    CHECK(got.size() == 3);
    CHECK(got == cold_entries(store));
    CHECK_FALSE(std::filesystem::exists(changes));  // the rewrite removed it
    CHECK(entries_of(store, &s) == got);
    CHECK(s.parsed == 0);
    // And a write appends to a new side file again.
    add(store, case_of_year(2026, 4));
    CHECK(entries_of(store, &s).size() == 4);
    CHECK(s.parsed == 0);
  }
}

TEST_CASE("a commit made without prevent's hook (as by hand) breaks the chain: the long way, right results") {
  TempStore t;
  Store store = Store::open(t.dir);
  keep_derived_indexes(store);  // as the front end's open_store does
  add(store, case_of_year(2026, 1));
  entries_of(store);
  add(store, case_of_year(2026, 2));
  // Straight through git: no side-file record.
  Case c = case_of_year(2026, 3);
  store.git().commit({{case_path(c.id, 2026), write_case(c)}}, "by hand", store.git().identity());
  add(store, case_of_year(2026, 4));  // a record from the hand commit's tree on
  CaseReadSummary s;
  auto got = entries_of(store, &s);
  CHECK(s.parsed == 3);
  CHECK(got.size() == 4);
  CHECK(got == cold_entries(store));
}

TEST_CASE("many writes are folded into the cache by a read") {
  TempStore t;
  Store store = Store::open(t.dir);
  keep_derived_indexes(store);  // as the front end's open_store does
  add(store, case_of_year(2026, 1));
  entries_of(store);
  const auto changes = case_cache_path(store) + "-changes";
  for (int n = 2; n <= 34; ++n) add(store, case_of_year(2026, n));
  CaseReadSummary s;
  auto got = entries_of(store, &s);
  CHECK(s.parsed == 0);
  CHECK(got.size() == 34);
  CHECK_FALSE(std::filesystem::exists(changes));  // folded
  CHECK(entries_of(store, &s) == got);
  CHECK(s.parsed == 0);
  CHECK(got == cold_entries(store));
}

// One version of a case file as the purge rewrites it (reseal.hpp).
#include <doctest/doctest.h>

#include "case_fixtures.hpp"
#include "reseal.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;
using prevent::fixtures::full_case;

namespace {

CaseKeys reseal_keys() {
  static const crypto::SecretKey case_key = crypto::random_key(), store_key = crypto::random_key();
  return CaseKeys{"0123456789abcdef0123456789abcdef", case_key, store_key};
}

}  // namespace

TEST_CASE("reseal: an old plain version seals to the ciphertexts a later sealed version holds") {
  const Config& cfg = fixtures::cfg();
  const std::string where = "cases/2026/PRV-2026-0014.yaml";
  const std::string plain = write_case(full_case());
  // The later version: sealed, then a triage added (values before unchanged).
  Case later = full_case();
  seal_personal(later, reseal_keys());
  const std::string name_sealed = later.referral.subject.name.sealed_text();

  ResealedCase r = reseal_case_text(plain, where, cfg, [](const std::string& id) {
    CHECK(id == "PRV-2026-0014");
    return reseal_keys();
  });
  REQUIRE(r.text);
  CHECK_FALSE(r.erased);
  CHECK(r.text->find("Zorvan Quillet") == std::string::npos);
  CHECK(r.text->find("Fictional rationale") == std::string::npos);
  CHECK(r.text->find(name_sealed) != std::string::npos);
  CHECK(*r.text == write_case(later));
  // Resealing the sealed version changes nothing.
  ResealedCase again = reseal_case_text(*r.text, where, cfg, [](const std::string&) { return reseal_keys(); });
  REQUIRE(again.text);
  CHECK(*again.text == *r.text);
}

TEST_CASE("reseal: a case whose key is gone has its plain values erased; a file that does not read is kept") {
  const Config& cfg = fixtures::cfg();
  const std::string where = "cases/2026/PRV-2026-0014.yaml";
  ResealedCase r = reseal_case_text(write_case(full_case()), where, cfg, [](const std::string&) {
    CaseKeys k = reseal_keys();
    k.case_key.reset();
    return k;
  });
  REQUIRE(r.text);
  CHECK(r.erased);
  CHECK(r.text->find("Zorvan Quillet") == std::string::npos);
  CHECK(r.text->find("[erased]") != std::string::npos);

  ResealedCase bad = reseal_case_text("name: [unclosed\n", where, cfg, [](const std::string&) { return reseal_keys(); });
  CHECK_FALSE(bad.text);
  CHECK_FALSE(bad.kept_why.empty());
  // A plain store: nothing to seal with, kept.
  ResealedCase plain_store =
      reseal_case_text(write_case(full_case()), where, cfg, [](const std::string&) { return CaseKeys{}; });
  CHECK_FALSE(plain_store.text);
  CHECK(plain_store.kept_why == "the store is not encrypted");
}

TEST_CASE("reseal: an old plain version of a meeting seals its correction reasons; others are kept as they are") {
  static const crypto::SecretKey store_key = crypto::random_key();
  const MeetingKeys keys{"0123456789abcdef0123456789abcdef", store_key};
  const std::string where = "panels/2026-12-03.yaml";
  Meeting m;
  m.date = Date::from_ymd(2026, 12, 3);
  m.chair = Member{"Prevent Lead", "Zedshire Council", false};
  const std::string uncorrected = write_meeting(m);
  m.corrections.push_back(
      Correction{Date::from_ymd(2026, 12, 5), {"chair.role"}, PersonalText("Fictional reason Wendlemere")});
  const std::string plain = write_meeting(m);
  Meeting later = m;
  seal_meeting_personal(later, keys);

  ResealedCase r = reseal_meeting_text(plain, where, keys);
  REQUIRE(r.text);
  CHECK_FALSE(r.erased);
  CHECK(r.text->find("Wendlemere") == std::string::npos);
  CHECK(*r.text == write_meeting(later));  // the ciphertext a later version holds
  // Already sealed, or nothing to seal: kept as it is, with no why.
  ResealedCase again = reseal_meeting_text(*r.text, where, keys);
  CHECK_FALSE(again.text);
  CHECK(again.kept_why.empty());
  ResealedCase none = reseal_meeting_text(uncorrected, where, keys);
  CHECK_FALSE(none.text);
  CHECK(none.kept_why.empty());
  // Not a meeting: kept, with why.
  ResealedCase bad = reseal_meeting_text("date: [unclosed\n", where, keys);
  CHECK_FALSE(bad.text);
  CHECK_FALSE(bad.kept_why.empty());
}

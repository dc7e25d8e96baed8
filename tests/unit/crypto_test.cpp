#include <doctest/doctest.h>

#include "crypto.hpp"

using namespace prevent::crypto;

TEST_CASE("a sealed value opens only under its key and associated data") {
  const SecretKey k = random_key();
  const std::string ad = associated_data({"store", "PRV-2026-0001", "referral.subject.name"});
  const std::string sealed = seal(k, ad, "Tobias Wrenfeld-Example");
  CHECK(is_sealed(sealed));
  CHECK(sealed.find("Tobias") == std::string::npos);
  CHECK(open(k, ad, sealed) == std::optional<std::string>("Tobias Wrenfeld-Example"));
  // Another key, another case, another field: refused.
  CHECK_FALSE(open(random_key(), ad, sealed));
  CHECK_FALSE(open(k, associated_data({"store", "PRV-2026-0002", "referral.subject.name"}), sealed));
  CHECK_FALSE(open(k, associated_data({"store", "PRV-2026-0001", "triage.rationale"}), sealed));
  // One character changed anywhere in the ciphertext: refused.
  for (size_t i = kSealedPrefix.size(); i < sealed.size(); i += 7) {
    std::string t = sealed;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    CHECK_FALSE(open(k, ad, t));
  }
  CHECK_FALSE(open(k, ad, "enc:v1:"));
  CHECK_FALSE(open(k, ad, "enc:v1:!!"));
  CHECK_FALSE(open(k, ad, "Tobias"));
}

TEST_CASE("sealing is deterministic per place and hides the length to 16 bytes") {
  const SecretKey k = random_key();
  const std::string ad = associated_data({"s", "c", "f"});
  CHECK(seal(k, ad, "same") == seal(k, ad, "same"));
  CHECK(seal(k, ad, "same") != seal(k, associated_data({"s", "c", "g"}), "same"));
  CHECK(seal(k, ad, "a").size() == seal(k, ad, "fifteen letters").size());
  CHECK(seal(k, ad, "a").size() < seal(k, ad, "sixteen letters!").size());
  CHECK(open(k, ad, seal(k, ad, "")) == std::optional<std::string>(""));
}

TEST_CASE("a wrapped key unwraps only with its key-encryption key and associated data") {
  const SecretKey kek = random_key(), key = random_key();
  const Bytes w = wrap_key(kek, "ad", key);
  CHECK(unwrap_key(kek, "ad", w) == std::optional<SecretKey>(key));
  CHECK_FALSE(unwrap_key(kek, "other", w));
  CHECK_FALSE(unwrap_key(random_key(), "ad", w));
  CHECK(wrap_key(kek, "ad", key) != w);  // a fresh nonce each time
}

TEST_CASE("base64 round-trips and refuses what is not its alphabet") {
  const Bytes b = random_bytes(37);
  CHECK(from_base64(to_base64(b)) == std::optional<Bytes>(b));
  CHECK_FALSE(from_base64("ab+/"));
  CHECK_FALSE(from_base64("a b"));
  CHECK(keyed_hash(random_key(), "x").size() == 32);
}

// OpenSSH ed25519 keys and the keys sealed to them (ssh_key.hpp), and the
// passphrase recipient's Argon2id key (passphrase_key.hpp). The keys below
// are fictional test keys, made once with ssh-keygen for these tests and
// used nowhere else.
#include <doctest/doctest.h>
#include <sodium.h>

#include <string>

#include "passphrase_key.hpp"
#include "ssh_key.hpp"

using namespace prevent;

namespace {

const char* kPrivate =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACDORDq9ag+sC+KU0dCmb69U6sRjZg9Nx9EnbZhufDn1HgAAAJjJC7DByQuw\n"
    "wQAAAAtzc2gtZWQyNTUxOQAAACDORDq9ag+sC+KU0dCmb69U6sRjZg9Nx9EnbZhufDn1Hg\n"
    "AAAEAM9Wt/QPHRjlYzQiC0zOfp1ZkAcGg3R4cqjI4ZPBFsrc5EOr1qD6wL4pTR0KZvr1Tq\n"
    "xGNmD03H0SdtmG58OfUeAAAAEmZpY3Rpb25hbC10ZXN0LWtleQECAw==\n"
    "-----END OPENSSH PRIVATE KEY-----\n";
const char* kPublic =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM5EOr1qD6wL4pTR0KZvr1TqxGNmD03H0SdtmG58OfUe fictional-test-key\n";
const char* kFingerprint = "SHA256:YibmZsAZINrAlNHk0+thfJEo4x+RHjFlYJReAIBQgJM";
// The same kind of key, protected by a passphrase (aes256-ctr, bcrypt).
const char* kProtected =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABCLi99hcK\n"
    "l6GATL1Zta1wzwAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAINALh3fsEhyhcx7w\n"
    "yjwGKfa8MXvzDDUXgBu2k/abSod1AAAAoDZ1NeYn5/xmHUSD+FOMsHVS7CFjwqocP5UweP\n"
    "vspkelfm1sERSFrGb/RigA/Nl+bwYFLfLAAk1LXWETySm/86D3dNc6ed1/CG5xrc+7MJwg\n"
    "nEek8IC4LsnOBB78zMvD6p45w/t7cQVe8wkiFg3IJdjJRGa9eM7DIeCsqlCHJkfpftgXAP\n"
    "ycrWtikFYG5Uuak2k7WCf2ABrPX+J9S27Q53E=\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

std::string body_of(const std::string& pem) {
  const std::string begin = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  const size_t a = pem.find(begin) + begin.size();
  return pem.substr(a, pem.find("-----END") - a);
}

crypto::Bytes decoded(const std::string& pem) {
  const std::string b64 = body_of(pem);
  crypto::Bytes out(b64.size());
  size_t len = 0;
  REQUIRE(sodium_base642bin(out.data(), out.size(), b64.data(), b64.size(), "\n", &len, nullptr,
                            sodium_base64_VARIANT_ORIGINAL) == 0);
  out.resize(len);
  return out;
}

std::string encoded(const crypto::Bytes& bytes) {
  std::string b64(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(b64.find('\0'));
  return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + b64 + "\n-----END OPENSSH PRIVATE KEY-----\n";
}

std::optional<ssh::PrivateKey> parse(const std::string& text, ssh::ParseProblem& p) {
  return ssh::parse_private_key(text, p);
}

}  // namespace

TEST_CASE("an ssh-keygen ed25519 key file gives the key its .pub file names") {
  ssh::ParseProblem problem;
  auto priv = parse(kPrivate, problem);
  REQUIRE(priv);
  auto pub = ssh::parse_public_key_line(kPublic, problem);
  REQUIRE(pub);
  CHECK(priv->public_key == *pub);
  CHECK(pub->fingerprint() == kFingerprint);  // as `ssh-keygen -l` prints it
  CHECK(pub->blob_base64() == "AAAAC3NzaC1lZDI1NTE5AAAAIM5EOr1qD6wL4pTR0KZvr1TqxGNmD03H0SdtmG58OfUe");
  // The comment is not part of the key.
  auto bare = ssh::parse_public_key_line("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM5EOr1qD6wL4pTR0KZvr1TqxGNmD03H0SdtmG58OfUe",
                                         problem);
  REQUIRE(bare);
  CHECK(*bare == *pub);
  // CRLF line ends and a comment line before the key are read as OpenSSH reads them.
  const std::string crlf =
      "# a comment\r\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM5EOr1qD6wL4pTR0KZvr1TqxGNmD03H0SdtmG58OfUe fictional\r\n";
  CHECK(ssh::parse_public_key_line(crlf, problem));
}

TEST_CASE("a key sealed to an SSH key opens only with its private key") {
  ssh::ParseProblem problem;
  auto priv = parse(kPrivate, problem);
  auto pub = ssh::parse_public_key_line(kPublic, problem);
  REQUIRE(priv);
  REQUIRE(pub);
  const crypto::SecretKey key = crypto::random_key();
  const crypto::Bytes sealed = ssh::seal_key_to(*pub, key);
  auto opened = ssh::open_sealed_key(*priv, sealed);
  REQUIRE(opened);
  CHECK(*opened == key);
  // Each sealing is fresh (an ephemeral key): the same key seals differently.
  CHECK(ssh::seal_key_to(*pub, key) != sealed);
  // Another private key cannot open it; nor a changed byte, nor a short box.
  ssh::PrivateKey other{*pub, crypto::random_key()};
  CHECK_FALSE(ssh::open_sealed_key(other, sealed));
  for (size_t i = 0; i < sealed.size(); i += 5) {
    crypto::Bytes changed = sealed;
    changed[i] ^= 1;
    CHECK_FALSE(ssh::open_sealed_key(*priv, changed));
  }
  CHECK_FALSE(ssh::open_sealed_key(*priv, crypto::Bytes(sealed.begin(), sealed.end() - 1)));
  CHECK_FALSE(ssh::open_sealed_key(*priv, crypto::Bytes{}));
}

TEST_CASE("a passphrase-protected key file is refused as such") {
  ssh::ParseProblem problem;
  CHECK_FALSE(parse(kProtected, problem));
  CHECK(problem.passphrase_protected);
  CHECK(problem.why.find("passphrase") != std::string::npos);
}

TEST_CASE("a key file cut short anywhere is refused, never over-read") {
  const crypto::Bytes bytes = decoded(kPrivate);
  for (size_t n = 0; n < bytes.size(); ++n) {
    ssh::ParseProblem problem;
    CHECK_FALSE(parse(encoded(crypto::Bytes(bytes.begin(), bytes.begin() + n)), problem));
    CHECK_FALSE(problem.why.empty());
  }
  // The text cut short too: no END line, half a line of base64.
  const std::string text = kPrivate;
  for (size_t n = 0; n < text.size(); n += 3) {
    ssh::ParseProblem problem;
    CHECK_FALSE(parse(text.substr(0, n), problem));
  }
}

TEST_CASE("a key file whose length fields are too long is refused, never over-read") {
  const crypto::Bytes bytes = decoded(kPrivate);
  // Every 4-byte window set to a huge length, and to one byte more than is
  // left: whatever it hits (a length, a check, the key), nothing crashes,
  // and a length field changed is refused.
  // The lengths (and the key count) of the layout in ssh_key.cpp.
  const size_t length_fields[] = {15, 23, 31, 35, 39, 43, 58, 94, 106, 121, 157, 225};
  for (size_t at = 15; at + 4 <= bytes.size(); ++at) {
    for (uint32_t value : {0xffffffffu, 0x7fffffffu, static_cast<uint32_t>(bytes.size() - at - 3)}) {
      crypto::Bytes b = bytes;
      for (int i = 0; i < 4; ++i) b[at + i] = static_cast<unsigned char>(value >> (24 - 8 * i));
      ssh::ParseProblem problem;
      auto key = parse(encoded(b), problem);
      for (size_t f : length_fields)
        if (f == at) CHECK_FALSE(key);
    }
  }
}

TEST_CASE("a key file of another form is refused with what it is") {
  ssh::ParseProblem problem;
  crypto::Bytes magic = decoded(kPrivate);
  magic[3] = 'X';
  CHECK_FALSE(parse(encoded(magic), problem));
  CHECK(problem.why.find("openssh-key-v1") != std::string::npos);
  CHECK_FALSE(parse(kPublic, problem));
  CHECK(problem.why.find("public key") != std::string::npos);
  CHECK_FALSE(parse("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n", problem));
  CHECK_FALSE(parse("", problem));
  CHECK_FALSE(parse(std::string(20000, 'A'), problem));
  CHECK_FALSE(parse("-----BEGIN OPENSSH PRIVATE KEY-----\n!!!!\n-----END OPENSSH PRIVATE KEY-----\n", problem));
  // The key type changed (ssh-ed25519 → ssh-ed25518) in both the public
  // and the private part: not an ed25519 key.
  crypto::Bytes type = decoded(kPrivate);
  for (size_t i = 0; i + 11 <= type.size(); ++i)
    if (std::string(type.begin() + i, type.begin() + i + 11) == "ssh-ed25519") type[i + 10] = '8';
  CHECK_FALSE(parse(encoded(type), problem));
  CHECK(problem.why.find("ed25519") != std::string::npos);
  // The private half changed: it no longer matches its public key.
  crypto::Bytes seed = decoded(kPrivate);
  seed[161] ^= 1;  // the seed's first byte
  CHECK_FALSE(parse(encoded(seed), problem));
}

TEST_CASE("a public key line of another kind is refused with what it is") {
  ssh::ParseProblem problem;
  CHECK_FALSE(ssh::parse_public_key_line(
      "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKxOGnWshIZyCEpBESJrPjIyixmf5vX2htbOxJ"
      "HcDzM9xIM4E8lKY1n/fjvNrzZaf4H3qEi8WRnnC3WiRE/Rlog= someone@example",
      problem));
  CHECK(problem.why.find("ed25519") != std::string::npos);
  CHECK_FALSE(ssh::parse_public_key_line(kPrivate, problem));
  CHECK(problem.why.find("private key") != std::string::npos);
  CHECK_FALSE(ssh::parse_public_key_line("", problem));
  CHECK_FALSE(ssh::parse_public_key_line("ssh-ed25519", problem));
  CHECK_FALSE(ssh::parse_public_key_line("ssh-ed25519 AAAA", problem));
  CHECK_FALSE(ssh::parse_public_key_line("ssh-ed25519 !!!", problem));
  // The blob names ed25519 but holds a 31-byte key.
  CHECK_FALSE(ssh::parse_public_key_line("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAH85EOr1qD6wL4pTR0KZvr1TqxGNmD03H0SdtmG58OfU=",
                                         problem));
}

TEST_CASE("a passphrase recipient's key: Argon2id, then a sealed key only the passphrase opens") {
  const crypto::Bytes salt = crypto::random_bytes(crypto::kSaltBytes);
  const auto cost = crypto::minimum_cost();
  const crypto::SecretKey a = crypto::passphrase_key("correct horse battery", salt, cost);
  CHECK(crypto::passphrase_key("correct horse battery", salt, cost) == a);
  CHECK_FALSE(crypto::passphrase_key("correct horse batterY", salt, cost) == a);
  CHECK_FALSE(crypto::passphrase_key("correct horse battery", crypto::random_bytes(crypto::kSaltBytes), cost) == a);
  // The pair's secret is wrapped under the passphrase's key; the store key
  // is sealed to the pair's public half.
  crypto::X25519Pair pair = crypto::x25519_pair();
  const crypto::Bytes wrapped_secret = crypto::wrap_key(a, "ad", pair.secret);
  const crypto::SecretKey store_key = crypto::random_key();
  const crypto::Bytes sealed = crypto::seal_key_to_x25519(pair.public_key, store_key);
  auto secret = crypto::unwrap_key(crypto::passphrase_key("correct horse battery", salt, cost), "ad", wrapped_secret);
  REQUIRE(secret);
  auto opened = crypto::open_sealed_key_x25519(pair.public_key, *secret, sealed);
  REQUIRE(opened);
  CHECK(*opened == store_key);
  CHECK_FALSE(crypto::unwrap_key(crypto::passphrase_key("wrong", salt, cost), "ad", wrapped_secret));
  CHECK_FALSE(crypto::open_sealed_key_x25519(pair.public_key, crypto::random_key(), sealed));
}

TEST_CASE("a passphrase cost read from a store is bounded") {
  CHECK(crypto::acceptable_cost(crypto::interactive_cost()));
  CHECK(crypto::acceptable_cost(crypto::minimum_cost()));
  CHECK_FALSE(crypto::acceptable_cost({0, crypto::minimum_cost().memlimit}));
  CHECK_FALSE(crypto::acceptable_cost({3, uint64_t{1} << 40}));
  CHECK_FALSE(crypto::acceptable_cost({1000, crypto::minimum_cost().memlimit}));
}

// The formats read here, as OpenSSH writes them (PROTOCOL.key, RFC 4253
// §6.6, RFC 8709):
//
//   public key line   "ssh-ed25519" SP base64(blob) [SP comment]
//   blob              string "ssh-ed25519", string key (32 bytes)
//   private key file  "-----BEGIN OPENSSH PRIVATE KEY-----", base64 lines,
//                     "-----END OPENSSH PRIVATE KEY-----"; decoded:
//                       "openssh-key-v1\0"
//                       string ciphername ("none" unless protected)
//                       string kdfname, string kdfoptions
//                       uint32 number of keys (1)
//                       string public blob (one per key)
//                       string private section:
//                         uint32 check, uint32 check (equal)
//                         string "ssh-ed25519", string public (32),
//                         string private (64: seed ‖ public), string comment
//                         padding 1, 2, 3, …
// where `string` is a big-endian uint32 length and that many bytes.
#include "ssh_key.hpp"

#include <sodium.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "failure.hpp"

namespace prevent::ssh {

namespace {

constexpr std::string_view kKeyType = "ssh-ed25519";
constexpr std::string_view kBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view kEnd = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::string_view kMagic{"openssh-key-v1\0", 15};
// No ed25519 key file comes near this; a larger one is not read.
constexpr size_t kMaxKeyText = 16 * 1024;

void ensure_sodium() {
  if (sodium_init() < 0) fail(Exit::bug, "libsodium could not be initialised", "");
}

// Reads the wire format with every length checked against what is left.
class Reader {
 public:
  explicit Reader(std::span<const unsigned char> bytes) : bytes_(bytes) {}
  bool u32(uint32_t& out) {
    if (bytes_.size() - at_ < 4) return false;
    out = (uint32_t(bytes_[at_]) << 24) | (uint32_t(bytes_[at_ + 1]) << 16) | (uint32_t(bytes_[at_ + 2]) << 8) |
          uint32_t(bytes_[at_ + 3]);
    at_ += 4;
    return true;
  }
  bool string(std::span<const unsigned char>& out) {
    uint32_t n = 0;
    if (!u32(n) || n > bytes_.size() - at_) return false;
    out = bytes_.subspan(at_, n);
    at_ += n;
    return true;
  }
  bool raw(size_t n, std::span<const unsigned char>& out) {
    if (n > bytes_.size() - at_) return false;
    out = bytes_.subspan(at_, n);
    at_ += n;
    return true;
  }
  std::span<const unsigned char> rest() const { return bytes_.subspan(at_); }
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::span<const unsigned char> bytes_;
  size_t at_ = 0;
};

bool equals(std::span<const unsigned char> a, std::string_view b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), b.size()) == 0;
}

std::optional<crypto::Bytes> from_standard_base64(std::string_view text, const char* ignore) {
  if (text.size() > kMaxKeyText * 2) return std::nullopt;
  crypto::Bytes out(text.size() * 3 / 4 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), ignore, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

std::string to_standard_base64(std::span<const unsigned char> bytes, int variant) {
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

crypto::Bytes wire_blob(const PublicKey& key) {
  crypto::Bytes out;
  auto put = [&out](std::span<const unsigned char> s) {
    const uint32_t n = static_cast<uint32_t>(s.size());
    for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<unsigned char>(n >> shift));
    out.insert(out.end(), s.begin(), s.end());
  };
  put(std::span(reinterpret_cast<const unsigned char*>(kKeyType.data()), kKeyType.size()));
  put(key.ed25519);
  return out;
}

// The public key from a wire blob; false when it is not an ed25519 one.
bool read_blob(std::span<const unsigned char> blob, PublicKey& out, ParseProblem& problem) {
  Reader r(blob);
  std::span<const unsigned char> type, key;
  if (!r.string(type)) return problem.why = "not an SSH public key", false;
  if (!equals(type, kKeyType)) return problem.why = "not an ssh-ed25519 key (prevent takes ed25519 keys only)", false;
  if (!r.string(key) || key.size() != kEd25519PublicBytes || !r.done())
    return problem.why = "the ssh-ed25519 key is damaged", false;
  std::memcpy(out.ed25519.data(), key.data(), kEd25519PublicBytes);
  return true;
}

bool x25519_public(const PublicKey& key, unsigned char out[crypto_box_PUBLICKEYBYTES]) {
  return crypto_sign_ed25519_pk_to_curve25519(out, key.ed25519.data()) == 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// The private section of an unencrypted key file.
std::optional<PrivateKey> read_private_section(std::span<const unsigned char> section, const PublicKey& listed,
                                               ParseProblem& problem) {
  Reader r(section);
  uint32_t check1 = 0, check2 = 0;
  std::span<const unsigned char> type, pub, priv, comment;
  if (!r.u32(check1) || !r.u32(check2) || check1 != check2) {
    problem.why = "the private key is damaged";
    return std::nullopt;
  }
  if (!r.string(type) || !equals(type, kKeyType)) {
    problem.why = "not an ssh-ed25519 key (prevent takes ed25519 keys only)";
    return std::nullopt;
  }
  if (!r.string(pub) || pub.size() != kEd25519PublicBytes || !r.string(priv) ||
      priv.size() != crypto_sign_SECRETKEYBYTES || !r.string(comment)) {
    problem.why = "the private key is damaged";
    return std::nullopt;
  }
  // Padding: 1, 2, 3, … up to the cipher's block size.
  const auto pad = r.rest();
  if (pad.size() >= 256) {
    problem.why = "the private key is damaged";
    return std::nullopt;
  }
  for (size_t i = 0; i < pad.size(); ++i)
    if (pad[i] != static_cast<unsigned char>(i + 1)) {
      problem.why = "the private key is damaged";
      return std::nullopt;
    }
  // The private key is seed ‖ public: both halves must agree with the
  // public key listed, and the seed must give that public key.
  if (std::memcmp(pub.data(), listed.ed25519.data(), kEd25519PublicBytes) != 0 ||
      std::memcmp(priv.data() + 32, pub.data(), kEd25519PublicBytes) != 0) {
    problem.why = "the private key does not match its public key";
    return std::nullopt;
  }
  unsigned char derived_pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char derived_sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(derived_pk, derived_sk, priv.data());
  const bool same = std::memcmp(derived_pk, pub.data(), kEd25519PublicBytes) == 0;
  sodium_memzero(derived_sk, sizeof derived_sk);
  if (!same) {
    problem.why = "the private key does not match its public key";
    return std::nullopt;
  }
  PrivateKey out{listed, crypto::SecretKey()};
  if (crypto_sign_ed25519_sk_to_curve25519(out.x25519_secret.data(), priv.data()) != 0) {
    problem.why = "the private key cannot be used for encryption";
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::string PublicKey::blob_base64() const {
  return to_standard_base64(wire_blob(*this), sodium_base64_VARIANT_ORIGINAL);
}

std::string PublicKey::fingerprint() const {
  ensure_sodium();
  const crypto::Bytes blob = wire_blob(*this);
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, blob.data(), blob.size());
  return "SHA256:" + to_standard_base64(hash, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

std::optional<PublicKey> parse_public_key_blob(std::string_view base64, ParseProblem& problem) {
  ensure_sodium();
  auto blob = from_standard_base64(base64, nullptr);
  if (!blob) {
    problem.why = "not an SSH public key";
    return std::nullopt;
  }
  PublicKey key;
  if (!read_blob(*blob, key, problem)) return std::nullopt;
  return key;
}

std::optional<PublicKey> parse_public_key_line(std::string_view text, ParseProblem& problem) {
  if (text.size() > kMaxKeyText) {
    problem.why = "too large for an SSH public key file";
    return std::nullopt;
  }
  if (text.find(kBegin) != std::string_view::npos) {
    problem.why = "a private key, where the public key (the .pub file) is wanted";
    return std::nullopt;
  }
  std::string_view line;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view l = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (l.empty() || l.front() == '#') continue;
    line = l;
    break;
  }
  if (line.empty()) {
    problem.why = "not an SSH public key (the file is empty)";
    return std::nullopt;
  }
  const size_t space = line.find_first_of(" \t");
  const std::string_view type = line.substr(0, space);
  if (type != kKeyType) {
    problem.why = "not an ssh-ed25519 public key (prevent takes ed25519 keys only: ssh-keygen -t ed25519)";
    return std::nullopt;
  }
  if (space == std::string_view::npos) {
    problem.why = "not an SSH public key (no key after ssh-ed25519)";
    return std::nullopt;
  }
  std::string_view rest = trim(line.substr(space));
  const std::string_view blob = rest.substr(0, rest.find_first_of(" \t"));
  return parse_public_key_blob(blob, problem);
}

std::optional<PrivateKey> parse_private_key(std::string_view text, ParseProblem& problem) {
  ensure_sodium();
  if (text.size() > kMaxKeyText) {
    problem.why = "too large for an SSH private key file";
    return std::nullopt;
  }
  const size_t begin = text.find(kBegin);
  const size_t end = text.find(kEnd);
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) {
    if (text.find("ssh-ed25519 ") != std::string_view::npos || text.starts_with("ssh-"))
      problem.why = "a public key, where the private key file is wanted";
    else if (text.find("-----BEGIN") != std::string_view::npos)
      problem.why = "not an OpenSSH private key (convert it: ssh-keygen -p -f FILE rewrites it in OpenSSH's format)";
    else
      problem.why = "not an OpenSSH private key file";
    return std::nullopt;
  }
  const std::string_view body = text.substr(begin + kBegin.size(), end - begin - kBegin.size());
  auto decoded = from_standard_base64(body, " \t\r\n");
  if (!decoded) {
    problem.why = "the private key is damaged (not base64)";
    return std::nullopt;
  }
  crypto::Bytes& bytes = *decoded;
  struct Wipe {
    crypto::Bytes& b;
    ~Wipe() { sodium_memzero(b.data(), b.size()); }
  } wipe{bytes};
  Reader r(bytes);
  std::span<const unsigned char> magic, cipher, kdf, kdf_options, blob, section;
  uint32_t count = 0;
  if (!r.raw(kMagic.size(), magic) || !equals(magic, kMagic)) {
    problem.why = "not an OpenSSH private key (no openssh-key-v1 header)";
    return std::nullopt;
  }
  if (!r.string(cipher) || !r.string(kdf) || !r.string(kdf_options) || !r.u32(count)) {
    problem.why = "the private key is damaged";
    return std::nullopt;
  }
  if (!equals(cipher, "none")) {
    problem.why = "the key is protected by a passphrase, which prevent cannot ask for";
    problem.passphrase_protected = true;
    return std::nullopt;
  }
  if (count != 1) {
    problem.why = "the file holds more than one key";
    return std::nullopt;
  }
  if (!r.string(blob) || !r.string(section) || !r.done()) {
    problem.why = "the private key is damaged";
    return std::nullopt;
  }
  PublicKey listed;
  if (!read_blob(blob, listed, problem)) return std::nullopt;
  return read_private_section(section, listed, problem);
}

crypto::Bytes seal_key_to(const PublicKey& to, const crypto::SecretKey& key) {
  ensure_sodium();
  unsigned char pk[crypto_box_PUBLICKEYBYTES];
  if (!x25519_public(to, pk)) fail(Exit::invalid_data, "the SSH public key cannot be used for encryption", "");
  crypto::Bytes out(crypto_box_SEALBYTES + crypto::kKeyBytes);
  if (crypto_box_seal(out.data(), key.data(), crypto::kKeyBytes, pk) != 0)
    fail(Exit::bug, "sealing a key failed", "");
  return out;
}

std::optional<crypto::SecretKey> open_sealed_key(const PrivateKey& me, std::span<const unsigned char> sealed) {
  ensure_sodium();
  if (sealed.size() != crypto_box_SEALBYTES + crypto::kKeyBytes) return std::nullopt;
  unsigned char pk[crypto_box_PUBLICKEYBYTES];
  if (!x25519_public(me.public_key, pk)) return std::nullopt;
  crypto::SecretKey out;
  if (crypto_box_seal_open(out.data(), sealed.data(), sealed.size(), pk, me.x25519_secret.data()) != 0)
    return std::nullopt;
  return out;
}

}  // namespace prevent::ssh

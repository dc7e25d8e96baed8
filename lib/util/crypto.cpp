#include "crypto.hpp"

#include <sodium.h>

#include <cctype>
#include <cstring>
#include <stdexcept>

#include "failure.hpp"

namespace prevent::crypto {

namespace {

void ensure_init() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) fail(Exit::bug, "libsodium could not be initialised", "");
}

constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kPadBlock = 16;
constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kKeyBytes);
static_assert(crypto_kdf_KEYBYTES == kKeyBytes);

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

Bytes aead_encrypt(const SecretKey& key, std::string_view ad, std::span<const unsigned char> message,
                   std::span<const unsigned char> nonce) {
  Bytes out(kNonceBytes + message.size() + kTagBytes);
  std::memcpy(out.data(), nonce.data(), kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kNonceBytes, &written, message.data(), message.size(),
                                             bytes_of(ad), ad.size(), nullptr, out.data(), key.data());
  out.resize(kNonceBytes + written);
  return out;
}

std::optional<Bytes> aead_decrypt(const SecretKey& key, std::string_view ad, std::span<const unsigned char> box) {
  if (box.size() < kNonceBytes + kTagBytes) return std::nullopt;
  Bytes out(box.size() - kNonceBytes - kTagBytes);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &written, nullptr, box.data() + kNonceBytes,
                                                 box.size() - kNonceBytes, bytes_of(ad), ad.size(), box.data(),
                                                 key.data()) != 0)
    return std::nullopt;
  out.resize(written);
  return out;
}

}  // namespace

SecretKey::SecretKey() = default;
SecretKey::SecretKey(std::span<const unsigned char> bytes) {
  if (bytes.size() != kKeyBytes) fail(Exit::bug, "a key of the wrong length", "");
  std::memcpy(bytes_.data(), bytes.data(), kKeyBytes);
}
SecretKey::SecretKey(const SecretKey& other) : bytes_(other.bytes_) {}
SecretKey& SecretKey::operator=(const SecretKey& other) {
  bytes_ = other.bytes_;
  return *this;
}
SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), bytes_.size()); }
bool operator==(const SecretKey& a, const SecretKey& b) {
  return sodium_memcmp(a.bytes_.data(), b.bytes_.data(), kKeyBytes) == 0;
}

SecretKey random_key() {
  ensure_init();
  SecretKey k;
  crypto_aead_xchacha20poly1305_ietf_keygen(k.data());
  return k;
}

SecretKey derive_key(const SecretKey& key, uint64_t id, std::string_view context) {
  ensure_init();
  if (context.size() != crypto_kdf_CONTEXTBYTES) fail(Exit::bug, "a key context must be 8 characters", "");
  char ctx[crypto_kdf_CONTEXTBYTES];
  std::memcpy(ctx, context.data(), crypto_kdf_CONTEXTBYTES);
  SecretKey out;
  crypto_kdf_derive_from_key(out.data(), kKeyBytes, id, ctx, key.data());
  return out;
}

Bytes random_bytes(size_t n) {
  ensure_init();
  Bytes b(n);
  randombytes_buf(b.data(), n);
  return b;
}

std::string to_base64(std::span<const unsigned char> bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<Bytes> from_base64(std::string_view text) {
  Bytes out(text.size() * 3 / 4 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end, kVariant) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

std::string to_hex(std::span<const unsigned char> bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

bool is_sealed(std::string_view text) {
  if (!text.starts_with(kSealedPrefix)) return false;
  text.remove_prefix(kSealedPrefix.size());
  if (text.empty()) return false;
  for (char ch : text)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_')) return false;
  return true;
}

std::string seal(const SecretKey& key, std::string_view ad, std::string_view plaintext) {
  ensure_init();
  Bytes padded(plaintext.size() + kPadBlock);
  std::memcpy(padded.data(), plaintext.data(), plaintext.size());
  size_t padded_len = 0;
  if (sodium_pad(&padded_len, padded.data(), plaintext.size(), kPadBlock, padded.size()) != 0)
    fail(Exit::bug, "padding a value failed", "");
  padded.resize(padded_len);
  // The synthetic nonce: a keyed hash, under a key of its own derived from
  // `key`, of the associated data's length, the associated data and the
  // padded plaintext.
  const SecretKey nonce_key = derive_key(key, 1, "prvnonce");
  unsigned char nonce[kNonceBytes];
  crypto_generichash_state st;
  crypto_generichash_init(&st, nonce_key.data(), kKeyBytes, kNonceBytes);
  const uint64_t ad_len = ad.size();
  unsigned char len_bytes[8];
  for (int i = 0; i < 8; ++i) len_bytes[i] = static_cast<unsigned char>(ad_len >> (8 * i));
  crypto_generichash_update(&st, len_bytes, sizeof len_bytes);
  crypto_generichash_update(&st, bytes_of(ad), ad.size());
  crypto_generichash_update(&st, padded.data(), padded.size());
  crypto_generichash_final(&st, nonce, kNonceBytes);
  Bytes box = aead_encrypt(key, ad, padded, nonce);
  sodium_memzero(padded.data(), padded.size());
  return std::string(kSealedPrefix) + to_base64(box);
}

std::optional<std::string> open(const SecretKey& key, std::string_view ad, std::string_view text) {
  ensure_init();
  if (!is_sealed(text)) return std::nullopt;
  auto box = from_base64(text.substr(kSealedPrefix.size()));
  if (!box) return std::nullopt;
  auto padded = aead_decrypt(key, ad, *box);
  if (!padded) return std::nullopt;
  size_t len = 0;
  if (sodium_unpad(&len, padded->data(), padded->size(), kPadBlock) != 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(padded->data()), len);
  sodium_memzero(padded->data(), padded->size());
  return out;
}

Bytes wrap_key(const SecretKey& kek, std::string_view ad, const SecretKey& key) {
  const Bytes nonce = random_bytes(kNonceBytes);
  return aead_encrypt(kek, ad, std::span<const unsigned char>(key.data(), kKeyBytes), nonce);
}

std::optional<SecretKey> unwrap_key(const SecretKey& kek, std::string_view ad, std::span<const unsigned char> wrapped) {
  ensure_init();
  auto raw = aead_decrypt(kek, ad, wrapped);
  if (!raw || raw->size() != kKeyBytes) return std::nullopt;
  SecretKey k(*raw);
  sodium_memzero(raw->data(), raw->size());
  return k;
}

std::string keyed_hash(const SecretKey& key, std::string_view message, size_t bytes) {
  ensure_init();
  if (bytes < crypto_generichash_BYTES_MIN || bytes > crypto_generichash_BYTES_MAX)
    fail(Exit::bug, "a keyed hash of an unsupported length", "");
  std::vector<unsigned char> out(bytes);
  crypto_generichash(out.data(), bytes, bytes_of(message), message.size(), key.data(), kKeyBytes);
  return to_hex(out);
}

std::string associated_data(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    out += p;
    out += '\0';
  }
  return out;
}

}  // namespace prevent::crypto

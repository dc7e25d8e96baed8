// libFuzzer target: the readers of SSH key files (ssh_key.hpp), which read
// whatever file --identity, PREVENT_IDENTITY, --recipient or --ssh names.
//
// The input is tried as a private key file, as its base64 body (so the
// fuzzer reaches the binary layout behind the armour), and as a public key
// line. A key that parses must be an ed25519 key whose fingerprint and blob
// can be made. Any sanitizer report (an over-read of a length field) is a
// finding.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ssh_key.hpp"

using namespace prevent;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ssh::ParseProblem problem;
  if (auto key = ssh::parse_private_key(text, problem)) {
    if (!key->public_key.fingerprint().starts_with("SHA256:")) std::abort();
  } else if (problem.why.empty()) {
    std::abort();
  }
  // The same bytes as the decoded body of a key file.
  std::string b64(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  b64.resize(b64.find('\0'));
  const std::string armoured =
      "-----BEGIN OPENSSH PRIVATE KEY-----\n" + b64 + "\n-----END OPENSSH PRIVATE KEY-----\n";
  problem = {};
  if (auto key = ssh::parse_private_key(armoured, problem)) (void)key->public_key.blob_base64();
  problem = {};
  if (auto pub = ssh::parse_public_key_line(text, problem)) {
    auto again = ssh::parse_public_key_blob(pub->blob_base64(), problem);
    if (!again || !(*again == *pub)) std::abort();
  }
  return 0;
}

// A fictional ssh-ed25519 key pair for the unit tests of the keys
// (ssh_key_test.cpp, keyring_test.cpp): made once with ssh-keygen for these
// tests and used nowhere else.
#pragma once

namespace prevent::test {

inline constexpr const char* kTestPrivateKey =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACDORDq9ag+sC+KU0dCmb69U6sRjZg9Nx9EnbZhufDn1HgAAAJjJC7DByQuw\n"
    "wQAAAAtzc2gtZWQyNTUxOQAAACDORDq9ag+sC+KU0dCmb69U6sRjZg9Nx9EnbZhufDn1Hg\n"
    "AAAEAM9Wt/QPHRjlYzQiC0zOfp1ZkAcGg3R4cqjI4ZPBFsrc5EOr1qD6wL4pTR0KZvr1Tq\n"
    "xGNmD03H0SdtmG58OfUeAAAAEmZpY3Rpb25hbC10ZXN0LWtleQECAw==\n"
    "-----END OPENSSH PRIVATE KEY-----\n";
inline constexpr const char* kTestPublicKey =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM5EOr1qD6wL4pTR0KZvr1TqxGNmD03H0SdtmG58OfUe fictional-test-key\n";

}  // namespace prevent::test

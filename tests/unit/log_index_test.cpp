// The file format of the `log ID` index (log_index.hpp): encoder, decoder,
// and the keys.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "log_index.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {

constexpr const char* kScope = "cases/2026";

git_oid oid(unsigned char fill) {
  git_oid id;
  std::memset(id.id, fill, GIT_OID_RAWSZ);
  return id;
}

bool same(const LogIndexSegment& a, const LogIndexSegment& b) {
  if (a.parent.has_value() != b.parent.has_value()) return false;
  if (a.parent && !git_oid_equal(&*a.parent, &*b.parent)) return false;
  if (!git_oid_equal(&a.head, &b.head) || a.commits.size() != b.commits.size() || a.keys != b.keys) return false;
  for (size_t i = 0; i < a.commits.size(); ++i)
    if (!git_oid_equal(&a.commits[i], &b.commits[i])) return false;
  return true;
}

// Two segments: the first from the first commit, the second extending it.
std::vector<LogIndexSegment> two_segments() {
  LogIndexSegment first;
  first.head = oid(3);
  first.commits = {oid(1), oid(2), oid(3)};
  first.keys = {{"fcases/2026/PRV-2026-0001.yaml", {0, 2}},
                {"fcases/2026/PRV-2026-0002.yaml", {1}},
                {"m2026-0001", {2}}};
  LogIndexSegment second;
  second.parent = oid(3);
  second.head = oid(5);
  second.commits = {oid(5)};  // commit 4 named nothing
  second.keys = {{"fcases/2026/PRV-2026-0002.yaml", {0}}};
  return {first, second};
}

}  // namespace

TEST_CASE("an index reads back as written") {
  auto segs = two_segments();
  std::string bytes = encode_log_index(kScope, segs);
  auto back = decode_log_index(kScope, bytes);
  REQUIRE(back.has_value());
  REQUIRE(back->size() == 2);
  CHECK(same((*back)[0], segs[0]));
  CHECK(same((*back)[1], segs[1]));
  // The same bytes every time.
  CHECK(encode_log_index(kScope, segs) == bytes);
}

TEST_CASE("a segment appended to a file continues it") {
  auto segs = two_segments();
  std::string one = encode_log_index(kScope, {segs[0]});
  auto first = decode_log_index(kScope, one);
  REQUIRE(first.has_value());
  // The last 20 bytes of a file are its last segment's checksum.
  git_oid sum;
  std::memcpy(sum.id, one.data() + one.size() - GIT_OID_RAWSZ, GIT_OID_RAWSZ);
  std::string appended = one + encode_log_segment(segs[1], sum);
  CHECK(appended == encode_log_index(kScope, segs));
  // Appended after the wrong checksum, it breaks the chain.
  CHECK_FALSE(decode_log_index(kScope, one + encode_log_segment(segs[1], oid(9))).has_value());
}

TEST_CASE("an empty file of segments is well formed; anything else off is not") {
  std::string bytes = encode_log_index(kScope, two_segments());
  CHECK(decode_log_index(kScope, encode_log_index(kScope, {}))->empty());
  CHECK_FALSE(decode_log_index(kScope, "").has_value());
  CHECK_FALSE(decode_log_index(kScope, "garbage").has_value());
  // Another version.
  CHECK_FALSE(decode_log_index(kScope, replace(bytes, "log index v2", "log index v3")).has_value());
  // Truncated anywhere.
  for (size_t n : {size_t{22}, size_t{40}, bytes.size() / 2, bytes.size() - 1})
    CHECK_FALSE(decode_log_index(kScope, bytes.substr(0, n)).has_value());
  // Any byte changed.
  for (size_t at = 0; at < bytes.size(); at += 7) {
    std::string b = bytes;
    b[at] = static_cast<char>(b[at] ^ 0x20);
    CHECK_FALSE(decode_log_index(kScope, b).has_value());
  }
  // Extra bytes after the last segment.
  CHECK_FALSE(decode_log_index(kScope, bytes + "x").has_value());
  // The file of another year's directory.
  CHECK_FALSE(decode_log_index("cases/2025", bytes).has_value());
  CHECK(decode_log_index("cases/2025", encode_log_index("cases/2025", two_segments())).has_value());
}

TEST_CASE("segments must follow on from each other") {
  auto segs = two_segments();
  segs[1].parent = oid(2);  // not the first segment's head
  CHECK_FALSE(decode_log_index(kScope, encode_log_index(kScope, segs)).has_value());
  segs = two_segments();
  segs[0].parent = oid(7);  // the first starts from nothing
  CHECK_FALSE(decode_log_index(kScope, encode_log_index(kScope, segs)).has_value());
}

TEST_CASE("positions must name a commit of the segment, in order") {
  auto segs = two_segments();
  segs[0].keys[0].second = {0, 3};  // there are three commits
  CHECK_FALSE(decode_log_index(kScope, encode_log_index(kScope, segs)).has_value());
  segs = two_segments();
  segs[0].keys[0].second = {2, 0};
  CHECK_FALSE(decode_log_index(kScope, encode_log_index(kScope, segs)).has_value());
  segs = two_segments();
  segs[0].keys[0].first = "xcases/2026/PRV-2026-0001.yaml";  // no such kind of key
  CHECK_FALSE(decode_log_index(kScope, encode_log_index(kScope, segs)).has_value());
}

TEST_CASE("keys") {
  CHECK(log_index_file_key("cases/2026/PRV-2026-0001.yaml") == "fcases/2026/PRV-2026-0001.yaml");
  CHECK(log_index_mention_key("PRV-2026-0001") == "m2026-0001");
  CHECK(log_index_mention_key("PRV-2026-10000") == "m2026-10000");
}

TEST_CASE("a meeting's text gives the key of every case ID in it") {
  std::string text =
      "date: 2026-12-03\n"
      "declarations:\n"
      "  - case: PRV-2026-0014\n"
      "agenda:\n"
      "  - PRV-2025-10001\n"
      "  - XPRV-2024-0002x\n"
      "  - PRV-2026-0014\n";
  auto keys = log_index_mention_keys(text);
  std::vector<std::string> want = {"m2024-0002", "m2025-10001", "m2026-0014"};
  CHECK(keys == want);
  // Every maximal digit run counts: "-2026-0014" is not a key of -2026-001.
  CHECK(log_index_mention_keys("a PRV-2026-00140 b") == std::vector<std::string>{"m2026-00140"});
  // Overlapping candidates are all kept.
  CHECK(log_index_mention_keys("-2026-2026-0001") == std::vector<std::string>{"m2026-0001", "m2026-2026"});
  CHECK(log_index_mention_keys("no ids, dates 2026-11-27 only").empty());
  CHECK(log_index_mention_keys("-2026-").empty());
  CHECK(log_index_mention_keys("-202-0001").empty());
}

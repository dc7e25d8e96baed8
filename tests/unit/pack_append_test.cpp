// A pack of many mebibytes written into a repository's object database
// through its pack writer a mebibyte at a time (git::append_pack,
// lib/store/internal/git_handles.hpp), as a batch commit writes one. The
// failure append_pack avoids (the one commit of an import of 100,000
// referrals into an encrypted store, a pack of 60 MB, refused with
// "unexpected data at the end of the pack" when handed over in one call)
// was not reproduced at this size, nor with this test's blobs at 80 MB:
// this test holds the chunked writer to writing a pack whole.
#include <doctest/doctest.h>
#include <git2.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "git_handles.hpp"

namespace fs = std::filesystem;
using namespace prevent;

namespace {

struct TempDir {
  fs::path dir;
  explicit TempDir(const std::string& name) {
    dir = fs::temp_directory_path() / ("prevent-pack-append-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
};

git::Repository init_repo(const fs::path& dir) {
  git_repository* raw = nullptr;
  REQUIRE(git_repository_init(&raw, dir.c_str(), 1) == 0);
  return git::Repository(raw);
}

}  // namespace

TEST_CASE("a pack of 15 MB of sealed-record blobs is written whole, a mebibyte at a time, and every blob reads back") {
  git_libgit2_init();
  REQUIRE(sodium_init() >= 0);
  TempDir from("from"), to("to");
  git::Repository source = init_repo(from.dir);
  git::Repository target = init_repo(to.dir);

  // 12,000 blobs shaped as sealed records: the same keys in each, and
  // values of random base64 that do not compress; the pack builder finds
  // deltas between them, as it does between records.
  constexpr size_t kBlobs = 12'000, kSize = 2048;
  std::vector<git_oid> ids(kBlobs);
  std::string random(kSize / 2, '\0');
  std::vector<char> b64(sodium_base64_encoded_len(random.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING));
  for (size_t i = 0; i < kBlobs; ++i) {
    randombytes_buf(random.data(), random.size());
    sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(random.data()), random.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    const std::string text = "id: PRV-2026-" + std::to_string(i) + "\nreferral:\n  received: 2026-03-19\n"
                             "  subject:\n    name: enc:v1:" + std::string(b64.data()) +
                             "\n    gender: male\n  concern:\n    type: mixed-unclear-unstable\n";
    REQUIRE(git_blob_create_from_buffer(&ids[i], source.get(), text.data(), text.size()) == 0);
  }
  git::Buf pack;
  {
    git_packbuilder* pb_raw = nullptr;
    REQUIRE(git_packbuilder_new(&pb_raw, source.get()) == 0);
    git::Packbuilder pb(pb_raw);
    for (const auto& id : ids) REQUIRE(git_packbuilder_insert(pb.get(), &id, nullptr) == 0);
    REQUIRE(git_packbuilder_write_buf(pack.get(), pb.get()) == 0);
  }
  CHECK(pack.buf.size > kBlobs * kSize / 2);

  git_odb* odb_raw = nullptr;
  REQUIRE(git_repository_odb(&odb_raw, target.get()) == 0);
  git::Odb odb(odb_raw);
  {
    git_odb_writepack* wp_raw = nullptr;
    REQUIRE(git_odb_write_pack(&wp_raw, odb.get(), nullptr, nullptr) == 0);
    git::OdbWritepack wp(wp_raw);
    git_indexer_progress stats{};
    int rc = git::append_pack(wp.get(), pack.buf, &stats);
    INFO(rc << ": " << (git_error_last() ? git_error_last()->message : ""));
    REQUIRE(rc == 0);
    rc = wp->commit(wp.get(), &stats);
    INFO(rc << ": " << (git_error_last() ? git_error_last()->message : ""));
    REQUIRE(rc == 0);
    CHECK(stats.indexed_objects == kBlobs);
  }
  git_odb_refresh(odb.get());
  size_t found = 0;
  for (const auto& id : ids) found += git_odb_exists(odb.get(), &id) ? 1 : 0;
  CHECK(found == kBlobs);
}

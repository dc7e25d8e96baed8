#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "side_file.hpp"

using namespace prevent;

namespace {

std::string header(std::string_view magic, uint32_t version) {
  std::string out(magic);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((version >> (8 * i)) & 0xff));
  return out;
}

struct TempDir {
  std::filesystem::path dir;
  TempDir() {
    dir = std::filesystem::temp_directory_path() / ("prevent-side-file-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
  }
  ~TempDir() { std::filesystem::remove_all(dir); }
};

}  // namespace

TEST_CASE("a sealed side file reads back, and is refused when damaged, cut, or of another version") {
  std::string file = header("PRVTESTS", 7) + "the body, some bytes of it";
  const std::string unsealed = file;
  seal_side_file(file);
  REQUIRE(file.size() == unsealed.size() + 8);

  auto body = unsealed_side_file(file, "PRVTESTS", 7);
  REQUIRE(body);
  CHECK(*body == unsealed);

  SUBCASE("a damaged byte fails the checksum") {
    for (size_t i = 0; i < file.size(); ++i) {
      std::string damaged = file;
      damaged[i] = static_cast<char>(damaged[i] ^ 0x10);
      CHECK_FALSE(unsealed_side_file(damaged, "PRVTESTS", 7));
    }
  }
  SUBCASE("a cut file") {
    for (size_t n = 0; n < file.size(); ++n) CHECK_FALSE(unsealed_side_file(file.substr(0, n), "PRVTESTS", 7));
  }
  SUBCASE("another version or magic") {
    CHECK_FALSE(unsealed_side_file(file, "PRVTESTS", 6));
    CHECK_FALSE(unsealed_side_file(file, "PRVTESTX", 7));
  }
  SUBCASE("shorter than the caller's header") { CHECK_FALSE(unsealed_side_file(file, "PRVTESTS", 7, 1000)); }
}

TEST_CASE("the checksum notices any one changed byte") {
  const std::string a(100, 'x');
  for (size_t i = 0; i < a.size(); ++i) {
    std::string b = a;
    b[i] = 'y';
    CHECK(side_file_checksum(a) != side_file_checksum(b));
  }
  CHECK(side_file_checksum("") != side_file_checksum(std::string(1, '\0')));
}

TEST_CASE("a side file of records: appended, read back, and read up to the first damaged one") {
  TempDir t;
  std::filesystem::create_directories(t.dir);
  const auto path = t.dir / "records";
  CHECK(append_side_record(path, "PRVRECRD", 3, "first", 1 << 20));
  CHECK(append_side_record(path, "PRVRECRD", 3, "", 1 << 20));
  CHECK(append_side_record(path, "PRVRECRD", 3, "third record", 1 << 20));
  const std::string bytes = read_side_file(path, 1 << 20);
  CHECK(std::filesystem::status(path).permissions() ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));

  auto records = side_records(bytes, "PRVRECRD", 3);
  REQUIRE(records);
  REQUIRE(records->size() == 3);
  CHECK((*records)[0] == "first");
  CHECK((*records)[1] == "");
  CHECK((*records)[2] == "third record");

  SUBCASE("another version or magic: no records") {
    CHECK_FALSE(side_records(bytes, "PRVRECRD", 4));
    CHECK_FALSE(side_records(bytes, "PRVOTHER", 3));
  }
  SUBCASE("cut anywhere in the last record: the ones before it") {
    const size_t last = bytes.size() - (4 + 12 + 8);
    for (size_t n = last; n < bytes.size(); ++n) {
      auto cut = side_records(bytes.substr(0, n), "PRVRECRD", 3);
      REQUIRE(cut);
      CHECK(cut->size() == 2);
    }
  }
  SUBCASE("a damaged record: nothing from it on") {
    std::string damaged = bytes;
    damaged[12 + 4 + 1] ^= 0x01;  // inside "first"
    auto r = side_records(damaged, "PRVRECRD", 3);
    REQUIRE(r);
    CHECK(r->empty());
  }
  SUBCASE("a file of another version is started again") {
    CHECK(append_side_record(path, "PRVRECRD", 4, "new", 1 << 20));
    const std::string file = read_side_file(path, 1 << 20);  // the records point into it
    auto again = side_records(file, "PRVRECRD", 4);
    REQUIRE(again);
    REQUIRE(again->size() == 1);
    CHECK((*again)[0] == "new");
  }
  SUBCASE("past its limit a file is left alone") {
    CHECK_FALSE(append_side_record(path, "PRVRECRD", 3, "more", 10));
    CHECK(read_side_file(path, 1 << 20) == bytes);
  }
}

TEST_CASE("a side file is written whole, and a missing or too large one reads as nothing") {
  TempDir t;
  const auto path = t.dir / "sub" / "file";
  CHECK(write_side_file(path, "contents"));  // its directory is made
  CHECK(read_side_file(path, 100) == "contents");
  CHECK(read_side_file(path, 7).empty());
  CHECK(read_side_file(t.dir / "absent", 100).empty());
}

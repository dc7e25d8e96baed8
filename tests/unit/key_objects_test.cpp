// Erasure by destroying a key (lib/store/internal/key_objects.hpp), on real
// repositories in temporary directories, with packs made by git itself.
#include "key_objects.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "git_options.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace prevent;
using prevent::test::failure_of;
using prevent::test::has;

namespace {

struct TempRepo {
  fs::path dir;
  explicit TempRepo(const std::string& name) {
    dir = fs::temp_directory_path() / ("prevent-key-objects-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    ::setenv("GIT_AUTHOR_NAME", "Test Coordinator", 1);
    ::setenv("GIT_AUTHOR_EMAIL", "tc@example.invalid", 1);
    ::setenv("GIT_COMMITTER_NAME", "Test Coordinator", 1);
    ::setenv("GIT_COMMITTER_EMAIL", "tc@example.invalid", 1);
    sh("git init -q -b main . && git config gc.auto 0 && echo hello > a.txt && git add a.txt && "
       "git commit -q -m one");
  }
  ~TempRepo() { fs::remove_all(dir); }

  // Runs `cmd` in the repository; its stdout. The test fails when it fails.
  std::string sh(const std::string& cmd) const {
    std::string full = "cd '" + dir.string() + "' && { " + cmd + " ; } 2>&1";
    FILE* p = ::popen(full.c_str(), "r");
    REQUIRE(p);
    std::string out;
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    int rc = ::pclose(p);
    INFO(cmd << "\n" << out);
    REQUIRE(rc == 0);
    return out;
  }
};

std::string key_text(const std::string& id, char fill = 'k') {
  return "prevent data key 1\ncase: " + id + "\nwrapped: " + std::string(180, fill) + "\n";
}

// Writes a key store commit (no parent) with `store` and one entry per
// case, and points refs/prevent/keys at it.
void write_key_store(const TempRepo& r, const std::vector<std::string>& ids) {
  std::string cmd = "export GIT_INDEX_FILE=\"$PWD/.git/keys-index\"; rm -f \"$GIT_INDEX_FILE\"; "
                    "s=$(printf 'prevent store key 1\\n' | git hash-object -w --stdin) && "
                    "git update-index --add --cacheinfo 100644,$s,store";
  for (const auto& id : ids) {
    std::ofstream(r.dir / ".git" / ("k-" + id)) << key_text(id);
    cmd += " && b=$(git hash-object -w .git/k-" + id + ") && git update-index --add --cacheinfo 100644,$b," +
           case_key_path(id);
  }
  cmd += " && t=$(git write-tree) && c=$(echo keys | git commit-tree $t) && git update-ref refs/prevent/keys $c";
  r.sh(cmd);
}

std::set<std::string> ids_of(const std::vector<KeyObject>& found) {
  std::set<std::string> out;
  for (const auto& k : found) out.insert(k.case_id);
  return out;
}

std::string hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

std::vector<git_oid> ids(const std::vector<KeyObject>& found) {
  std::vector<git_oid> out;
  for (const auto& k : found) out.push_back(k.id);
  return out;
}

// Every object's id, as git lists them.
std::set<std::string> all_objects(const TempRepo& r) {
  std::istringstream in(r.sh("git cat-file --batch-all-objects --batch-check='%(objectname)'"));
  std::set<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.insert(line);
  return out;
}

// After a purge of `removed`: fsck is clean, every other object is there and
// reads whole, and none of `removed` is anywhere.
void check_purged(const TempRepo& r, const std::set<std::string>& before, const std::set<std::string>& removed) {
  r.sh("git fsck --full --no-dangling --strict");
  std::set<std::string> after = all_objects(r);
  for (const auto& id : before) {
    INFO(id);
    CHECK(after.count(id) == (removed.count(id) ? 0u : 1u));
  }
  CHECK(after.size() == before.size() - removed.size());
  // Every object reads (inflates, deltas resolved, hashes checked).
  r.sh("git cat-file --batch-all-objects --batch > /dev/null");
  for (const auto& id : removed) CHECK(r.sh("git cat-file -t " + id + " 2>&1 || true").find("blob") == std::string::npos);
}

}  // namespace

TEST_CASE("a case's key path: cases/YYYY/NN/ID, NN the number / 100") {
  CHECK(case_key_path("PRV-2024-0012") == "cases/2024/00/PRV-2024-0012");
  CHECK(case_key_path("AB1-2025-1234") == "cases/2025/12/AB1-2025-1234");
  CHECK(case_key_path("PRV-2025-98765") == "cases/2025/987/PRV-2025-98765");
  CHECK(failure_of([] { case_key_path("../x"); })->code() == Exit::invalid_data);
}

TEST_CASE("remove_case_key writes an orphan key store without the case, and empty directories go") {
  ensure_libgit2();
  TempRepo r("remove");
  auto git = GitRepo::open(r.dir);
  CHECK_FALSE(remove_case_key(git, "PRV-2024-0001"));  // no key store
  CHECK_FALSE(key_store_has_case(git, "PRV-2024-0001"));

  write_key_store(r, {"PRV-2024-0001", "PRV-2024-0002", "PRV-2024-1500"});
  auto git2 = GitRepo::open(r.dir);
  CHECK(key_store_has_case(git2, "PRV-2024-1500"));
  const std::string head_before = r.sh("git rev-parse main");
  REQUIRE(remove_case_key(git2, "PRV-2024-1500"));
  CHECK_FALSE(key_store_has_case(git2, "PRV-2024-1500"));
  CHECK(key_store_has_case(git2, "PRV-2024-0001"));
  CHECK(r.sh("git ls-tree -r --name-only refs/prevent/keys") ==
        "cases/2024/00/PRV-2024-0001\ncases/2024/00/PRV-2024-0002\nstore\n");
  // No parent: the old key store is not reachable from the new one.
  CHECK(r.sh("git rev-list refs/prevent/keys | wc -l").find('1') != std::string::npos);
  CHECK(r.sh("git rev-parse refs/prevent/keys^ 2>&1 || true").find("unknown revision") != std::string::npos);
  CHECK(r.sh("git rev-parse main") == head_before);

  REQUIRE(remove_case_key(git2, "PRV-2024-0001"));
  REQUIRE(remove_case_key(git2, "PRV-2024-0002"));
  CHECK(r.sh("git ls-tree -r --name-only refs/prevent/keys") == "store\n");
  CHECK(r.sh("git ls-tree --name-only refs/prevent/keys") == "store\n");
  CHECK_FALSE(remove_case_key(git2, "PRV-2024-0002"));
}

TEST_CASE("find_key_objects finds a removed key's loose object; purge_objects deletes it and nothing else") {
  ensure_libgit2();
  TempRepo r("loose");
  write_key_store(r, {"PRV-2024-0001", "PRV-2024-0002"});
  // A blob that only looks like a key: another case's prefix, and one too large.
  r.sh("printf 'prevent data key 1\\ncase: PRV-2024-00011\\n' | git hash-object -w --stdin >/dev/null && "
       "{ printf 'prevent data key 1\\ncase: PRV-2024-0001\\n'; head -c 500 /dev/zero | tr '\\0' x; } | "
       "git hash-object -w --stdin >/dev/null");
  auto git = GitRepo::open(r.dir);
  REQUIRE(remove_case_key(git, "PRV-2024-0001"));

  auto found = find_key_objects(git, {"PRV-2024-0001"});
  REQUIRE(found.size() == 1);
  CHECK(found[0].case_id == "PRV-2024-0001");
  CHECK(found[0].places == std::vector<std::string>{"loose object"});
  CHECK(ids_of(find_key_objects(git, {"PRV-2024-0001", "PRV-2024-0002", "PRV-2024-0003"})) ==
        std::set<std::string>{"PRV-2024-0001", "PRV-2024-0002"});
  CHECK(find_key_objects(git, {}).empty());

  auto before = all_objects(r);
  purge_objects(git, ids(found));
  check_purged(r, before, {hex(found[0].id)});
  CHECK(find_key_objects(git, {"PRV-2024-0001"}).empty());
  CHECK(key_store_has_case(git, "PRV-2024-0002"));
  // A second purge of the same is nothing to do.
  purge_objects(git, ids(found));
}

TEST_CASE("purge_objects rewrites the packs holding a key, keeping every other object") {
  ensure_libgit2();
  TempRepo r("packed");
  write_key_store(r, {"PRV-2024-0001", "PRV-2024-0002"});
  for (int i = 0; i < 5; ++i)
    r.sh("echo line " + std::to_string(i) + " >> a.txt && git commit -q -am c" + std::to_string(i));
  r.sh("git gc -q");  // the keys reachable from refs/prevent/keys go into the pack
  auto git = GitRepo::open(r.dir);
  REQUIRE(remove_case_key(git, "PRV-2024-0001"));
  // An older pack holding it too, with a .keep; and a loose copy.
  r.sh("git repack -q -d && touch .git/objects/pack/x.keep");
  auto found = find_key_objects(git, {"PRV-2024-0001"});
  REQUIRE(found.size() == 1);
  CHECK(found[0].places.size() >= 1);
  for (const auto& place : found[0].places) CHECK(has(place, "pack pack-"));
  auto packs_before = r.sh("ls .git/objects/pack");

  auto before = all_objects(r);
  purge_objects(git, ids(found));
  check_purged(r, before, {hex(found[0].id)});
  // (This process's libgit2 may keep the old pack mapped until the
  // repository is closed: a new reader sees the directory as it is.)
  auto reopened = GitRepo::open(r.dir);
  CHECK(find_key_objects(reopened, {"PRV-2024-0001"}).empty());
  CHECK(find_key_objects(reopened, {"PRV-2024-0002"}).size() == 1);
  // Searched again by the same process, which still has the old pack
  // mapped: gone from the disk, so not found (it is no alternate's; a sync
  // purges twice in one run).
  CHECK(find_key_objects(git, {"PRV-2024-0001"}).empty());
  // The old pack's files are gone, the unrelated keep file stays.
  for (const auto& place : found[0].places) {
    std::string stem = place.substr(5, place.size() - 5 - 5);
    CHECK_FALSE(has(r.sh("ls .git/objects/pack"), stem));
  }
  CHECK(has(r.sh("ls .git/objects/pack"), "x.keep"));
  // libgit2 reads the repository as before.
  CHECK(git.read_at_head("a.txt").has_value());
}

TEST_CASE("an object stored as a delta against a removed key survives its purge") {
  ensure_libgit2();
  TempRepo r("delta");
  write_key_store(r, {"PRV-2024-0001"});
  // A file of the main history whose bytes are the key's without its first
  // line, under the same name (git pairs objects for deltas by name and
  // size): smaller and alike, so git stores it as a delta against the key.
  std::string key = key_text("PRV-2024-0001");
  std::ofstream(r.dir / "PRV-2024-0001") << key.substr(key.find('\n') + 1);
  r.sh("git add PRV-2024-0001 && git commit -q -m like && git repack -q -adf --window=50 --depth=50");
  const std::string key_id = r.sh("git rev-parse refs/prevent/keys:" + case_key_path("PRV-2024-0001"));
  const std::string like_id = r.sh("git rev-parse HEAD:PRV-2024-0001");
  auto trim = [](std::string s) { return s.substr(0, s.find('\n')); };
  // Provoked: the file is a delta whose base is the key.
  const std::string verify = r.sh("git verify-pack -v .git/objects/pack/*.idx");
  INFO(verify);
  REQUIRE(has(verify, trim(like_id)));
  bool is_delta = false;
  std::istringstream in(verify);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(trim(like_id), 0) == 0 && has(line, trim(key_id))) is_delta = true;
  REQUIRE(is_delta);

  auto git = GitRepo::open(r.dir);
  REQUIRE(remove_case_key(git, "PRV-2024-0001"));
  auto found = find_key_objects(git, {"PRV-2024-0001"});
  REQUIRE(found.size() == 1);
  CHECK(hex(found[0].id) == trim(key_id));
  auto before = all_objects(r);
  purge_objects(git, ids(found));
  check_purged(r, before, {trim(key_id)});
  CHECK(r.sh("git show HEAD:PRV-2024-0001") == key.substr(key.find('\n') + 1));
}

TEST_CASE("a key in an alternate object store is found and named, and left alone") {
  ensure_libgit2();
  TempRepo other("alt-source");
  write_key_store(other, {"PRV-2024-0001"});
  TempRepo r("alt");
  r.sh("echo '" + (other.dir / ".git" / "objects").string() + "' > .git/objects/info/alternates");
  auto git = GitRepo::open(r.dir);
  auto found = find_key_objects(git, {"PRV-2024-0001"});
  REQUIRE(found.size() == 1);
  CHECK(found[0].places == std::vector<std::string>{"alternate object store"});
  purge_objects(git, ids(found));
  CHECK(find_key_objects(git, {"PRV-2024-0001"}).size() == 1);
}

TEST_CASE("a pack index that is not a well-formed v2 index is refused") {
  TempRepo r("idx");
  r.sh("git repack -q -ad");
  fs::path idx;
  for (const auto& e : fs::directory_iterator(r.dir / ".git/objects/pack"))
    if (e.path().extension() == ".idx") idx = e.path();
  REQUIRE(!idx.empty());
  auto listed = pack_index_ids(idx);
  CHECK(listed.size() == all_objects(r).size());

  std::ifstream in(idx, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  auto refused = [&](std::string damaged) {
    fs::path p = r.dir / "bad.idx";
    fs::remove(p);
    std::ofstream(p, std::ios::binary) << damaged;
    auto f = failure_of([&] { pack_index_ids(p); });
    return f && f->code() == Exit::store && has(f->what(), "bad.idx");
  };
  CHECK(refused(""));
  CHECK(refused(bytes.substr(0, 100)));
  CHECK(refused(bytes.substr(0, bytes.size() / 2)));
  std::string v1 = bytes;
  v1[7] = 1;
  CHECK(refused(v1));
  std::string fanout = bytes;
  fanout[8 + 4 * 255 + 3] = static_cast<char>(fanout[8 + 4 * 255 + 3] + 1);
  CHECK(refused(fanout));
}

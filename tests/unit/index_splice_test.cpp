// The .git/index splicer (index_splice.hpp): byte fixtures of git's index
// format, and a differential test against libgit2's own index write.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <stdlib.h>

#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "git_handles.hpp"
#include "git_repo.hpp"
#include "index_splice.hpp"

namespace fs = std::filesystem;

namespace prevent {
namespace {

void put32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

uint32_t get32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(s[at + i]);
  return v;
}

std::string sha1(std::string_view data) {
  unsigned char out[20];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, EVP_sha1(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), 20);
}

git_oid oid_of(char fill) {
  git_oid id;
  std::memset(id.id, fill, sizeof id.id);
  return id;
}

struct stat stat_of(uint32_t n) {
  struct stat st {};
  st.st_ctim.tv_sec = 1000 + n;
  st.st_ctim.tv_nsec = 2000 + n;
  st.st_mtim.tv_sec = 3000 + n;
  st.st_mtim.tv_nsec = 4000 + n;
  st.st_dev = 5;
  st.st_ino = 6000 + n;
  st.st_uid = 1001;
  st.st_gid = 1002;
  st.st_size = 70 + n;
  return st;
}

// One version 2 entry, as git writes it (gitformat-index(5)).
std::string entry_bytes(const std::string& path, const git_oid& id, uint32_t n, uint16_t stage = 0) {
  const struct stat st = stat_of(n);
  std::string e;
  for (uint32_t v : {uint32_t(st.st_ctim.tv_sec), uint32_t(st.st_ctim.tv_nsec), uint32_t(st.st_mtim.tv_sec),
                     uint32_t(st.st_mtim.tv_nsec), uint32_t(st.st_dev), uint32_t(st.st_ino), uint32_t(0100644),
                     uint32_t(st.st_uid), uint32_t(st.st_gid), uint32_t(st.st_size)})
    put32(e, v);
  e.append(reinterpret_cast<const char*>(id.id), 20);
  const uint16_t flags = static_cast<uint16_t>(stage << 12 | path.size());
  e += static_cast<char>(flags >> 8);
  e += static_cast<char>(flags & 0xFF);
  e += path;
  e.append(8 - e.size() % 8, '\0');
  return e;
}

std::string index_bytes(uint32_t version, const std::vector<std::string>& entries, const std::string& extensions = "") {
  std::string out = "DIRC";
  put32(out, version);
  put32(out, static_cast<uint32_t>(entries.size()));
  for (const auto& e : entries) out += e;
  out += extensions;
  return out + sha1(out);
}

std::string extension(const std::string& sig, const std::string& data) {
  std::string out = sig;
  put32(out, static_cast<uint32_t>(data.size()));
  return out + data;
}

IndexUpdate update(const std::string& path, char fill, uint32_t n) { return {path, oid_of(fill), stat_of(n)}; }

}  // namespace

TEST_CASE("a written file's index entry is spliced in at its place in path order") {
  const std::string old = index_bytes(2, {entry_bytes("a.yaml", oid_of(1), 1), entry_bytes("c.yaml", oid_of(3), 3)});
  auto spliced = spliced_index(old, {update("b.yaml", 2, 2)});
  REQUIRE(spliced);
  CHECK(*spliced == index_bytes(2, {entry_bytes("a.yaml", oid_of(1), 1), entry_bytes("b.yaml", oid_of(2), 2),
                                    entry_bytes("c.yaml", oid_of(3), 3)}));
}

TEST_CASE("a rewritten file's index entry is replaced, the others copied byte for byte") {
  const std::string old = index_bytes(2, {entry_bytes("a.yaml", oid_of(1), 1), entry_bytes("b.yaml", oid_of(2), 2)});
  auto spliced = spliced_index(old, {update("a.yaml", 9, 9), update("z/last.yaml", 8, 8)});
  REQUIRE(spliced);
  CHECK(*spliced == index_bytes(2, {entry_bytes("a.yaml", oid_of(9), 9), entry_bytes("b.yaml", oid_of(2), 2),
                                    entry_bytes("z/last.yaml", oid_of(8), 8)}));
  CHECK(get32(*spliced, 8) == 3);
}

TEST_CASE("the cache tree is invalidated along the written path and kept elsewhere") {
  // Root: 3 entries, 2 subtrees (cases, panels), each with a valid id.
  std::string tree;
  auto node = [&](const std::string& name, int entries, int subtrees, char fill) {
    tree.append(name);
    tree.push_back('\0');
    tree.append(std::to_string(entries));
    tree.push_back(' ');
    tree.append(std::to_string(subtrees));
    tree.push_back('\n');
    git_oid id = oid_of(fill);
    tree.append(reinterpret_cast<const char*>(id.id), 20);
  };
  node("", 3, 2, 10);
  node("cases", 1, 0, 11);
  node("panels", 1, 0, 12);
  const std::vector<std::string> entries = {entry_bytes("cases/x.yaml", oid_of(1), 1),
                                            entry_bytes("panels/p.yaml", oid_of(2), 2),
                                            entry_bytes("prevent.yaml", oid_of(3), 3)};
  const std::string old = index_bytes(2, entries, extension("TREE", tree));
  auto spliced = spliced_index(old, {update("cases/x.yaml", 4, 4)});
  REQUIRE(spliced);
  std::string expected_tree;
  expected_tree.append("\0-1 2\n", 6);  // root: invalid, no id
  expected_tree.append("cases");
  expected_tree.append("\0-1 0\n", 6);  // on the written path: invalid
  expected_tree.append("panels");         // elsewhere: kept with its id
  expected_tree.append("\0" "1 0\n", 5);
  {
    git_oid id = oid_of(12);
    expected_tree.append(reinterpret_cast<const char*>(id.id), 20);
  }
  CHECK(*spliced == index_bytes(2, {entry_bytes("cases/x.yaml", oid_of(4), 4), entries[1], entries[2]},
                                extension("TREE", expected_tree)));
}

TEST_CASE("an index the splicer does not know is left to libgit2") {
  const std::vector<std::string> one = {entry_bytes("a.yaml", oid_of(1), 1)};
  const std::vector<IndexUpdate> updates = {update("a.yaml", 2, 2)};
  SUBCASE("version 4 (path compression)") { CHECK_FALSE(spliced_index(index_bytes(4, one), updates)); }
  SUBCASE("a checksum that does not match") {
    std::string bytes = index_bytes(2, one);
    bytes.back() ^= 1;
    CHECK_FALSE(spliced_index(bytes, updates));
  }
  SUBCASE("an extension other than TREE and REUC") {
    CHECK_FALSE(spliced_index(index_bytes(2, one, extension("UNTR", "x")), updates));
  }
  SUBCASE("a conflict at a path written") {
    CHECK_FALSE(spliced_index(index_bytes(2, {entry_bytes("a.yaml", oid_of(1), 1, 1),
                                              entry_bytes("a.yaml", oid_of(3), 3, 2)}),
                              updates));
  }
  SUBCASE("not an index") { CHECK_FALSE(spliced_index("DIRX", updates)); }
}

TEST_CASE("a resolve-undo extension is kept as it is") {
  std::string reuc_data("a.yaml\0" "100644\0" "0\0" "0\0", 18);
  reuc_data.append(20, 'x');
  const std::string reuc = extension("REUC", reuc_data);
  auto spliced = spliced_index(index_bytes(2, {entry_bytes("a.yaml", oid_of(1), 1)}, reuc), {update("b.yaml", 2, 2)});
  REQUIRE(spliced);
  CHECK(*spliced == index_bytes(2, {entry_bytes("a.yaml", oid_of(1), 1), entry_bytes("b.yaml", oid_of(2), 2)}, reuc));
}

namespace {

// A temporary git repository, removed at the end.
struct TempRepo {
  fs::path dir;
  GitRepo repo;
  TempRepo() : dir(make()), repo(GitRepo::init(dir)) {}
  ~TempRepo() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  static fs::path make() {
    std::string t = (fs::temp_directory_path() / "prevent-splice.XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    return t;
  }
  fs::path gitdir() const { return git_repository_path(repo.raw()); }
  git_oid blob(const std::string& text) {
    git_oid id;
    REQUIRE(git_blob_create_from_buffer(&id, repo.raw(), text.data(), text.size()) == 0);
    return id;
  }
};

git::Index open_index(const fs::path& file) {
  git_index* raw = nullptr;
  REQUIRE(git_index_open(&raw, file.c_str()) == 0);
  return git::Index(raw);
}

std::string entries_text(git_index* index) {
  std::ostringstream out;
  for (size_t i = 0, n = git_index_entrycount(index); i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(index, i);
    out << e->path << ' ' << git::object_id(e->id).hex() << ' ' << std::oct << e->mode << std::dec << ' ' << e->flags
        << ' ' << e->flags_extended << ' ' << e->ctime.seconds << '.' << e->ctime.nanoseconds << ' ' << e->mtime.seconds
        << '.' << e->mtime.nanoseconds << ' ' << e->dev << ' ' << e->ino << ' ' << e->uid << ' ' << e->gid << ' '
        << e->file_size << '\n';
  }
  return out.str();
}

std::string tree_of(git_index* index, git_repository* repo) {
  git_oid id;
  REQUIRE(git_index_write_tree_to(&id, index, repo) == 0);
  return git::object_id(id).hex();
}

}  // namespace

TEST_CASE("the spliced index reads back as libgit2's own write of the same entries") {
  TempRepo t;
  std::mt19937 rng(13);
  const std::vector<std::string> dirs = {"cases/2025", "cases/2026", "panels/2026", "schemas", ""};
  auto random_path = [&] {
    const std::string& d = dirs[rng() % dirs.size()];
    std::string path = d;
    if (!path.empty()) path.push_back('/');
    path.append(fmt::format("f{}.yaml", rng() % 40));
    return path;
  };
  // A starting index written by libgit2, with a valid cache tree.
  {
    git_index* raw = nullptr;
    REQUIRE(git_repository_index(&raw, t.repo.raw()) == 0);
    git::Index index(raw);
    for (uint32_t i = 0; i < 60; ++i) {
      std::string path = random_path();
      git_index_entry e = index_entry_of(stat_of(i), t.blob(path), path);
      REQUIRE(git_index_add(index.get(), &e) == 0);
    }
    git_oid tree;
    REQUIRE(git_index_write_tree(&tree, index.get()) == 0);  // fills the cache tree
    REQUIRE(git_index_write(index.get()) == 0);
  }
  const fs::path index_file = t.gitdir() / "index";
  for (uint32_t round = 0; round < 20; ++round) {
    std::vector<IndexUpdate> updates;
    for (uint32_t k = 0, n = 1 + rng() % 5; k < n; ++k) {
      std::string path = random_path();
      bool again = false;
      for (const auto& u : updates) again = again || u.path == path;
      if (again) continue;
      updates.push_back({path, t.blob(fmt::format("{} {}", path, round)), stat_of(100 * round + k)});
    }
    // libgit2's write of the same entries, into a copy of the index.
    const fs::path theirs_file = t.dir / "theirs.index";
    fs::copy_file(index_file, theirs_file, fs::copy_options::overwrite_existing);
    git::Index theirs = open_index(theirs_file);
    for (const auto& u : updates) {
      git_index_entry e = index_entry_of(u.st, u.blob, u.path);
      REQUIRE(git_index_add(theirs.get(), &e) == 0);
    }
    REQUIRE(git_index_write(theirs.get()) == 0);
    theirs = open_index(theirs_file);

    REQUIRE(update_index_in_place(t.gitdir(), updates));
    git::Index ours = open_index(index_file);
    CHECK(entries_text(ours.get()) == entries_text(theirs.get()));
    // The cache tree was invalidated where it had to be: the tree written
    // from the spliced index is the tree of its entries.
    CHECK(tree_of(ours.get(), t.repo.raw()) == tree_of(theirs.get(), t.repo.raw()));
    if (round % 4 == 3) {
      // Now and then libgit2 rewrites it, with a fresh cache tree.
      git_oid tree;
      REQUIRE(git_index_write_tree_to(&tree, ours.get(), t.repo.raw()) == 0);
      REQUIRE(git_index_write(ours.get()) == 0);
    }
  }
}

}  // namespace prevent

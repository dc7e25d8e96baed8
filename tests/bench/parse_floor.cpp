// prevent_parse_floor: the floor for a cold whole-store read. Reads every
// cases/**.yaml blob at HEAD with libgit2 and parses each with YAML::Load,
// on N threads (default 2), and nothing else: no schema, no rules, no
// listing. `prevent list` and friends without a cache cannot do less.
//
//   prevent_parse_floor STORE [THREADS]
//
// Prints the number of records parsed. Not part of `prevent`.
#include <git2.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Collect {
  std::vector<git_oid> blobs;
};

int on_entry(const char* root, const git_tree_entry* entry, void* payload) {
  if (std::string(root).rfind("cases/", 0) != 0) return 0;
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;
  std::string name = git_tree_entry_name(entry);
  if (name.size() < 5 || name.compare(name.size() - 5, 5, ".yaml") != 0) return 0;
  static_cast<Collect*>(payload)->blobs.push_back(*git_tree_entry_id(entry));
  return 0;
}

[[noreturn]] void die(const char* what) {
  const git_error* e = git_error_last();
  std::fprintf(stderr, "prevent_parse_floor: %s: %s\n", what, e ? e->message : "?");
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: prevent_parse_floor STORE [THREADS]\n");
    return 2;
  }
  int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  if (threads < 1) threads = 1;
  git_libgit2_init();
  git_repository* repo = nullptr;
  if (git_repository_open(&repo, argv[1]) < 0) die("open");
  git_object* tree = nullptr;
  if (git_revparse_single(&tree, repo, "HEAD^{tree}") < 0) die("HEAD");
  Collect all;
  if (git_tree_walk(reinterpret_cast<git_tree*>(tree), GIT_TREEWALK_PRE, on_entry, &all) < 0) die("walk");
  git_object_free(tree);
  git_repository_free(repo);

  std::atomic<size_t> next{0}, parsed{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      // One repository per thread: libgit2 objects are not shared across threads.
      git_repository* r = nullptr;
      if (git_repository_open(&r, argv[1]) < 0) die("open");
      for (size_t i = next++; i < all.blobs.size(); i = next++) {
        git_blob* blob = nullptr;
        if (git_blob_lookup(&blob, r, &all.blobs[i]) < 0) die("blob");
        std::string text(static_cast<const char*>(git_blob_rawcontent(blob)), static_cast<size_t>(git_blob_rawsize(blob)));
        git_blob_free(blob);
        YAML::Node node = YAML::Load(text);
        if (node.IsMap()) ++parsed;
      }
      git_repository_free(r);
    });
  }
  for (auto& t : pool) t.join();
  std::printf("%zu\n", parsed.load());
  git_libgit2_shutdown();
  return parsed.load() == all.blobs.size() ? 0 : 1;
}

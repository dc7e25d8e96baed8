// Times find_key_objects (lib/store/internal/key_objects.hpp) on a store:
// the scan of every object that `prevent erase` and `check` make to prove a
// case's key is gone (docs/performance.md, "Erasure").
//
//   prevent_key_scan STORE [ID…]   (default: one ID that is not there)
#include <chrono>
#include <cstdio>
#include <set>
#include <string>

#include <git2.h>

#include "failure.hpp"
#include "git_options.hpp"
#include "git_repo.hpp"
#include "key_objects.hpp"

int main(int argc, char** argv) {
  using namespace prevent;
  if (argc < 2) {
    std::fprintf(stderr, "usage: prevent_key_scan STORE [ID...]\n");
    return 2;
  }
  try {
    ensure_libgit2();
    auto git = GitRepo::open(argv[1]);
    std::set<std::string> ids;
    for (int i = 2; i < argc; ++i) ids.insert(argv[i]);
    if (ids.empty()) ids.insert("PRV-1999-0001");
    auto start = std::chrono::steady_clock::now();
    auto found = find_key_objects(git, ids);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%zu key objects found in %.3f s\n", found.size(), seconds);
    for (const auto& k : found)
      for (const auto& place : k.places) std::printf("%s: %s\n", k.case_id.c_str(), place.c_str());
  } catch (const Failure& f) {
    std::fprintf(stderr, "prevent_key_scan: %s\n", f.what());
    return static_cast<int>(f.code());
  }
  return 0;
}

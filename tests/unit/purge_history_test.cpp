// The history's rewrite of `prevent purge-plaintext` (purge_history.hpp) on
// a temporary repository, with a rewrite that replaces a marker in the
// files it is offered: the commit map, the metadata kept, trees identical
// but for the files rewritten, refs moved, and no object left that held
// the marker.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "check.hpp"
#include "config.hpp"
#include "purge_history.hpp"
#include "store.hpp"
#include "test_support.hpp"

using namespace prevent;
using namespace prevent::test;
namespace fs = std::filesystem;

namespace {

// A shell command's standard output (stderr joined), and its status.
struct Ran {
  int status;
  std::string out;
};
Ran sh(const std::string& cmd) {
  Ran r{0, {}};
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  r.status = ::pclose(p);
  return r;
}

std::set<std::string> lines(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.insert(l);
  return out;
}

struct TempRepo {
  fs::path dir;
  TempRepo() {
    ::setenv("GIT_AUTHOR_NAME", "Purge Test", 1);
    ::setenv("GIT_AUTHOR_EMAIL", "purge-test@example.invalid", 1);
    ::setenv("GIT_COMMITTER_NAME", "Purge Test", 1);
    ::setenv("GIT_COMMITTER_EMAIL", "purge-test@example.invalid", 1);
    dir = fs::temp_directory_path() / ("prevent-purge-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    Store::create(dir, default_config("Test", "PRV", 2026));
  }
  ~TempRepo() { fs::remove_all(dir); }
  std::string git(const std::string& args) const {
    Ran r = sh(fmt::format("git -C '{}' {}", dir.string(), args));
    REQUIRE_MESSAGE(r.status == 0, (args + ": " + r.out));
    return r.out;
  }
  // One commit writing `path` = `text`, with fixed dates a minute apart.
  void commit(const std::string& path, const std::string& text, int minute, const std::string& subject) {
    fs::create_directories((dir / path).parent_path());
    FILE* f = std::fopen((dir / path).c_str(), "w");
    REQUIRE(f);
    std::fputs(text.c_str(), f);
    std::fclose(f);
    git("add -- " + path);
    const std::string date = fmt::format("2026-03-01T10:{:02}:00+0100", minute);
    Ran r = sh(fmt::format("cd '{}' && GIT_AUTHOR_DATE={} GIT_COMMITTER_DATE={} GIT_COMMITTER_NAME='Other Committer' "
                           "git commit -q -m '{}' -m 'Prevent-Action: test'",
                           dir.string(), date, date, subject));
    REQUIRE_MESSAGE(r.status == 0, r.out);
  }
};

bool is_case(std::string_view path) { return path.starts_with("cases/"); }

FileRewrite unmark(std::string_view path, const std::string& bytes) {
  if (bytes.find("unreadable") != std::string::npos) return {std::nullopt, "does not read as a record"};
  std::string out = bytes;
  for (size_t p; (p = out.find("SECRET")) != std::string::npos;) out.replace(p, 6, "sealed");
  (void)path;
  return {out, {}};
}

PurgeRecord record_of(const PurgeOutcome& o) {
  return {purge_record_path(1), purge_record_text(o, 1),
          "purge-plaintext\n\nPrevent-Action: purge-plaintext\n"};
}

// Builds: HEAD with four commits (two case files holding the marker, one
// other file holding it too, which is not offered), a branch, a
// lightweight tag, a remote-tracking ref and reflogs.
void build_history(TempRepo& r) {
  r.commit("cases/2026/PRV-2026-0001.yaml", "name: SECRET-one\n", 1, "refer one");
  r.commit("cases/2026/PRV-2026-0002.yaml", "name: SECRET-two\n", 2, "refer two");
  r.commit("notes/other.txt", "SECRET-other stays\n", 3, "other file");
  r.git("tag light");
  r.git("branch side");
  r.commit("cases/2026/PRV-2026-0001.yaml", "name: SECRET-one corrected\n", 4, "correct one");
  r.git("update-ref refs/remotes/origin/main HEAD~1");
}

}  // namespace

TEST_CASE("purge: every commit re-made with its metadata, trees alike but for the files rewritten") {
  TempRepo r;
  build_history(r);
  const std::string before_log = r.git("log --format='%an|%ae|%ad|%cn|%ce|%cd|%B' --date=raw HEAD");
  const std::string old_head = r.git("rev-parse HEAD").substr(0, 40);
  const std::string old_first = r.git("rev-list --max-parents=0 HEAD").substr(0, 40);
  // Each old commit's files but for cases/ (gone afterwards with the objects).
  std::map<std::string, std::string> old_trees;
  for (const auto& c : lines(r.git("rev-list --all")))
    old_trees[c] = r.git("ls-tree -r " + c + " | grep -v '\tcases/' || true");

  Store store = Store::open(r.dir);
  PurgeOutcome o = purge_history(store, is_case, unmark, record_of);
  CHECK_FALSE(o.nothing_to_do);
  CHECK(o.commits == 5);  // init and the four above
  // init's commit holds no case: kept as it was, with its id.
  CHECK(o.rewritten.size() == 4);
  CHECK(r.git("rev-list --max-parents=0 HEAD").substr(0, 40) == old_first);
  bool head_mapped = false;
  for (const auto& [from, to] : o.rewritten) {
    CHECK(from.hex() != to.hex());
    // The same tree but for cases/: the other file keeps its bytes.
    REQUIRE(old_trees.count(from.hex()) == 1);
    CHECK(r.git("ls-tree -r " + to.hex() + " | grep -v '\tcases/' || true") == old_trees[from.hex()]);
    if (from.hex() == old_head) {
      head_mapped = true;
      CHECK(r.git("rev-parse HEAD~1").substr(0, 40) == to.hex());
    }
  }
  CHECK(head_mapped);
  // The last commit is the record; below it, the same metadata.
  CHECK(r.git("log -1 --format=%B HEAD") == "purge-plaintext\n\nPrevent-Action: purge-plaintext\n\n");
  const std::string rec = r.git("show HEAD:purges/0001.yaml");
  CHECK(rec.starts_with("purge: 1\ndate: \"20"));
  CHECK(has(rec, "Z\"\nby: \"Purge Test <purge-test@example.invalid>\"\n"));
  CHECK(has(rec, "commits_walked: 5\ncommits_rewritten: 4\n"));
  CHECK(has(rec, "  - old: " + old_head + "\n    new: " + r.git("rev-parse HEAD~1").substr(0, 40) + "\n"));
  CHECK(has(rec, "  - name: \"refs/remotes/origin/main\"\n"));
  CHECK(has(rec, "    to: removed\n"));
  CHECK(has(rec, "kept: []\n"));
  CHECK(r.git("log --format='%an|%ae|%ad|%cn|%ce|%cd|%B' --date=raw HEAD~1") == before_log);
  CHECK(r.git("show HEAD:cases/2026/PRV-2026-0001.yaml") == "name: sealed-one corrected\n");
  CHECK(r.git("show HEAD:notes/other.txt") == "SECRET-other stays\n");
  // The branch and the tag moved to the rewrites; the remote-tracking ref is gone.
  CHECK(r.git("rev-parse side") == r.git("rev-parse HEAD~2"));
  CHECK(r.git("rev-parse light") == r.git("rev-parse HEAD~2"));
  CHECK(r.git("for-each-ref refs/remotes").empty());
  // The verified head is the new head.
  CHECK(r.git("rev-parse refs/prevent/verified") == r.git("rev-parse HEAD"));
  // The work tree is the new head's.
  CHECK(r.git("status --porcelain").empty());

  // No object beyond the reachable ones; none holds a marker offered.
  const auto all = lines(r.git("cat-file --batch-all-objects --batch-check='%(objectname)'"));
  const auto reachable = lines(r.git("rev-list --objects --all --no-object-names"));
  CHECK(all == reachable);
  CHECK(o.objects_after == reachable.size());
  CHECK(o.objects_before > o.objects_after);
  const std::string every = r.git("cat-file --batch-all-objects --batch");
  CHECK(every.find("SECRET-one") == std::string::npos);
  CHECK(every.find("SECRET-two") == std::string::npos);
  CHECK(every.find("SECRET-other") != std::string::npos);  // not offered: kept
  CHECK(r.git("fsck --full --unreachable --no-dangling --no-progress 2>&1").empty());
  CHECK(r.git("reflog show --all").find(old_head.substr(0, 7)) == std::string::npos);
  CHECK_FALSE(fs::exists(r.dir / ".git" / "ORIG_HEAD"));

  // check accepts the rewritten line: the verified head is the new head,
  // and the record's commit is what its action writes.
  {
    Store checked = Store::open(r.dir);
    const std::string head_short = r.git("rev-parse HEAD").substr(0, 12);
    for (const auto& f : run_checks(checked, {"verified-head", "history"}, d("2026-12-07"))) {
      CHECK_MESSAGE(f.check != "verified-head", f.message);
      CHECK_MESSAGE(!has(f.message, head_short), f.message);
    }
  }
  // A second run finds nothing to do.
  Store again = Store::open(r.dir);
  PurgeOutcome o2 = purge_history(again, is_case, unmark, record_of);
  CHECK(o2.nothing_to_do);
  CHECK(o2.rewritten.empty());
}

TEST_CASE("purge: a file that does not read is kept and reported") {
  TempRepo r;
  r.commit("cases/2026/PRV-2026-0001.yaml", "name: SECRET-one\n", 1, "refer");
  r.commit("cases/2026/PRV-2026-0002.yaml", "unreadable\n", 2, "hand edit");
  Store store = Store::open(r.dir);
  PurgeOutcome o = purge_history(store, is_case, unmark, record_of);
  REQUIRE(o.kept.size() == 1);
  CHECK(has(o.kept[0], "cases/2026/PRV-2026-0002.yaml in commit "));
  CHECK(has(o.kept[0], "does not read as a record"));
  CHECK(r.git("show HEAD:cases/2026/PRV-2026-0002.yaml") == "unreadable\n");
}

TEST_CASE("purge: refused, with nothing written, for changes in the work tree or an annotated tag") {
  TempRepo r;
  r.commit("cases/2026/PRV-2026-0001.yaml", "name: SECRET-one\n", 1, "refer");
  const std::string head = r.git("rev-parse HEAD");
  {
    FILE* f = std::fopen((r.dir / "cases/2026/PRV-2026-0001.yaml").c_str(), "a");
    std::fputs("x: y\n", f);
    std::fclose(f);
    Store store = Store::open(r.dir);
    auto f2 = failure_of([&] { purge_history(store, is_case, unmark, record_of); });
    REQUIRE(f2);
    CHECK(f2->code() == Exit::store);
    CHECK(has(f2->what(), "uncommitted changes in the way (cases/2026/PRV-2026-0001.yaml)"));
    r.git("checkout -- cases");
  }
  r.git("tag -a -m 'a release' v1");
  Store store = Store::open(r.dir);
  auto f = failure_of([&] { purge_history(store, is_case, unmark, record_of); });
  REQUIRE(f);
  CHECK(f->code() == Exit::store);
  CHECK(has(f->what(), "refs/tags/v1 is an annotated or signed tag"));
  CHECK(r.git("rev-parse HEAD") == head);
  CHECK_FALSE(fs::exists(r.dir / ".git" / "prevent" / "purge-journal"));
}

TEST_CASE("purge: a run that finds the journal of an interrupted purge finishes it") {
  TempRepo r;
  r.commit("cases/2026/PRV-2026-0001.yaml", "name: SECRET-one\n", 1, "refer");
  // As if a purge was stopped after writing its new history and journal:
  // a new commit beside the old head, the refs not moved yet.
  const std::string old_head = r.git("rev-parse HEAD").substr(0, 40);
  const std::string branch = r.git("symbolic-ref HEAD").substr(0, r.git("symbolic-ref HEAD").size() - 1);
  const std::string tree = r.git("rev-parse HEAD~1^{tree}").substr(0, 40);
  const std::string parent = r.git("rev-parse HEAD~1").substr(0, 40);
  const std::string new_head = r.git("commit-tree " + tree + " -p " + parent + " -m rewritten").substr(0, 40);
  {
    FILE* f = std::fopen((r.dir / ".git/prevent/purge-journal").c_str(), "w");
    REQUIRE(f);
    std::fputs(fmt::format("prevent purge journal v1\nhead {}\nref {} {} {}\n", new_head, old_head, new_head, branch)
                   .c_str(),
               f);
    std::fclose(f);
  }
  Store store = Store::open(r.dir);
  PurgeOutcome o = purge_history(store, is_case, unmark, record_of);
  CHECK(o.resumed);
  CHECK(o.head.hex() == new_head);
  CHECK(r.git("rev-parse HEAD").substr(0, 40) == new_head);
  CHECK(r.git("rev-parse refs/prevent/verified").substr(0, 40) == new_head);
  CHECK_FALSE(fs::exists(r.dir / ".git/prevent/purge-journal"));
  CHECK(r.git("cat-file --batch-all-objects --batch").find("SECRET-one") == std::string::npos);
  CHECK(r.git("status --porcelain").empty());

  // A damaged journal: refused, nothing moved.
  {
    FILE* f = std::fopen((r.dir / ".git/prevent/purge-journal").c_str(), "w");
    std::fputs("prevent purge journal v1\nhead nonsense\n", f);
    std::fclose(f);
  }
  Store again = Store::open(r.dir);
  auto f = failure_of([&] { purge_history(again, is_case, unmark, record_of); });
  REQUIRE(f);
  CHECK(f->code() == Exit::store);
  CHECK(has(f->what(), "the journal of an interrupted purge is damaged"));
  CHECK(r.git("rev-parse HEAD").substr(0, 40) == new_head);
}

// The history's rewrite for `prevent purge-plaintext` (purge_history.hpp
// states the steps and their order).
#include "purge_history.hpp"

#include <fmt/format.h>
#include <git2.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "durable_file.hpp"
#include "failure.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "recorded_head.hpp"
#include "state_dir.hpp"

namespace fs = std::filesystem;

namespace prevent {

namespace {

constexpr std::string_view kPurgeJournalHeader = "prevent purge journal v1";
constexpr const char* kPurgeJournalName = ".git/prevent/purge-journal";

fs::path journal_path(const GitRepo& git) { return state_path(git, "purge-journal"); }
fs::path git_dir(const GitRepo& git) { return fs::path(git_repository_path(git.raw())); }

std::string hex(const git_oid& id) { return git::object_id(id).hex(); }

std::optional<git_oid> parse_oid(std::string_view text) {
  git_oid id;
  if (text.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&id, text.data(), text.size()) != 0) return std::nullopt;
  return id;
}

bool remote_tracking(std::string_view name) {
  return name.starts_with("refs/remotes/") || name.starts_with("refs/prevent/remotes/");
}

// ---------------------------------------------------------------------------
// 1. Refusals.

void refuse(std::string message, std::string hint = {}) { fail(Exit::store, std::move(message), std::move(hint)); }

struct RefPlan {
  std::string name;
  git_oid target;
};

struct Refs {
  std::vector<RefPlan> commits;  // refs to commits: rewritten
  std::vector<RefPlan> remote;   // remote-tracking refs: removed
  std::string head_branch;       // the branch HEAD names
};

Refs plan_refs(const GitRepo& git) {
  git_repository* repo = git.raw();
  if (git_repository_head_detached(repo) == 1)
    refuse("HEAD is not on a branch (detached)", "check out the store's branch (`git checkout main`), then purge");
  Refs out;
  {
    git_reference* raw = nullptr;
    git_check(git_reference_lookup(&raw, repo, "HEAD"), "reading HEAD");
    git::Reference head(raw);
    if (const char* t = git_reference_symbolic_target(head.get())) out.head_branch = t;
  }
  if (fs::exists(git_dir(git) / "objects" / "info" / "alternates"))
    refuse("the repository borrows objects from another (objects/info/alternates)",
           "objects there cannot be purged from here: make a full copy first (`git repack -a -d`, then remove "
           "objects/info/alternates)");
  if (git_repository_is_shallow(repo) == 1)
    refuse("the repository is a shallow clone", "purge the full history, in a complete clone");

  git_reference_iterator* it_raw = nullptr;
  git_check(git_reference_iterator_new(&it_raw, repo), "listing the refs");
  std::unique_ptr<git_reference_iterator, void (*)(git_reference_iterator*)> it(it_raw,
                                                                                git_reference_iterator_free);
  git_reference* ref_raw = nullptr;
  while (git_reference_next(&ref_raw, it.get()) == 0) {
    git::Reference ref(ref_raw);
    const std::string name = git_reference_name(ref.get());
    if (git_reference_type(ref.get()) != GIT_REFERENCE_DIRECT) {
      if (remote_tracking(name)) out.remote.push_back({name, git_oid{}});
      continue;  // a symbolic ref follows its target
    }
    const git_oid target = *git_reference_target(ref.get());
    if (remote_tracking(name)) {
      out.remote.push_back({name, target});
      continue;
    }
    git_object* obj_raw = nullptr;
    if (git_object_lookup(&obj_raw, repo, &target, GIT_OBJECT_ANY) != 0)
      refuse(fmt::format("the ref {} names an object the repository lacks", name),
             "run `prevent check repository`, and remove or repair the ref first");
    const git_object_t type = git_object_type(obj_raw);
    git_object_free(obj_raw);
    if (type == GIT_OBJECT_TAG)
      refuse(fmt::format("{} is an annotated or signed tag, which a purge does not rewrite", name),
             fmt::format("note what it says (`git tag -v {0}`), delete it (`git tag -d {0}`), purge, then tag "
                         "the rewritten commit again",
                         name.substr(name.rfind('/') + 1)));
    if (type != GIT_OBJECT_COMMIT)
      refuse(fmt::format("the ref {} names a tree or file, not a commit", name),
             "a purge rewrites commits only: remove the ref (`git update-ref -d REF`), then purge");
    out.commits.push_back({name, target});
  }
  if (out.head_branch.empty() ||
      std::none_of(out.commits.begin(), out.commits.end(), [&](const RefPlan& r) { return r.name == out.head_branch; }))
    refuse("HEAD's branch has no commit", "nothing to purge");
  return out;
}

// ---------------------------------------------------------------------------
// 2. The new history.

struct OidLess {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_cmp(&a, &b) < 0; }
};

class Rewriter {
 public:
  Rewriter(git_repository* repo, const PurgeWants& wants, const PurgeRewrite& rewrite)
      : repo_(repo), wants_(wants), rewrite_(rewrite) {}

  git_oid rewrite_tree(const git_oid& id, const std::string& prefix) {
    auto key = std::make_pair(prefix, hex(id));
    if (auto it = trees_.find(key); it != trees_.end()) return it->second;
    git_tree* raw = nullptr;
    git_check(git_tree_lookup(&raw, repo_, &id), "reading a tree of the history");
    git::Tree tree(raw);
    git_treebuilder* tb_raw = nullptr;
    git_check(git_treebuilder_new(&tb_raw, repo_, tree.get()), "rewriting a tree");
    git::Treebuilder tb(tb_raw);
    bool changed = false;
    for (size_t i = 0, n = git_tree_entrycount(tree.get()); i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
      const std::string path = prefix + git_tree_entry_name(e);
      const git_filemode_t mode = git_tree_entry_filemode(e);
      const git_oid* eid = git_tree_entry_id(e);
      git_oid now = *eid;
      if (mode == GIT_FILEMODE_TREE)
        now = rewrite_tree(*eid, path + "/");
      else if (is_plain_file(mode) && wants_(path))
        now = blob(*eid, path);
      if (!git_oid_equal(&now, eid)) {
        git_check(git_treebuilder_insert(nullptr, tb.get(), git_tree_entry_name(e), &now, mode), "rewriting a tree");
        changed = true;
      }
    }
    git_oid out = id;
    if (changed) git_check(git_treebuilder_write(&out, tb.get()), "writing a rewritten tree");
    trees_.emplace(key, out);
    return out;
  }

  // Adds `path` = `bytes` to a tree (making the directories on the way).
  git_oid add_file(const git_oid& root, const std::string& path, const std::string& bytes) {
    git_oid blob_id;
    git_check(git_blob_create_from_buffer(&blob_id, repo_, bytes.data(), bytes.size()), "writing the purge record");
    return add_entry(&root, path, blob_id);
  }

  std::vector<std::string> kept;
  const git_oid* current_commit = nullptr;

 private:
  git_oid blob(const git_oid& id, const std::string& path) {
    auto key = std::make_pair(path, hex(id));
    if (auto it = blobs_.find(key); it != blobs_.end()) return it->second;
    git_blob* raw = nullptr;
    git_check(git_blob_lookup(&raw, repo_, &id), "reading a file of the history");
    git::Blob b(raw);
    const std::string bytes(static_cast<const char*>(git_blob_rawcontent(b.get())),
                            static_cast<size_t>(git_blob_rawsize(b.get())));
    FileRewrite r = rewrite_(path, bytes);
    git_oid out = id;
    if (r.bytes && *r.bytes != bytes)
      git_check(git_blob_create_from_buffer(&out, repo_, r.bytes->data(), r.bytes->size()), "writing a rewritten file");
    else if (!r.bytes && !r.kept_why.empty())
      kept.push_back(fmt::format("{} in commit {}: {}", path,
                                 current_commit ? git::object_id(*current_commit).hex().substr(0, 12) : "?",
                                 r.kept_why));
    blobs_.emplace(key, out);
    return out;
  }

  git_oid add_entry(const git_oid* root, std::string_view path, const git_oid& blob_id) {
    git::Tree tree;
    if (root) {
      git_tree* raw = nullptr;
      git_check(git_tree_lookup(&raw, repo_, root), "reading a tree");
      tree.reset(raw);
    }
    git_treebuilder* tb_raw = nullptr;
    git_check(git_treebuilder_new(&tb_raw, repo_, tree.get()), "adding the purge record");
    git::Treebuilder tb(tb_raw);
    const size_t slash = path.find('/');
    if (slash == std::string_view::npos) {
      git_check(git_treebuilder_insert(nullptr, tb.get(), std::string(path).c_str(), &blob_id, GIT_FILEMODE_BLOB),
                "adding the purge record");
    } else {
      const std::string dir(path.substr(0, slash));
      const git_tree_entry* e = tree ? git_tree_entry_byname(tree.get(), dir.c_str()) : nullptr;
      std::optional<git_oid> sub;
      if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE) sub = *git_tree_entry_id(e);
      git_oid sub_new = add_entry(sub ? &*sub : nullptr, path.substr(slash + 1), blob_id);
      git_check(git_treebuilder_insert(nullptr, tb.get(), dir.c_str(), &sub_new, GIT_FILEMODE_TREE),
                "adding the purge record");
    }
    git_oid out;
    git_check(git_treebuilder_write(&out, tb.get()), "adding the purge record");
    return out;
  }

  git_repository* repo_;
  const PurgeWants& wants_;
  const PurgeRewrite& rewrite_;
  std::map<std::pair<std::string, std::string>, git_oid> trees_;
  std::map<std::pair<std::string, std::string>, git_oid> blobs_;
};

// Every commit of `refs`, oldest first (parents before children), each
// re-made: the same author, committer, dates, encoding and message, the
// rewritten tree and parents. A commit whose tree and parents are
// unchanged keeps its id (and its signature); the others lose theirs.
std::map<git_oid, git_oid, OidLess> rewrite_commits(git_repository* repo, const Refs& refs, Rewriter& rw,
                                                    PurgeOutcome& out) {
  git_revwalk* walk_raw = nullptr;
  git_check(git_revwalk_new(&walk_raw, repo), "walking the history");
  git::Revwalk walk(walk_raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  for (const auto& r : refs.commits) git_check(git_revwalk_push(walk.get(), &r.target), "walking the history");
  std::map<git_oid, git_oid, OidLess> map;
  git_oid id;
  while (git_revwalk_next(&id, walk.get()) == 0) {
    ++out.commits;
    git_commit* raw = nullptr;
    git_check(git_commit_lookup(&raw, repo, &id), "reading a commit of the history");
    git::Commit c(raw);
    rw.current_commit = &id;
    const git_oid tree_id = rw.rewrite_tree(*git_commit_tree_id(c.get()), "");
    bool same = git_oid_equal(&tree_id, git_commit_tree_id(c.get()));
    const unsigned n = git_commit_parentcount(c.get());
    std::vector<git::Commit> parents;
    std::vector<const git_commit*> parent_ptrs;
    for (unsigned i = 0; i < n; ++i) {
      const git_oid* p = git_commit_parent_id(c.get(), i);
      auto it = map.find(*p);
      const git_oid np = it == map.end() ? *p : it->second;
      if (!git_oid_equal(&np, p)) same = false;
      git_commit* pr = nullptr;
      git_check(git_commit_lookup(&pr, repo, &np), "reading a rewritten parent");
      parents.emplace_back(pr);
      parent_ptrs.push_back(pr);
    }
    if (same) {
      map.emplace(id, id);
      continue;
    }
    git_tree* tree_raw = nullptr;
    git_check(git_tree_lookup(&tree_raw, repo, &tree_id), "reading a rewritten tree");
    git::Tree tree(tree_raw);
    git_oid new_id;
    git_check(git_commit_create(&new_id, repo, nullptr, git_commit_author(c.get()), git_commit_committer(c.get()),
                                git_commit_message_encoding(c.get()), git_commit_message_raw(c.get()), tree.get(), n,
                                parent_ptrs.data()),
              "writing a rewritten commit");
    map.emplace(id, new_id);
    out.rewritten.emplace_back(git::object_id(id), git::object_id(new_id));
  }
  rw.current_commit = nullptr;
  return map;
}

// ---------------------------------------------------------------------------
// 3. The journal.

struct Journal {
  git_oid head;
  std::vector<std::tuple<std::string, git_oid, std::optional<git_oid>>> refs;  // name, old, new (none: remove)
};

std::string journal_text(const Journal& j) {
  std::string s = std::string(kPurgeJournalHeader) + "\n";
  s += "head " + hex(j.head) + "\n";
  for (const auto& [name, from, to] : j.refs) s += fmt::format("ref {} {} {}\n", hex(from), to ? hex(*to) : "-", name);
  return s;
}

Journal read_journal(const GitRepo& git) {
  const std::string text = read_whole_file(journal_path(git));
  auto damaged = [] {
    refuse(fmt::format("the journal of an interrupted purge is damaged ({})", kPurgeJournalName),
           "restore the refs it names by hand (see docs/encryption.md), then remove it");
  };
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kPurgeJournalHeader) damaged();
  Journal j{};
  bool have_head = false;
  while (std::getline(in, line)) {
    if (line.starts_with("head ")) {
      auto id = parse_oid(std::string_view(line).substr(5));
      if (!id) damaged();
      j.head = *id;
      have_head = true;
    } else if (line.starts_with("ref ")) {
      std::istringstream f(line.substr(4));
      std::string from, to, name;
      f >> from >> to >> name;
      auto from_id = parse_oid(from);
      auto to_id = to == "-" ? std::optional<git_oid>() : parse_oid(to);
      if (!from_id || (to != "-" && !to_id) || name.empty()) damaged();
      j.refs.emplace_back(name, *from_id, to_id);
    } else {
      damaged();
    }
  }
  if (!have_head) damaged();
  return j;
}

// ---------------------------------------------------------------------------
// 4–7. Moving the refs, and what follows.

std::optional<git_oid> ref_target(git_repository* repo, const std::string& name) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, name.c_str()) != 0) return std::nullopt;
  git::Reference r(raw);
  if (git_reference_type(r.get()) != GIT_REFERENCE_DIRECT) return git_oid{};
  return *git_reference_target(r.get());
}

void move_refs(const GitRepo& git, const Journal& j) {
  git_repository* repo = git.raw();
  // Each ref must be where the journal found it, or already moved.
  for (const auto& [name, from, to] : j.refs) {
    auto now = ref_target(repo, name);
    const bool at_old = now && git_oid_equal(&*now, &from);
    const bool at_new = to ? (now && git_oid_equal(&*now, &*to)) : !now;
    if (!at_old && !at_new)
      refuse(fmt::format("the ref {} moved while the purge ran ({})", name, kPurgeJournalName),
             "someone committed or fetched meanwhile: review the ref, then remove the journal and purge again");
  }
  git_transaction* tx_raw = nullptr;
  git_check(git_transaction_new(&tx_raw, repo), "moving the refs");
  std::unique_ptr<git_transaction, void (*)(git_transaction*)> tx(tx_raw, git_transaction_free);
  for (const auto& [name, from, to] : j.refs) {
    if (!ref_target(repo, name) && !to) continue;
    git_check(git_transaction_lock_ref(tx.get(), name.c_str()), "locking a ref");
    if (to)
      git_check(git_transaction_set_target(tx.get(), name.c_str(), &*to, nullptr, "prevent: purge-plaintext"),
                "moving a ref");
    else
      git_check(git_transaction_remove(tx.get(), name.c_str()), "removing a remote-tracking ref");
  }
  git_check(git_transaction_commit(tx.get()), "moving the refs");
}

void set_verified_head(const GitRepo& git, const git_oid& head) {
  write_file_atomically(verified_head_path(git), hex(head) + "\n");
  git_reference* raw = nullptr;
  git_check(git_reference_create(&raw, git.raw(), kVerifiedRef, &head, 1, "prevent: purge-plaintext"),
            "moving the verified head");
  git_reference_free(raw);
}

void check_out_head(const GitRepo& git) {
  git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
  opts.checkout_strategy = GIT_CHECKOUT_FORCE;  // the work tree was clean: only the history's files change
  git_check(git_checkout_head(git.raw(), &opts), "bringing the work tree to the rewritten head");
}

size_t count_objects(git_repository* repo) {
  git_odb* raw = nullptr;
  git_check(git_repository_odb(&raw, repo), "opening the object database");
  git::Odb odb(raw);
  std::set<std::string> seen;
  git_odb_foreach(
      odb.get(),
      [](const git_oid* id, void* p) {
        static_cast<std::set<std::string>*>(p)->insert(hex(*id));
        return 0;
      },
      &seen);
  return seen.size();
}

void remove_or_fail(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
  if (ec) refuse(fmt::format("cannot remove {}: {}", p.filename().string(), ec.message()));
}

// Every object no ref reaches deleted: the reachable ones written to one new
// pack, then every other pack and every loose object removed.
size_t prune(const GitRepo& git) {
  git_repository* repo = git.raw();
  const fs::path objects = git_dir(git) / "objects";
  git_packbuilder* pb_raw = nullptr;
  git_check(git_packbuilder_new(&pb_raw, repo), "packing the reachable objects");
  git::Packbuilder pb(pb_raw);
  git_revwalk* walk_raw = nullptr;
  git_check(git_revwalk_new(&walk_raw, repo), "walking the rewritten history");
  git::Revwalk walk(walk_raw);
  git_check(git_revwalk_push_glob(walk.get(), "refs/*"), "walking the rewritten history");
  git_check(git_revwalk_push_head(walk.get()), "walking the rewritten history");
  git_check(git_packbuilder_insert_walk(pb.get(), walk.get()), "packing the reachable objects");
  const fs::path pack_dir = objects / "pack";
  make_private_dirs(pack_dir);
  git_check(git_packbuilder_write(pb.get(), pack_dir.c_str(), 0, nullptr, nullptr), "writing the new pack");
  const std::string keep = std::string("pack-") + git_packbuilder_name(pb.get()) + ".";
  const size_t kept = git_packbuilder_object_count(pb.get());
  fsync_directory(pack_dir);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(pack_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with(keep)) remove_or_fail(e.path());
  }
  static const std::regex loose_dir("[0-9a-f]{2}");
  for (const auto& e : fs::directory_iterator(objects, ec)) {
    const std::string name = e.path().filename().string();
    if (std::regex_match(name, loose_dir)) remove_or_fail(e.path());
  }
  // Files that name objects: rebuilt by git when wanted.
  remove_or_fail(objects / "info" / "commit-graph");
  remove_or_fail(objects / "info" / "commit-graphs");
  remove_or_fail(objects / "info" / "packs");
  fsync_directory(objects);
  git_odb* odb_raw = nullptr;
  if (git_repository_odb(&odb_raw, repo) == 0) {
    git::Odb odb(odb_raw);
    git_odb_refresh(odb.get());
  }
  return kept;
}

// The record cache and the indexes: derived from the history, each file
// names commits and blobs that are gone. The next read rebuilds them.
void drop_derived_state(const GitRepo& git) {
  static const std::regex derived("(cases|people|names|log)-v[0-9]+.*");
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(state_dir(git), ec))
    if (std::regex_match(e.path().filename().string(), derived)) remove_or_fail(e.path());
}

void finish(const GitRepo& git, const Journal& j, PurgeOutcome& out) {
  move_refs(git, j);
  set_verified_head(git, j.head);
  check_out_head(git);
  remove_or_fail(git_dir(git) / "logs");
  remove_or_fail(git_dir(git) / "ORIG_HEAD");
  remove_or_fail(git_dir(git) / "FETCH_HEAD");
  out.objects_before = count_objects(git.raw());
  out.objects_after = prune(git);
  drop_derived_state(git);
  fs::remove(journal_path(git));
  fsync_directory(state_dir(git));
  out.head = git::object_id(j.head);
  for (const auto& [name, from, to] : j.refs)
    out.refs.push_back({name, git::object_id(from), to ? std::optional(git::object_id(*to)) : std::nullopt});
}

}  // namespace

std::string purge_record_path(size_t number) { return fmt::format("purges/{:04}.yaml", number); }

std::string purge_record_text(const PurgeOutcome& o, size_t number) {
  // Strings as JSON, which YAML reads as double-quoted scalars.
  auto q = [](const std::string& s) { return nlohmann::json(s).dump(-1, ' ', true); };
  std::string s = fmt::format(
      "purge: {}\ndate: {}\nby: {}\nreason: {}\ncommits_walked: {}\ncommits_rewritten: {}\n", number, q(o.when),
      q(o.who),
      q("prevent purge-plaintext: every version of every case record in the history sealed, so that no object "
        "of the repository holds a personal-data value in plain text; signatures of rewritten commits are lost"),
      o.commits, o.rewritten.size());
  s += "refs:\n";
  for (const auto& r : o.refs)
    s += fmt::format("  - name: {}\n    from: {}\n    to: {}\n", q(r.name), r.from.hex(),
                     r.to ? r.to->hex() : std::string("removed"));
  if (o.refs.empty()) s.insert(s.size() - 1, " []");
  s += "kept:\n";
  for (const auto& k : o.kept) s += fmt::format("  - {}\n", q(k));
  if (o.kept.empty()) s.insert(s.size() - 1, " []");
  s += "commits:\n";
  for (const auto& [from, to] : o.rewritten) s += fmt::format("  - old: {}\n    new: {}\n", from.hex(), to.hex());
  if (o.rewritten.empty()) s.insert(s.size() - 1, " []");
  return s;
}

bool has_interrupted_purge(const Store& store) {
  std::error_code ec;
  return fs::exists(journal_path(store.git()), ec);
}

size_t purge_records_at_head(const Store& store) {
  size_t n = 0;
  static const std::regex record("[0-9]{4}\\.yaml");
  for (const auto& f : store.git().list_at_head("purges"))
    if (is_plain_file(f.mode) && std::regex_match(f.name, record)) ++n;
  return n;
}

PurgeOutcome purge_history(Store& store, const PurgeWants& wants, const PurgeRewrite& rewrite,
                           const MakePurgeRecord& record) {
  GitRepo& git = store.git();
  git_repository* repo = git.raw();
  PurgeOutcome out;
  if (has_interrupted_purge(store)) {
    out.resumed = true;
    finish(git, read_journal(git), out);
    return out;
  }
  git.require_no_interrupted_write();
  git.require_clean_work_tree(
      "commit them with git or restore them (`git checkout -- FILE`), then purge: the purge rewrites the history "
      "under the work tree");
  const Refs refs = plan_refs(git);

  Rewriter rw(repo, wants, rewrite);
  const auto map = rewrite_commits(repo, refs, rw, out);
  out.kept = std::move(rw.kept);
  if (out.rewritten.empty()) {
    out.nothing_to_do = true;
    return out;
  }

  // The record's commit, on the rewritten head.
  git_oid old_head{};
  for (const auto& r : refs.commits)
    if (r.name == refs.head_branch) old_head = r.target;
  const git_oid base = map.at(old_head);
  // For the record: each ref and its rewrite (HEAD's branch and the
  // verified head go one further, to the record's own commit).
  for (const auto& r : refs.commits) {
    const git_oid to = map.at(r.target);
    if (!git_oid_equal(&to, &r.target)) out.refs.push_back({r.name, git::object_id(r.target), git::object_id(to)});
  }
  for (const auto& r : refs.remote) out.refs.push_back({r.name, git::object_id(r.target), std::nullopt});
  const GitIdentity who = git.identity();
  git_signature* sig_raw = nullptr;
  git_check(git_signature_now(&sig_raw, who.name.c_str(), who.email.c_str()), "the committer's identity");
  git::Signature sig(sig_raw);
  out.who = fmt::format("{} <{}>", who.name, who.email);
  {
    const std::time_t t = static_cast<std::time_t>(sig->when.time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    out.when = buf;
  }
  const PurgeRecord rec = record(out);
  out.refs.clear();
  if (git.entry_at_head(rec.path))
    refuse(fmt::format("the purge record {} is there already", rec.path), "report this: it is a bug");
  git_commit* base_raw = nullptr;
  git_check(git_commit_lookup(&base_raw, repo, &base), "reading the rewritten head");
  git::Commit base_commit(base_raw);
  const git_oid tree_id = rw.add_file(*git_commit_tree_id(base_commit.get()), rec.path, rec.bytes);
  git_tree* tree_raw = nullptr;
  git_check(git_tree_lookup(&tree_raw, repo, &tree_id), "reading the record's tree");
  git::Tree tree(tree_raw);
  const git_commit* parents[] = {base_commit.get()};
  git_oid head;
  git_check(git_commit_create(&head, repo, nullptr, sig.get(), sig.get(), "UTF-8", rec.message.c_str(), tree.get(), 1,
                              parents),
            "writing the purge record's commit");

  // Every object written so far must be on disk before a ref names it.
  sync_filesystem(git_dir(git));

  Journal j{head, {}};
  for (const auto& r : refs.commits) {
    git_oid to = r.name == refs.head_branch || r.name == kVerifiedRef ? head : map.at(r.target);
    if (!git_oid_equal(&to, &r.target)) j.refs.emplace_back(r.name, r.target, to);
  }
  for (const auto& r : refs.remote) j.refs.emplace_back(r.name, r.target, std::nullopt);
  make_private_dirs(state_dir(git));
  write_file_atomically(journal_path(git), journal_text(j));
  finish(git, j, out);
  return out;
}

}  // namespace prevent

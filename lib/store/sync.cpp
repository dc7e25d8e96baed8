// `prevent sync` (sync.hpp): the rounds of fetch, merge and push.
#include "sync.hpp"

#include <fmt/format.h>
#include <git2.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>
#include <map>
#include <set>

#include "case_id.hpp"
#include "case_record.hpp"
#include "config.hpp"
#include "crypto.hpp"
#include "durable_file.hpp"
#include "key_erasure.hpp"
#include "key_objects.hpp"
#include "keyring.hpp"
#include "state_dir.hpp"
#include "failure.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "commit_time.hpp"
#include "path_lookup.hpp"
#include "record_merge.hpp"
#include "remote_auth.hpp"
#include "remote_url.hpp"
#include "rules.hpp"
#include "safe_path.hpp"
#include "text.hpp"

namespace prevent {

namespace {
namespace sync_steps {

using git::Owned;
using Remote = Owned<git_remote, git_remote_free>;

// The refs a sync writes, all prevent's own (under the writers' lock):
//   refs/prevent/sync/incoming           the remote's branch, as fetched
//   refs/prevent/sync/incoming-verified  the remote's verified head
//   refs/prevent/sync-last/NAME/BRANCH   what this store last had from
//                                        remote NAME (rewrite evidence)
//   refs/prevent/remotes/NAME/verified   the remote's verified head, for
//                                        `check verified-head` (audit.md)
// git's own refs/remotes/NAME/BRANCH is moved too, when it can be, so
// that `git status` says how the branch stands; nothing depends on it.
constexpr const char* kIncomingRef = "refs/prevent/sync/incoming";
constexpr const char* kIncomingVerifiedRef = "refs/prevent/sync/incoming-verified";
constexpr const char* kVerifiedRef = "refs/prevent/verified";
// An encrypted store's key stores (docs/team.md, "Encrypted stores"): each
// copy pushes its own to refs/prevent/keys-of/COPY on the remote (only it
// ever writes that ref, so a forced push there overwrites nobody's keys);
// a sync fetches every copy's, and the remote's refs/prevent/keys if one
// was pushed by hand, into refs/prevent/sync/incoming-keys/…, takes their
// keys into this store's refs/prevent/keys, and deletes them again.
constexpr const char* kIncomingKeys = "refs/prevent/sync/incoming-keys/";
constexpr const char* kKeysOf = "refs/prevent/keys-of/";

// The remote synced with: a configured remote (by name) or a URL given.
// Both are used through anonymous remotes of their addresses, so that
// libgit2 moves none of git's own remote-tracking refs while it fetches:
// every ref a sync writes is prevent's (below), and one left locked by a
// killed sync is prevent's to clear.
struct Target {
  Remote fetch;
  Remote push;
  RemoteUrl fetch_url, push_url;
  std::string name;   // the configured name; empty for a URL given
  std::string shown;  // how messages name it: the name, never a URL (it may hold a password)
};

// Whether a command-line argument is an address rather than a remote's
// name: a path, or has a scheme or a host (check_remote_url vets it).
bool looks_like_url(std::string_view s) {
  return s.find('/') != std::string_view::npos || s.find(':') != std::string_view::npos;
}

// The address vetted (remote_url.hpp); one given on the command line is a
// usage error (exit 2), one from the store's configuration a store problem.
RemoteUrl vetted_url(std::string_view url, std::string_view where) {
  try {
    return check_remote_url(url);
  } catch (const Failure& f) {
    if (where == "command line") throw;
    throw Failure(Exit::store, fmt::format("{} ({})", f.what(), where), f.hint());
  }
}

bool is_remote_name(std::string_view s) {
  if (s.empty() || s.size() > 100 || s.front() == '-' || s.front() == '.') return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

// A remote's address that is a relative path, made absolute against the
// store's work tree; nullopt for any other address.
std::optional<std::string> store_relative(const std::filesystem::path& root, std::string_view url) {
  if (url.empty() || url.starts_with("/") || url.find("://") != std::string_view::npos) return std::nullopt;
  const size_t colon = url.find(':');
  if (colon != std::string_view::npos && url.find('/') > colon) return std::nullopt;  // user@host:path
  return (root / std::string(url)).lexically_normal().string();
}

// An anonymous remote of a vetted address: no url.<base>.insteadOf of any
// git configuration rewrites it after the check (to another host, or to a
// transport that runs a program).
Remote anonymous(git_repository* repo, const std::string& url) {
  git_remote* raw = nullptr;
  git_remote_create_options create = GIT_REMOTE_CREATE_OPTIONS_INIT;
  create.repository = repo;
  create.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
  if (git_remote_create_with_opts(&raw, url.c_str(), &create) < 0) git_fail("cannot use the remote");
  return Remote(raw);
}

Target open_remote(git_repository* repo, const std::filesystem::path& root, const std::string& given) {
  const std::string name = given.empty() ? "origin" : given;
  if (is_remote_name(name)) {
    // remote.NAME.url and .pushurl as written: no url.<base>.insteadOf
    // rewrites them (as for an address given), and git_remote_lookup,
    // which would, leaks its regular expressions in libgit2 1.5.
    git_config* raw_cfg = nullptr;
    if (git_repository_config_snapshot(&raw_cfg, repo) != 0) git_fail("cannot read the git configuration");
    git::Config cfg(raw_cfg);
    const std::string url_text = git::config_text(cfg.get(), fmt::format("remote.{}.url", name).c_str());
    const std::string push_text = git::config_text(cfg.get(), fmt::format("remote.{}.pushurl", name).c_str());
    if (!url_text.empty()) {
      const char* url = url_text.c_str();
      const char* push = push_text.empty() ? nullptr : push_text.c_str();
      // A relative path is the store's, as git (run in the store) reads it,
      // not the directory prevent was started in (-C).
      RemoteUrl fetch_url = vetted_url(store_relative(root, url).value_or(url), fmt::format("remote.{}.url", name));
      RemoteUrl push_url = push ? vetted_url(store_relative(root, push).value_or(push), fmt::format("remote.{}.pushurl", name))
                                : fetch_url;
      Remote f = anonymous(repo, fetch_url.url), p = anonymous(repo, push_url.url);
      return Target{std::move(f), std::move(p), std::move(fetch_url), std::move(push_url), name, name};
    }
    if (given.empty())
      fail(Exit::store, "the store has no remote named origin (.git/config)",
           "add one (`git remote add origin URL`) or name the remote: `prevent sync URL`");
    if (!looks_like_url(given))
      fail(Exit::store, fmt::format("no remote named {} (.git/config)", name), "`git remote -v` lists the store's remotes");
  }
  RemoteUrl url = vetted_url(store_relative(root, given).value_or(given), "command line");
  Remote f = anonymous(repo, url.url), p = anonymous(repo, url.url);
  return Target{std::move(f), std::move(p), url, url, "", "the remote given"};
}

std::optional<git_oid> ref_id(git_repository* repo, const std::string& name) {
  git_oid id;
  if (git_reference_name_to_id(&id, repo, name.c_str()) == 0) return id;
  return std::nullopt;
}

void delete_ref(git_repository* repo, const std::string& name) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, name.c_str()) != 0) return;
  git::Reference ref(raw);
  git_check(git_reference_delete(ref.get()), "cannot remove a sync reference");
}

void set_ref(git_repository* repo, const std::string& name, const git_oid& id, const char* log) {
  git_reference* raw = nullptr;
  git_check(git_reference_create(&raw, repo, name.c_str(), &id, 1, log), "cannot record what was synced");
  git::Reference ref(raw);
}

// The same where nothing depends on it (git's remote-tracking branch): a
// failure leaves it as it was.
void set_ref_if_can(git_repository* repo, const std::string& name, const git_oid& id, const char* log) {
  git_reference* raw = nullptr;
  if (git_reference_create(&raw, repo, name.c_str(), &id, 1, log) == 0) git_reference_free(raw);
}

// Lock files a killed sync left on prevent's sync refs. Only prevent
// writes these refs, and only under the writers' lock, which this process
// holds: a lock file there is stale.
void clear_stale_sync_locks(git_repository* repo) {
  const std::filesystem::path refs = std::filesystem::path(git_repository_commondir(repo)) / "refs" / "prevent";
  for (const char* dir : {"sync", "sync-last", "remotes"}) {
    std::error_code ec;
    for (std::filesystem::recursive_directory_iterator it(refs / dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".lock" && it->is_regular_file(ec)) std::filesystem::remove(it->path(), ec);
  }
}

std::string oid_hex(const git_oid& id) { return git::object_id(id).hex(); }

// This copy's name for its key store on a remote (refs/prevent/keys-of/NAME):
// 32 random hex digits, made at its first sync and kept in
// .git/prevent/sync-copy. A file that is not of that form is made again
// (the old name's ref on the remote is then left as it is).
std::string copy_name(const GitRepo& git) {
  const auto path = state_path(git, "sync-copy");
  std::string text = read_whole_file(path);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  const bool valid = text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
  if (valid) return text;
  const std::string name = crypto::to_hex(crypto::random_bytes(16));
  make_private_dirs(path.parent_path());
  write_file_atomically(path, name + "\n");
  return name;
}

// The current branch's full name (refs/heads/NAME).
std::string current_branch(git_repository* repo) {
  git_reference* raw = nullptr;
  git_check(git_reference_lookup(&raw, repo, "HEAD"), "cannot read HEAD");
  git::Reference head(raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC)
    fail(Exit::store, "HEAD is not on a branch (a detached HEAD)", "check out the store's branch: git checkout main");
  std::string branch = git_reference_symbolic_target(head.get());
  if (!branch.starts_with("refs/heads/")) fail(Exit::store, "HEAD is not on a branch");
  return branch;
}

// The refs under `prefix`.
std::vector<std::string> refs_under(git_repository* repo, const std::string& prefix) {
  std::vector<std::string> out;
  const std::string glob = prefix + "*";
  git_check(git_reference_foreach_glob(
                repo, glob.c_str(),
                [](const char* name, void* payload) {
                  try {
                    static_cast<std::vector<std::string>*>(payload)->emplace_back(name);
                  } catch (...) {
                    return -1;
                  }
                  return 0;
                },
                &out),
            "cannot list the fetched key stores");
  return out;
}

void delete_incoming_keys(git_repository* repo) {
  for (const auto& name : refs_under(repo, kIncomingKeys)) delete_ref(repo, name);
}

// Fetches the remote's branch and verified head into the private refs, and
// for an encrypted store its copies' key stores.
void fetch(Target& t, const std::string& branch, bool keys) {
  git_repository* repo = git_remote_owner(t.fetch.get());
  delete_ref(repo, kIncomingRef);
  delete_ref(repo, kIncomingVerifiedRef);
  delete_incoming_keys(repo);
  const std::string spec_branch = fmt::format("+{}:{}", branch, kIncomingRef);
  const std::string spec_verified = fmt::format("+{}:{}", kVerifiedRef, kIncomingVerifiedRef);
  const std::string spec_keys = fmt::format("+{}:{}remote", kKeyStoreRef, kIncomingKeys);
  const std::string spec_keys_of = fmt::format("+{}*:{}of/*", kKeysOf, kIncomingKeys);
  char* specs[] = {const_cast<char*>(spec_branch.c_str()), const_cast<char*>(spec_verified.c_str()),
                   const_cast<char*>(spec_keys.c_str()), const_cast<char*>(spec_keys_of.c_str())};
  git_strarray refspecs{specs, keys ? size_t(4) : size_t(2)};
  git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
  fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  fo.update_fetchhead = 0;
  fo.prune = GIT_FETCH_NO_PRUNE;
  git::RemoteAuth auth{t.fetch_url};
  git::set_remote_callbacks(fo.callbacks, auth);
  if (git_remote_fetch(t.fetch.get(), &refspecs, &fo, "sync: fetch") < 0) {
    git::throw_remote_refusal(auth);  // a host key or login refused: its own message
    fail(Exit::store, fmt::format("cannot fetch from {}: {}", t.shown, terminal_safe(git_error_text())),
         "check the remote's address and that it can be reached");
  }
}

// Pushes `src` to `dst` on the remote, never forced unless `forced` (only
// this copy's own key store). Returns the remote's refusal ("" when
// accepted).
std::string push(Target& t, const std::string& src, const std::string& dst, bool forced = false) {
  const std::string spec = fmt::format("{}{}:{}", forced ? "+" : "", src, dst);
  char* specs[] = {const_cast<char*>(spec.c_str())};
  git_strarray refspecs{specs, 1};
  git_push_options po = GIT_PUSH_OPTIONS_INIT;
  std::string refused;
  git::RemoteAuth auth{t.push_url};
  git::set_remote_callbacks(po.callbacks, auth);
  auth.context = &refused;
  po.callbacks.push_update_reference = [](const char*, const char* status, void* payload) {
    if (status) *static_cast<std::string*>(static_cast<git::RemoteAuth*>(payload)->context) = status;
    return 0;
  };
  if (git_remote_push(t.push.get(), &refspecs, &po) < 0) {
    git::throw_remote_refusal(auth);
    const std::string e = git_error_text();
    return e.empty() ? "refused" : e;
  }
  return refused;
}

// The author of a commit as a conflict records it, and the day.
MergeSide side_of(git_commit* c) {
  const git_signature* a = git_commit_author(c);
  return MergeSide{a->name ? a->name : "", local_day(CommitTime{a->when.time, a->when.offset})};
}

git::Commit lookup_commit(git_repository* repo, const git_oid& id) {
  git_commit* raw = nullptr;
  git_check(git_commit_lookup(&raw, repo, &id), "cannot read a commit to merge");
  return git::Commit(raw);
}

git::Tree tree_of(git_commit* c) {
  git_tree* raw = nullptr;
  git_check(git_commit_tree(&raw, c), "cannot read a commit to merge");
  return git::Tree(raw);
}

// Who last changed `path` between `base` (excluded) and `tip`: the first
// commit, newest first, whose version of the file differs from its first
// parent's; the tip's author when none is found. Asked only for a conflict
// (a record's directory tree can hold 100,000 entries: each tree is looked
// into once, however many commits share it).
MergeSide last_change(git_repository* repo, const git_oid& tip, const git_oid& base, const std::string& path) {
  git_revwalk* raw = nullptr;
  git_check(git_revwalk_new(&raw, repo), "cannot walk the history");
  git::Revwalk walk(raw);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  git_check(git_revwalk_push(walk.get(), &tip), "cannot walk the history");
  git_check(git_revwalk_hide(walk.get(), &base), "cannot walk the history");
  // The file's blob in each tree looked into, by the tree's id.
  std::map<std::string, std::optional<git_oid>> blob_in_tree;
  auto blob_of = [&](git_commit* c) {
    git::Tree t = tree_of(c);
    const std::string key(reinterpret_cast<const char*>(git_tree_id(t.get())->id), GIT_OID_RAWSZ);
    auto it = blob_in_tree.find(key);
    if (it == blob_in_tree.end()) it = blob_in_tree.emplace(key, PathLookup(repo, t.get()).blob(path)).first;
    return it->second;
  };
  git_oid id;
  while (git_revwalk_next(&id, walk.get()) == 0) {
    git::Commit c = lookup_commit(repo, id);
    const auto now = blob_of(c.get());
    std::optional<git_oid> before;
    if (git_commit_parentcount(c.get()) > 0) {
      git_commit* p = nullptr;
      git_check(git_commit_parent(&p, c.get(), 0), "cannot walk the history");
      git::Commit parent(p);
      before = blob_of(parent.get());
    }
    const bool same = (!now && !before) || (now && before && git_oid_equal(&*now, &*before));
    if (!same) return side_of(c.get());
  }
  git::Commit c = lookup_commit(repo, tip);
  return side_of(c.get());
}

// One side of the merge, as a tree plus the files this side's renumbering
// rewrote (path → bytes; nullopt: no file there any more).
struct Side {
  git_repository* repo;
  git::Tree tree;
  std::map<std::string, std::optional<std::string>> overrides;
  // Each directory's tree read once (PathLookup): a year's directory can
  // hold 100,000 entries, which libgit2 parses again on every lookup.
  mutable std::shared_ptr<PathLookup> lookup;

  std::optional<std::string> read(const std::string& path) const {
    if (auto it = overrides.find(path); it != overrides.end()) return it->second;
    if (!lookup) lookup = std::make_shared<PathLookup>(repo, tree.get());
    auto id = lookup->blob(path);
    if (!id) return std::nullopt;
    git_blob* raw = nullptr;
    git_check(git_blob_lookup(&raw, repo, &*id), "cannot read a file to merge");
    git::Blob b(raw);
    if (git_blob_rawsize(b.get()) > kMaxReadBytes) fail_too_large(git_blob_rawsize(b.get()), path);
    return std::string(static_cast<const char*>(git_blob_rawcontent(b.get())), git_blob_rawsize(b.get()));
  }
};

// A path a sync compares or writes (safe_path.hpp): a remote's tree with
// any other is refused.
void require_safe_path(const std::string& path) {
  if (!is_safe_work_tree_path(path))
    fail(Exit::store,
         fmt::format("the remote's tree has a path prevent does not write: a .git, '.' or '..' part ({})",
                     terminal_safe(path)),
         "nothing was changed; the remote's history was not made by prevent or git's own checks: tell whoever "
         "keeps it");
}

// The paths changed from `from` to `to` (no rename detection: a record's
// path is its identity), with whether each was added.
std::map<std::string, git_delta_t> changed_paths(git_repository* repo, git_tree* from, git_tree* to) {
  git_diff_options o = GIT_DIFF_OPTIONS_INIT;
  git_diff* raw = nullptr;
  git_check(git_diff_tree_to_tree(&raw, repo, from, to, &o), "cannot compare the two sides");
  git::Diff diff(raw);
  std::map<std::string, git_delta_t> out;
  const size_t n = git_diff_num_deltas(diff.get());
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    const char* p = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
    require_safe_path(p);
    out[p] = d->status;
  }
  return out;
}

std::optional<long> case_number(const std::string& path, std::string* prefix, int* year) {
  if (!is_case_record_path(path)) return std::nullopt;
  const size_t slash = path.rfind('/');
  const std::string name = path.substr(slash + 1, path.size() - slash - 1 - 5);
  auto id = parse_case_id(name);
  if (!id) return std::nullopt;
  if (prefix) *prefix = id->prefix;
  if (year) *year = id->year;
  return id->number;
}

// Replaces every reference to `from` by `to` in a case's related IDs and a
// meeting's agenda and declarations.
bool rename_in_case(Case& c, const std::string& from, const std::string& to) {
  bool changed = false;
  for (auto& r : c.related)
    if (r == from) r = to, changed = true;
  return changed;
}

bool rename_in_meeting(Meeting& m, const std::string& from, const std::string& to) {
  bool changed = false;
  for (auto& a : m.agenda)
    if (a.case_id == from) a.case_id = to, changed = true;
  for (auto& d : m.declarations)
    if (d.case_id == from) d.case_id = to, changed = true;
  return changed;
}

// What a merge of an encrypted store's records needs of its keys
// (docs/team.md, "Encrypted stores"): sync_store gives them; the check's
// recomputation of a merge has none, and compares the records they change
// with their (P) values masked.
struct SealHooks {
  // A renumbered case (`c.id` its new ID) sealed again under its new ID.
  std::function<void(Case& c, const std::string& old_id)> renumbered;
  // A merged case with new conflicts: their sealed values sealed again as
  // the conflicts' own (seal_merged_conflicts).
  std::function<void(Case& c)> conflicted;
};

// How a person settles a file changed on both sides that the sync does not
// merge: a sync merges only where one side's version is the other's or the
// base's, so this side takes the remote's version first.
constexpr std::string_view kSettleBothChanged =
    "nothing was merged. Take the remote's version (git checkout refs/prevent/sync/incoming -- FILE), commit it "
    "and sync; then make this side's change again, commit, and sync (docs/team.md)";

// A three-way merge of text line by line (libgit2's, as git merges a
// file); nullopt when the same lines were changed two ways.
std::optional<std::string> merge_text(const std::string& base, const std::string& ours, const std::string& theirs) {
  git_merge_file_input b = GIT_MERGE_FILE_INPUT_INIT, o = GIT_MERGE_FILE_INPUT_INIT, t = GIT_MERGE_FILE_INPUT_INIT;
  b.ptr = base.data();
  b.size = base.size();
  o.ptr = ours.data();
  o.size = ours.size();
  t.ptr = theirs.data();
  t.size = theirs.size();
  git_merge_file_result r{};
  git_check(git_merge_file(&r, &b, &o, &t, nullptr), "cannot merge prevent.yaml");
  std::optional<std::string> out;
  if (r.automergeable) out = std::string(r.ptr, r.len);
  git_merge_file_result_free(&r);
  return out;
}

struct MergePlan {
  std::vector<FileWrite> files;  // relative to HEAD
  // Files whose (P) values the keys sealed again: without the hooks, what
  // the merge gives for them differs in those values only.
  std::set<std::string> resealed;
  std::vector<std::string> case_ids;
  std::vector<std::string> conflicts;
  std::vector<std::pair<std::string, std::string>> renumbered;
  // Each case of the merged tree that still breaks a rule of SPEC §4 once
  // the changes that broke it are held as conflicts ("ID" and the
  // refusal's text, which names no personal data).
  std::vector<std::pair<std::string, std::string>> rule_breaks;
  // The cases whose changes were held for a rule ("ID" and the rule's
  // text), and each conflict that holding recorded is in `conflicts`.
  std::vector<std::pair<std::string, std::string>> held_for_rules;
  size_t merged_records = 0;
};

class TreeMerge {
 public:
  // `earlier`: the merge of the versions of prevent before 2026-12-08,
  // which held nothing for a rule (run()) and did not name a renumbered
  // case in the case that kept its number: a merge commit they made is
  // still what prevent's merge gave (sync_merge_differs).
  TreeMerge(git_repository* repo, const git_oid& head, const git_oid& theirs, const git_oid& base,
            const SealHooks* hooks = nullptr, bool earlier = false)
      : repo_(repo), head_(head), theirs_id_(theirs), base_id_(base), hooks_(hooks), earlier_(earlier) {
    git::Commit hc = lookup_commit(repo, head), tc = lookup_commit(repo, theirs), bc = lookup_commit(repo, base);
    ours_ = Side{repo, tree_of(hc.get()), {}, {}};
    theirs_ = Side{repo, tree_of(tc.get()), {}, {}};
    base_ = Side{repo, tree_of(bc.get()), {}, {}};
    ours_real_ = Side{repo, tree_of(hc.get()), {}, {}};
  }

  MergePlan run() {
    const auto ours_changes = changed_paths(repo_, base_.tree.get(), ours_.tree.get());
    const auto theirs_changes = changed_paths(repo_, base_.tree.get(), theirs_.tree.get());
    config_ = merged_config(ours_changes, theirs_changes);
    renumber_collisions(ours_changes, theirs_changes);
    std::set<std::string> paths;
    for (const auto& [p, s] : theirs_changes) paths.insert(p);
    for (const auto& [p, v] : ours_.overrides) paths.insert(p);
    for (const auto& p : paths) merge_path(p);
    auto breaks = check_rules(ours_changes, theirs_changes);
    // Two changes that each kept the rules can break one together (SPEC
    // §4; docs/team.md, "A rule broken by the merge"). Each case that
    // breaks one is taken a stage further, until none breaks or none can
    // go further: (1) its record merged again with the changes the other
    // copy made alone held as conflicts, the base's values in place; (2)
    // the meetings it is heard at too; (3) both, with this copy's changes
    // held as well. A hold can break another case (a meeting held for one
    // case is another's meeting): that case goes through the stages in
    // turn. A file is only ever held more, so this ends. What then still
    // breaks a rule (a change both made alike, prevent.yaml) is reported.
    std::map<std::string, std::pair<std::string, std::string>> ever_broken;  // path: ID, rule
    std::map<std::string, int> stage;                                         // path: stage reached
    for (bool moved = !earlier_; moved && !breaks.empty();) {
      moved = false;
      std::map<std::string, MergeHold> raise;
      auto hold_at_least = [&](const std::string& f, MergeHold h) {
        const MergeHold now = held_.count(f) ? held_.at(f) : MergeHold::none;
        if (now == MergeHold::both || now == h) return;
        if (h == MergeHold::theirs && now != MergeHold::none) return;
        auto& r = raise[f];
        if (r != MergeHold::both) r = h;
      };
      for (const auto& b : breaks) {
        ever_broken.emplace(b.path, std::make_pair(b.id, b.why));
        int& st = stage[b.path];
        if (st == 3) continue;
        ++st;
        moved = true;
        const MergeHold h = st == 3 ? MergeHold::both : MergeHold::theirs;
        hold_at_least(b.path, h);
        if (st >= 2)
          for (const auto& d : b.meetings) hold_at_least(fmt::format("panels/{}.yaml", d.str()), h);
      }
      for (const auto& [f, h] : raise) {
        held_[f] = h;
        merge_path(f, h);
      }
      breaks = check_rules(ours_changes, theirs_changes);
    }
    std::set<std::string> still;
    for (const auto& b : breaks) {
      plan_.rule_breaks.emplace_back(b.id, b.why);
      still.insert(b.path);
    }
    // The cases a hold put right (a case still broken is reported as such).
    for (const auto& [path, what] : ever_broken)
      if (!still.count(path)) plan_.held_for_rules.push_back(what);
    for (const auto& [path, list] : conflicts_by_path_)
      plan_.conflicts.insert(plan_.conflicts.end(), list.begin(), list.end());
    plan_.merged_records = merged_paths_.size();
    return std::move(plan_);
  }

 private:
  // prevent.yaml, a file people edit by hand (vocabularies, holidays),
  // changed on both sides: merged line by line as git merges text (two
  // holidays added in different places merge), and the result must be a
  // valid prevent.yaml. The same lines changed two ways are for a person.
  Config merged_config(const std::map<std::string, git_delta_t>& ours, const std::map<std::string, git_delta_t>& theirs) {
    const std::string path = "prevent.yaml";
    const auto o = ours_.read(path), t = theirs_.read(path);
    if (ours.count(path) && theirs.count(path) && o != t) {
      const auto b = base_.read(path);
      std::optional<std::string> merged;
      if (b && o && t) merged = merge_text(*b, *o, *t);
      if (!merged)
        fail(Exit::store, "prevent.yaml was changed on both sides, the same lines two different ways (prevent.yaml)",
             std::string(kSettleBothChanged));
      try {
        Config config = parse_config(*merged, path);
        merged_config_text_ = std::move(*merged);
        return config;
      } catch (const Failure& f) {
        fail(Exit::store, fmt::format("prevent.yaml was changed on both sides, and the two changes together are not a "
                                      "valid prevent.yaml: {}",
                                      f.what()),
             std::string(kSettleBothChanged));
      }
    }
    auto text = theirs.count(path) ? t : o;
    if (!text) fail(Exit::store, "one side of the merge has no prevent.yaml");
    return parse_config(*text, path);
  }

  // A case numbered on both sides (added on both, different records): this
  // side's is renumbered to the next number free on both, its old ID kept
  // in `previous_ids`, and this side's references to it follow.
  void renumber_collisions(const std::map<std::string, git_delta_t>& ours,
                           const std::map<std::string, git_delta_t>& theirs) {
    std::vector<std::string> colliding;
    for (const auto& [p, s] : ours)
      if (s == GIT_DELTA_ADDED && is_case_record_path(p)) {
        auto t = theirs.find(p);
        if (t != theirs.end() && t->second == GIT_DELTA_ADDED && ours_.read(p) != theirs_.read(p))
          colliding.push_back(p);
      }
    if (colliding.empty()) return;
    // The highest number of each prefix and year on either side.
    std::map<std::pair<std::string, int>, long> highest;
    auto note_numbers = [&](const Side& side) {
      git_tree_entry* raw = nullptr;
      if (git_tree_entry_bypath(&raw, side.tree.get(), "cases") != 0) return;
      git::TreeEntry cases(raw);
      git_tree* ct = nullptr;
      if (git_tree_lookup(&ct, repo_, git_tree_entry_id(cases.get())) != 0) return;
      git::Tree cases_tree(ct);
      for (size_t i = 0; i < git_tree_entrycount(ct); ++i) {
        const git_tree_entry* y = git_tree_entry_byindex(ct, i);
        if (git_tree_entry_type(y) != GIT_OBJECT_TREE) continue;
        git_tree* yt = nullptr;
        if (git_tree_lookup(&yt, repo_, git_tree_entry_id(y)) != 0) continue;
        git::Tree year_tree(yt);
        for (size_t j = 0; j < git_tree_entrycount(yt); ++j) {
          const std::string path = fmt::format("cases/{}/{}", git_tree_entry_name(y), git_tree_entry_name(git_tree_entry_byindex(yt, j)));
          std::string prefix;
          int year = 0;
          if (auto n = case_number(path, &prefix, &year)) highest[{prefix, year}] = std::max(highest[{prefix, year}], *n);
        }
      }
    };
    note_numbers(ours_);
    note_numbers(theirs_);
    for (const auto& path : colliding) {
      std::string prefix;
      int year = 0;
      const long number = *case_number(path, &prefix, &year);
      const std::string old_id = CaseId{prefix, year, number}.str();
      const std::string new_id = CaseId{prefix, year, ++highest[{prefix, year}]}.str();
      Case c = read_case(*ours_.read(path), path, config_);
      c.id = new_id;
      if (std::find(c.previous_ids.begin(), c.previous_ids.end(), old_id) == c.previous_ids.end())
        c.previous_ids.push_back(old_id);
      const std::string new_path = case_path(new_id, year);
      if (has_sealed_values(c)) {
        plan_.resealed.insert(new_path);
        if (hooks_) hooks_->renumbered(c, old_id);
      }
      ours_.overrides[path] = std::nullopt;
      ours_.overrides[new_path] = write_case(c);
      plan_.renumbered.emplace_back(old_id, new_id);
      // The case that keeps the number names the one renumbered, so that
      // `prevent show OLD-ID` can point to it (its sealed values, if any,
      // are copied as they are).
      if (!earlier_) {
        Case kept = read_case(*theirs_.read(path), path, config_);
        if (std::find(kept.number_also_given_to.begin(), kept.number_also_given_to.end(), new_id) ==
            kept.number_also_given_to.end())
          kept.number_also_given_to.push_back(new_id);
        theirs_.overrides[path] = write_case(kept);
      }
      // This side's references to the old ID (made since the base: the ID
      // did not exist there) are to this case.
      for (const auto& [p, s] : ours) {
        if (p == path || s == GIT_DELTA_DELETED) continue;
        auto text = ours_.read(p);
        if (!text || text->find(old_id) == std::string::npos) continue;
        if (is_case_record_path(p)) {
          Case other = read_case(*text, p, config_);
          if (rename_in_case(other, old_id, new_id)) ours_.overrides[p] = write_case(other);
        } else if (is_meeting_record_path(p)) {
          Meeting m = read_meeting(*text, p);
          if (rename_in_meeting(m, old_id, new_id)) ours_.overrides[p] = write_meeting(m);
        }
      }
    }
  }

  // `hold`: merged again for a rule (run()), the changes one side or both
  // made alone held as conflicts. Only a record both sides and the base
  // hold is merged so; another is merged as before.
  void merge_path(const std::string& path, MergeHold hold = MergeHold::none) {
    const auto b = base_.read(path);
    const auto o = ours_.read(path);
    const auto t = theirs_.read(path);
    if (hold != MergeHold::none && (!b || !o || !t || o == t || !(is_case_record_path(path) || is_meeting_record_path(path))))
      return;
    // A record merged again for a rule: what its first merge noted goes.
    if (hold != MergeHold::none) {
      std::erase_if(plan_.files, [&](const FileWrite& f) { return f.path == path; });
      conflicts_by_path_.erase(path);
      plan_.resealed.erase(path);
      merged_paths_.erase(path);
      std::string prefix;
      int year = 0;
      if (auto n = case_number(path, &prefix, &year)) std::erase(plan_.case_ids, CaseId{prefix, year, *n}.str());
    }
    std::optional<std::string> m;
    if (path == "prevent.yaml" && merged_config_text_)
      m = merged_config_text_;
    else if (hold == MergeHold::none && o == b)
      m = t;
    else if (hold == MergeHold::none && (t == b || o == t))
      m = o;
    else
      m = merge_both(path, b, *o, *t, hold);
    const auto now = ours_real_.read(path);
    if (m == now) return;
    if (!m)
      fail(Exit::store, fmt::format("{} was deleted on one side: prevent never deletes a record", terminal_safe(path)),
           "restore it on the side that deleted it (`git checkout HEAD~1 -- FILE`, commit), then sync again");
    plan_.files.push_back(FileWrite{path, *m});
    std::string prefix;
    int year = 0;
    if (auto n = case_number(path, &prefix, &year)) {
      auto id = CaseId{prefix, year, *n}.str();
      if (std::find(plan_.case_ids.begin(), plan_.case_ids.end(), id) == plan_.case_ids.end())
        plan_.case_ids.push_back(std::move(id));
    }
  }

  // A case of the merged tree that breaks a rule: where it is, the
  // meetings it is heard at (its panel entries'), and the rule.
  struct RuleBreak {
    std::string path, id, why;
    std::vector<Date> meetings;
  };

  // Every rule, on each case either side changed, as the merged tree has it
  // (with the meetings it has): two changes that each kept the rules can
  // break one together (a decision recorded on one side at a meeting whose
  // police attendance the other side removed).
  //
  // Rule 1 (nothing dated after today) is not asked: each side kept it when
  // it was written, and a merge adds no date. So the merge a later `check`
  // recomputes is the one this gives.
  std::vector<RuleBreak> check_rules(const std::map<std::string, git_delta_t>& ours,
                                     const std::map<std::string, git_delta_t>& theirs) {
    std::vector<RuleBreak> out;
    std::map<std::string, const std::string*> written;
    for (const auto& f : plan_.files) written[f.path] = &f.content;
    auto merged_text = [&](const std::string& p) -> std::optional<std::string> {
      if (auto it = written.find(p); it != written.end()) return *it->second;
      return ours_real_.read(p);
    };
    std::map<Date, std::optional<Meeting>> meetings;
    RuleContext ctx{config_, Date::latest(), [&](Date d) -> const Meeting* {
                      auto it = meetings.find(d);
                      if (it == meetings.end()) {
                        const std::string path = fmt::format("panels/{}.yaml", d.str());
                        std::optional<Meeting> m;
                        if (auto text = merged_text(path)) m = read_meeting(*text, path);
                        it = meetings.emplace(d, std::move(m)).first;
                      }
                      return it->second ? &*it->second : nullptr;
                    }};
    std::set<std::string> paths;
    for (const auto* side : {&ours, &theirs})
      for (const auto& [p, st] : *side)
        if (st != GIT_DELTA_DELETED && is_case_record_path(p)) paths.insert(p);
    for (const auto& [p, v] : ours_.overrides)
      if (v && is_case_record_path(p)) paths.insert(p);
    for (const auto& p : paths) {
      const auto text = merged_text(p);
      if (!text) continue;
      try {
        const Case c = read_case(*text, p, config_);
        try {
          check_case_rules(c, ctx);
        } catch (const Failure& f) {
          // Only a refusal is a broken rule: a rule that cannot be asked
          // without the case's key (a sealed date of birth) is not, as
          // `check` reports it.
          if (f.code() != Exit::refused) continue;
          out.push_back(RuleBreak{p, c.id, f.what(), business_meetings(c)});
        }
      } catch (const Failure&) {
        // Not readable: check reports it.
      }
    }
    return out;
  }

  MergeSide tip_side(const git_oid& id) const {
    git::Commit c = lookup_commit(repo_, id);
    return side_of(c.get());
  }

  std::optional<std::string> merge_both(const std::string& path, const std::optional<std::string>& b,
                                        const std::optional<std::string>& o, const std::optional<std::string>& t,
                                        MergeHold hold) {
    if (!o || !t)
      fail(Exit::store,
           fmt::format("{} was deleted on one side and changed on the other", terminal_safe(path)),
           "restore it on the side that deleted it, commit, then sync again");
    if (is_case_record_path(path)) {
      std::optional<Case> base;
      if (b) base = read_case(*b, path, config_);
      const Case ours = read_case(*o, path, config_);
      const Case theirs = read_case(*t, path, config_);
      // An erasure is never held: nothing of an erased case waits in a
      // conflict (SPEC's duty to forget).
      if (ours.erasure || theirs.erasure) hold = MergeHold::none;
      // Who and when, for a conflict: the side's last commit to change the
      // file, looked for only when there is a conflict to name them in.
      CaseMerge r = merge_cases(base ? &*base : nullptr, ours, theirs, tip_side(head_), tip_side(theirs_id_), hold);
      if (r.conflicted())
        r = merge_cases(base ? &*base : nullptr, ours, theirs, last_change(repo_, head_, base_id_, path),
                        last_change(repo_, theirs_id_, base_id_, path), hold);
      if (b != o && b != t) merged_paths_.insert(path);  // changed on both sides
      if (r.merged.erasure) {
        // Erased on one side (SPEC's duty to forget): no value of the other
        // side's survives it, nor a conflict left between two erased values.
        erase_personal(r.merged);
        std::erase_if(r.merged.conflicts, [](const Conflict& c) {
          return c.ours.personal_value.is_erased() && c.theirs.personal_value.is_erased() && !c.ours.value &&
                 !c.theirs.value;
        });
        std::erase_if(r.conflicts, [&](const std::string& f) {
          return std::none_of(r.merged.conflicts.begin(), r.merged.conflicts.end(),
                              [&](const Conflict& c) { return c.field == f; });
        });
      }
      for (const auto& f : r.conflicts) conflicts_by_path_[path].push_back(fmt::format("{} {}", r.merged.id, f));
      if (r.conflicted() && (has_sealed_values(ours) || has_sealed_values(theirs))) {
        plan_.resealed.insert(path);
        if (hooks_) hooks_->conflicted(r.merged);
      }
      return write_case(r.merged);
    }
    if (is_meeting_record_path(path)) {
      std::optional<Meeting> base;
      if (b) base = read_meeting(*b, path);
      const Meeting ours = read_meeting(*o, path);
      const Meeting theirs = read_meeting(*t, path);
      MeetingMerge r =
          merge_meetings(base ? &*base : nullptr, ours, theirs, tip_side(head_), tip_side(theirs_id_), hold);
      if (r.conflicted())
        r = merge_meetings(base ? &*base : nullptr, ours, theirs, last_change(repo_, head_, base_id_, path),
                           last_change(repo_, theirs_id_, base_id_, path), hold);
      if (b != o && b != t) merged_paths_.insert(path);  // changed on both sides
      for (auto& c : r.conflicts) {
        conflicts_by_path_[path].push_back(fmt::format("{} {}", r.merged.date.str(), c.field));
        r.merged.conflicts.push_back(std::move(c));
      }
      return write_meeting(r.merged);
    }
    fail(Exit::store, fmt::format("{} was changed on both sides, two different ways", terminal_safe(path)),
         std::string(kSettleBothChanged));
  }

  git_repository* repo_;
  git_oid head_, theirs_id_, base_id_;
  const SealHooks* hooks_;
  bool earlier_;
  Side ours_, theirs_, base_, ours_real_;
  // Each record's conflicts, by path (a record merged again for a rule
  // replaces its first merge's), and the records merged by field.
  std::map<std::string, std::vector<std::string>> conflicts_by_path_;
  std::set<std::string> merged_paths_;
  std::map<std::string, MergeHold> held_;  // files merged again for a rule, and how
  Config config_;
  std::optional<std::string> merged_config_text_;  // prevent.yaml merged line by line
  MergePlan plan_;
};

// Whether the merge commit's file at `f.path` is `f` but for its (P) values, which
// only the keys seal again (SealHooks): the rest of the record, every
// category, date and ID, is held to what the merge gives.
bool same_but_personal(git_repository* repo, const FileWrite& f, git_tree* tree) {
  try {
    Side side{repo, git::Tree(), {}, {}};
    git_tree* copy = nullptr;
    git_check(git_tree_dup(&copy, tree), "cannot read a merge");
    side.tree.reset(copy);
    const auto config_text = side.read("prevent.yaml");
    const auto text = side.read(f.path);
    if (!config_text || !text) return false;
    const Config config = parse_config(*config_text, "prevent.yaml");
    Case a = read_case(f.content, f.path, config), b = read_case(*text, f.path, config);
    mask_personal(a);
    mask_personal(b);
    return write_case(a) == write_case(b);
  } catch (const Failure&) {
    return false;
  }
}

// A remote reached by path or file:// is written by this process itself,
// and a sync killed while it moved this copy's key-store ref there leaves
// that ref's lock file. Only this copy writes that ref, and only under its
// writers' lock, which this process holds: such a lock is stale, and
// removed (a remote reached by SSH is written by the server's git, which
// removes its own locks).
void clear_own_key_lock(const RemoteUrl& url, const std::string& ref) {
  if (url.kind == RemoteKind::ssh) return;
  const std::filesystem::path repo(url.path);
  std::error_code ec;
  for (const auto& gitdir : {repo, repo / ".git"}) std::filesystem::remove(gitdir / (ref + ".lock"), ec);
}

// The erased cases whose keys a sync is destroying (merge_keys), one ID a
// line, until every object of them is deleted.
constexpr const char* kPurgeFile = "sync-purge";

// Deletes every object of this repository that is the key of a case the
// purge file names (as `prevent erase` does), then the file. Nothing to do
// without the file.
void finish_key_purge(Store& store) {
  const auto path = state_path(store.git(), kPurgeFile);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  std::vector<std::string> ids;
  std::string text;
  {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream bytes;
    if (file.is_open()) bytes << file.rdbuf();
    if (!file.is_open() || file.bad())
      fail(Exit::store, fmt::format("{} cannot be read", shown_state_path(kPurgeFile)),
           "it lists the erased cases a sync was destroying the keys of; check the file's permissions");
    text = bytes.str();
  }
  for (size_t start = 0; start < text.size();) {
    const size_t nl = text.find('\n', start);
    const std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? text.size() : nl + 1;
    const auto id = parse_case_id(line);
    if (!id || id->str() != line)
      fail(Exit::store, fmt::format("{} is damaged", shown_state_path(kPurgeFile)),
           "it lists the erased cases a sync was destroying the keys of; `prevent check` finds any key left");
    ids.push_back(line);
  }
  if (!ids.empty()) destroy_case_keys(store, ids, {});
  std::filesystem::remove(path);
  fsync_directory(path.parent_path());
}

// What the keys do in a merge of an encrypted store (SealHooks).
SealHooks encrypted_store_hooks(Store& store) {
  SealHooks h;
  h.renumbered = [&store](Case& c, const std::string& old_id) {
    Keyring& k = store.keyring();
    if (!k.unlocked())
      fail(Exit::store,
           fmt::format("{} was numbered on both copies and is renumbered here, which in an encrypted store needs the "
                       "key: its values are sealed under its ID",
                       old_id),
           "run the sync with --identity FILE (docs/encryption.md); nothing was merged");
    const std::string new_id = c.id;
    c.id = old_id;
    // The case's data key: under its old ID; or, where a sync was stopped
    // after it wrote the key store and before its commit, already under
    // the new one (the old ID's is then the other copy's). An erased case
    // has none: only its erasure's reason is sealed, with the store's key.
    const std::string where = case_path(old_id, parse_case_id(old_id)->year);
    auto opened = [&](const CaseKeys& keys) {
      Case attempt = c;
      try {
        open_personal(attempt, keys, where);
      } catch (const Failure&) {
        return false;
      }
      c = std::move(attempt);
      return true;
    };
    CaseKeys keys = store.case_keys(old_id);
    if (!(keys.case_key || c.erasure) || !opened(keys)) {
      keys = CaseKeys{k.store_id(), k.case_key(new_id), k.store_data_key()};
      if (!keys.case_key || !opened(keys))
        fail(Exit::store, fmt::format("{} has sealed values and no data key that opens them in this store", old_id),
             "run `prevent check keys`; nothing was merged");
    }
    c.id = new_id;
    // The same data key, under the new ID (written with the merged keys);
    // an erased case has none, and its erasure's reason is the store's.
    CaseKeys sealing{k.store_id(), std::nullopt, k.store_data_key()};
    if (keys.case_key) sealing.case_key = k.case_key_for_writing(new_id, *keys.case_key);
    seal_personal(c, sealing);
  };
  h.conflicted = [&store](Case& c) {
    Keyring& k = store.keyring();
    seal_merged_conflicts(c, k.unlocked() ? store.case_keys(c.id) : CaseKeys{k.store_id(), std::nullopt, std::nullopt});
  };
  return h;
}

// An encrypted store's keys for `merged`, the tree of this round's commit:
// every fetched key store's keys taken into this store's, those of cases
// the tree holds erased dropped and every object of theirs deleted, then
// the fetched key stores' refs deleted. Before the commit: a sync killed
// after it leaves keys for records the next sync brings.
// Returns the cases other copies offer different keys for that this run
// could not tell apart (none was taken).
std::vector<std::string> merge_keys(Store& store, const Side& merged, const std::vector<FileWrite>& written,
                                    const MergePlan* plan) {
  git_repository* repo = store.git().raw();
  Keyring::KeyMergeInput in;
  for (const auto& name : refs_under(repo, kIncomingKeys))
    if (auto id = ref_id(repo, name)) in.others.push_back(git::object_id(*id));
  const auto recipients = merged.read(kRecipientsPath);
  if (!recipients)
    fail(Exit::store, "the remote's branch has no keys/recipients.yaml: it is a plain store",
         "a store syncs only with copies of itself (a clone); nothing was merged");
  in.recipients_text = *recipients;
  if (plan)
    for (const auto& [old_id, new_id] : plan->renumbered) in.moved_away.insert(old_id);
  auto record_of = [](const Side& side, std::string_view id) -> std::optional<std::string> {
    const auto parsed = parse_case_id(std::string(id));
    if (!parsed || parsed->str() != id) return std::nullopt;
    return side.read(case_path(std::string(id), parsed->year));
  };
  git::Commit head = lookup_commit(repo, *store.git().head());
  const Side here{repo, tree_of(head.get()), {}, {}};
  in.held = [&](std::string_view id) { return record_of(merged, id).has_value(); };
  in.held_here = [&](std::string_view id) { return record_of(here, id).has_value(); };
  // Erased: a top-level `erasure` key (as prevent writes it). The records
  // this round writes are read in full (erased_written).
  in.erased = [&](std::string_view id) {
    const auto text = record_of(merged, id);
    return text && (text->starts_with("erasure:") || text->find("\nerasure:") != std::string::npos);
  };
  for (const auto& f : written)
    if (is_case_record_path(f.path)) try {
        const Case c = read_case(f.content, f.path, store.config());
        if (c.erasure) in.erased_written.insert(c.id);
      } catch (const Failure&) {
        // Not readable: the commit's own checks refuse it.
      }
  in.opens = [&](std::string_view id, const crypto::SecretKey& key) {
    const auto text = record_of(merged, id);
    if (!text) return false;
    try {
      Case c = read_case(*text, std::string(id), store.config());
      if (!has_sealed_values(c)) return false;
      open_personal(c, CaseKeys{store.keyring().store_id(), key, std::nullopt}, std::string(id));
      return !has_sealed_values(c) || c.erasure.has_value();
    } catch (const Failure&) {
      return false;
    }
  };
  // The erased cases whose keys go are written down first: a sync killed
  // before it has deleted every object of them finishes it next time.
  in.before_write = [&](const std::vector<std::string>& ids) {
    std::string text;
    for (const auto& id : ids) text += id + "\n";
    make_private_dirs(state_dir(store.git()));
    write_file_atomically(state_path(store.git(), kPurgeFile), text);
  };
  Keyring::KeyMerge r = store.keyring().merge_key_stores(in);
  // The fetched key stores' refs go before the objects they reach.
  delete_incoming_keys(repo);
  finish_key_purge(store);
  return std::move(r.undecided);
}

}  // namespace sync_steps
}  // namespace

std::optional<std::string> sync_merge_differs(const Store& store, const ObjectId& commit_id) {
  using namespace sync_steps;
  git_repository* repo = store.git().raw();
  const git_oid id = git::oid(commit_id);
  git::Commit c = lookup_commit(repo, id);
  if (git_commit_parentcount(c.get()) != 2) return "it does not have two parents";
  const git_oid p1 = *git_commit_parent_id(c.get(), 0), p2 = *git_commit_parent_id(c.get(), 1);
  git_oid base;
  if (git_merge_base(&base, repo, &p1, &p2) != 0) return "its parents have no history in common";
  git::Commit first = lookup_commit(repo, p1);
  git::Tree before = tree_of(first.get()), after = tree_of(c.get());
  auto differs = [&](bool earlier) -> std::optional<std::string> {
    MergePlan plan;
    try {
      plan = TreeMerge(repo, p1, p2, base, nullptr, earlier).run();
    } catch (const Failure& f) {
      return fmt::format("prevent would not merge its parents: {}", f.what());
    }
    std::set<std::string> expected;
    PathLookup merged(repo, after.get());
    for (const auto& f : plan.files) {
      expected.insert(f.path);
      git_oid want;
      git_check(git_odb_hash(&want, f.content.data(), f.content.size(), GIT_OBJECT_BLOB), "cannot hash a merged file");
      const auto have = merged.blob(f.path);
      if (have && !git_oid_equal(&*have, &want) && plan.resealed.count(f.path) &&
          same_but_personal(repo, f, after.get()))
        continue;
      if (!have || !git_oid_equal(&*have, &want))
        return fmt::format("{} is not what prevent's merge of its parents gives", terminal_safe(f.path));
    }
    for (const auto& [path, status] : changed_paths(repo, before.get(), after.get()))
      if (!expected.count(path))
        return fmt::format("it changes {}, which prevent's merge of its parents leaves", terminal_safe(path));
    return std::nullopt;
  };
  auto why = differs(false);
  // A merge made by an earlier prevent (which held nothing for a rule, and
  // named no renumbered case in the case that kept its number) is what
  // prevent's merge then gave.
  if (why && !differs(true)) return std::nullopt;
  return why;
}

SyncResult sync_store(Store& store, const SyncOptions& options) {
  using namespace sync_steps;
  git_repository* repo = store.git().raw();
  Target target = open_remote(repo, store.root(), options.remote);
  auto lock = store.lock();
  // What a commit would refuse (an interrupted write, no git identity), asked
  // before anything is fetched.
  store.require_can_commit({});
  const bool encrypted = store.keyring().encrypted();
  const std::string branch = current_branch(repo);
  store.git().require_clean_work_tree(
      "commit them (then run `prevent check`) or restore the file with `git checkout -- FILE`, then sync");
  const std::string short_branch = branch.substr(std::string_view("refs/heads/").size());
  const std::string last_had = target.name.empty() ? "" : fmt::format("refs/prevent/sync-last/{}/{}", target.name, short_branch);
  const std::string tracking = target.name.empty() ? "" : fmt::format("refs/remotes/{}/{}", target.name, short_branch);
  const std::string their_verified = target.name.empty() ? "" : fmt::format("refs/prevent/remotes/{}/verified", target.name);
  clear_stale_sync_locks(repo);
  const std::string own_keys = encrypted ? kKeysOf + copy_name(store.git()) : "";
  // An erasure's keys a killed sync had begun to destroy.
  if (encrypted) finish_key_purge(store);
  const SealHooks hooks = encrypted_store_hooks(store);

  SyncResult result;
  std::optional<git_oid> theirs_seen;  // the remote's head the last refused push was made against
  for (int round = 1; round <= options.max_rounds; ++round) {
    result.rounds = round;
    // What this store last had from the remote (the remote-tracking branch
    // before any sync recorded it).
    auto before = last_had.empty() ? std::nullopt : ref_id(repo, last_had);
    if (!before && !tracking.empty()) before = ref_id(repo, tracking);
    fetch(target, branch, encrypted);
    // What the remote holds as this copy's key store (read before the
    // fetched key stores' refs are deleted): pushed again only when this
    // store's differs.
    const auto remote_own_keys =
        encrypted ? ref_id(repo, kIncomingKeys + std::string("of/") + own_keys.substr(std::string_view(kKeysOf).size()))
                  : std::nullopt;
    const auto head = store.git().head();
    if (!head) fail(Exit::store, "the store has no commit yet");
    const auto theirs = ref_id(repo, kIncomingRef);
    if (theirs && before && !git_oid_equal(&*before, &*theirs) &&
        git_graph_descendant_of(repo, &*theirs, &*before) != 1) {
      set_ref(repo, tracking, *before, "sync: kept what was had before the remote was rewritten");
        fail(Exit::store,
             fmt::format("the remote's branch no longer holds what this store last had from it: its history was "
                         "rewritten ({})",
                         tracking),
             fmt::format("nothing was merged; compare with `git log {}` and ask who rewrote {}", tracking, target.shown));
    }
    // What this round makes of the two: nothing, a fast-forward, or a merge.
    std::optional<std::vector<FileWrite>> forward;
    std::optional<MergePlan> plan;
    git::Commit head_commit = lookup_commit(repo, *head);
    Side merged{repo, tree_of(head_commit.get()), {}, {}};  // the tree this round's commit will have
    if (theirs && !git_oid_equal(&*head, &*theirs) && git_graph_descendant_of(repo, &*head, &*theirs) != 1) {
      if (git_graph_descendant_of(repo, &*theirs, &*head) == 1) {
        // A fast-forward: the remote's commits, as they are.
        git::Commit tc = lookup_commit(repo, *theirs);
        git::Tree ht = tree_of(head_commit.get()), tt = tree_of(tc.get());
        merged = Side{repo, tree_of(tc.get()), {}, {}};
        forward.emplace();
        for (const auto& [path, status] : changed_paths(repo, ht.get(), tt.get())) {
          if (status == GIT_DELTA_DELETED)
            fail(Exit::store, fmt::format("{} was deleted on the remote: prevent never deletes a record",
                                          terminal_safe(path)),
                 "restore it on the remote's side, then sync again; nothing was changed here");
          forward->push_back(FileWrite{path, *merged.read(path)});
        }
      } else {
        git_oid base;
        if (git_merge_base(&base, repo, &*head, &*theirs) != 0)
          fail(Exit::store, fmt::format("this store and {} have no history in common", target.shown),
               "a store syncs only with copies of itself (a clone)");
        plan = TreeMerge(repo, *head, *theirs, base, encrypted ? &hooks : nullptr).run();
        for (const auto& f : plan->files) merged.overrides[f.path] = f.content;
      }
    }
    // The keys the merged tree needs, written before the commit that needs
    // them (as every write of a sealed value is).
    if (encrypted)
      for (auto& id : merge_keys(store, merged, forward ? *forward : plan ? plan->files : std::vector<FileWrite>{},
                                 plan ? &*plan : nullptr))
        if (std::find(result.undecided_keys.begin(), result.undecided_keys.end(), id) == result.undecided_keys.end())
          result.undecided_keys.push_back(std::move(id));
    if (forward) {
      store.commit(*forward, "sync: fast-forward", {}, CommitKind{std::nullopt, git::object_id(*theirs)});
      result.local = SyncResult::Local::fast_forward;
    } else if (plan) {
      const std::string subject =
          plan->files.empty() ? fmt::format("merge from {}", target.name.empty() ? "a remote" : target.name)
                              : fmt::format("merge from {} ({} file{})", target.name.empty() ? "a remote" : target.name,
                                            plan->files.size(), plan->files.size() == 1 ? "" : "s");
      store.commit(plan->files, commit_message("sync", subject, plan->case_ids, "sync"), {},
                   CommitKind{git::object_id(*theirs), std::nullopt});
      result.local = SyncResult::Local::merged;
      result.conflicts.insert(result.conflicts.end(), plan->conflicts.begin(), plan->conflicts.end());
      result.renumbered.insert(result.renumbered.end(), plan->renumbered.begin(), plan->renumbered.end());
      result.rule_breaks.insert(result.rule_breaks.end(), plan->rule_breaks.begin(), plan->rule_breaks.end());
      result.held_for_rules.insert(result.held_for_rules.end(), plan->held_for_rules.begin(),
                                   plan->held_for_rules.end());
      result.merged_records += plan->merged_records;
    }
    if (theirs && !last_had.empty()) {
      set_ref(repo, last_had, *theirs, "sync: fetched");
      set_ref_if_can(repo, tracking, *theirs, "sync: fetched");
    }
    // The remote's verified head, for check (never moved backwards).
    if (auto v = ref_id(repo, kIncomingVerifiedRef); v && !their_verified.empty()) {
      auto had = ref_id(repo, their_verified);
      if (!had || git_oid_equal(&*had, &*v) || git_graph_descendant_of(repo, &*v, &*had) == 1)
        set_ref(repo, their_verified, *v, "sync: the remote's verified head");
    }
    const auto now = store.git().head();
    result.head = oid_hex(*now);
    // This copy's key store goes first: the remote never holds a record
    // whose key it lacks. Forced, to this copy's own ref only.
    if (encrypted) {
      const auto keys = ref_id(repo, kKeyStoreRef);
      if (keys && !(remote_own_keys && git_oid_equal(&*keys, &*remote_own_keys))) {
        clear_own_key_lock(target.push_url, own_keys);
        const std::string refused = push(target, kKeyStoreRef, own_keys, true);
        if (!refused.empty())
          fail(Exit::store, fmt::format("{} refused this store's keys: {}", target.shown, terminal_safe(refused)),
               "nothing of this store's branch was pushed; run `prevent sync` again");
      }
    }
    if (theirs && git_oid_equal(&*now, &*theirs)) return result;  // the remote has it all
    const std::string refused = push(target, branch, branch);
    if (refused.empty()) {
      result.pushed = true;
      if (!last_had.empty()) {
        set_ref(repo, last_had, *now, "sync: pushed");
        set_ref_if_can(repo, tracking, *now, "sync: pushed");
      }
      // The verified head goes with it when it is this head (never forced).
      if (auto v = ref_id(repo, kVerifiedRef); v && git_oid_equal(&*v, &*now)) push(target, kVerifiedRef, kVerifiedRef);
      return result;
    }
    // Refused: most likely someone pushed meanwhile; fetch and merge again.
    // When the remote has not moved, another round would be refused alike.
    const bool moved = !(theirs_seen.has_value() == theirs.has_value() && (!theirs || git_oid_equal(&*theirs_seen, &*theirs)));
    if (round == options.max_rounds || (round > 1 && !moved) || refused.find(".lock") != std::string::npos) {
      const bool lock = refused.find(".lock") != std::string::npos;
      fail(Exit::store, fmt::format("{} refused the push: {}", target.shown, terminal_safe(refused)),
           lock ? "what this store merged is kept. An interrupted push can leave a lock file in a remote reached by "
                  "path: once nobody is pushing to it, remove the .lock file named, then run `prevent sync` again"
                : "what this store merged is kept; run `prevent sync` again");
    }
    theirs_seen = theirs;
  }
  return result;
}

}  // namespace prevent

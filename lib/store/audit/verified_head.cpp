#include "verified_head.hpp"

#include <fstream>
#include <memory>
#include <set>
#include <string_view>
#include <vector>
#include <sstream>
#include <string>

#include "git_handles.hpp"
#include "recorded_head.hpp"
#include "state_dir.hpp"

namespace prevent {

namespace fs = std::filesystem;

fs::path verified_head_path(const GitRepo& git) {
  return state_path(git, "verified-head");
}

RecordedHead read_verified_head(const GitRepo& git) {
  RecordedHead r;
  fs::path p = verified_head_path(git);
  std::ifstream in(p);
  if (!in) return r;
  r.present = true;
  std::string text;
  std::getline(in, text);
  git_oid id;
  if (text.size() == GIT_OID_HEXSZ && git_oid_fromstr(&id, text.c_str()) == 0) r.id = id;
  return r;
}

bool in_history_of(git_repository* repo, const git_oid& ancestor, const git_oid& descendant) {
  if (git_oid_equal(&ancestor, &descendant)) return true;
  return git_graph_descendant_of(repo, &descendant, &ancestor) == 1;
}

namespace {

// A merge made by `prevent sync` (Prevent-Action: sync, two parents):
// check recomputes each (history_check.cpp), so what it brought in through
// its second parent is on the verified line as much as its first.
bool is_sync_merge(git_commit* c) {
  if (git_commit_parentcount(c) != 2) return false;
  const char* message = git_commit_message(c);
  if (!message) return false;
  git::Trailers trailers;
  if (git_message_trailers(trailers.get(), message) < 0) return false;
  for (size_t i = 0; i < trailers.array.count; ++i)
    if (std::string_view(trailers.array.trailers[i].key) == "Prevent-Action")
      return std::string_view(trailers.array.trailers[i].value) == "sync";
  return false;
}

}  // namespace

bool on_first_parent_chain(git_repository* repo, const git_oid& ancestor, const git_oid& head) {
  // Newest first, so that the usual case (the verified head is HEAD or its
  // parent) costs a commit or two; a rewritten history costs one walk of
  // the chain (and of each sync merge's other line).
  std::vector<git_oid> lines{head};
  std::set<std::string> seen;
  while (!lines.empty()) {
    git_oid at = lines.back();
    lines.pop_back();
    for (;;) {
      if (git_oid_equal(&at, &ancestor)) return true;
      if (!seen.insert(std::string(reinterpret_cast<const char*>(at.id), GIT_OID_RAWSZ)).second) break;
      git_commit* raw = nullptr;
      if (git_commit_lookup(&raw, repo, &at) < 0) break;
      git::Commit commit(raw);
      if (git_commit_parentcount(raw) == 0) break;
      if (is_sync_merge(raw)) lines.push_back(*git_commit_parent_id(raw, 1));
      at = *git_commit_parent_id(raw, 0);
    }
  }
  return false;
}

RecordedHead read_verified_ref(const GitRepo& git, const char* name) {
  RecordedHead r;
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, git.raw(), name) < 0) return r;
  git::Reference ref(raw);
  r.present = true;
  git_reference* resolved_raw = nullptr;
  if (git_reference_resolve(&resolved_raw, ref.get()) < 0) return r;
  git::Reference resolved(resolved_raw);
  if (const git_oid* id = git_reference_target(resolved.get())) r.id = *id;
  return r;
}

bool advance_verified_head(const GitRepo& git, const git_oid& head) {
  git_repository* repo = git.raw();
  RecordedHead before = read_verified_head(git);
  if (before.present && (!before.id || !on_first_parent_chain(repo, *before.id, head))) return false;
  // The published copy is evidence too: a history that lost it does not
  // replace it either.
  RecordedHead published = read_verified_ref(git, kVerifiedRef);
  if (published.present && (!published.id || !on_first_parent_chain(repo, *published.id, head))) return false;
  if (!before.id || !git_oid_equal(&*before.id, &head))
    write_file_atomically(verified_head_path(git), git::object_id(head).hex() + "\n");
  // libgit2 runs no hook (reference-transaction) to write it.
  if (!published.id || !git_oid_equal(&*published.id, &head)) {
    git_reference* raw = nullptr;
    if (git_reference_create(&raw, repo, kVerifiedRef, &head, 1, "prevent: verified head") == 0)
      git_reference_free(raw);
  }
  return true;
}

bool advance_verified_head_to_head(const Store& store) {
  auto head = store.git().head();
  return head && advance_verified_head(store.git(), *head);
}

namespace {

class VerifiedHead final : public DerivedIndex {
 public:
  void after_commit(const CommitRecord& r) override { advance_verified_head(r.store.git(), git::oid(r.commit)); }
};

}  // namespace

void keep_verified_head(Store& store) { store.keep_up_to_date(std::make_shared<VerifiedHead>()); }

}  // namespace prevent

#include "verified_head.hpp"

#include <fstream>
#include <memory>
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

bool on_first_parent_chain(git_repository* repo, const git_oid& ancestor, const git_oid& head) {
  // Newest first, so that the usual case (the verified head is HEAD or its
  // parent) costs a commit or two; a rewritten history costs one walk of
  // the chain.
  git_oid at = head;
  for (;;) {
    if (git_oid_equal(&at, &ancestor)) return true;
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &at) < 0) return false;
    git::Commit commit(raw);
    if (git_commit_parentcount(raw) == 0) return false;
    at = *git_commit_parent_id(raw, 0);
  }
}

bool advance_verified_head(const GitRepo& git, const git_oid& head) {
  RecordedHead before = read_verified_head(git);
  if (before.present && (!before.id || !on_first_parent_chain(git.raw(), *before.id, head))) return false;
  if (before.id && git_oid_equal(&*before.id, &head)) return true;
  write_file_atomically(verified_head_path(git), git::object_id(head).hex() + "\n");
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

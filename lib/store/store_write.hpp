// What a write to the store is made of, and what repairing an interrupted
// one did: the values the store's one-commit path (git_repo.hpp,
// store-internal) takes and gives that its callers see.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "object_id.hpp"

namespace prevent {

struct FileWrite {
  std::string path;     // relative to the work tree, '/'-separated
  std::string content;  // new bytes
};

// What kind of commit Store::commit makes (GitRepo's CommitShape): by
// default one with HEAD as its parent; `merge_parent`, a merge with that
// commit as its second parent; `adopt`, a fast-forward to that commit (no
// commit made: the files are what its tree changes). Only `prevent sync`
// asks for the other two.
struct CommitKind {
  std::optional<ObjectId> merge_parent;
  std::optional<ObjectId> adopt;
};

// What repair() did.
struct Repair {
  enum class Outcome {
    completed,        // the branch had moved: the work tree and index now match it
    rolled_back,      // it had not: files and index entries put back
    committed_since,  // HEAD was committed since (the files by hand): they match HEAD
  };
  Outcome outcome = Outcome::rolled_back;
  std::string subject;     // the interrupted commit's subject (IDs, never personal data)
  size_t files = 0;
};

}  // namespace prevent

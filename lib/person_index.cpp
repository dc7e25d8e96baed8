#include "person_index.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "failure.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kHeader = "prevent person index v1";

std::string hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

fs::path index_path(const Store& store) {
  return fs::path(git_repository_path(store.git().raw())) / "prevent" / "people-v1";
}

}  // namespace

std::string person_key_hash(const std::string& key) {
  git_oid id;
  git_odb_hash(&id, key.data(), key.size(), GIT_OBJECT_BLOB);
  return hex(id);
}

PersonIndex PersonIndex::load(const Store& store) {
  // Read what was cached; anything unreadable is simply recomputed.
  std::map<std::string, Entry> cached;
  {
    std::ifstream in(index_path(store));
    std::string line;
    if (in && std::getline(in, line) && line == kHeader) {
      while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string id;
        Entry e;
        if (ls >> id >> e.path >> e.blob_hex >> e.key_hash && e.blob_hex.size() == GIT_OID_HEXSZ)
          cached[id] = e;
      }
    }
  }
  PersonIndex index;
  bool changed = false;
  for (const auto& file : store.case_files()) {
    std::string blob = hex(file.blob);
    auto it = cached.find(file.id);
    if (it != cached.end() && it->second.blob_hex == blob && it->second.path == file.path) {
      index.by_id_[file.id] = it->second;
      continue;
    }
    changed = true;
    Entry e{file.path, blob, "-"};
    try {
      auto key = person_key(store.load_case(file));
      if (key) e.key_hash = person_key_hash(*key);
    } catch (const Failure&) {
      // An invalid record matches nothing; `check` reports it.
    }
    index.by_id_[file.id] = e;
  }
  for (const auto& [id, e] : index.by_id_)
    if (e.key_hash != "-") index.by_hash_.emplace(e.key_hash, id);
  if (changed || cached.size() != index.by_id_.size()) {
    std::string text = std::string(kHeader) + "\n";
    for (const auto& [id, e] : index.by_id_) text += fmt::format("{} {} {} {}\n", id, e.path, e.blob_hex, e.key_hash);
    try {
      write_file_atomically(index_path(store), text);
    } catch (const Failure&) {
      // A cache that cannot be written is rebuilt next time.
    }
  }
  return index;
}

std::vector<std::string> PersonIndex::matches(const Store& store, const std::string& key) const {
  std::vector<std::string> out;
  std::string hash = person_key_hash(key);
  auto [first, last] = by_hash_.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    const std::string& id = it->second;
    auto cid = parse_case_id(id);
    if (!cid) continue;
    try {
      if (person_key(store.load_case(*cid)) == key) out.push_back(id);
    } catch (const Failure&) {
    }
  }
  auto [bfirst, blast] = batch_by_key_.equal_range(key);
  for (auto it = bfirst; it != blast; ++it) out.push_back(it->second);
  std::sort(out.begin(), out.end());
  return out;
}

void PersonIndex::add(const std::string& id, const std::string& key) {
  if (auto it = batch_.find(id); it != batch_.end()) {
    auto [first, last] = batch_by_key_.equal_range(it->second);
    for (auto b = first; b != last; ++b)
      if (b->second == id) {
        batch_by_key_.erase(b);
        break;
      }
  }
  batch_[id] = key;
  batch_by_key_.emplace(key, id);
}

}  // namespace prevent

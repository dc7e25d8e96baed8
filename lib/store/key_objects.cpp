#include "key_objects.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "case_id.hpp"
#include "durable_file.hpp"
#include "failure.hpp"
#include "git_handles.hpp"

namespace fs = std::filesystem;

namespace prevent {

namespace {

constexpr std::string_view kKeyBlobMagic = "prevent data key 1\ncase: ";

std::string hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

fs::path objects_dir(const GitRepo& git) { return fs::path(git_repository_commondir(git.raw())) / "objects"; }

// The tree of the key store's commit, and that commit; nullopt when there
// is no key store.
struct KeyStoreHead {
  git_oid commit;
  git::Tree tree;
};
std::optional<KeyStoreHead> key_store_head(const GitRepo& git) {
  git_oid commit_id;
  int rc = git_reference_name_to_id(&commit_id, git.raw(), kKeyStoreRef);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  git_check(rc, "cannot read the key store ref");
  git_commit* raw_commit = nullptr;
  git_check(git_commit_lookup(&raw_commit, git.raw(), &commit_id), "cannot read the key store's commit");
  git::Commit commit(raw_commit);
  git_tree* raw_tree = nullptr;
  git_check(git_commit_tree(&raw_tree, commit.get()), "cannot read the key store's tree");
  return KeyStoreHead{commit_id, git::Tree(raw_tree)};
}

// The case ID a key blob's bytes name, when they are one of a case.
std::optional<std::string_view> key_blob_case(std::string_view bytes) {
  if (bytes.substr(0, kKeyBlobMagic.size()) != kKeyBlobMagic) return std::nullopt;
  std::string_view rest = bytes.substr(kKeyBlobMagic.size());
  size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) return std::nullopt;
  return rest.substr(0, nl);
}

// A pack's index file, read whole (the ids are a twentieth of a v2 index's
// bytes at most; an index is a few MB for a million objects).
struct PackIndex {
  fs::path idx;
  std::vector<git_oid> ids;  // sorted, as the index keeps them
  bool contains(const git_oid& id) const {
    return std::binary_search(ids.begin(), ids.end(), id,
                              [](const git_oid& a, const git_oid& b) { return git_oid_cmp(&a, &b) < 0; });
  }
  std::string pack_name() const { return idx.stem().string() + ".pack"; }
};

std::vector<PackIndex> read_pack_indexes(const fs::path& objects) {
  std::vector<PackIndex> out;
  std::error_code ec;
  fs::path dir = objects / "pack";
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const fs::path& p = entry.path();
    std::string name = p.filename().string();
    if (p.extension() != ".idx" || name.rfind("pack-", 0) != 0) continue;
    // An index without its pack is not a pack git reads: leave it.
    fs::path pack = p;
    pack.replace_extension(".pack");
    if (!fs::exists(pack, ec)) continue;
    out.push_back({p, pack_index_ids(p)});
  }
  std::sort(out.begin(), out.end(), [](const PackIndex& a, const PackIndex& b) { return a.idx < b.idx; });
  return out;
}

fs::path loose_path(const fs::path& objects, const git_oid& id) {
  std::string h = hex(id);
  return objects / h.substr(0, 2) / h.substr(2);
}

void remove_durably(const fs::path& file) {
  if (::unlink(file.c_str()) != 0 && errno != ENOENT)
    fail(Exit::store, fmt::format("cannot remove {}: {}", file.string(), std::strerror(errno)));
}

}  // namespace

void clear_stale_key_store_lock(git_repository* repo) {
  std::error_code ec;
  fs::remove(fs::path(git_repository_commondir(repo)) / (std::string(kKeyStoreRef) + ".lock"), ec);
}

std::string case_key_path(std::string_view case_id) {
  auto id = parse_case_id(case_id);
  if (!id) fail(Exit::invalid_data, fmt::format("not a case ID: {}", case_id));
  return fmt::format("cases/{:04}/{:02}/{}", id->year, id->number / 100, id->str());
}

bool key_store_has_case(const GitRepo& git, std::string_view case_id) {
  auto head = key_store_head(git);
  if (!head) return false;
  git_tree_entry* raw = nullptr;
  int rc = git_tree_entry_bypath(&raw, head->tree.get(), case_key_path(case_id).c_str());
  if (rc == GIT_ENOTFOUND) return false;
  git_check(rc, "cannot read the key store's tree");
  git::TreeEntry entry(raw);
  return true;
}

std::set<std::string> key_store_cases(const GitRepo& git) {
  std::set<std::string> out;
  auto head = key_store_head(git);
  if (!head) return out;
  git_tree_entry* raw = nullptr;
  int rc = git_tree_entry_bypath(&raw, head->tree.get(), "cases");
  if (rc == GIT_ENOTFOUND) return out;
  git_check(rc, "cannot read the key store's tree");
  git::TreeEntry entry(raw);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return out;
  git_tree* raw_tree = nullptr;
  git_check(git_tree_lookup(&raw_tree, git.raw(), git_tree_entry_id(entry.get())), "cannot read the key store's tree");
  git::Tree cases(raw_tree);
  git_check(git_tree_walk(
                cases.get(), GIT_TREEWALK_PRE,
                [](const char*, const git_tree_entry* e, void* payload) -> int {
                  if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
                    static_cast<std::set<std::string>*>(payload)->insert(git_tree_entry_name(e));
                  return 0;
                },
                &out),
            "cannot read the key store's tree");
  return out;
}

bool remove_case_key(GitRepo& git, std::string_view case_id) {
  auto head = key_store_head(git);
  if (!head || !key_store_has_case(git, case_id)) return false;
  const std::string path = case_key_path(case_id);

  // The tree without the entry; then without the directories it leaves
  // empty (git_tree_create_updated keeps an empty tree as an entry).
  git_tree_update update{};
  update.action = GIT_TREE_UPDATE_REMOVE;
  update.path = path.c_str();
  git_oid tree_id;
  git_check(git_tree_create_updated(&tree_id, git.raw(), head->tree.get(), 1, &update),
            "cannot write the key store's tree");
  for (std::string dir = path.substr(0, path.rfind('/')); dir.find('/') != std::string::npos;
       dir = dir.substr(0, dir.rfind('/'))) {
    git_tree* raw_tree = nullptr;
    git_check(git_tree_lookup(&raw_tree, git.raw(), &tree_id), "cannot read the key store's tree");
    git::Tree tree(raw_tree);
    git_tree_entry* raw_entry = nullptr;
    if (git_tree_entry_bypath(&raw_entry, tree.get(), dir.c_str()) != 0) continue;
    git::TreeEntry entry(raw_entry);
    git_tree* raw_sub = nullptr;
    git_check(git_tree_lookup(&raw_sub, git.raw(), git_tree_entry_id(entry.get())),
              "cannot read the key store's tree");
    git::Tree sub(raw_sub);
    if (git_tree_entrycount(sub.get()) != 0) break;
    git_tree_update drop{};
    drop.action = GIT_TREE_UPDATE_REMOVE;
    drop.path = dir.c_str();
    git_check(git_tree_create_updated(&tree_id, git.raw(), tree.get(), 1, &drop), "cannot write the key store's tree");
  }

  git_tree* raw_tree = nullptr;
  git_check(git_tree_lookup(&raw_tree, git.raw(), &tree_id), "cannot read the key store's tree");
  git::Tree tree(raw_tree);
  GitIdentity who = git.identity();
  git_signature* raw_sig = nullptr;
  git_check(git_signature_now(&raw_sig, who.name.c_str(), who.email.c_str()), "cannot make the key store's signature");
  git::Signature sig(raw_sig);
  git_oid commit_id;
  git_check(git_commit_create(&commit_id, git.raw(), nullptr, sig.get(), sig.get(), nullptr, "prevent key store\n",
                              tree.get(), 0, nullptr),
            "cannot write the key store's commit");
  git_reference* raw_ref = nullptr;
  clear_stale_key_store_lock(git.raw());
  int rc = git_reference_create_matching(&raw_ref, git.raw(), kKeyStoreRef, &commit_id, 1, &head->commit,
                                         "prevent: key store");
  if (rc == GIT_EMODIFIED)
    fail(Exit::store, "the key store was changed by another writer while a key was removed", "run the command again");
  git_check(rc, "cannot move the key store ref");
  git::Reference ref(raw_ref);
  return true;
}

std::vector<KeyObject> find_key_objects(const GitRepo& git, const std::set<std::string>& case_ids) {
  std::vector<KeyObject> found;
  if (case_ids.empty()) return found;
  git_odb* raw_odb = nullptr;
  git_check(git_repository_odb(&raw_odb, git.raw()), "cannot open the object database");
  git::Odb odb(raw_odb);

  struct Walk {
    git_odb* odb;
    const std::set<std::string>* ids;
    std::vector<KeyObject>* found;
    std::optional<Failure> failure;
  } walk{odb.get(), &case_ids, &found, std::nullopt};

  int rc = git_odb_foreach(
      odb.get(),
      [](const git_oid* id, void* payload) -> int {
        auto& w = *static_cast<Walk*>(payload);
        size_t size = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        if (git_odb_read_header(&size, &type, w.odb, id) != 0) {
          w.failure = Failure(Exit::store, fmt::format("cannot read object {}: {}", hex(*id), git_error_text()));
          return GIT_EUSER;
        }
        if (type != GIT_OBJECT_BLOB || size > kKeyBlobReadLimit || size < kKeyBlobMagic.size()) return 0;
        git_odb_object* raw = nullptr;
        if (git_odb_read(&raw, w.odb, id) != 0) {
          w.failure = Failure(Exit::store, fmt::format("cannot read object {}: {}", hex(*id), git_error_text()));
          return GIT_EUSER;
        }
        git::OdbObject obj(raw);
        std::string_view bytes(static_cast<const char*>(git_odb_object_data(obj.get())), git_odb_object_size(obj.get()));
        auto case_id = key_blob_case(bytes);
        if (case_id && w.ids->count(std::string(*case_id))) {
          // The same object may be listed twice (loose and packed).
          for (const auto& k : *w.found)
            if (git_oid_equal(&k.id, id)) return 0;
          w.found->push_back({*id, std::string(*case_id), {}});
        }
        return 0;
      },
      &walk);
  if (walk.failure) throw *walk.failure;
  git_check(rc, "cannot list the object database");
  if (found.empty()) return found;

  // Where each is kept.
  const fs::path objects = objects_dir(git);
  auto packs = read_pack_indexes(objects);
  std::error_code ec;
  const bool alternates = fs::exists(objects / "info" / "alternates", ec) ||
                          std::getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES") != nullptr;
  for (auto& k : found) {
    static const std::string loose = "loose object", alternate = "alternate object store";
    if (fs::exists(loose_path(objects, k.id), ec)) k.places.push_back(loose);
    for (const auto& p : packs)
      if (p.contains(k.id)) k.places.push_back("pack " + p.pack_name());
    // Nowhere in this repository's files: in another's (alternates), or in
    // a pack this process still has open whose files an earlier purge of
    // the same run deleted (libgit2 keeps the packs it read), which is
    // gone from the disk.
    if (k.places.empty() && alternates) k.places.push_back(alternate);
  }
  std::erase_if(found, [](const KeyObject& k) { return k.places.empty(); });
  std::sort(found.begin(), found.end(), [](const KeyObject& a, const KeyObject& b) {
    return std::tie(a.case_id, a.places) < std::tie(b.case_id, b.places) ||
           (a.case_id == b.case_id && a.places == b.places && git_oid_cmp(&a.id, &b.id) < 0);
  });
  return found;
}

std::vector<git_oid> pack_index_ids(const fs::path& idx_file) {
  std::string bytes = read_whole_file(idx_file);
  auto bad = [&](std::string_view why) {
    fail(Exit::store, fmt::format("cannot read the pack index {}: {}", idx_file.filename().string(), why));
  };
  auto u32 = [&](size_t at) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at);
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
  };
  constexpr size_t kHeader = 8, kFanout = 256 * 4;
  if (bytes.size() < kHeader + kFanout + 2 * GIT_OID_RAWSZ) bad("too short");
  if (bytes.compare(0, 4, "\377tOc") != 0) bad("not a version 2 index");
  if (u32(4) != 2) bad("not a version 2 index");
  uint32_t previous = 0;
  for (size_t i = 0; i < 256; ++i) {
    uint32_t n = u32(kHeader + 4 * i);
    if (n < previous) bad("its fan-out table is not in order");
    previous = n;
  }
  const size_t count = previous;
  // Names, CRCs, 4-byte offsets, then the two checksums at least.
  if ((bytes.size() - kHeader - kFanout - 2 * GIT_OID_RAWSZ) / (GIT_OID_RAWSZ + 8) < count) bad("truncated");
  std::vector<git_oid> ids(count);
  const size_t names = kHeader + kFanout;
  for (size_t i = 0; i < count; ++i) {
    std::memcpy(ids[i].id, bytes.data() + names + i * GIT_OID_RAWSZ, GIT_OID_RAWSZ);
    if (i > 0 && git_oid_cmp(&ids[i - 1], &ids[i]) >= 0) bad("its object names are not in order");
  }
  // The fan-out table agrees with the names.
  for (size_t i = 0, b = 0; b < 256; ++b) {
    while (i < count && ids[i].id[0] <= b) ++i;
    if (u32(kHeader + 4 * b) != i) bad("its fan-out table does not match its object names");
  }
  return ids;
}

void purge_objects(GitRepo& git, const std::vector<git_oid>& ids) {
  if (ids.empty()) return;
  const fs::path objects = objects_dir(git);
  std::error_code ec;

  // Loose copies.
  std::set<fs::path> touched_dirs;
  for (const auto& id : ids) {
    fs::path p = loose_path(objects, id);
    if (!fs::exists(p, ec)) continue;
    remove_durably(p);
    touched_dirs.insert(p.parent_path());
  }
  for (const auto& dir : touched_dirs) fsync_directory(dir);

  // Packs holding any of them, each written again without them.
  auto holds_removed = [&](const PackIndex& p) {
    return std::any_of(ids.begin(), ids.end(), [&](const git_oid& id) { return p.contains(id); });
  };
  auto removed = [&](const git_oid& id) {
    return std::any_of(ids.begin(), ids.end(), [&](const git_oid& r) { return git_oid_equal(&r, &id); });
  };
  const fs::path pack_dir = objects / "pack";
  for (const auto& pack : read_pack_indexes(objects)) {
    if (!holds_removed(pack)) continue;
    size_t kept = 0;
    {
      git_packbuilder* raw_pb = nullptr;
      git_check(git_packbuilder_new(&raw_pb, git.raw()), "cannot start a pack");
      git::Packbuilder pb(raw_pb);
      for (const auto& id : pack.ids) {
        if (removed(id)) continue;
        git_check(git_packbuilder_insert(pb.get(), &id, nullptr),
                  fmt::format("cannot read object {} of {}", hex(id), pack.pack_name()).c_str());
        ++kept;
      }
      if (kept > 0) {
        git_check(git_packbuilder_write(pb.get(), pack_dir.c_str(), 0444, nullptr, nullptr),
                  fmt::format("cannot write a pack in place of {}", pack.pack_name()).c_str());
      }
    }
    // The new pack is saved (libgit2 fsyncs its files when asked to, as
    // prevent asks: git_options.cpp); the directory entries too.
    fsync_directory(pack_dir);
    // A pack of the same name is the one just written (the objects kept
    // are all of them: cannot be, since it held a removed one).
    const fs::path stem = pack_dir / pack.idx.stem();
    // The pack first: a crash after it leaves an index (object names, no
    // data) or side files of a pack that is gone, which git and libgit2
    // ignore, never a pack holding the key without an index to find it by.
    for (const char* ext : {".pack", ".idx", ".keep", ".bitmap", ".rev", ".mtimes"}) {
      fs::path f = stem;
      f += ext;
      remove_durably(f);
    }
    fsync_directory(pack_dir);
  }

  // The reflog of the key store would name its old commits.
  int rc = git_reflog_delete(git.raw(), kKeyStoreRef);
  if (rc != 0 && rc != GIT_ENOTFOUND) git_check(rc, "cannot drop the key store's reflog");

  // libgit2 keeps the packs it had open: it reads the directory again.
  git_odb* raw_odb = nullptr;
  git_check(git_repository_odb(&raw_odb, git.raw()), "cannot open the object database");
  git::Odb odb(raw_odb);
  git_odb_refresh(odb.get());
}

}  // namespace prevent

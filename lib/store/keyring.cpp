// The keys of an encrypted store. Formats (docs/encryption.md, "Key
// formats"):
//
// keys/recipients.yaml, in the main history (public material only):
//   format: 1
//   store_id: 32 hex digits (16 random bytes)
//   generation: N            the store key's: 1, one more at each removal
//   recipients:
//     - name, type (ssh-ed25519 | passphrase), added (date), and
//       ssh-ed25519: public_key (the OpenSSH blob, base64), fingerprint
//                    (SHA256:…), wrapped_key (the store key sealed to the
//                    key's X25519 form: crypto_box_seal)
//       passphrase:  salt (hex), opslimit, memlimit (Argon2id),
//                    public_key (X25519, base64), wrapped_secret (the
//                    matching secret, wrapped under the passphrase's key),
//                    wrapped_key (the store key sealed to public_key)
//
// The key store, the ref refs/prevent/keys: one commit without a parent,
// rewritten at each change (so no older version is reachable from it),
// whose tree holds
//   store                         the store data key
//   cases/<YYYY>/<NN>/<ID>        each case's data key (NN = number / 100)
//   rotation                      while a removal is being committed: the
//                                 new store key wrapped by the old
// each a small text blob:
//   prevent data key 1\ncase: <ID or "store">\ngeneration: <g>\nkey: <k>\n
//   prevent store key rotation 1\ngeneration: <g>\nkey: <k>\n
// where k is the base64 of wrap_key(store key of generation g, AD, key).
#include "keyring.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <git2/sys/mempack.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <set>

#include "case_id.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "oid_set.hpp"
#include "passphrase_key.hpp"
#include "text.hpp"
#include "yaml_doc.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

constexpr const char* kKeyRef = "refs/prevent/keys";
constexpr std::string_view kDataKeyHeader = "prevent data key 1";
constexpr std::string_view kRotationHeader = "prevent store key rotation 1";
constexpr std::string_view kStoreEntry = "store";
constexpr std::string_view kRotationEntry = "rotation";
// Every key blob is well under this; a larger one is not read.
constexpr size_t kMaxKeyBlob = 300;
constexpr size_t kMaxKeyFile = 16 * 1024;
constexpr int kFormat = 1;

std::optional<std::string>& identity_setting() {
  static std::optional<std::string> identity;
  return identity;
}
PassphraseSource& passphrase_source() {
  static PassphraseSource source;
  return source;
}

std::optional<std::string> current_identity() {
  if (identity_setting()) return identity_setting();
  if (const char* env = std::getenv("PREVENT_IDENTITY"); env && *env) return std::string(env);
  return std::nullopt;
}

void wipe(std::string& s) {
  explicit_bzero(s.data(), s.size());
  s.clear();
}

// ---------------------------------------------------------------------------
// keys/recipients.yaml

struct Recipient {
  KeyRecipient info;
  std::string public_key;      // base64: the OpenSSH blob, or the X25519 key
  std::string salt;            // passphrase: hex
  crypto::PassphraseCost cost; // passphrase
  std::string wrapped_secret;  // passphrase: base64
  std::string wrapped_key;     // base64
};

struct Recipients {
  std::string store_id;
  int generation = 1;
  std::vector<Recipient> list;
};

[[noreturn]] void damaged(const std::string& what, int line = 0) {
  fail(Exit::store,
       line ? fmt::format("{}: {} (line {})", kRecipientsPath, what, line) : fmt::format("{}: {}", kRecipientsPath, what),
       "only prevent writes it: restore it from history (git log -- keys/recipients.yaml)");
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<uint64_t> number(std::string_view s, uint64_t most) {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + uint64_t(c - '0');
  }
  if (v > most) return std::nullopt;
  return v;
}

std::optional<crypto::Bytes> hex_bytes(std::string_view s) {
  if (s.size() % 2 || !is_hex(s)) return std::nullopt;
  crypto::Bytes out;
  for (size_t i = 0; i < s.size(); i += 2) {
    auto d = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    out.push_back(static_cast<unsigned char>(d(s[i]) * 16 + d(s[i + 1])));
  }
  return out;
}

const std::string& scalar(const YNode& map, const char* key) {
  const YNode* n = map.find(key);
  if (!n) damaged(fmt::format("{} is missing", key), map.line);
  if (!n->is_scalar()) damaged(fmt::format("{} must be a single value", key), n->line);
  return n->value;
}

void only_keys(const YNode& map, std::initializer_list<std::string_view> keys) {
  for (const auto& [k, v] : map.entries)
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      damaged(fmt::format("unknown key {}", looks_like_key(k) ? k : std::string("(not a key)")), v.line);
}

Recipients parse_recipients(const std::string& text) {
  YNode doc;
  try {
    doc = parse_yaml(text, kRecipientsPath);
  } catch (const Failure& f) {
    fail(Exit::store, f.what(), "only prevent writes it: restore it from history (git log -- keys/recipients.yaml)");
  }
  if (!doc.is_map()) damaged("not a mapping");
  only_keys(doc, {"format", "store_id", "generation", "recipients"});
  if (scalar(doc, "format") != std::to_string(kFormat))
    fail(Exit::store, fmt::format("{}: format {} is not one this prevent reads", kRecipientsPath, kFormat),
         "use the prevent that wrote it, or a newer one");
  Recipients out;
  out.store_id = scalar(doc, "store_id");
  if (out.store_id.size() != 32 || !is_hex(out.store_id)) damaged("store_id must be 32 hex digits", doc.line);
  auto g = number(scalar(doc, "generation"), 1'000'000'000);
  if (!g || *g == 0) damaged("generation must be a whole number from 1", doc.line);
  out.generation = static_cast<int>(*g);
  const YNode* list = doc.find("recipients");
  if (!list || !list->is_seq() || list->items.empty()) damaged("recipients must be a list of at least one", doc.line);
  std::set<std::string> names;
  for (const YNode& item : list->items) {
    if (!item.is_map()) damaged("a recipient must be a mapping", item.line);
    Recipient r;
    r.info.name = scalar(item, "name");
    try {
      check_recipient_name(r.info.name, kRecipientsPath);
    } catch (const Failure&) {
      damaged("a recipient's name must be 1 to 64 printable characters", item.line);
    }
    if (!names.insert(r.info.name).second) damaged("two recipients have the same name", item.line);
    r.info.type = scalar(item, "type");
    auto added = Date::parse(scalar(item, "added"));
    if (!added) damaged("added must be a date (YYYY-MM-DD)", item.line);
    r.info.added = *added;
    r.public_key = scalar(item, "public_key");
    r.wrapped_key = scalar(item, "wrapped_key");
    if (!crypto::from_base64(r.wrapped_key)) damaged("wrapped_key must be base64", item.line);
    if (r.info.type == "ssh-ed25519") {
      only_keys(item, {"name", "type", "public_key", "fingerprint", "added", "wrapped_key"});
      ssh::ParseProblem problem;
      auto pk = ssh::parse_public_key_blob(r.public_key, problem);
      if (!pk) damaged(fmt::format("public_key: {}", problem.why), item.line);
      r.info.fingerprint = scalar(item, "fingerprint");
      if (r.info.fingerprint != pk->fingerprint())
        damaged("fingerprint is not that of public_key", item.line);
    } else if (r.info.type == "passphrase") {
      only_keys(item, {"name", "type", "salt", "opslimit", "memlimit", "public_key", "wrapped_secret", "added",
                       "wrapped_key"});
      r.salt = scalar(item, "salt");
      auto salt = hex_bytes(r.salt);
      if (!salt || salt->size() != crypto::kSaltBytes) damaged("salt must be 32 hex digits", item.line);
      auto ops = number(scalar(item, "opslimit"), 1u << 20), mem = number(scalar(item, "memlimit"), uint64_t{1} << 40);
      if (!ops || !mem || !crypto::acceptable_cost({*ops, *mem}))
        damaged("opslimit and memlimit must be a cost prevent accepts (at most 16 passes over 1 GiB)", item.line);
      r.cost = {*ops, *mem};
      auto pk = crypto::from_base64(r.public_key);
      if (!pk || pk->size() != crypto::kX25519Bytes) damaged("public_key must be an X25519 key in base64", item.line);
      r.wrapped_secret = scalar(item, "wrapped_secret");
      if (!crypto::from_base64(r.wrapped_secret)) damaged("wrapped_secret must be base64", item.line);
    } else {
      damaged("type must be ssh-ed25519 or passphrase", item.line);
    }
    out.list.push_back(std::move(r));
  }
  return out;
}

std::string emit_recipients(const Recipients& r) {
  YNode doc = YNode::map();
  doc.add("format", YNode::plain(std::to_string(kFormat)));
  doc.add("store_id", YNode::text(r.store_id));
  doc.add("generation", YNode::plain(std::to_string(r.generation)));
  YNode list = YNode::seq();
  for (const auto& x : r.list) {
    YNode item = YNode::map();
    item.add("name", YNode::text(x.info.name));
    item.add("type", YNode::text(x.info.type));
    if (x.info.type == "ssh-ed25519") {
      item.add("public_key", YNode::text(x.public_key));
      item.add("fingerprint", YNode::text(x.info.fingerprint));
    } else {
      item.add("salt", YNode::text(x.salt));
      item.add("opslimit", YNode::plain(std::to_string(x.cost.opslimit)));
      item.add("memlimit", YNode::plain(std::to_string(x.cost.memlimit)));
      item.add("public_key", YNode::text(x.public_key));
      item.add("wrapped_secret", YNode::text(x.wrapped_secret));
    }
    item.add("added", YNode::plain(x.info.added.str()));
    item.add("wrapped_key", YNode::text(x.wrapped_key));
    list.push(std::move(item));
  }
  doc.add("recipients", std::move(list));
  return emit_yaml(doc);
}

std::string passphrase_ad(const std::string& store_id, const std::string& name) {
  return crypto::associated_data({"prevent-passphrase-recipient-v1", store_id, name});
}

// The store key sealed for a recipient already described (its public key).
std::string seal_for(const Recipient& r, const crypto::SecretKey& store_key) {
  ssh::ParseProblem problem;
  if (r.info.type == "ssh-ed25519") {
    auto pk = ssh::parse_public_key_blob(r.public_key, problem);
    if (!pk) damaged(fmt::format("public_key: {}", problem.why));
    return crypto::to_base64(ssh::seal_key_to(*pk, store_key));
  }
  auto pk = crypto::from_base64(r.public_key);
  if (!pk) damaged("public_key must be base64");
  return crypto::to_base64(crypto::seal_key_to_x25519(*pk, store_key));
}

Recipient make_recipient(const NewRecipient& who, const std::string& store_id, const crypto::SecretKey& store_key) {
  Recipient r;
  r.info.name = who.name;
  r.info.added = who.added;
  if (who.ssh) {
    r.info.type = "ssh-ed25519";
    r.public_key = who.ssh->blob_base64();
    r.info.fingerprint = who.ssh->fingerprint();
  } else {
    r.info.type = "passphrase";
    const crypto::Bytes salt = crypto::random_bytes(crypto::kSaltBytes);
    r.salt = crypto::to_hex(salt);
    r.cost = who.cost;
    const crypto::SecretKey kek = crypto::passphrase_key(who.passphrase.value_or(""), salt, r.cost);
    crypto::X25519Pair pair = crypto::x25519_pair();
    r.public_key = crypto::to_base64(pair.public_key);
    r.wrapped_secret = crypto::to_base64(crypto::wrap_key(kek, passphrase_ad(store_id, who.name), pair.secret));
  }
  r.wrapped_key = seal_for(r, store_key);
  return r;
}

// ---------------------------------------------------------------------------
// The key store's blobs

std::string data_key_ad(const std::string& store_id, std::string_view who) {
  return crypto::associated_data({"prevent-data-key-v1", store_id, who});
}
std::string rotation_ad(const std::string& store_id, int generation) {
  return crypto::associated_data({"prevent-store-key-rotation-v1", store_id, std::to_string(generation)});
}

std::string data_key_blob(std::string_view who, int generation, const crypto::Bytes& wrapped) {
  return fmt::format("{}\ncase: {}\ngeneration: {}\nkey: {}\n", kDataKeyHeader, who, generation,
                     crypto::to_base64(wrapped));
}
std::string rotation_blob(int generation, const crypto::Bytes& wrapped) {
  return fmt::format("{}\ngeneration: {}\nkey: {}\n", kRotationHeader, generation, crypto::to_base64(wrapped));
}

struct KeyBlob {
  std::string who;  // data keys: the case ID or "store"
  int generation = 0;
  crypto::Bytes wrapped;
};

// A blob of the key store, read strictly; nullopt when it is not of its form.
std::optional<KeyBlob> parse_key_blob(std::string_view text, bool rotation) {
  auto line = [&text](std::string_view& out) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    out = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    return true;
  };
  auto field = [&](std::string_view name, std::string_view& out) {
    std::string_view l;
    if (!line(l) || !l.starts_with(name) || l.size() <= name.size() + 2 || l.substr(name.size(), 2) != ": ")
      return false;
    out = l.substr(name.size() + 2);
    return true;
  };
  std::string_view header, who, generation, key;
  if (!line(header) || header != (rotation ? kRotationHeader : kDataKeyHeader)) return std::nullopt;
  if (!rotation && !field("case", who)) return std::nullopt;
  if (!field("generation", generation) || !field("key", key) || !text.empty()) return std::nullopt;
  auto g = number(generation, 1'000'000'000);
  auto wrapped = crypto::from_base64(key);
  if (!g || !wrapped) return std::nullopt;
  return KeyBlob{std::string(who), static_cast<int>(*g), std::move(*wrapped)};
}

// The path of a case's data key in the key store; nullopt for a text that
// is not a case ID.
std::optional<std::string> case_key_path(std::string_view id) {
  auto parsed = parse_case_id(std::string(id));
  if (!parsed || parsed->str() != id) return std::nullopt;
  return fmt::format("cases/{:04d}/{:02d}/{}", parsed->year, parsed->number / 100, id);
}

std::optional<git_oid> key_ref(git_repository* repo) {
  git_oid id;
  const int rc = git_reference_name_to_id(&id, repo, kKeyRef);
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  if (rc < 0) git_fail("cannot read the key store (refs/prevent/keys)");
  return id;
}

[[noreturn]] void key_store_damaged(const std::string& what) {
  fail(Exit::store, fmt::format("the key store is damaged: {} (refs/prevent/keys)", what),
       "restore refs/prevent/keys from a copy of the store (git fetch REMOTE refs/prevent/keys:refs/prevent/keys)");
}

git::Tree key_tree(git_repository* repo, const git_oid& commit_id) {
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo, &commit_id) != 0) key_store_damaged("its commit cannot be read");
  git::Commit commit(c);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, commit.get()) != 0) key_store_damaged("its tree cannot be read");
  return git::Tree(t);
}

// The text of the key store's blob `entry` (at `path`), read strictly.
// The text of key blob `id`, at most kMaxKeyBlob bytes; nullopt otherwise.
std::optional<std::string> key_blob_text(git_repository* repo, const git_oid& id) {
  auto size = blob_size(repo, id);
  if (!size || *size > kMaxKeyBlob) return std::nullopt;
  git_blob* b = nullptr;
  if (git_blob_lookup(&b, repo, &id) != 0) return std::nullopt;
  git::Blob blob(b);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<size_t>(git_blob_rawsize(blob.get())));
}

std::string read_key_entry(git_repository* repo, const git_tree_entry* entry, const std::string& path) {
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) key_store_damaged(fmt::format("{} is not a key", path));
  auto text = key_blob_text(repo, *git_tree_entry_id(entry));
  if (!text) key_store_damaged(fmt::format("{} is not a key", path));
  return std::move(*text);
}

// A blob of the key store's tree, or nullopt when there is none at `path`.
std::optional<std::string> read_key_blob(git_repository* repo, git_tree* tree, const std::string& path) {
  if (!tree) return std::nullopt;
  git_tree_entry* e = nullptr;
  const int rc = git_tree_entry_bypath(&e, tree, path.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  if (rc < 0) key_store_damaged(fmt::format("{} cannot be read", path));
  git::TreeEntry entry(e);
  return read_key_entry(repo, entry.get(), path);
}

// The key store's folders, each read once (cases/YYYY, cases/YYYY/NN).
// libgit2 keeps no tree larger than 4 KiB in its cache, and the folder of
// a year of a large store is one: looked up from the top for each case,
// it was read and parsed again for every key (docs/performance.md).
class KeyFolders {
 public:
  void clear() { folders_.clear(); }

  // The entry at `path` under `root` (owned by a folder kept here, or by
  // `root`), or nullptr when there is none.
  const git_tree_entry* entry(git_repository* repo, const git_tree* root, std::string_view path) {
    const size_t slash = path.rfind('/');
    const git_tree* dir = slash == std::string_view::npos ? root : folder(repo, root, path.substr(0, slash));
    if (!dir) return nullptr;
    const std::string name(slash == std::string_view::npos ? path : path.substr(slash + 1));
    return git_tree_entry_byname(dir, name.c_str());
  }

 private:
  const git_tree* folder(git_repository* repo, const git_tree* root, std::string_view dir) {
    if (!root) return nullptr;
    if (auto it = folders_.find(dir); it != folders_.end()) return it->second.get();
    const git_tree_entry* e = entry(repo, root, dir);
    if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE) return nullptr;
    git_tree* t = nullptr;
    if (git_tree_lookup(&t, repo, git_tree_entry_id(e)) != 0) key_store_damaged(fmt::format("{} cannot be read", dir));
    return folders_.emplace(std::string(dir), git::Tree(t)).first->second.get();
  }

  std::map<std::string, git::Tree, std::less<>> folders_;
};

// Every blob under the key store's cases/ folder: its path, its name (the
// case ID, where it is where that case's key belongs) and its id.
struct KeyStoreEntry {
  std::string path, id;
  git_oid blob;
};
std::vector<KeyStoreEntry> key_store_cases(git_repository* repo, git_tree* tree) {
  std::vector<KeyStoreEntry> out;
  git_tree_entry* ce = nullptr;
  if (!tree || git_tree_entry_bypath(&ce, tree, "cases") != 0) return out;
  git::TreeEntry entry(ce);
  git_object* obj = nullptr;
  if (git_tree_entry_to_object(&obj, repo, entry.get()) != 0 || git_object_type(obj) != GIT_OBJECT_TREE) {
    git_object_free(obj);
    key_store_damaged("cases is not a directory");
  }
  git::Tree cases(reinterpret_cast<git_tree*>(obj));
  struct Walk {
    std::vector<KeyStoreEntry>* out;
    bool failed = false;
  } walk{&out};
  const int rc = git_tree_walk(
      cases.get(), GIT_TREEWALK_PRE,
      [](const char* root, const git_tree_entry* e, void* payload) -> int {
        if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) return 0;
        auto* w = static_cast<Walk*>(payload);
        try {  // nothing may unwind through libgit2
          std::string id = git_tree_entry_name(e);
          w->out->push_back({fmt::format("cases/{}{}", root, id), std::move(id), *git_tree_entry_id(e)});
        } catch (...) {
          w->failed = true;
          return -1;
        }
        return 0;
      },
      &walk);
  if (walk.failed) fail(Exit::bug, "out of memory reading the key store", "");
  git_check(rc, "cannot read the key store");
  return out;
}

// ---------------------------------------------------------------------------
// Writing the key store: one commit without a parent, its new objects
// stored (loose, or one pack for many), then the ref moved from `expected`
// by compare-and-swap. Under the writers' lock. Every write is fsynced
// (libgit2's fsync option, git_options.cpp).

struct KeyUpdate {
  std::string path;
  std::optional<std::string> content;  // nullopt: removed
};

git_oid write_key_store(git_repository* repo, std::optional<git_oid> base_commit, const std::vector<KeyUpdate>& updates,
                        std::optional<git_oid> expected) {
  // New objects go into memory first (as commit_steps.cpp does), so that
  // only this write's objects reach the object database.
  git_repository* mem_raw = nullptr;
  git_check(git_repository_open_ext(&mem_raw, git_repository_commondir(repo), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
            "cannot open the repository");
  git::Repository mem(mem_raw);
  git_odb_backend* mempack = nullptr;
  {
    git_odb* odb_raw = nullptr;
    git_check(git_repository_odb(&odb_raw, mem.get()), "cannot open the object database");
    git::Odb odb(odb_raw);
    git_check(git_mempack_new(&mempack), "cannot prepare the key store");
    git::OdbBackend owned(mempack);
    if (git_odb_add_backend(odb.get(), mempack, 1000) < 0) git_fail("cannot prepare the key store");
    owned.release();
  }
  std::vector<git_oid> blobs(updates.size());
  std::vector<git_tree_update> tree_updates;
  for (size_t i = 0; i < updates.size(); ++i) {
    git_tree_update u{};
    u.path = updates[i].path.c_str();
    if (updates[i].content) {
      git_check(git_blob_create_from_buffer(&blobs[i], mem.get(), updates[i].content->data(), updates[i].content->size()),
                "cannot write the key store");
      u.action = GIT_TREE_UPDATE_UPSERT;
      u.id = blobs[i];
      u.filemode = GIT_FILEMODE_BLOB;
    } else {
      u.action = GIT_TREE_UPDATE_REMOVE;
    }
    tree_updates.push_back(u);
  }
  git::Tree base;
  if (base_commit) {
    base = key_tree(mem.get(), *base_commit);
  } else {
    git_treebuilder* tb_raw = nullptr;
    git_check(git_treebuilder_new(&tb_raw, mem.get(), nullptr), "cannot write the key store");
    git::Treebuilder tb(tb_raw);
    git_oid empty;
    git_check(git_treebuilder_write(&empty, tb.get()), "cannot write the key store");
    git_tree* t = nullptr;
    git_check(git_tree_lookup(&t, mem.get(), &empty), "cannot write the key store");
    base.reset(t);
  }
  git_oid tree_id;
  git_check(git_tree_create_updated(&tree_id, mem.get(), base.get(), tree_updates.size(), tree_updates.data()),
            "cannot write the key store");
  git_tree* nt = nullptr;
  git_check(git_tree_lookup(&nt, mem.get(), &tree_id), "cannot write the key store");
  git::Tree tree(nt);
  git_signature* sig_raw = nullptr;
  git_check(git_signature_new(&sig_raw, "prevent", "prevent@localhost", std::time(nullptr), 0),
            "cannot write the key store");
  git::Signature sig(sig_raw);
  git_oid commit_id;
  git_check(git_commit_create(&commit_id, mem.get(), nullptr, sig.get(), sig.get(), "UTF-8", "prevent key store\n",
                              tree.get(), 0, nullptr),
            "cannot write the key store");
  // This write's new objects: the commit, the trees on the paths written,
  // the blobs.
  std::vector<git_oid> fresh;
  OidSet seen;
  auto add = [&](const git_oid& id) {
    if (seen.insert(id)) fresh.push_back(id);
  };
  add(commit_id);
  add(tree_id);
  for (size_t i = 0; i < updates.size(); ++i) {
    const std::string& path = updates[i].path;
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      git_tree_entry* e = nullptr;
      if (git_tree_entry_bypath(&e, tree.get(), path.substr(0, slash).c_str()) != 0) continue;  // removed
      git::TreeEntry entry(e);
      add(*git_tree_entry_id(entry.get()));
    }
    if (updates[i].content) add(blobs[i]);
  }
  git_odb* odb_raw = nullptr;
  git_check(git_repository_odb(&odb_raw, repo), "cannot open the object database");
  git::Odb odb(odb_raw);
  if (fresh.size() >= kPackThreshold) {
    git::Buf pack;
    {
      git_packbuilder* pb_raw = nullptr;
      git_check(git_packbuilder_new(&pb_raw, mem.get()), "cannot write the key store");
      git::Packbuilder pb(pb_raw);
      for (const git_oid& id : fresh) git_check(git_packbuilder_insert(pb.get(), &id, nullptr), "cannot write the key store");
      git_check(git_packbuilder_write_buf(pack.get(), pb.get()), "cannot write the key store");
    }
    git_odb_writepack* wp_raw = nullptr;
    int rc = git_odb_write_pack(&wp_raw, odb.get(), nullptr, nullptr);
    git::OdbWritepack wp(wp_raw);
    git_indexer_progress stats{};
    if (rc == 0) rc = git::append_pack(wp.get(), pack.buf, &stats);
    if (rc == 0) rc = wp->commit(wp.get(), &stats);
    if (rc < 0) git_fail("cannot write the key store");
    git_odb_refresh(odb.get());
  } else {
    git_odb* mem_odb_raw = nullptr;
    git_check(git_repository_odb(&mem_odb_raw, mem.get()), "cannot open the object database");
    git::Odb mem_odb(mem_odb_raw);
    for (const git_oid& id : fresh) {
      if (git_odb_exists(odb.get(), &id)) continue;
      git_odb_object* raw = nullptr;
      git_check(git_odb_read(&raw, mem_odb.get(), &id), "cannot write the key store");
      git::OdbObject object(raw);
      git_oid written;
      git_check(git_odb_write(&written, odb.get(), git_odb_object_data(object.get()), git_odb_object_size(object.get()),
                              git_odb_object_type(object.get())),
                "cannot write the key store");
    }
  }
  git_reference* ref_raw = nullptr;
  // A lock file a writer killed here left is stale (the writers' lock is
  // held): left, it would refuse every later write of a key.
  {
    std::error_code ec;
    std::filesystem::remove(std::filesystem::path(git_repository_commondir(repo)) / (std::string(kKeyRef) + ".lock"), ec);
  }
  const int rc = expected ? git_reference_create_matching(&ref_raw, repo, kKeyRef, &commit_id, 1, &*expected, nullptr)
                          : git_reference_create(&ref_raw, repo, kKeyRef, &commit_id, 0, nullptr);
  git::Reference ref(ref_raw);
  if (rc < 0) git_fail("cannot update the key store (refs/prevent/keys)");
  // A reflog (core.logAllRefUpdates=always) would keep every older key
  // store reachable, and with it the keys an erasure destroys.
  if (git_reference_has_log(repo, kKeyRef) == 1) git_reflog_delete(repo, kKeyRef);
  return commit_id;
}

}  // namespace

// ---------------------------------------------------------------------------

void set_identity(std::optional<std::string> identity) { identity_setting() = std::move(identity); }
void set_passphrase_source(PassphraseSource source) { passphrase_source() = std::move(source); }

std::string read_key_file(const fs::path& path, Exit code) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) fail(code, fmt::format("cannot read the key file: {} ({})", std::strerror(errno), path.string()));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    fail(code, fmt::format("not a key file: a directory, device or pipe ({})", path.string()));
  if (st.st_size > static_cast<off_t>(kMaxKeyFile))
    fail(code, fmt::format("not a key file: larger than 16 KiB ({})", path.string()));
  std::string out(kMaxKeyFile + 1, '\0');
  size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(code, fmt::format("cannot read the key file: {} ({})", std::strerror(errno), path.string()));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > kMaxKeyFile) fail(code, fmt::format("not a key file: larger than 16 KiB ({})", path.string()));
  out.resize(got);
  return out;
}

void check_recipient_name(std::string_view name, std::string_view where) {
  bool ok = !name.empty() && name.size() <= 64 && name.front() != ' ' && name.back() != ' ';
  for (unsigned char c : name) ok = ok && c >= 0x20 && c != 0x7f;
  if (!ok)
    fail(Exit::invalid_data,
         fmt::format("a recipient's name must be 1 to 64 printable characters, without spaces at either end ({})", where));
}

struct Keyring::State {
  bool loaded = false;
  std::optional<Recipients> recipients;  // nullopt: a plain store
  std::string empty;

  // Unlocking, done once.
  bool unlock_tried = false;
  std::optional<Failure> unlock_failure;
  std::optional<crypto::SecretKey> recipients_key;  // the store key recipients.yaml wraps
  std::optional<crypto::SecretKey> store_key;       // the key store's (the same, or a rotation's new key)
  int store_generation = 0;
  std::optional<git_oid> key_commit;
  git::Tree tree;
  KeyFolders folders;  // of `tree`
  void set_tree(git::Tree t) {
    tree = std::move(t);
    folders.clear();
  }
  bool has_rotation = false;
  std::optional<crypto::SecretKey> store_data_key;

  std::map<std::string, crypto::SecretKey> pending;  // data keys made, not yet written
  bool created = false;                               // by create(), in this run

  // keys remove, between rotate_without and finish/abandon.
  std::optional<git_oid> before_rotation;
  std::optional<git_oid> rotation_commit;
  std::optional<crypto::SecretKey> rotated_key;
  int rotated_generation = 0;
};

Keyring::Keyring(GitRepo& git) : git_(git) {}
Keyring::~Keyring() = default;

Keyring::State& Keyring::state() const {
  if (!state_) state_ = std::make_unique<State>();
  State& s = *state_;
  if (!s.loaded) {
    if (auto text = git_.read_at_head(kRecipientsPath)) s.recipients = parse_recipients(*text);
    s.loaded = true;
  }
  return s;
}

bool Keyring::encrypted() const { return state().recipients.has_value(); }

const std::string& Keyring::store_id() const {
  const State& s = state();
  return s.recipients ? s.recipients->store_id : s.empty;
}

int Keyring::generation() const {
  const State& s = state();
  return s.recipients ? s.recipients->generation : 0;
}

std::vector<KeyRecipient> Keyring::recipients() const {
  std::vector<KeyRecipient> out;
  if (const State& s = state(); s.recipients)
    for (const auto& r : s.recipients->list) out.push_back(r.info);
  return out;
}

namespace {

const char* kIdentityHint =
    "give the private key file of an SSH key that is a recipient of the store (`prevent keys list`) with --identity "
    "FILE or PREVENT_IDENTITY, or `passphrase`";

// The store key that recipients.yaml wraps, unwrapped by this run's
// identity.
crypto::SecretKey unwrap_for_identity(const Recipients& rs, const std::string& identity) {
  if (identity == "passphrase") {
    std::string passphrase;
    std::string origin = "PREVENT_PASSPHRASE";
    if (const char* env = std::getenv("PREVENT_PASSPHRASE"); env && *env) {
      passphrase = env;
    } else if (passphrase_source()) {
      passphrase = passphrase_source()("Passphrase to unlock the store: ");
      origin = "terminal";
    } else {
      fail(Exit::store, "a passphrase is needed to unlock the store, and PREVENT_PASSPHRASE is not set (identity)",
           "set PREVENT_PASSPHRASE, or run the command on a terminal");
    }
    bool any = false;
    for (const auto& r : rs.list) {
      if (r.info.type != "passphrase") continue;
      any = true;
      auto salt = hex_bytes(r.salt);
      auto pk = crypto::from_base64(r.public_key);
      auto wrapped_secret = crypto::from_base64(r.wrapped_secret);
      auto wrapped_key = crypto::from_base64(r.wrapped_key);
      if (!salt || !pk || !wrapped_secret || !wrapped_key) continue;
      const crypto::SecretKey kek = crypto::passphrase_key(passphrase, *salt, r.cost);
      auto secret = crypto::unwrap_key(kek, passphrase_ad(rs.store_id, r.info.name), *wrapped_secret);
      if (!secret) continue;
      auto key = crypto::open_sealed_key_x25519(*pk, *secret, *wrapped_key);
      if (!key) damaged(fmt::format("the wrapped_key of {} does not open", r.info.name));
      wipe(passphrase);
      return *key;
    }
    wipe(passphrase);
    if (!any)
      fail(Exit::store, fmt::format("the store has no passphrase recipient ({})", origin),
           "`prevent keys list` shows its recipients; give an SSH key with --identity FILE");
    fail(Exit::store, fmt::format("the passphrase unlocks none of the store's passphrase recipients ({})", origin),
         "check the passphrase; `prevent keys list` shows the recipients");
  }
  const fs::path file(identity);
  const std::string text = read_key_file(file, Exit::store);
  ssh::ParseProblem problem;
  auto key = ssh::parse_private_key(text, problem);
  if (!key) {
    if (problem.passphrase_protected)
      fail(Exit::store, fmt::format("{} ({})", problem.why, identity),
           "use an unprotected copy of the key readable only by you (ssh-keygen -p -N \"\" -f COPY), or a passphrase "
           "recipient (`prevent keys add NAME --passphrase`)");
    fail(Exit::store, fmt::format("not an identity prevent can use: {} ({})", problem.why, identity), kIdentityHint);
  }
  const std::string blob = key->public_key.blob_base64();
  for (const auto& r : rs.list) {
    if (r.info.type != "ssh-ed25519" || r.public_key != blob) continue;
    auto wrapped = crypto::from_base64(r.wrapped_key);
    std::optional<crypto::SecretKey> store_key;
    if (wrapped) store_key = ssh::open_sealed_key(*key, *wrapped);
    if (!store_key) damaged(fmt::format("the wrapped_key of {} does not open with its key", r.info.name));
    return *store_key;
  }
  fail(Exit::store,
       fmt::format("the key {} is not a recipient of this store ({})", key->public_key.fingerprint(), identity),
       "`prevent keys list` shows the recipients' fingerprints; a recipient adds you with `prevent keys add`");
}

}  // namespace

bool Keyring::unlocked() const {
  State& s = state();
  if (!s.recipients) return false;
  if (s.unlock_failure) throw *s.unlock_failure;
  if (s.unlock_tried) return s.store_key.has_value();
  s.unlock_tried = true;
  auto identity = current_identity();
  if (!identity) return false;
  try {
    const Recipients& rs = *s.recipients;
    crypto::SecretKey key = unwrap_for_identity(rs, *identity);
    git_repository* repo = git_.raw();
    s.key_commit = key_ref(repo);
    if (!s.key_commit)
      fail(Exit::store, "the store's key store (refs/prevent/keys) is not in this repository",
           "a clone fetches it with `git fetch origin refs/prevent/keys:refs/prevent/keys`");
    s.set_tree(key_tree(repo, *s.key_commit));
    auto store_text = read_key_blob(repo, s.tree.get(), std::string(kStoreEntry));
    std::optional<KeyBlob> store_blob;
    if (store_text) store_blob = parse_key_blob(*store_text, false);
    if (!store_blob || store_blob->who != kStoreEntry) key_store_damaged("its store key is missing or damaged");
    s.recipients_key = key;
    auto rotation_text = read_key_blob(repo, s.tree.get(), std::string(kRotationEntry));
    s.has_rotation = rotation_text.has_value();
    if (store_blob->generation == rs.generation) {
      s.store_key = key;
    } else if (store_blob->generation > rs.generation && rotation_text) {
      // A removal whose commit never landed: the key store was written
      // with the new store key, which the rotation entry gives.
      auto rot = parse_key_blob(*rotation_text, true);
      std::optional<crypto::SecretKey> next;
      if (rot && rot->generation == store_blob->generation)
        next = crypto::unwrap_key(key, rotation_ad(rs.store_id, rot->generation), rot->wrapped);
      if (!next) key_store_damaged("its rotation entry does not open");
      s.store_key = *next;
    } else {
      key_store_damaged(fmt::format("it is of generation {}, keys/recipients.yaml of {}", store_blob->generation,
                                    rs.generation));
    }
    s.store_generation = store_blob->generation;
    s.store_data_key = crypto::unwrap_key(*s.store_key, data_key_ad(rs.store_id, kStoreEntry), store_blob->wrapped);
    if (!s.store_data_key) key_store_damaged("its store key does not open with the store key");
  } catch (const Failure& f) {
    s.unlock_failure = f;
    s.store_key.reset();
    s.recipients_key.reset();
    throw;
  }
  return true;
}

std::optional<crypto::SecretKey> Keyring::case_key(std::string_view id) const {
  if (!unlocked()) return std::nullopt;
  State& s = state();
  if (auto it = s.pending.find(std::string(id)); it != s.pending.end()) return it->second;
  auto path = case_key_path(id);
  if (!path) return std::nullopt;
  const git_tree_entry* entry = s.folders.entry(git_.raw(), s.tree.get(), *path);
  if (!entry) return std::nullopt;
  auto blob = parse_key_blob(read_key_entry(git_.raw(), entry, *path), false);
  if (!blob || blob->who != id || blob->generation != s.store_generation)
    key_store_damaged(fmt::format("the key of {} is damaged", *path));
  auto key = crypto::unwrap_key(*s.store_key, data_key_ad(s.recipients->store_id, id), blob->wrapped);
  if (!key) key_store_damaged(fmt::format("the key of {} does not open with the store key", *path));
  return key;
}

crypto::SecretKey CaseKeyTable::open(std::string_view id, std::string_view blob_text) const {
  const std::string path = case_key_path(id).value_or(std::string(id));
  auto blob = parse_key_blob(blob_text, false);
  if (!blob || blob->who != id || blob->generation != generation)
    key_store_damaged(fmt::format("the key of {} is damaged", path));
  auto key = crypto::unwrap_key(store_key, data_key_ad(store_id, id), blob->wrapped);
  if (!key) key_store_damaged(fmt::format("the key of {} does not open with the store key", path));
  return *key;
}

std::optional<CaseKeyTable> Keyring::case_key_table() const {
  if (!unlocked()) return std::nullopt;
  const State& s = state();
  CaseKeyTable t;
  t.store_id = s.recipients->store_id;
  t.generation = s.store_generation;
  t.store_key = *s.store_key;
  t.store_data_key = s.store_data_key;
  for (const auto& [id, key] : s.pending) t.pending.emplace(id, key);
  return t;
}

std::optional<ObjectId> Keyring::case_key_blob(std::string_view id) const {
  if (!unlocked()) return std::nullopt;
  State& s = state();
  auto path = case_key_path(id);
  if (!path) return std::nullopt;
  const git_tree_entry* entry = s.folders.entry(git_.raw(), s.tree.get(), *path);
  if (!entry || git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return std::nullopt;
  return git::object_id(*git_tree_entry_id(entry));
}

crypto::SecretKey Keyring::case_key_for_writing(std::string_view id, const crypto::SecretKey& reuse) {
  if (!unlocked())
    fail(Exit::store, fmt::format("this store is encrypted, and writing needs its key ({})", id), kIdentityHint);
  if (auto key = case_key(id)) return *key;
  if (!case_key_path(id)) fail(Exit::bug, "a data key for something that is not a case ID", "");
  state().pending.emplace(std::string(id), reuse);
  return reuse;
}

crypto::SecretKey Keyring::case_key_for_writing(std::string_view id) {
  return case_key_for_writing(id, crypto::random_key());
}

std::optional<crypto::SecretKey> Keyring::store_data_key() const {
  if (!unlocked()) return std::nullopt;
  return state().store_data_key;
}

std::optional<crypto::SecretKey> Keyring::index_key() const {
  // From the store data key, which a removal re-wraps but never replaces:
  // the keyed indexes stay valid across removals.
  auto key = store_data_key();
  if (!key) return std::nullopt;
  return crypto::derive_key(*key, 1, "prvindex");
}

void Keyring::write_pending() {
  if (!state_ || state_->pending.empty()) return;
  State& s = *state_;
  const Recipients& rs = *s.recipients;
  std::vector<KeyUpdate> updates;
  for (const auto& [id, key] : s.pending)
    updates.push_back({*case_key_path(id),
                       data_key_blob(id, s.store_generation, crypto::wrap_key(*s.store_key, data_key_ad(rs.store_id, id), key))});
  // A removal's rotation entry goes as soon as its commit is in the history.
  if (s.has_rotation && s.store_generation == rs.generation) updates.push_back({std::string(kRotationEntry), std::nullopt});
  s.key_commit = write_key_store(git_.raw(), s.key_commit, updates, s.key_commit);
  s.set_tree(key_tree(git_.raw(), *s.key_commit));
  if (s.store_generation == rs.generation) s.has_rotation = false;
  s.pending.clear();
}

Keyring::KeyMerge Keyring::merge_key_stores(const KeyMergeInput& in) {
  State& s = state();
  if (!s.recipients) fail(Exit::bug, "merging the key stores of a plain store", "");
  const Recipients merged = parse_recipients(in.recipients_text);
  if (merged.store_id != s.recipients->store_id)
    fail(Exit::store, "the remote holds another store: its keys/recipients.yaml names another store ID",
         "a store syncs only with copies of itself (a clone)");
  const int target = merged.generation;
  const std::string& store_id = merged.store_id;
  git_repository* repo = git_.raw();
  const auto ours_commit = key_ref(repo);
  git::Tree ours_tree;
  if (ours_commit) ours_tree = key_tree(repo, *ours_commit);
  auto remote_damaged = [](const std::string& what) {
    fail(Exit::store, fmt::format("the remote's key store is damaged: {}", what),
         "nothing was merged; ask the copy that pushed it to run `prevent check keys`");
  };

  // A key blob, checked: where it lies is where its case's key belongs; with
  // the store key of its generation, it unwraps.
  struct Entry {
    git_oid blob;
    int generation;
  };
  // With an identity given, the keys taken are checked (an identity that
  // does not unlock the store is refused, as for any command).
  // (A fresh clone has no key store yet to unlock with: nothing is checked.)
  if (ours_commit) (void)unlocked();
  const bool can_unwrap = s.store_key && s.store_generation == target;
  auto entry_at = [&](const git_oid& blob, const std::string& path, bool ours) -> Entry {
    auto text = key_blob_text(repo, blob);
    std::optional<KeyBlob> k;
    if (text) k = parse_key_blob(*text, false);
    bool good = k && (path == kStoreEntry ? k->who == kStoreEntry : case_key_path(k->who) == path);
    if (good && !ours && can_unwrap && k->generation == target)
      good = crypto::unwrap_key(*s.store_key, data_key_ad(store_id, k->who), k->wrapped).has_value();
    if (!good) {
      if (ours) key_store_damaged(fmt::format("{} is not the key it should be", path));
      remote_damaged(fmt::format("{} is not the key it should be", terminal_safe(path)));
    }
    return Entry{blob, k->generation};
  };
  auto case_of = [](const std::string& path) { return path.substr(path.rfind('/') + 1); };
  auto ours_at = [&](const std::string& path) -> std::optional<Entry> {
    if (!ours_tree) return std::nullopt;
    git_tree_entry* raw = nullptr;
    if (git_tree_entry_bypath(&raw, ours_tree.get(), path.c_str()) != 0) return std::nullopt;
    git::TreeEntry e(raw);
    if (git_tree_entry_type(e.get()) != GIT_OBJECT_BLOB) key_store_damaged(fmt::format("{} is not a key", path));
    return entry_at(*git_tree_entry_id(e.get()), path, true);
  };
  // The generation this store's keys are of (its store entry's).
  const int our_generation = ours_tree ? ours_at(std::string(kStoreEntry)).value_or(Entry{{}, target}).generation : target;

  // What each fetched key store offers where it differs from this one.
  std::map<std::string, std::vector<git_oid>> offered;  // path → blobs, in ref order
  std::set<std::string> lacking;                         // paths some fetched store lacks
  for (const auto& other : in.others) {
    const git_oid other_id = git::oid(other);
    git_commit* c = nullptr;
    git_tree* t = nullptr;
    if (git_commit_lookup(&c, repo, &other_id) != 0) remote_damaged("a fetched key store's commit cannot be read");
    git::Commit commit(c);
    if (git_commit_tree(&t, commit.get()) != 0) remote_damaged("a fetched key store's tree cannot be read");
    git::Tree theirs(t);
    git_diff* raw = nullptr;
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    if (git_diff_tree_to_tree(&raw, repo, ours_tree.get(), theirs.get(), &opts) != 0)
      remote_damaged("a fetched key store cannot be read");
    git::Diff diff(raw);
    for (size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
      const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
      const std::string path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
      if (path == kRotationEntry) continue;  // a removal's, on its own copy
      if (path != kStoreEntry && !path.starts_with("cases/"))
        remote_damaged(fmt::format("it holds {}", terminal_safe(path)));
      if (d->status == GIT_DELTA_DELETED)
        lacking.insert(path);
      else
        offered[path].push_back(d->new_file.id);
    }
  }

  std::map<std::string, std::optional<Entry>> changed;  // this store's key store, where it changes
  std::set<std::string> dropped;
  KeyMerge result;
  // Erased cases: this store's key goes, and what others offer is never
  // read (this repository may hold a fetched key store's trees from before
  // an erasure, and not the key they name, which the erasure deleted).
  auto drop = [&](const std::string& path) {
    const std::string id = case_of(path);
    if (ours_at(path)) changed[path] = std::nullopt;
    dropped.insert(id);
  };
  for (const auto& path : lacking)
    if (path != kStoreEntry && in.erased(case_of(path))) drop(path);
  for (const auto& id : in.erased_written)
    if (auto path = case_key_path(id)) drop(*path);
  for (const auto& [path, blobs] : offered) {
    const bool is_store = path == kStoreEntry;
    const std::string id = is_store ? std::string(kStoreEntry) : case_of(path);
    if (!is_store && in.erased(id)) {
      drop(path);
      continue;
    }
    const auto ours = ours_at(path);
    // The distinct keys offered of the merged generation.
    std::vector<Entry> current;
    int other_generation = target;
    for (const auto& b : blobs) {
      const Entry e = entry_at(b, path, false);
      if (e.generation != target) {
        other_generation = e.generation;
        continue;
      }
      if (std::none_of(current.begin(), current.end(), [&](const Entry& c) { return git_oid_equal(&c.blob, &e.blob); }))
        current.push_back(e);
    }
    const bool ours_current = ours && ours->generation == target;
    auto stale = [&]() {
      fail(Exit::store,
           fmt::format("the key of {} on the remote is of store key generation {}, keys/recipients.yaml of {}: the "
                       "store key was replaced on one copy (`prevent keys remove`) while the other sealed new "
                       "values, and re-wrapping them in a sync is not built",
                       terminal_safe(id), other_generation, target),
           "nothing was merged; sync the copy that sealed them before the store key is replaced, or ask for "
           "help (docs/team.md)");
    };
    if (is_store) {
      if (ours_current) continue;
      if (current.size() != 1) current.empty() ? stale() : remote_damaged("two different store keys");
      changed[path] = current.front();
      continue;
    }
    if (in.moved_away.count(id)) {
      // This side's case moves to a new ID; the ID's key is the other side's.
      std::erase_if(current, [&](const Entry& c) { return ours && git_oid_equal(&c.blob, &ours->blob); });
      if (current.size() != 1)
        fail(Exit::store,
             fmt::format("{} is renumbered here, and the remote offers {} key{} for the case that keeps the number",
                         terminal_safe(id), current.size(), current.size() == 1 ? "" : "s"),
             "nothing was merged; sync again once every copy has synced, or ask for help (docs/team.md)");
      changed[path] = current.front();
      if (!ours) ++result.taken;
      continue;
    }
    // This store's own key for a case its HEAD holds stays: another copy's
    // different key for the same ID is that copy's case, not yet merged
    // (it is renumbered when it comes).
    if (ours_current && in.held_here(id)) continue;
    // A case the merged tree does not hold: its key comes with its record.
    if (!in.held(id)) continue;
    if (current.empty()) {
      if (ours_current) continue;
      stale();
    }
    if (current.size() > 1 && can_unwrap && in.opens) {
      // With the key: the one whose key opens the merged record.
      std::erase_if(current, [&](const Entry& c) {
        auto blob = parse_key_blob(key_blob_text(repo, c.blob).value_or(""), false);
        auto key = blob ? crypto::unwrap_key(*s.store_key, data_key_ad(store_id, id), blob->wrapped) : std::nullopt;
        return !key || !in.opens(id, *key);
      });
      if (current.empty()) {
        result.undecided.push_back(id);
        continue;
      }
    }
    if (current.size() > 1) {
      result.undecided.push_back(id);
      continue;
    }
    if (ours && git_oid_equal(&ours->blob, &current.front().blob)) continue;
    changed[path] = current.front();
    if (!ours) ++result.taken;
  }
  // This side's keys must be of the merged generation too.
  if (ours_tree && our_generation != target) {
    for (const auto& e : key_store_cases(repo, ours_tree.get())) {
      if (changed.count(e.path)) continue;
      const Entry mine = entry_at(e.blob, e.path, true);
      if (mine.generation != target)
        fail(Exit::store,
             fmt::format("the key of {} here is of store key generation {}, the merged keys/recipients.yaml of {}: "
                         "the store key was replaced on one copy (`prevent keys remove`) while this one sealed new "
                         "values, and re-wrapping them in a sync is not built",
                         terminal_safe(e.id), mine.generation, target),
             "nothing was merged; ask for help (docs/team.md)");
    }
  }
  if (!s.pending.empty() && target != our_generation)
    fail(Exit::store, "a case to renumber and a store key replaced on the remote, in one sync, is not built",
         "nothing was merged; ask for help (docs/team.md)");
  result.dropped.assign(dropped.begin(), dropped.end());
  std::vector<KeyUpdate> updates;
  for (const auto& [path, entry] : changed) {
    if (!entry) {
      updates.push_back({path, std::nullopt});
      continue;
    }
    // The blob as it is (already in this repository: fetched).
    updates.push_back({path, key_blob_text(repo, entry->blob).value_or("")});
  }
  // The keys this run made (a renumbered case's, under its new ID) go in the
  // same write: never a key store without them and without the old ones.
  for (const auto& [id, key] : s.pending)
    updates.push_back({*case_key_path(id), data_key_blob(id, s.store_generation,
                                                        crypto::wrap_key(*s.store_key, data_key_ad(store_id, id), key))});
  if (!result.dropped.empty() && in.before_write) in.before_write(result.dropped);
  if (updates.empty()) return result;
  const git_oid written = write_key_store(repo, ours_commit, updates, ours_commit);
  s.pending.clear();
  if (s.key_commit || s.store_key) {
    s.key_commit = written;
    s.set_tree(key_tree(repo, written));
  }
  result.written = true;
  // A fresh clone's first key store is written: with it the keys can be
  // unlocked and the cases other copies offered two keys for decided.
  if (!ours_commit && !result.undecided.empty() && current_identity()) {
    KeyMerge again = merge_key_stores(in);
    again.taken += result.taken;
    again.written = true;
    for (const auto& id : result.dropped)
      if (std::find(again.dropped.begin(), again.dropped.end(), id) == again.dropped.end()) again.dropped.push_back(id);
    return again;
  }
  return result;
}

void Keyring::require_plain() const {
  if (state().recipients)
    fail(Exit::store, fmt::format("the store is encrypted already ({})", kRecipientsPath),
         "`prevent keys add` lets another person or device read it; `prevent keys list` shows who can");
}

std::string Keyring::create(const NewRecipient& first) {
  require_plain();
  State& s = state();
  git_repository* repo = git_.raw();
  Recipients rs;
  rs.store_id = crypto::to_hex(crypto::random_bytes(16));
  rs.generation = 1;
  const crypto::SecretKey store_key = crypto::random_key();
  const crypto::SecretKey store_data_key = crypto::random_key();
  rs.list.push_back(make_recipient(first, rs.store_id, store_key));
  const std::string blob = data_key_blob(kStoreEntry, rs.generation,
                                         crypto::wrap_key(store_key, data_key_ad(rs.store_id, kStoreEntry), store_data_key));
  // A key store a stopped init or encrypt left is replaced.
  const git_oid written = write_key_store(repo, std::nullopt, {{std::string(kStoreEntry), blob}}, key_ref(repo));
  std::string text = emit_recipients(rs);
  // Unlocked with the keys just made: no identity is read in this run.
  s.recipients = std::move(rs);
  s.unlock_tried = true;
  s.unlock_failure.reset();
  s.recipients_key = store_key;
  s.store_key = store_key;
  s.store_generation = 1;
  s.store_data_key = store_data_key;
  s.key_commit = written;
  s.set_tree(key_tree(repo, written));
  s.has_rotation = false;
  s.pending.clear();
  s.created = true;
  return text;
}

void Keyring::abandon_created() noexcept {
  try {
    if (!state_ || !state_->created) return;
    State& s = *state_;
    git_repository* repo = git_.raw();
    // The commit landed after all (it failed after moving the branch): the
    // key store is the store's.
    if (!git_.read_at_head(kRecipientsPath)) {
      git_reference* raw = nullptr;
      if (git_reference_lookup(&raw, repo, kKeyRef) == 0) {
        git::Reference ref(raw);
        // Only the key store this run wrote last.
        if (s.key_commit && git_reference_target(ref.get()) &&
            git_oid_equal(git_reference_target(ref.get()), &*s.key_commit))
          git_reference_delete(ref.get());
      }
      if (git_reference_has_log(repo, kKeyRef) == 1) git_reflog_delete(repo, kKeyRef);
    }
    state_.reset();
  } catch (...) {
  }
}

std::string Keyring::with_recipient(const NewRecipient& who) {
  if (!encrypted()) fail(Exit::store, "this store is plain: it has no keys",
                          "`prevent encrypt --recipient PUBKEY_FILE` makes its keys");
  if (!unlocked()) fail(Exit::store, "adding a recipient needs the store's key (no identity given)", kIdentityHint);
  State& s = state();
  Recipients rs = *s.recipients;
  for (const auto& r : rs.list) {
    if (r.info.name == who.name)
      fail(Exit::refused, "the store already has a recipient of that name (keys/recipients.yaml)",
           "`prevent keys list` shows them; choose another name");
    if (who.ssh && r.info.type == "ssh-ed25519" && r.public_key == who.ssh->blob_base64())
      fail(Exit::refused, fmt::format("that SSH key is already a recipient ({})", who.ssh->fingerprint()),
           "`prevent keys list` shows them");
  }
  rs.list.push_back(make_recipient(who, rs.store_id, *s.recipients_key));
  return emit_recipients(rs);
}

std::string Keyring::rotate_without(std::string_view name, int& new_generation) {
  if (!encrypted()) fail(Exit::store, "this store is plain: it has no keys", "");
  if (!unlocked()) fail(Exit::store, "removing a recipient needs the store's key (no identity given)", kIdentityHint);
  State& s = state();
  Recipients rs = *s.recipients;
  auto it = std::find_if(rs.list.begin(), rs.list.end(), [&](const Recipient& r) { return r.info.name == name; });
  if (it == rs.list.end())
    fail(Exit::not_found, "no recipient of that name (keys/recipients.yaml)", "`prevent keys list` shows them");
  if (rs.list.size() == 1)
    fail(Exit::refused, "that is the store's last recipient: without one nobody could read it (keys/recipients.yaml)",
         "add another first: `prevent keys add NAME --ssh FILE`");
  rs.list.erase(it);
  const int next_generation = std::max(rs.generation, s.store_generation) + 1;
  const crypto::SecretKey next = crypto::random_key();
  // Every data key, re-wrapped by the new store key: a new key store whose
  // tree is built from nothing (so nothing of the old one is kept), plus
  // the rotation entry, until the commit is in the history.
  std::vector<KeyUpdate> updates;
  git_repository* repo = git_.raw();
  std::vector<std::pair<std::string, std::string>> entries;  // path, id
  entries.push_back({std::string(kStoreEntry), std::string(kStoreEntry)});
  for (auto& e : key_store_cases(repo, s.tree.get())) entries.push_back({std::move(e.path), std::move(e.id)});
  for (const auto& [path, id] : entries) {
    crypto::SecretKey key;
    if (id == kStoreEntry) {
      key = *s.store_data_key;
    } else {
      if (case_key_path(id) != path) key_store_damaged(fmt::format("{} is not where a key belongs", path));
      key = *case_key(id);
    }
    updates.push_back({path, data_key_blob(id, next_generation, crypto::wrap_key(next, data_key_ad(rs.store_id, id), key))});
  }
  for (const auto& [id, key] : s.pending)
    updates.push_back({*case_key_path(id),
                       data_key_blob(id, next_generation, crypto::wrap_key(next, data_key_ad(rs.store_id, id), key))});
  updates.push_back({std::string(kRotationEntry),
                     rotation_blob(next_generation,
                                   crypto::wrap_key(*s.recipients_key, rotation_ad(rs.store_id, next_generation), next))});
  s.before_rotation = s.key_commit;
  s.rotation_commit = write_key_store(repo, std::nullopt, updates, s.key_commit);
  s.key_commit = s.rotation_commit;
  s.set_tree(key_tree(repo, *s.key_commit));
  s.rotated_key = next;
  s.rotated_generation = next_generation;
  s.pending.clear();
  rs.generation = next_generation;
  new_generation = next_generation;
  for (auto& r : rs.list) r.wrapped_key = seal_for(r, next);
  return emit_recipients(rs);
}

void Keyring::finish_rotation() {
  State& s = state();
  if (!s.rotation_commit) return;
  // recipients.yaml at HEAD is now the new one.
  s.recipients = std::nullopt;
  if (auto text = git_.read_at_head(kRecipientsPath)) s.recipients = parse_recipients(*text);
  s.key_commit = write_key_store(git_.raw(), s.rotation_commit, {{std::string(kRotationEntry), std::nullopt}},
                                 s.rotation_commit);
  s.set_tree(key_tree(git_.raw(), *s.key_commit));
  s.store_key = s.rotated_key;
  s.recipients_key = s.rotated_key;
  s.store_generation = s.rotated_generation;
  s.has_rotation = false;
  s.before_rotation.reset();
  s.rotation_commit.reset();
}

void Keyring::abandon_rotation() noexcept {
  try {
    State& s = state();
    if (!s.rotation_commit || !s.before_rotation) return;
    git_reference* raw = nullptr;
    if (git_reference_create_matching(&raw, git_.raw(), kKeyRef, &*s.before_rotation, 1, &*s.rotation_commit,
                                      nullptr) == 0)
      git_reference_free(raw);
    if (git_reference_has_log(git_.raw(), kKeyRef) == 1) git_reflog_delete(git_.raw(), kKeyRef);
    // Unlock again from what is there.
    state_.reset();
  } catch (...) {
  }
}

}  // namespace prevent

#include "person_index.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <exception>

#include "crypto.hpp"
#include "failure.hpp"
#include "git_handles.hpp"
#include "name_match.hpp"
#include "derived_check.hpp"
#include "parallel_blobs.hpp"
#include "side_file.hpp"
#include "state_dir.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

// The file:
//   prevent person index v2
//   cases <id of HEAD's `cases` tree the entries describe, or ->
//   body <bytes> <checksum, 16 hex digits>
//   <hash> <path>            one line per case file with a person key,
//   …                        sorted by path
// <hash> is the first 16 hex digits of person_key_hash(): enough to make a
// false match rare, and every match is confirmed against the record.
constexpr std::string_view kHeader = "prevent person index v2";
constexpr size_t kHashChars = 16;

// The name index (.git/prevent/names-v1, docs/matching.md) has the same
// header lines and is kept up to date the same way; its lines are
//   <block>,<block>,… <path>  one line per case file with blocking keys,
//   …                         sorted by path
// each <block> the first 8 hex digits of person_key_hash() of one key of
// similarity_blocks(): the "possible match" notice compares in full only
// the cases that share enough of them.
constexpr std::string_view kNamesHeader = "prevent name index v1";
constexpr size_t kBlockChars = 8;

// Which of the two indexes a function works on.
enum class Kind { people, names };
std::string_view header_of(Kind k) { return k == Kind::people ? kHeader : kNamesHeader; }
// How the index hashes are made (docs/encryption.md). In an encrypted
// store: a keyed hash (BLAKE2b) under the index key the store key gives,
// so that only key holders can test a name against the index, in files
// named by that key's ID (a new store key, a new index); without the key
// there is no index. In a plain store, which holds the names themselves:
// the plain hash, as before. One process works on one store: every entry
// point sets it (use_keying) before any thread starts.
struct Keying {
  std::optional<crypto::SecretKey> key;
  std::string suffix;   // of the file names
  bool usable = true;   // false: an encrypted store read without its key
};
Keying g_keying;

void use_keying(const Store& store) {
  Keying k;
  Keyring& ring = store.keyring();
  if (ring.encrypted()) {
    k.key = ring.index_key();
    if (k.key)
      k.suffix = "-k" + crypto::keyed_hash(*k.key, "prevent index key id", 16).substr(0, 16);
    else
      k.usable = false;
  }
  g_keying = std::move(k);
}

std::string file_of(Kind k) { return std::string(k == Kind::people ? "people-v2" : "names-v1") + g_keying.suffix; }

fs::path index_file(const Store& store, std::string_view name) { return state_path(store.git(), name); }


// The body's tag: the side files' keyed MAC (side_file.hpp), against
// damage and forgery alike.
uint64_t checksum(std::string_view s) { return side_file_checksum(s); }

// The case ID a file name stands for: `<ID>.yaml` with a well-formed ID.
// Other files under cases/ never match (as before: a match is read back by
// its ID).
bool is_case_file_name(std::string_view name) {
  if (!is_case_record_name(name)) return false;
  return parse_case_id(std::string(name.substr(0, name.size() - 5))).has_value();
}

std::string line_of(const std::string& key, const std::string& path) {
  return person_key_hash(key).substr(0, kHashChars) + " " + path + "\n";
}

// The `cases` tree at HEAD, or nullopt when there is none.
std::optional<git_oid> cases_tree_at_head(git_repository* repo) {
  git_object* obj = nullptr;
  int rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
  if (rc < 0) return std::nullopt;
  git::Tree root(reinterpret_cast<git_tree*>(obj));
  const git_tree_entry* e = git_tree_entry_byname(root.get(), "cases");
  if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE) return std::nullopt;
  return *git_tree_entry_id(e);
}

git::Tree lookup_tree(git_repository* repo, const std::optional<git_oid>& id) {
  git_tree* t = nullptr;
  if (id && git_tree_lookup(&t, repo, &*id) == 0) return git::Tree(t);
  return git::Tree(nullptr);
}

struct FileChange {
  std::string path;
  std::optional<git_oid> blob;  // nullopt: no longer a case file at HEAD
};

// Walks two sorted tree listings together (git's order), calling
// both(a, b), only_old(a) and only_new(b).
template <typename Both, typename Old, typename New>
void merge_walk(const git_tree* a, const git_tree* b, Both both, Old only_old, New only_new) {
  size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0, i = 0, j = 0;
  while (i < na || j < nb) {
    const git_tree_entry* ea = i < na ? git_tree_entry_byindex(a, i) : nullptr;
    const git_tree_entry* eb = j < nb ? git_tree_entry_byindex(b, j) : nullptr;
    int c = !ea ? 1 : !eb ? -1 : std::strcmp(git_tree_entry_name(ea), git_tree_entry_name(eb));
    if (c == 0 && ea && eb) {
      both(ea, eb);
      ++i, ++j;
    } else if (ea && (!eb || git_tree_entry_cmp(ea, eb) < 0)) {
      only_old(ea);
      ++i;
    } else {
      only_new(eb);
      ++j;
    }
  }
}

// The case files that differ between two `cases` trees, sorted by path.
std::vector<FileChange> diff_cases(git_repository* repo, const git_tree* old_cases, const git_tree* new_cases) {
  std::vector<FileChange> out;
  auto year_tree = [&](const git_tree_entry* e) {
    git_tree* t = nullptr;
    if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      if (git_tree_lookup(&t, repo, git_tree_entry_id(e)) < 0)
        fail(Exit::store, fmt::format("cannot read HEAD: {}", git_error_text()));
    }
    return git::Tree(t);
  };
  auto case_blob = [](const git_tree_entry* e) {
    return e && git_tree_entry_type(e) == GIT_OBJECT_BLOB && is_case_file_name(git_tree_entry_name(e));
  };
  auto year = [&](const git_tree_entry* ea, const git_tree_entry* eb) {
    const std::string dir = std::string("cases/") + git_tree_entry_name(ea ? ea : eb) + "/";
    git::Tree ta = year_tree(ea), tb = year_tree(eb);
    merge_walk(
        ta.get(), tb.get(),
        [&](const git_tree_entry* fa, const git_tree_entry* fb) {
          bool was = case_blob(fa), is = case_blob(fb);
          if (is && (!was || !git_oid_equal(git_tree_entry_id(fa), git_tree_entry_id(fb))))
            out.push_back({dir + git_tree_entry_name(fb), *git_tree_entry_id(fb)});
          else if (was && !is)
            out.push_back({dir + git_tree_entry_name(fa), std::nullopt});
        },
        [&](const git_tree_entry* fa) {
          if (case_blob(fa)) out.push_back({dir + git_tree_entry_name(fa), std::nullopt});
        },
        [&](const git_tree_entry* fb) {
          if (case_blob(fb)) out.push_back({dir + git_tree_entry_name(fb), *git_tree_entry_id(fb)});
        });
  };
  merge_walk(
      old_cases, new_cases,
      [&](const git_tree_entry* ea, const git_tree_entry* eb) {
        if (!git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) ||
            git_tree_entry_type(ea) != git_tree_entry_type(eb))
          year(ea, eb);
      },
      [&](const git_tree_entry* ea) { year(ea, nullptr); }, [&](const git_tree_entry* eb) { year(nullptr, eb); });
  std::sort(out.begin(), out.end(), [](const FileChange& x, const FileChange& y) { return x.path < y.path; });
  return out;
}

std::string block_hash(const std::string& block) { return person_key_hash(block).substr(0, kBlockChars); }

std::string names_line_of(const Case& c, const std::string& path) {
  std::string hashes;
  const Subject& s = c.referral.subject;
  for (const auto& b : similarity_blocks(s.name.reveal(), s.date_of_birth.reveal())) {
    if (!hashes.empty()) hashes += ',';
    hashes += block_hash(b);
  }
  if (hashes.empty()) return {};
  return hashes + " " + path + "\n";
}

std::string line_for_case(Kind kind, const Case& c, const std::string& path) {
  if (kind == Kind::names) return names_line_of(c, path);
  if (auto key = person_key(c)) return line_of(*key, path);
  return {};
}

// The index lines of each kind asked for, of some records: [kind][record].
struct Lines {
  std::vector<Kind> kinds;
  std::vector<std::string> people, names;
  std::vector<std::string>& of(Kind k) { return k == Kind::people ? people : names; }
  void set(size_t i, const Case& c, const std::string& path) {
    for (Kind k : kinds) of(k)[i] = line_for_case(k, c, path);
  }
};

// A record's index lines, each "" when it has no person key (no blocking
// keys), does not read or is not a case (it matches nothing; `check`
// reports it).
void lines_for_record(Lines& out, size_t i, std::string_view text, const std::string& path, const Config& config) {
  try {
    const Case c = read_case(text, path, config);
    if (misplaced_record(c, path)) return;  // not a case (store.hpp)
    out.set(i, c, path);
  } catch (const Failure&) {
  }
}

// What an index line of an encrypted record needs, still sealed: its ID,
// referral date, name and date of birth; nullopt when it does not read or
// is not a case.
std::optional<Case> sealed_subject(std::string_view text, const std::string& path, const Config& config) {
  try {
    const Case c = read_case(text, path, config);
    if (misplaced_record(c, path)) return std::nullopt;
    Case m;
    m.id = c.id;
    m.referral.received = c.referral.received;
    m.referral.subject.name = c.referral.subject.name;
    m.referral.subject.date_of_birth = c.referral.subject.date_of_birth;
    return m;
  } catch (const Failure&) {
  }
  return std::nullopt;
}

// Index lines of each of `kinds` for `files`, reading and parsing each
// record once, on all cores (ParallelBlobs: each thread reads through its
// own repository handle), a chunk at a time so that memory stays small.
// The lines are those a read and parse on one thread would give, in the
// same order. A rebuild asks for both kinds: the parse, most of the time
// of a rebuild, is then shared by the two indexes.
// `unopened`, when given, marks the records whose sealed name or date of
// birth did not open (an erased case's old version, whose key is gone).
Lines lines_for(std::vector<Kind> kinds, const Store& store, const std::vector<FileChange>& files,
                std::vector<char>* unopened = nullptr) {
  Lines out;
  out.kinds = std::move(kinds);
  for (Kind k : out.kinds) out.of(k).assign(files.size(), std::string());
  if (unopened) unopened->assign(files.size(), 0);
  std::optional<CaseKeyTable> keys;
  if (g_keying.key) keys = store.keyring().case_key_table();
  if (g_keying.key && !keys) fail(Exit::bug, "the index key without the store key", "");
  // Opens a record's sealed name and date of birth with its data key (none:
  // only what the store's own key seals opens) and sets its lines; marks it
  // unopened when something stays sealed or does not open. Safe on any
  // thread: it writes only record i's lines.
  auto open_subject = [&](Lines& lines, size_t i, Case& subject, const std::optional<crypto::SecretKey>& key,
                          const std::string& path) {
    try {
      open_personal(subject, CaseKeys{keys->store_id, key, keys->store_data_key}, path);
      if (has_sealed_values(subject)) {
        // No key for it (erased): nothing to hash.
        if (unopened) (*unopened)[i] = 1;
        return;
      }
      lines.set(i, subject, path);
    } catch (const Failure&) {
      // A value that does not open matches nothing; `check` reports it.
      if (unopened) (*unopened)[i] = 1;
    }
  };
  constexpr size_t kChunk = 4096;
  ParallelBlobs blobs(store);
  std::vector<git_oid> ids;
  std::vector<std::exception_ptr> errors;
  for (size_t start = 0; start < files.size(); start += kChunk) {
    const size_t end = std::min(files.size(), start + kChunk);
    ids.clear();
    for (size_t i = start; i < end; ++i) ids.push_back(*files[i].blob);
    errors.assign(end - start, nullptr);
    std::vector<char> unread(end - start, 0);
    std::vector<std::optional<Case>> subjects(end - start);
    blobs.run(ids, [&](size_t i, const BlobRead& blob) {
      if (blob.too_large) return;  // not a record (as one that does not read): no line
      if (!blob.text) {
        unread[i] = 1;
        return;
      }
      try {
        if (g_keying.key)
          subjects[i] = sealed_subject(*blob.text, files[start + i].path, store.config());
        else
          lines_for_record(out, start + i, *blob.text, files[start + i].path, store.config());
      } catch (...) {
        // Not a Failure (lines_for_record takes those): a bug, raised on the
        // calling thread below.
        errors[i] = std::current_exception();
      }
    });
    // An encrypted store: each case's name and date of birth opened with its
    // data key, read and unwrapped on every core as the records were
    // (CaseKeyTable), then hashed there too.
    std::vector<git_oid> key_ids;
    std::vector<size_t> key_of;  // key_ids[k] is the key of record key_of[k]
    for (size_t i = 0; i < end - start; ++i) {
      // A blob that does not read stops the build as it always has: read
      // again here, it raises the same Failure the one-thread read did.
      if (unread[i]) (void)store.git().read_blob(ids[i]);
      if (errors[i]) std::rethrow_exception(errors[i]);
      if (!subjects[i]) continue;
      const std::string& id = subjects[i]->id;
      if (has_sealed_values(*subjects[i]) && !keys->pending.contains(id)) {
        if (auto blob = store.keyring().case_key_blob(id)) {
          key_ids.push_back(git::oid(*blob));
          key_of.push_back(i);
          continue;
        }
      }
      // No sealed value, a key made in this run, or no key at all (erased):
      // nothing to read.
      std::optional<crypto::SecretKey> key;
      if (auto it = keys->pending.find(id); it != keys->pending.end()) key = it->second;
      open_subject(out, start + i, *subjects[i], key, files[start + i].path);
    }
    errors.assign(key_ids.size(), nullptr);
    blobs.run(key_ids, [&](size_t k, const BlobRead& blob) {
      const size_t i = key_of[k];
      try {
        // A key blob that is too large or does not read is damaged, as
        // Keyring::case_key finds it: the record matches nothing.
        if (!blob.text) {
          if (unopened) (*unopened)[start + i] = 1;
          return;
        }
        open_subject(out, start + i, *subjects[i], keys->open(subjects[i]->id, *blob.text), files[start + i].path);
      } catch (const Failure&) {
        if (unopened) (*unopened)[start + i] = 1;
      } catch (...) {
        errors[k] = std::current_exception();
      }
    });
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
  }
  return out;
}

// Every case file of a `cases` tree, sorted by path.
std::vector<FileChange> all_case_files(git_repository* repo, const git_tree* cases) {
  return diff_cases(repo, nullptr, cases);
}

std::string_view line_path(std::string_view line) { return line.substr(kHashChars + 1); }

bool well_formed(std::string_view line) {
  if (line.size() < kHashChars + 2 || line[kHashChars] != ' ') return false;
  for (size_t i = 0; i < kHashChars; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(line[i]))) return false;
  return line_path(line).starts_with("cases/");
}

// A name index line: its blocks, and its path.
std::string_view names_line_blocks(std::string_view line) { return line.substr(0, line.find(' ')); }
std::string_view names_line_path(std::string_view line) {
  const size_t sp = line.find(' ');
  return sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
}
bool names_well_formed(std::string_view line) {
  const std::string_view blocks = names_line_blocks(line);
  if (blocks.empty() || (blocks.size() + 1) % (kBlockChars + 1) != 0) return false;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const bool comma = i % (kBlockChars + 1) == kBlockChars;
    if (comma ? blocks[i] != ',' : !std::isxdigit(static_cast<unsigned char>(blocks[i]))) return false;
  }
  return names_line_path(line).starts_with("cases/");
}

std::string_view path_of(Kind kind, std::string_view line) {
  return kind == Kind::people ? line_path(line) : names_line_path(line);
}
bool line_well_formed(Kind kind, std::string_view line) {
  return kind == Kind::people ? well_formed(line) : names_well_formed(line);
}

// `body` with `changes` applied (both sorted by path), or nullopt when the
// body is not well formed.
std::optional<std::string> merged(Kind kind, std::string_view body, const std::vector<FileChange>& changes,
                                  const std::vector<std::string>& lines) {
  std::string out;
  out.reserve(body.size() + changes.size() * 64);
  size_t c = 0;
  std::string_view previous;
  auto emit_changes_before = [&](std::string_view path, bool inclusive) {
    while (c < changes.size() && (changes[c].path < path || (inclusive && changes[c].path == path))) {
      out += lines[c];
      ++c;
    }
  };
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view line = body.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line_well_formed(kind, line)) return std::nullopt;
    std::string_view path = path_of(kind, line);
    if (!previous.empty() && path <= previous) return std::nullopt;
    previous = path;
    emit_changes_before(path, false);
    if (c < changes.size() && changes[c].path == path) {
      out += lines[c];  // replaces (or, when empty, removes) the old line
      ++c;
      continue;
    }
    out.append(line);
    out += '\n';
  }
  while (c < changes.size()) out += lines[c++];
  return out;
}

struct IndexFile {
  std::optional<git_oid> cases;  // nullopt: made for a store without cases
  std::string body;
};

// The index file when it is whole: right header, body of the stated size
// and checksum. nullopt otherwise.
std::optional<IndexFile> read_index_file(Kind kind, const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string header, tree_line, body_line;
  if (!std::getline(in, header) || header != header_of(kind)) return std::nullopt;
  if (!std::getline(in, tree_line) || !std::getline(in, body_line)) return std::nullopt;
  IndexFile f;
  {
    std::istringstream ts(tree_line);
    std::string word, id;
    if (!(ts >> word >> id) || word != "cases") return std::nullopt;
    if (id != "-") {
      git_oid oid;
      if (id.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, id.c_str()) < 0) return std::nullopt;
      f.cases = oid;
    }
  }
  size_t size = 0;
  std::string sum;
  {
    std::istringstream bs(body_line);
    std::string word;
    if (!(bs >> word >> size >> sum) || word != "body" || sum.size() != 16) return std::nullopt;
  }
  f.body.resize(size);
  in.read(f.body.data(), static_cast<std::streamsize>(size));
  if (static_cast<size_t>(in.gcount()) != size || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
  if (fmt::format("{:016x}", checksum(f.body)) != sum) return std::nullopt;
  return f;
}

void write_index_file(Kind kind, const Store& store, const std::optional<git_oid>& cases, const std::string& body) {
  std::string text = fmt::format("{}\ncases {}\nbody {} {:016x}\n", header_of(kind),
                                 cases ? git::object_id(*cases).hex() : "-", body.size(), checksum(body));
  text += body;
  try {
    // A cache needs no fsync: lost or damaged, it is rebuilt.
    write_file_atomically(index_file(store, file_of(kind)), text, Durability::later);
    // The first format's file, keyed by case; no longer read.
    std::error_code ec;
    if (kind == Kind::people) fs::remove(index_file(store, "people-v1"), ec);
  } catch (const Failure&) {
    // A cache that cannot be written is brought up to date next time.
  }
}

// The body of an index brought up to date with HEAD: as it was, updated
// from the files changed since the tree it describes, or rebuilt.
struct Loaded {
  std::string body;
  PersonIndex::Source source = PersonIndex::PersonIndex::Source::fresh;
  size_t reread = 0;
};
Loaded load_index(Kind kind, const Store& store) {
  use_keying(store);
  // An encrypted store read without its key has no index: the names it
  // would hash are sealed (and a referral there needs the key anyway).
  if (!g_keying.usable) return Loaded{};
  git_repository* repo = store.git().raw();
  const std::optional<git_oid> head = cases_tree_at_head(repo);
  git::Tree head_tree = lookup_tree(repo, head);
  if (head && !head_tree) fail(Exit::store, fmt::format("cannot read HEAD: {}", git_error_text()));

  Loaded index;
  std::optional<IndexFile> file = read_index_file(kind, index_file(store, file_of(kind)));
  if (file) {
    if ((!file->cases && !head) || (file->cases && head && git_oid_equal(&*file->cases, &*head))) {
      index.body = std::move(file->body);
      index.source = PersonIndex::Source::fresh;
      return index;
    }
    // Only what changed between the tree it describes and HEAD's. A tree
    // that is no longer in the repository means a full rebuild.
    git::Tree old_tree = lookup_tree(repo, file->cases);
    if (old_tree || !file->cases) {
      auto changes = diff_cases(repo, old_tree.get(), head_tree.get());
      std::vector<FileChange> reread;
      std::vector<size_t> where;
      for (size_t i = 0; i < changes.size(); ++i)
        if (changes[i].blob) {
          reread.push_back(changes[i]);
          where.push_back(i);
        }
      auto new_lines = std::move(lines_for({kind}, store, reread).of(kind));
      std::vector<std::string> lines(changes.size());
      for (size_t k = 0; k < where.size(); ++k) lines[where[k]] = std::move(new_lines[k]);
      if (auto body = merged(kind, file->body, changes, lines)) {
        index.body = std::move(*body);
        index.source = PersonIndex::Source::updated;
        index.reread = reread.size();
        write_index_file(kind, store, head, index.body);
        return index;
      }
    }
  }
  // Missing or damaged: every record, once. The other index is made in
  // the same pass when it is not up to date with HEAD either (a fresh
  // clone has neither): `refer` and `import` read both, and the parse is
  // most of the time of each.
  auto files = all_case_files(repo, head_tree.get());
  const Kind other = kind == Kind::people ? Kind::names : Kind::people;
  const std::optional<IndexFile> other_file = read_index_file(other, index_file(store, file_of(other)));
  const bool other_fresh = other_file && ((!other_file->cases && !head) ||
                                          (other_file->cases && head && git_oid_equal(&*other_file->cases, &*head)));
  Lines lines = lines_for(other_fresh ? std::vector<Kind>{kind} : std::vector<Kind>{kind, other}, store, files);
  for (const auto& l : lines.of(kind)) index.body += l;
  index.source = PersonIndex::Source::rebuilt;
  index.reread = files.size();
  write_index_file(kind, store, head, index.body);
  if (!other_fresh) {
    std::string body;
    for (const auto& l : lines.of(other)) body += l;
    write_index_file(other, store, head, body);
  }
  return index;
}

}  // namespace

std::string person_key_hash(const std::string& key) {
  if (g_keying.key) return crypto::keyed_hash(*g_keying.key, key, 20);
  git_oid id;
  git_odb_hash(&id, key.data(), key.size(), GIT_OBJECT_BLOB);
  return git::object_id(id).hex();
}

std::vector<DerivedFileFinding> check_person_index(const Store& store) {
  use_keying(store);
  if (!g_keying.usable) return {};  // an encrypted store without its key: nothing to compare with
  const fs::path path = index_file(store, file_of(Kind::people));
  std::error_code ec;
  if (!fs::exists(path, ec)) return {};
  std::vector<DerivedFileFinding> out;
  git_repository* repo = store.git().raw();
  std::optional<IndexFile> file = read_index_file(Kind::people, path);
  if (!file) {
    out.push_back({false, fmt::format("the person index does not check out under this user's key (written by another "
                                      "user or an older prevent, damaged, or edited): never used; removed, the next "
                                      "referral rebuilds it ({})",
                                      shown_state_path(file_of(Kind::people)))});
    fs::remove(path, ec);
    return out;
  }
  // Compared with the tree it describes (a tree no longer in the
  // repository: never used, rebuilt by the next referral).
  git::Tree tree = lookup_tree(repo, file->cases);
  if (file->cases && !tree) return out;
  // A record of that tree whose values no longer open (a case erased
  // since: its key is destroyed) cannot be hashed again; its line is taken
  // as the index has it, and goes when the index is next brought up to
  // date (the record changed with the erasure). Its own check is `check
  // erasure`'s and `check records`'.
  const std::vector<FileChange> files = all_case_files(repo, tree.get());
  std::vector<char> unopened;
  const std::vector<std::string> lines = std::move(lines_for({Kind::people}, store, files, &unopened).people);
  std::map<std::string_view, std::string_view> indexed;
  if (std::find(unopened.begin(), unopened.end(), 1) != unopened.end())
    for (size_t at = 0; at < file->body.size();) {
      const size_t end = std::min(file->body.find('\n', at), file->body.size());
      const std::string_view line(file->body.data() + at, end - at);
      if (line_well_formed(Kind::people, line)) indexed[path_of(Kind::people, line)] = line;
      at = end + 1;
    }
  std::string body;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!unopened[i]) {
      body += lines[i];
    } else if (auto it = indexed.find(files[i].path); it != indexed.end()) {
      body += it->second;
      body += '\n';
    }
  }
  if (body != file->body) {
    out.push_back({true, fmt::format("the person index does not match the records it describes: never to be "
                                     "trusted; removed, the next referral rebuilds it ({})",
                                     shown_state_path(file_of(Kind::people)))});
    fs::remove(path, ec);
  }
  return out;
}

PersonIndex PersonIndex::load(const Store& store) {
  Loaded loaded = load_index(Kind::people, store);
  PersonIndex index;
  index.body_ = std::move(loaded.body);
  index.source_ = loaded.source;
  index.reread_ = loaded.reread;
  return index;
}

std::vector<std::string> PersonIndex::matches(const Store& store, const std::string& key) const {
  std::vector<std::string> out;
  const std::string hash = person_key_hash(key).substr(0, kHashChars);
  const std::string_view body = body_;
  auto line_at = [&](size_t pos) {
    size_t nl = body.find('\n', pos);
    return body.substr(pos, (nl == std::string_view::npos ? body.size() : nl) - pos);
  };
  std::vector<size_t> hits;
  if (++lookups_ == 2) {
    for (size_t pos = 0; pos < body.size();) {
      std::string_view line = line_at(pos);
      if (line.size() > kHashChars + 1) by_hash_.emplace(line.substr(0, kHashChars), pos);
      pos += line.size() + 1;
    }
  }
  if (lookups_ >= 2) {
    auto [first, last] = by_hash_.equal_range(hash);
    for (auto it = first; it != last; ++it) hits.push_back(it->second);
  } else {
    for (size_t pos = 0; pos < body.size();) {
      std::string_view line = line_at(pos);
      if (line.size() > kHashChars + 1 && line.compare(0, kHashChars, hash) == 0) hits.push_back(pos);
      pos += line.size() + 1;
    }
  }
  for (size_t at : hits) {
    std::string_view path = line_path(line_at(at));
    std::string_view name = path.substr(path.rfind('/') + 1);
    auto cid = parse_case_id(std::string(name.substr(0, name.size() - 5)));
    if (!cid) continue;
    try {
      if (person_key(store.load_case(*cid)) == key) out.push_back(cid->str());
    } catch (const Failure&) {
    }
  }
  auto [bfirst, blast] = batch_by_key_.equal_range(key);
  for (auto it = bfirst; it != blast; ++it) out.push_back(it->second);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
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

NameIndex NameIndex::load(const Store& store) {
  NameIndex index;
  index.body_ = load_index(Kind::names, store).body;
  return index;
}

std::vector<std::string> NameIndex::candidates(const std::vector<std::string>& blocks, size_t shared) const {
  std::vector<std::string> hashes;
  for (const auto& b : blocks) hashes.push_back(block_hash(b));
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  const std::string_view body = body_;
  auto line_at = [&](size_t pos) {
    size_t nl = body.find('\n', pos);
    return body.substr(pos, (nl == std::string_view::npos ? body.size() : nl) - pos);
  };
  auto each_block = [](std::string_view blocks_field, auto&& f) {
    for (size_t at = 0; at + kBlockChars <= blocks_field.size(); at += kBlockChars + 1)
      f(blocks_field.substr(at, kBlockChars));
  };
  std::map<size_t, size_t> count;  // line offset → blocks shared
  if (++lookups_ == 2) {
    for (size_t pos = 0; pos < body.size();) {
      std::string_view line = line_at(pos);
      each_block(names_line_blocks(line), [&](std::string_view h) { by_block_.emplace(h, pos); });
      pos += line.size() + 1;
    }
  }
  if (lookups_ >= 2) {
    for (const auto& h : hashes) {
      auto [first, last] = by_block_.equal_range(h);
      for (auto it = first; it != last; ++it) ++count[it->second];
    }
  } else {
    for (size_t pos = 0; pos < body.size();) {
      std::string_view line = line_at(pos);
      size_t n = 0;
      each_block(names_line_blocks(line), [&](std::string_view h) {
        n += std::binary_search(hashes.begin(), hashes.end(), h) ? 1 : 0;
      });
      if (n) count[pos] = n;
      pos += line.size() + 1;
    }
  }
  std::vector<std::string> out;
  for (const auto& [pos, n] : count) {
    if (n < shared) continue;
    std::string_view path = names_line_path(line_at(pos));
    std::string_view name = path.substr(path.rfind('/') + 1);
    if (name.size() <= 5) continue;
    if (auto cid = parse_case_id(std::string(name.substr(0, name.size() - 5)))) out.push_back(cid->str());
  }
  std::map<std::string, size_t> batch_count;
  for (const auto& h : hashes) {
    auto [first, last] = batch_.equal_range(h);
    for (auto it = first; it != last; ++it) ++batch_count[it->second];
  }
  for (const auto& [id, n] : batch_count)
    if (n >= shared) out.push_back(id);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void NameIndex::add(const std::string& id, const std::vector<std::string>& blocks) {
  std::set<std::string> hashes;
  for (const auto& b : blocks) hashes.insert(block_hash(b));
  for (const auto& h : hashes) batch_.emplace(h, id);
}

void remove_unkeyed_person_indexes(const Store& store) {
  std::error_code ec;
  for (const char* name : {"people-v2", "names-v1"}) fs::remove(index_file(store, name), ec);
}

void remove_person_indexes(const Store& store) {
  std::error_code ec;
  std::vector<fs::path> found;
  for (fs::directory_iterator it(state_dir(store.git()), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with("people-v") || name.starts_with("names-v")) found.push_back(it->path());
  }
  for (const auto& f : found) fs::remove(f, ec);
}

}  // namespace prevent

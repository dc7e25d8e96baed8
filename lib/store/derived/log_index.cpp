#include "log_index.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "failure.hpp"
#include "git_handles.hpp"
#include "git_options.hpp"

namespace fs = std::filesystem;

namespace prevent {

namespace {

// The first line of a file: this, the scope, a newline.
constexpr std::string_view kMagic = "prevent log index v1 ";

std::string magic_of(std::string_view scope) {
  std::string m(kMagic);
  m += scope;
  m += '\n';
  return m;
}
// A `log ID` that finds more segments than this rewrites the file as one.
constexpr size_t kMaxSegments = 32;
constexpr size_t kOid = GIT_OID_RAWSZ;

[[noreturn]] void index_fail(const std::string& what) {
  fail(Exit::store, fmt::format("{}: {} (.git)", what, git_error_text()),
       "the repository may be damaged: `prevent check repository` examines it");
}

bool is_zero(const git_oid& id) { return git_oid_is_zero(&id) != 0; }

git_oid sha1_of(std::string_view bytes) {
  git_oid id;
  git_odb_hash(&id, bytes.data(), bytes.size(), GIT_OBJECT_BLOB);
  return id;
}

// --------------------------------------------------------------- encoding

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_oid(std::string& out, const git_oid& id) { out.append(reinterpret_cast<const char*>(id.id), kOid); }

struct Malformed {};

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  std::string_view take(size_t n) {
    if (n > b_.size() - at_) throw Malformed{};
    std::string_view v = b_.substr(at_, n);
    at_ += n;
    return v;
  }
  std::uint64_t uint(int bytes) {
    std::string_view v = take(static_cast<size_t>(bytes));
    std::uint64_t x = 0;
    for (int i = bytes - 1; i >= 0; --i) x = (x << 8) | static_cast<unsigned char>(v[static_cast<size_t>(i)]);
    return x;
  }
  git_oid oid() {
    git_oid id;
    std::memcpy(id.id, take(kOid).data(), kOid);
    return id;
  }
  size_t at() const { return at_; }
  bool done() const { return at_ == b_.size(); }

 private:
  std::string_view b_;
  size_t at_ = 0;
};

// Segment layout (integers little-endian):
//   u64 length of what follows up to and including `head`
//   previous segment's checksum (20 bytes; zeros for the first)
//   u32 commit count, the commits (20 bytes each)
//   u32 key count; per key: u16 length, the key, u32 count, u32 positions
//   parent head (20 bytes; zeros for the first), head (20 bytes)
//   checksum: SHA-1 (as of a git blob) of everything above from the length on
// The parent and head come last so that an append reads them with one pread.
constexpr size_t kTrailer = 3 * kOid;  // parent, head, checksum

std::string payload_of(const LogIndexSegment& s) {
  std::string p;
  put_u32(p, static_cast<std::uint32_t>(s.commits.size()));
  for (const auto& c : s.commits) put_oid(p, c);
  put_u32(p, static_cast<std::uint32_t>(s.keys.size()));
  for (const auto& [key, positions] : s.keys) {
    std::uint16_t n = static_cast<std::uint16_t>(key.size());
    p.push_back(static_cast<char>(n & 0xff));
    p.push_back(static_cast<char>(n >> 8));
    p += key;
    put_u32(p, static_cast<std::uint32_t>(positions.size()));
    for (auto at : positions) put_u32(p, at);
  }
  return p;
}

// A segment read in place: views into the file's bytes.
struct SegmentView {
  git_oid parent{}, head{}, sum{};
  std::string_view commits;  // 20 bytes each
  std::string_view keys;     // u32 count, then the keys
};

// Walks the keys of a segment: fn(key, positions bytes, count).
template <typename Fn>
void each_key(std::string_view keys, size_t commit_count, Fn&& fn) {
  Reader r(keys);
  std::uint64_t n = r.uint(4);
  for (std::uint64_t i = 0; i < n; ++i) {
    size_t len = static_cast<size_t>(r.uint(2));
    std::string_view key = r.take(len);
    size_t count = static_cast<size_t>(r.uint(4));
    if (count > keys.size()) throw Malformed{};
    std::string_view positions = r.take(count * 4);
    fn(key, positions, count);
  }
  if (!r.done()) throw Malformed{};
  (void)commit_count;
}

std::uint32_t u32_at(std::string_view b, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(b.data()) + 4 * i;
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

// Every segment of a file, checked: checksums, the chain of checksums and
// heads, every length, every position in range and ascending. nullopt when
// anything is off.
std::optional<std::vector<SegmentView>> read_segments(std::string_view scope, std::string_view bytes) {
  const std::string magic = magic_of(scope);
  if (bytes.substr(0, magic.size()) != magic) return std::nullopt;
  std::vector<SegmentView> out;
  try {
    Reader r(bytes.substr(magic.size()));
    git_oid last_sum{}, last_head{};
    while (!r.done()) {
      size_t start = r.at();
      std::uint64_t len = r.uint(8);
      if (len < 3 * kOid + 8) throw Malformed{};
      std::string_view body = r.take(static_cast<size_t>(len));
      std::string_view whole(bytes.data() + magic.size() + start, 8 + body.size());
      git_oid sum = r.oid();
      git_oid computed = sha1_of(whole);
      if (!git_oid_equal(&sum, &computed)) throw Malformed{};
      Reader b(body);
      git_oid prev = b.oid();
      if (!git_oid_equal(&prev, &last_sum)) throw Malformed{};
      SegmentView s;
      s.sum = sum;
      size_t nc = static_cast<size_t>(b.uint(4));
      if (nc > body.size() / kOid) throw Malformed{};
      s.commits = b.take(nc * kOid);
      if (b.at() + 2 * kOid > body.size()) throw Malformed{};
      std::string_view rest = body.substr(b.at(), body.size() - b.at() - 2 * kOid);
      s.keys = rest;
      std::string_view tail = body.substr(body.size() - 2 * kOid);
      std::memcpy(s.parent.id, tail.data(), kOid);
      std::memcpy(s.head.id, tail.data() + kOid, kOid);
      if (!git_oid_equal(&s.parent, &last_head)) throw Malformed{};
      if (is_zero(s.head)) throw Malformed{};
      each_key(s.keys, nc, [&](std::string_view key, std::string_view positions, size_t count) {
        if (key.empty() || (key[0] != 'f' && key[0] != 'm')) throw Malformed{};
        for (size_t i = 0; i < count; ++i) {
          std::uint32_t at = u32_at(positions, i);
          if (at >= nc || (i > 0 && at <= u32_at(positions, i - 1))) throw Malformed{};
        }
      });
      last_sum = sum;
      last_head = s.head;
      out.push_back(s);
    }
  } catch (const Malformed&) {
    return std::nullopt;
  }
  return out;
}

LogIndexSegment decode_segment(const SegmentView& v) {
  LogIndexSegment s;
  if (!is_zero(v.parent)) s.parent = v.parent;
  s.head = v.head;
  size_t nc = v.commits.size() / kOid;
  for (size_t i = 0; i < nc; ++i) {
    git_oid id;
    std::memcpy(id.id, v.commits.data() + i * kOid, kOid);
    s.commits.push_back(id);
  }
  each_key(v.keys, nc, [&](std::string_view key, std::string_view positions, size_t count) {
    std::vector<std::uint32_t> at;
    at.reserve(count);
    for (size_t i = 0; i < count; ++i) at.push_back(u32_at(positions, i));
    s.keys.emplace_back(std::string(key), std::move(at));
  });
  return s;
}

// ------------------------------------------------------- reading the history

// A git object's bytes, read raw (no parsing by libgit2).
class RawObject {
 public:
  RawObject(git_odb* odb, const git_oid& id) {
    git_odb_object* o = nullptr;
    if (git_odb_read(&o, odb, &id) < 0) index_fail("cannot read an object of the history");
    obj_.reset(o);
  }
  std::string_view bytes() const {
    return {static_cast<const char*>(git_odb_object_data(obj_.get())), git_odb_object_size(obj_.get())};
  }
  git_object_t type() const { return git_odb_object_type(obj_.get()); }

 private:
  git::OdbObject obj_;
};

struct Link {
  git_oid commit{};
  git_oid tree{};
};

bool parse_hex_line(std::string_view text, std::string_view field, size_t& at, git_oid& out) {
  if (text.substr(at, field.size()) != field) return false;
  size_t start = at + field.size();
  if (text.size() < start + GIT_OID_HEXSZ + 1 || text[start + GIT_OID_HEXSZ] != '\n') return false;
  if (git_oid_fromstrn(&out, text.data() + start, GIT_OID_HEXSZ) < 0) return false;
  at = start + GIT_OID_HEXSZ + 1;
  return true;
}

// A commit's tree and first parent, from its raw bytes.
Link read_link(git_odb* odb, const git_oid& id, std::optional<git_oid>& parent) {
  RawObject o(odb, id);
  if (o.type() != GIT_OBJECT_COMMIT) index_fail("cannot read a commit of the history");
  std::string_view text = o.bytes();
  Link l;
  l.commit = id;
  size_t at = 0;
  if (!parse_hex_line(text, "tree ", at, l.tree)) index_fail("cannot read a commit of the history");
  git_oid p;
  if (parse_hex_line(text, "parent ", at, p))
    parent = p;
  else
    parent.reset();
  return l;
}

// One entry of a raw tree.
struct RawEntry {
  std::string_view name;
  std::string_view bytes;  // the whole entry: mode, name, id
  const unsigned char* id = nullptr;
  bool tree = false;
  bool blob = false;  // a file (regular, executable or a link); not a submodule
};

bool next_entry(std::string_view t, size_t& at, RawEntry& e) {
  if (at >= t.size()) return false;
  size_t sp = t.find(' ', at);
  size_t nul = sp == std::string_view::npos ? sp : t.find('\0', sp);
  if (nul == std::string_view::npos || nul + 1 + kOid > t.size()) index_fail("cannot read a directory of the history");
  std::string_view mode = t.substr(at, sp - at);
  e.name = t.substr(sp + 1, nul - sp - 1);
  e.bytes = t.substr(at, nul + 1 + kOid - at);
  e.id = reinterpret_cast<const unsigned char*>(t.data() + nul + 1);
  e.tree = mode == "40000";
  e.blob = !e.tree && mode != "160000";
  at = nul + 1 + kOid;
  return true;
}

// Git's order of tree entries: a directory's name compares as if it ended in '/'.
int entry_order(const RawEntry& a, const RawEntry& b) {
  size_t n = std::min(a.name.size(), b.name.size());
  if (int c = std::memcmp(a.name.data(), b.name.data(), n); c != 0) return c;
  auto next = [](const RawEntry& e, size_t at) -> int {
    if (at < e.name.size()) return static_cast<unsigned char>(e.name[at]);
    return e.tree ? '/' : 0;
  };
  return next(a, n) - next(b, n);
}

git_oid oid_of(const unsigned char* raw) {
  git_oid id;
  std::memcpy(id.id, raw, kOid);
  return id;
}

// What the index is built from: one commit's changed paths.
struct Change {
  std::string path;
  std::optional<git_oid> before, after;  // blobs only
};

// One version of a directory: its raw bytes and, once known, where each
// entry starts.
struct TreeVersion {
  git_oid id{};
  std::unique_ptr<RawObject> obj;
  std::vector<std::uint32_t> offsets;
  bool indexed = false;
  std::string_view bytes() const { return obj->bytes(); }
};
using TreeRef = std::shared_ptr<TreeVersion>;

// The end of the entry that starts at `at` (mode and name hold no NUL).
size_t skip_entry(std::string_view t, size_t at) {
  const void* nul = std::memchr(t.data() + at, '\0', t.size() - at);
  if (!nul) index_fail("cannot read a directory of the history");
  size_t end = static_cast<size_t>(static_cast<const char*>(nul) - t.data()) + 1 + kOid;
  if (end > t.size()) index_fail("cannot read a directory of the history");
  return end;
}

void index_entries(TreeVersion& t) {
  if (t.indexed) return;
  std::string_view b = t.bytes();
  t.offsets.clear();
  for (size_t at = 0; at < b.size(); at = skip_entry(b, at)) t.offsets.push_back(static_cast<std::uint32_t>(at));
  t.indexed = true;
}

// How many bytes two buffers share from the start.
size_t common_start(std::string_view a, std::string_view b) {
  constexpr size_t kChunk = 512;
  size_t n = std::min(a.size(), b.size()), i = 0;
  while (i + kChunk <= n && std::memcmp(a.data() + i, b.data() + i, kChunk) == 0) i += kChunk;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// Diffs raw trees, reading each version of a directory once per walk (a
// commit's old directories are the previous commit's new ones). Two
// versions of a large directory mostly share their bytes: the common start
// is skipped with one comparison (the entry offsets of the old version
// say where its entries start), and once the rest of both is the same
// bytes the comparison stops, the new version's offsets following from
// the old one's.
class TreeDiffer {
 public:
  explicit TreeDiffer(git_odb* odb) : odb_(odb) {}

  // The changes between two root trees within `scopes` (directories:
  // "panels", "cases/2026").
  void diff_roots(const std::optional<git_oid>& a, const std::optional<git_oid>& b,
                  const std::vector<std::string>& scopes, std::vector<Change>& out) {
    if (scopes.empty() || (a && b && git_oid_equal(&*a, &*b))) return;
    TreeRef ta = a ? tree("", *a) : nullptr;
    TreeRef tb = b ? tree("", *b) : nullptr;
    bool any_year = false;
    for (const auto& sc : scopes) {
      if (sc.starts_with("cases/")) any_year = true;
      else if (sc == "panels") diff_dir(ta, tb, "panels", out);
    }
    if (!any_year) return;
    std::optional<git_oid> ca = ta ? dir_id(ta->bytes(), "cases") : std::nullopt;
    std::optional<git_oid> cb = tb ? dir_id(tb->bytes(), "cases") : std::nullopt;
    if ((!ca && !cb) || (ca && cb && git_oid_equal(&*ca, &*cb))) return;
    TreeRef xa = ca ? tree("cases", *ca) : nullptr;
    TreeRef xb = cb ? tree("cases", *cb) : nullptr;
    for (const auto& sc : scopes)
      if (sc.starts_with("cases/")) diff_dir(xa, xb, sc, out);
  }

 private:
  // The directory `path` (its last name looked up in `a` and `b`).
  void diff_dir(const TreeRef& a, const TreeRef& b, const std::string& path, std::vector<Change>& out) {
    std::string_view name = std::string_view(path).substr(path.rfind('/') + 1);
    std::optional<git_oid> ea = a ? dir_id(a->bytes(), name) : std::nullopt;
    std::optional<git_oid> eb = b ? dir_id(b->bytes(), name) : std::nullopt;
    if (!ea && !eb) return;
    if (ea && eb && git_oid_equal(&*ea, &*eb)) return;
    // The old version first: it is the one already read.
    TreeRef da = ea ? tree(path, *ea) : nullptr;
    TreeRef db = eb ? tree(path, *eb) : nullptr;
    diff(path, da, db, out);
  }

  static std::optional<git_oid> dir_id(std::string_view t, std::string_view name) {
    size_t at = 0;
    RawEntry e;
    while (next_entry(t, at, e))
      if (e.name == name) return e.tree ? std::optional<git_oid>(oid_of(e.id)) : std::nullopt;
    return std::nullopt;
  }

  TreeRef tree(const std::string& path, const git_oid& id) {
    auto& slot = last_[path];
    if (slot && git_oid_equal(&slot->id, &id)) return slot;
    auto t = std::make_shared<TreeVersion>();
    t->id = id;
    t->obj = std::make_unique<RawObject>(odb_, id);
    if (t->obj->type() != GIT_OBJECT_TREE) index_fail("cannot read a directory of the history");
    slot = t;
    return t;
  }

  void every(const std::string& path, const RawEntry& e, bool added, std::vector<Change>& out) {
    if (e.tree) {
      if (added)
        diff(path, nullptr, tree(path, oid_of(e.id)), out);
      else
        diff(path, tree(path, oid_of(e.id)), nullptr, out);
    } else if (e.blob) {
      Change c{path, {}, {}};
      (added ? c.after : c.before) = oid_of(e.id);
      out.push_back(std::move(c));
    }
  }

  void diff(const std::string& prefix, const TreeRef& a, const TreeRef& b, std::vector<Change>& out) {
    std::string_view ta = a ? a->bytes() : std::string_view(), tb = b ? b->bytes() : std::string_view();
    const bool both = a && b;
    const bool fill = b && !b->indexed;  // b's offsets are worked out on the way
    std::vector<std::uint32_t> B;
    size_t pa = 0, pb = 0, ia = 0;  // the next entry of each; its index in a
    if (both) {
      index_entries(*a);
      const auto& A = a->offsets;
      size_t same = common_start(ta, tb);
      // The entries wholly within the common start are the same in both.
      size_t k = static_cast<size_t>(std::upper_bound(A.begin(), A.end(), same) - A.begin());
      if (k > 0) --k;
      if (k + 1 == A.size() && ta.size() <= same) k = A.size();
      ia = k;
      pa = pb = k < A.size() ? A[k] : ta.size();
      if (fill) B.assign(A.begin(), A.begin() + static_cast<std::ptrdiff_t>(k));
    }
    int tail_checks = 0;
    RawEntry ea, eb;
    while (pa < ta.size() || pb < tb.size()) {
      bool ha = pa < ta.size(), hb = pb < tb.size();
      size_t na = pa, nb = pb;
      if (ha) next_entry(ta, na, ea);
      if (hb) next_entry(tb, nb, eb);
      int order = !ha ? 1 : !hb ? -1 : entry_order(ea, eb);
      bool changed = true;
      if (order < 0) {
        every(prefix + "/" + std::string(ea.name), ea, false, out);
        pa = na, ++ia;
      } else if (order > 0) {
        if (fill) B.push_back(static_cast<std::uint32_t>(pb));
        every(prefix + "/" + std::string(eb.name), eb, true, out);
        pb = nb;
      } else {
        if (fill) B.push_back(static_cast<std::uint32_t>(pb));
        if (ea.bytes == eb.bytes) {
          changed = false;
        } else {
          std::string path = prefix + "/" + std::string(ea.name);
          if (ea.tree && eb.tree) {
            TreeRef sa = tree(path, oid_of(ea.id));
            TreeRef sb = tree(path, oid_of(eb.id));
            diff(path, sa, sb, out);
          } else if (!ea.tree && !eb.tree) {
            Change c{path, {}, {}};
            if (ea.blob) c.before = oid_of(ea.id);
            if (eb.blob) c.after = oid_of(eb.id);
            out.push_back(std::move(c));
          } else {
            every(path, ea, false, out);
            every(path, eb, true, out);
          }
        }
        pa = na, pb = nb, ++ia;
      }
      // After a change, the rest is often the same bytes: then it is done.
      if (changed && both && tail_checks < 8) {
        ++tail_checks;
        size_t rest = ta.size() - pa;
        if (rest == tb.size() - pb && std::memcmp(ta.data() + pa, tb.data() + pb, rest) == 0) {
          if (fill)
            for (size_t x = ia; x < a->offsets.size(); ++x)
              B.push_back(static_cast<std::uint32_t>(a->offsets[x] - pa + pb));
          pa = ta.size();
          pb = tb.size();
        }
      }
    }
    if (fill) {
      b->offsets = std::move(B);
      b->indexed = true;
    }
  }

  git_odb* odb_;
  std::map<std::string, TreeRef> last_;
};

// While a build reads the history, objects are not hashed again to check
// them against their ids (libgit2's strict verification: a SHA-1 of every
// directory read, most of a build's time). Pack data is still checked by
// zlib; the log itself reads the commits it shows through the checked path,
// and `prevent check repository` checks every object.
// Nor are they kept in libgit2's object cache: a walk reads each object
// once, and filling and evicting the cache cost both time and memory
// (measured on 100,000 commits: 2.5 s user and 255 MB peak without it,
// 3.4 s and 325 MB with it).
// (Process-wide switches: the walk runs on one thread; git_options.hpp.)
class UncheckedReads {
  ScopedGitSwitch verify_{GitSwitch::strict_hash_verification, false};
  ScopedGitSwitch cache_{GitSwitch::object_cache, false};
};

// One scope's index file, as found and as it will be.
struct ScopeFile {
  std::string scope;  // "cases/YYYY"
  fs::path path;
  std::string bytes;
  std::optional<std::vector<SegmentView>> views;  // nullopt: missing or damaged
  bool current = false;                          // its head is HEAD
  // While catching up: where its new commits start in the walk, and the
  // segment being built.
  size_t start = 0;
  LogIndexSegment fresh;
  std::map<std::string, std::vector<std::uint32_t>> keys;
};

// The keys one change gives its scope's index.
void keys_of(git_odb* odb, const Change& c, std::vector<std::string>& out) {
  if (c.path.starts_with("cases/")) {
    // A key's length is 16 bits; no case file's path is near that long.
    if (c.path.size() < 1024) out.push_back(log_index_file_key(c.path));
    return;
  }
  // A meeting: its new version, or the old one when it was removed.
  const auto& id = c.after ? c.after : c.before;
  if (!id) return;
  git_odb_object* o = nullptr;
  if (git_odb_read(&o, odb, &*id) < 0) return;  // unreadable: names nobody (as in the log)
  git::OdbObject obj(o);
  std::string_view text(static_cast<const char*>(git_odb_object_data(o)), git_odb_object_size(o));
  for (auto& k : log_index_mention_keys(text))
    if (k.size() < 1024) out.push_back(std::move(k));
}

// Adds one commit's changes to the index files they concern: a case file
// to its year's file, a meeting's keys each to the file of its year.
void route(git_odb* odb, const std::vector<Change>& changes, const std::vector<ScopeFile*>& files,
           const git_oid& commit) {
  std::vector<std::string> keys;
  std::vector<bool> named(files.size(), false);
  for (const auto& c : changes) {
    const bool meeting = c.path.starts_with("panels/");
    bool computed = false;
    for (size_t i = 0; i < files.size(); ++i) {
      ScopeFile& f = *files[i];
      if (!meeting && !(c.path.starts_with(f.scope) && c.path.size() > f.scope.size() && c.path[f.scope.size()] == '/'))
        continue;
      if (!computed) {
        keys.clear();
        keys_of(odb, c, keys);
        computed = true;
      }
      auto at = static_cast<std::uint32_t>(f.fresh.commits.size());
      for (const auto& k : keys) {
        if (meeting && std::string_view(k).substr(1, 4) != std::string_view(f.scope).substr(6)) continue;
        auto& v = f.keys[k];
        if (v.empty() || v.back() != at) v.push_back(at);
        named[i] = true;
      }
    }
  }
  for (size_t i = 0; i < files.size(); ++i)
    if (named[i]) files[i]->fresh.commits.push_back(commit);
}

// Brings `files` (none current) up to HEAD in one walk of the first-parent
// chain: back from HEAD to the oldest of their heads (to the first commit
// when one must be rebuilt), then forward, each commit diffed within the
// scopes whose new commits have begun. A file whose head is not on the
// chain is rebuilt.
void catch_up(git_odb* odb, const git_oid& head, std::vector<ScopeFile*>& files) {
  UncheckedReads unchecked;
  // Back from HEAD.
  std::vector<Link> links;  // newest first, then reversed
  std::vector<std::optional<size_t>> seen(files.size());
  bool rebuild = false;
  for (auto* f : files)
    if (!f->views) rebuild = true;
  std::optional<git_oid> base_tree;
  std::optional<git_oid> at = head;
  while (at) {
    bool all_seen = !rebuild;
    for (size_t i = 0; i < files.size(); ++i) {
      auto& f = *files[i];
      if (f.views && !seen[i] && git_oid_equal(&f.views->back().head, &*at)) seen[i] = links.size();
      if (!seen[i]) all_seen = false;
    }
    std::optional<git_oid> parent;
    Link l = read_link(odb, *at, parent);
    if (all_seen) {
      base_tree = l.tree;
      break;
    }
    links.push_back(l);
    at = parent;
  }
  std::reverse(links.begin(), links.end());
  const size_t n = links.size();
  for (size_t i = 0; i < files.size(); ++i) {
    auto& f = *files[i];
    if (seen[i]) {
      f.start = n - *seen[i];
      f.fresh.parent = f.views->back().head;
    } else {
      f.start = 0;  // rebuilt from the first commit
      f.views.reset();
      f.fresh.parent.reset();
    }
    f.fresh.head = head;
  }
  size_t first = n;
  for (auto* f : files) first = std::min(first, f->start);

  TreeDiffer differ(odb);
  std::vector<Change> changes;
  std::vector<std::string> scopes;
  std::vector<ScopeFile*> active;
  for (size_t p = first; p < n; ++p) {
    std::optional<git_oid> before = p == 0 ? base_tree : std::optional<git_oid>(links[p - 1].tree);
    active.clear();
    scopes.clear();
    for (auto* f : files)
      if (f->start <= p) {
        active.push_back(f);
        scopes.push_back(f->scope);
      }
    scopes.push_back("panels");
    changes.clear();
    differ.diff_roots(before, links[p].tree, scopes, changes);
    route(odb, changes, active, links[p].commit);
  }
  for (auto* f : files) {
    f->fresh.keys.assign(std::make_move_iterator(f->keys.begin()), std::make_move_iterator(f->keys.end()));
    f->keys.clear();
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  auto size = static_cast<std::streamoff>(in.tellg());
  if (size <= 0 || size > (std::streamoff{1} << 34)) return {};
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return {};
  return bytes;
}

void save(const fs::path& path, const std::string& bytes) noexcept {
  try {
    make_private_dirs(path.parent_path());
    // Derived data needs no fsync: lost, it is rebuilt.
    write_file_atomically(path, bytes, Durability::later);
  } catch (...) {
    // An index that cannot be written (a read-only store) is not kept.
  }
}

git::Odb odb_of(const GitRepo& git) {
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, git.raw()) < 0) index_fail("cannot open the object database");
  return git::Odb(odb);
}

}  // namespace

// ---------------------------------------------------------------- public

std::string log_index_file_key(std::string_view path) {
  std::string key(1, 'f');
  key += path;
  return key;
}

std::string log_index_mention_key(std::string_view case_id) {
  size_t last = case_id.rfind('-');
  size_t before = last == std::string_view::npos || last == 0 ? std::string_view::npos : case_id.rfind('-', last - 1);
  std::string key(1, 'm');
  key += before == std::string_view::npos ? case_id : case_id.substr(before + 1);
  return key;
}

std::vector<std::string> log_index_mention_keys(std::string_view text) {
  auto digit = [&](size_t i) { return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); };
  std::vector<std::string> out;
  for (size_t i = text.find('-'); i != std::string_view::npos; i = text.find('-', i + 1)) {
    if (!(digit(i + 1) && digit(i + 2) && digit(i + 3) && digit(i + 4))) continue;
    if (i + 5 >= text.size() || text[i + 5] != '-' || !digit(i + 6)) continue;
    size_t end = i + 6;
    while (digit(end)) ++end;
    std::string key(1, 'm');
    key += text.substr(i + 1, end - i - 1);
    out.push_back(std::move(key));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string encode_log_segment(const LogIndexSegment& s, const git_oid& previous_sum) {
  std::string body;
  put_oid(body, previous_sum);
  body += payload_of(s);
  git_oid zero{};
  put_oid(body, s.parent ? *s.parent : zero);
  put_oid(body, s.head);
  std::string out;
  put_u64(out, body.size());
  out += body;
  git_oid sum = sha1_of(out);
  put_oid(out, sum);
  return out;
}

std::string encode_log_index(std::string_view scope, const std::vector<LogIndexSegment>& segments) {
  std::string out = magic_of(scope);
  git_oid sum{};
  for (const auto& s : segments) {
    std::string seg = encode_log_segment(s, sum);
    std::memcpy(sum.id, seg.data() + seg.size() - kOid, kOid);
    out += seg;
  }
  return out;
}

std::optional<std::vector<LogIndexSegment>> decode_log_index(std::string_view scope, std::string_view bytes) {
  auto views = read_segments(scope, bytes);
  if (!views) return std::nullopt;
  std::vector<LogIndexSegment> out;
  for (const auto& v : *views) out.push_back(decode_segment(v));
  return out;
}

std::string log_index_dir(const GitRepo& git) {
  return (fs::path(git_repository_path(git.raw())) / "prevent" / "log-v1").string();
}

namespace {

// "cases/2026" → "cases-2026"; nullopt for what is not a scope.
std::optional<std::string> file_name_of(std::string_view scope) {
  if (scope.size() == 10 && scope.starts_with("cases/") &&
      std::all_of(scope.begin() + 6, scope.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return "cases-" + std::string(scope.substr(6));
  return std::nullopt;
}

std::optional<std::string> scope_of_file(std::string_view name) {
  if (name.size() == 10 && name.starts_with("cases-")) {
    std::string scope = "cases/" + std::string(name.substr(6));
    if (file_name_of(scope)) return scope;
  }
  return std::nullopt;
}

// The file's bytes: the new segment appended, or the whole file again (as
// one segment when there would be too many, or when it was rebuilt).
std::string updated_bytes(const ScopeFile& f) {
  if (!f.views || f.views->empty()) return encode_log_index(f.scope, {f.fresh});
  if (f.views->size() + 1 <= kMaxSegments) return f.bytes + encode_log_segment(f.fresh, f.views->back().sum);
  LogIndexSegment all;
  all.head = f.fresh.head;
  std::map<std::string, std::vector<std::uint32_t>> keys;
  std::vector<LogIndexSegment> segs;
  for (const auto& v : *f.views) segs.push_back(decode_segment(v));
  segs.push_back(f.fresh);
  for (const auto& s : segs) {
    auto base = static_cast<std::uint32_t>(all.commits.size());
    all.commits.insert(all.commits.end(), s.commits.begin(), s.commits.end());
    for (const auto& [k, at] : s.keys) {
      auto& v = keys[k];
      for (auto a : at) v.push_back(base + a);
    }
  }
  all.keys.assign(std::make_move_iterator(keys.begin()), std::make_move_iterator(keys.end()));
  return encode_log_index(f.scope, {all});
}

// The commits of `f` under either key, oldest first.
std::vector<git_oid> commits_under(const ScopeFile& f, const std::string& fkey, const std::string& mkey) {
  std::vector<git_oid> out;
  auto collect = [&](std::string_view commit_bytes, std::string_view keys) {
    size_t nc = commit_bytes.size() / kOid;
    std::vector<std::uint32_t> at;
    each_key(keys, nc, [&](std::string_view key, std::string_view positions, size_t count) {
      if (key != fkey && key != mkey) return;
      for (size_t i = 0; i < count; ++i) at.push_back(u32_at(positions, i));
    });
    std::sort(at.begin(), at.end());
    at.erase(std::unique(at.begin(), at.end()), at.end());
    for (auto a : at) {
      git_oid id;
      std::memcpy(id.id, commit_bytes.data() + a * kOid, kOid);
      out.push_back(id);
    }
  };
  if (f.views)
    for (const auto& v : *f.views) collect(v.commits, v.keys);
  if (!f.current) {
    std::string commit_bytes;
    for (const auto& c : f.fresh.commits) put_oid(commit_bytes, c);
    std::string p = payload_of(f.fresh);
    collect(commit_bytes, std::string_view(p).substr(4 + commit_bytes.size()));
  }
  return out;
}

}  // namespace

std::string log_index_path(const GitRepo& git, std::string_view scope) {
  auto name = file_name_of(scope);
  if (!name) fail(Exit::bug, fmt::format("not a directory of case files ({})", scope));
  return (fs::path(log_index_dir(git)) / *name).string();
}

std::vector<git_oid> log_index_commits(const GitRepo& git, const std::string& path, std::string_view case_id) {
  auto head = git.head();
  if (!head) return {};
  ScopeFile f;
  f.scope = path.substr(0, path.rfind('/'));
  f.path = log_index_path(git, f.scope);
  f.bytes = read_file(f.path);
  f.views = read_segments(f.scope, f.bytes);
  if (f.views && f.views->empty()) f.views.reset();
  f.current = f.views && git_oid_equal(&f.views->back().head, &*head);
  if (!f.current) {
    git::Odb odb = odb_of(git);
    std::vector<ScopeFile*> files{&f};
    catch_up(odb.get(), *head, files);
    save(f.path, updated_bytes(f));
  }
  return commits_under(f, log_index_file_key(path), log_index_mention_key(case_id));
}

void log_index_after_commit(const GitRepo& git, const git_oid& commit) noexcept {
  try {
    const fs::path dir = log_index_dir(git);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return;
    git::Odb odb = odb_of(git);
    std::optional<git_oid> parent;
    Link link = read_link(odb.get(), commit, parent);
    if (!parent) return;
    // Each file whose head is the commit's parent gets one segment.
    struct Open {
      ScopeFile file;
      int fd;
    };
    std::vector<Open> open;
    struct Closer {
      std::vector<Open>& v;
      ~Closer() {
        for (auto& o : v) ::close(o.fd);
      }
    } closer{open};
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      auto scope = scope_of_file(entry.path().filename().string());
      if (!scope) continue;
      int fd = ::open(entry.path().c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
      if (fd < 0) continue;
      open.push_back({ScopeFile{}, fd});
      struct stat st {};
      if (::fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) < magic_of(*scope).size() + 8 + 4 * kOid) {
        open.back().file.current = true;  // left alone
        continue;
      }
      char tail[kTrailer];
      git_oid head, sum;
      if (::pread(fd, tail, kTrailer, st.st_size - static_cast<off_t>(kTrailer)) != static_cast<ssize_t>(kTrailer)) {
        open.back().file.current = true;
        continue;
      }
      std::memcpy(head.id, tail + kOid, kOid);
      std::memcpy(sum.id, tail + 2 * kOid, kOid);
      auto& f = open.back().file;
      f.scope = *scope;
      f.current = !git_oid_equal(&head, &*parent);  // not ours to extend
      f.fresh.parent = head;
      f.fresh.head = commit;
      // The last checksum, for the new segment's chain.
      SegmentView last;
      last.sum = sum;
      last.head = head;
      f.views = std::vector<SegmentView>{last};
    }
    std::vector<ScopeFile*> files;
    for (auto& o : open)
      if (!o.file.current) files.push_back(&o.file);
    if (files.empty()) return;
    {
      UncheckedReads unchecked;
      std::optional<git_oid> grandparent;
      Link before = read_link(odb.get(), *parent, grandparent);
      TreeDiffer differ(odb.get());
      std::vector<std::string> scopes;
      for (auto* f : files) scopes.push_back(f->scope);
      scopes.push_back("panels");
      std::vector<Change> changes;
      differ.diff_roots(before.tree, link.tree, scopes, changes);
      route(odb.get(), changes, files, commit);
    }
    for (auto& o : open) {
      if (o.file.current) continue;
      auto& f = o.file;
      f.fresh.keys.assign(std::make_move_iterator(f.keys.begin()), std::make_move_iterator(f.keys.end()));
      std::string seg = encode_log_segment(f.fresh, f.views->back().sum);
      // One write: a reader sees the segment whole, or (killed half way) a
      // damaged file that it rebuilds.
      if (::write(o.fd, seg.data(), seg.size()) != static_cast<ssize_t>(seg.size())) continue;
    }
  } catch (...) {
  }
}

}  // namespace prevent

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

#include "derived_check.hpp"
#include "failure.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "raw_history.hpp"
#include "side_file.hpp"
#include "state_dir.hpp"

namespace fs = std::filesystem;

namespace prevent {

namespace {

using namespace derived;

// The first line of a file: this, the scope, a newline.
// v2: a submodule or a directory at a case path is a change of that path.
constexpr std::string_view kMagic = "prevent log index v2 ";

std::string magic_of(std::string_view scope) {
  std::string m(kMagic);
  m += scope;
  m += '\n';
  return m;
}
// A `log ID` that finds more segments than this rewrites the file as one.
constexpr size_t kMaxSegments = 32;
constexpr size_t kOid = GIT_OID_RAWSZ;

bool is_zero(const git_oid& id) { return git_oid_is_zero(&id) != 0; }

// A segment's tag: the side files' keyed MAC (side_file.hpp), 20 bytes of
// it, so that a segment cannot be forged by whoever can write the store.
git_oid tag_of(std::string_view bytes) {
  git_oid id{};
  side_file_mac(bytes, 0, id.id, kOid);
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

struct MalformedLogIndex {};

class LogIndexReader {
 public:
  explicit LogIndexReader(std::string_view b) : b_(b) {}
  std::string_view take(size_t n) {
    if (n > b_.size() - at_) throw MalformedLogIndex{};
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
//   checksum: the keyed MAC of side files (side_file.hpp), its first 20
//   bytes, over everything above from the length on
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
  LogIndexReader r(keys);
  std::uint64_t n = r.uint(4);
  for (std::uint64_t i = 0; i < n; ++i) {
    size_t len = static_cast<size_t>(r.uint(2));
    std::string_view key = r.take(len);
    size_t count = static_cast<size_t>(r.uint(4));
    if (count > keys.size()) throw MalformedLogIndex{};
    std::string_view positions = r.take(count * 4);
    fn(key, positions, count);
  }
  if (!r.done()) throw MalformedLogIndex{};
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
    LogIndexReader r(bytes.substr(magic.size()));
    git_oid last_sum{}, last_head{};
    while (!r.done()) {
      size_t start = r.at();
      std::uint64_t len = r.uint(8);
      if (len < 3 * kOid + 8) throw MalformedLogIndex{};
      std::string_view body = r.take(static_cast<size_t>(len));
      std::string_view whole(bytes.data() + magic.size() + start, 8 + body.size());
      git_oid sum = r.oid();
      git_oid computed = tag_of(whole);
      if (!git_oid_equal(&sum, &computed)) throw MalformedLogIndex{};
      LogIndexReader b(body);
      git_oid prev = b.oid();
      if (!git_oid_equal(&prev, &last_sum)) throw MalformedLogIndex{};
      SegmentView s;
      s.sum = sum;
      size_t nc = static_cast<size_t>(b.uint(4));
      if (nc > body.size() / kOid) throw MalformedLogIndex{};
      s.commits = b.take(nc * kOid);
      if (b.at() + 2 * kOid > body.size()) throw MalformedLogIndex{};
      std::string_view rest = body.substr(b.at(), body.size() - b.at() - 2 * kOid);
      s.keys = rest;
      std::string_view tail = body.substr(body.size() - 2 * kOid);
      std::memcpy(s.parent.id, tail.data(), kOid);
      std::memcpy(s.head.id, tail.data() + kOid, kOid);
      if (!git_oid_equal(&s.parent, &last_head)) throw MalformedLogIndex{};
      if (is_zero(s.head)) throw MalformedLogIndex{};
      each_key(s.keys, nc, [&](std::string_view key, std::string_view positions, size_t count) {
        if (key.empty() || (key[0] != 'f' && key[0] != 'm')) throw MalformedLogIndex{};
        for (size_t i = 0; i < count; ++i) {
          std::uint32_t at = u32_at(positions, i);
          if (at >= nc || (i > 0 && at <= u32_at(positions, i - 1))) throw MalformedLogIndex{};
        }
      });
      last_sum = sum;
      last_head = s.head;
      out.push_back(s);
    }
  } catch (const MalformedLogIndex&) {
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
  // Unreadable, or larger than any file of a store (its size read first):
  // names nobody (as in the log).
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&size, &type, odb, &*id) < 0 || size > kMaxReadBytes) return;
  git_odb_object* o = nullptr;
  if (git_odb_read(&o, odb, &*id) < 0) return;
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

std::string read_file(const fs::path& path) { return read_side_file(path, size_t{1} << 34); }

void save(const fs::path& path, const std::string& bytes) noexcept {
  try {
    write_side_file(path, bytes);
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
  git_oid sum = tag_of(out);
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
  return state_path(git, "log-v1").string();
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

namespace {

// Key → commits, from segments in order.
std::map<std::string, std::vector<std::string>> flattened(const std::vector<LogIndexSegment>& segments) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& s : segments)
    for (const auto& [k, at] : s.keys)
      for (auto a : at)
        if (a < s.commits.size()) out[k].push_back(git::object_id(s.commits[a]).hex());
  return out;
}

}  // namespace

std::vector<DerivedFileFinding> check_log_index(const Store& store) {
  const GitRepo& git = store.git();
  const fs::path dir = log_index_dir(git);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {};
  std::vector<DerivedFileFinding> out;
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (scope_of_file(entry.path().filename().string())) paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    const std::string name = path.filename().string();
    const std::string shown = shown_state_path("log-v1/" + name);
    const std::string scope = *scope_of_file(name);
    const std::string bytes = read_file(path);
    auto segments = decode_log_index(scope, bytes);
    if (!segments) {
      out.push_back({false, fmt::format("the log index does not check out under this user's key (written by another "
                                        "user or an older prevent, damaged, or edited): never used; removed, the "
                                        "next `log` rebuilds it ({})",
                                        shown)});
      fs::remove(path, ec);
      continue;
    }
    if (segments->empty()) continue;
    // The same index built from the first commit to the file's head.
    ScopeFile fresh;
    fresh.scope = scope;
    try {
      git::Odb odb = odb_of(git);
      std::vector<ScopeFile*> files{&fresh};
      catch_up(odb.get(), segments->back().head, files);
    } catch (const Failure&) {
      continue;  // a head no longer in the history: never used (rebuilt by the next `log`)
    }
    if (flattened(*segments) != flattened({fresh.fresh})) {
      out.push_back({true, fmt::format("the log index does not match the history: never to be trusted; removed, the "
                                       "next `log` rebuilds it ({})",
                                       shown)});
      fs::remove(path, ec);
    }
  }
  return out;
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

#include "case_cache.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "failure.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "parallel_blobs.hpp"
#include "state_dir.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "PRVCASES";
// Bump when the entry layout or what a record reads as changes.
constexpr uint32_t kFormatVersion = 3;

// ---------------------------------------------------------------------------
// Entry encoding: little-endian integers, length-prefixed strings.

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void date(Date d) { i32(static_cast<int32_t>(d.days())); }
  void opt_str(const std::optional<std::string>& s) {
    u8(s ? 1 : 0);
    if (s) str(*s);
  }
  void opt_date(const std::optional<Date>& d) {
    u8(d ? 1 : 0);
    if (d) date(*d);
  }
  void strs(const std::vector<std::string>& v) {
    u32(static_cast<uint32_t>(v.size()));
    for (const auto& s : v) str(s);
  }
  template <typename T, typename F>
  void list(const std::vector<T>& v, F each) {
    u32(static_cast<uint32_t>(v.size()));
    for (const auto& x : v) each(x);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

struct Malformed {};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint8_t u8() {
    need(1);
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint32_t u32() {
    need(4);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(in_[pos_++])) << (8 * i);
    return v;
  }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  std::string str() { return std::string(view()); }
  std::string_view view() {
    uint32_t n = u32();
    need(n);
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  Date date() { return Date::from_days(i32()); }
  std::optional<std::string> opt_str() {
    if (!flag()) return std::nullopt;
    return str();
  }
  std::optional<Date> opt_date() {
    if (!flag()) return std::nullopt;
    return date();
  }
  bool flag() {
    uint8_t f = u8();
    if (f > 1) throw Malformed{};
    return f == 1;
  }
  std::vector<std::string> strs() {
    std::vector<std::string> v(count());
    for (auto& s : v) s = str();
    return v;
  }
  template <typename T, typename F>
  std::vector<T> list(F each) {
    std::vector<T> v;
    uint32_t n = count();
    v.reserve(n);
    for (uint32_t i = 0; i < n; ++i) v.push_back(each());
    return v;
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  // A count can be no larger than the bytes left: a damaged length cannot
  // make the reader allocate gigabytes.
  uint32_t count() {
    uint32_t n = u32();
    need(n);
    return n;
  }
  void need(size_t n) const {
    if (n > in_.size() - pos_) throw Malformed{};
  }
  std::string_view in_;
  size_t pos_ = 0;
};

void write_consent(Writer& w, const std::optional<Consent>& c) {
  w.u8(c ? 1 : 0);
  if (!c) return;
  w.str(c->status);
  w.str(c->by);
  w.date(c->date);
}
std::optional<Consent> read_consent(Reader& r) {
  if (!r.flag()) return std::nullopt;
  Consent c;
  c.status = r.str();
  c.by = r.str();
  c.date = r.date();
  return c;
}
void write_actions(Writer& w, const std::vector<Action>& v) {
  w.list(v, [&](const Action& a) {
    w.str(a.id);
    w.str(a.support);
    w.str(a.provider);
    w.date(a.added);
    w.date(a.due);
    w.str(a.status);
    w.opt_date(a.closed);
  });
}
std::vector<Action> read_actions(Reader& r) {
  return r.list<Action>([&] {
    Action a;
    a.id = r.str();
    a.support = r.str();
    a.provider = r.str();
    a.added = r.date();
    a.due = r.date();
    a.status = r.str();
    a.closed = r.opt_date();
    return a;
  });
}
void write_reviews(Writer& w, const std::vector<Review>& v) {
  w.list(v, [&](const Review& x) {
    w.date(x.date);
    w.str(x.kind);
    w.opt_date(x.meeting);
    w.str(x.outcome);
  });
}
std::vector<Review> read_reviews(Reader& r) {
  return r.list<Review>([&] {
    Review x;
    x.date = r.date();
    x.kind = r.str();
    x.meeting = r.opt_date();
    x.outcome = r.str();
    return x;
  });
}
void write_closure(Writer& w, const std::optional<Closure>& c) {
  w.u8(c ? 1 : 0);
  if (!c) return;
  w.date(c->date);
  w.str(c->reason);
}
std::optional<Closure> read_closure(Reader& r) {
  if (!r.flag()) return std::nullopt;
  Closure c;
  c.date = r.date();
  c.reason = r.str();
  return c;
}

// ---------------------------------------------------------------------------
// The cache file (format 3), little-endian:
//
//   "PRVCASES" u32 version
//   [20] prevent.yaml's blob ID at HEAD when written
//   [20] the `cases` tree ID at HEAD when written, or zeros when some record
//        there did not read (then every run lists HEAD and looks entries up)
//   u32 n, u32 y
//   n × ([20] blob ID, u32 offset, u32 size): one per readable record, in
//        path order; offset and size locate its entry in the entries
//   y × (u32 count, u32 length, name): the year directories under cases/
//        in path order, each with the number of the n records in it (the
//        side file's changes are placed by directory and position)
//   the entries, back to back
//   u64 checksum of everything before it
//
// When the `cases` tree at HEAD is the one recorded, the entries are exactly
// HEAD's records in path order: a warm read decodes them one after another
// and does not list HEAD's trees at all. When HEAD is a few writes by
// prevent further on, the side file (below) brings it there.

constexpr size_t kOidSize = GIT_OID_RAWSZ;
constexpr size_t kHeaderSize = 8 + 4 + kOidSize + kOidSize + 4 + 4;
constexpr size_t kIndexEntrySize = kOidSize + 4 + 4;

uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A 64-bit checksum against damage (a truncated or overwritten file, a
// flipped bit), not against tampering: whoever can write .git/prevent can
// write the records themselves. Two multiply-rotate lanes over 8-byte words,
// several times faster than SHA-1 over a 30 MB file.
uint64_t checksum(std::string_view bytes) {
  constexpr uint64_t k1 = 0x9e3779b97f4a7c15ULL, k2 = 0xc2b2ae3d27d4eb4fULL, k3 = 0x165667b19e3779f9ULL;
  auto rotl = [](uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  uint64_t a = k3 ^ bytes.size(), b = k1;
  size_t i = 0;
  const char* p = bytes.data();
  for (; i + 16 <= bytes.size(); i += 16) {
    uint64_t x, y;
    std::memcpy(&x, p + i, 8);
    std::memcpy(&y, p + i + 8, 8);
    a = rotl(a ^ (x * k2), 31) * k1;
    b = rotl(b ^ (y * k2), 29) * k3;
  }
  for (; i < bytes.size(); ++i) a = rotl(a ^ (static_cast<unsigned char>(p[i]) * k2), 23) * k1;
  uint64_t h = a ^ rotl(b, 32);
  h ^= h >> 33;
  h *= k2;
  h ^= h >> 29;
  h *= k3;
  h ^= h >> 32;
  return h;
}

using Key = std::array<unsigned char, kOidSize>;
Key key_of(const git_oid& id) {
  Key k;
  std::memcpy(k.data(), id.id, kOidSize);
  return k;
}
Key key_at(const char* p) {
  Key k;
  std::memcpy(k.data(), p, kOidSize);
  return k;
}
constexpr Key kNoKey{};

// The IDs the cache is valid for: prevent.yaml's blob and the `cases` tree
// at HEAD (kNoKey when absent).
struct HeadKeys {
  Key config = kNoKey;
  Key cases = kNoKey;
};
HeadKeys head_keys(const Store& store) {
  HeadKeys keys;
  git_object* obj = nullptr;
  int rc = git_revparse_single(&obj, store.git().raw(), "HEAD^{tree}");
  if (rc < 0) return keys;
  git::Tree tree(reinterpret_cast<git_tree*>(obj));
  if (const git_tree_entry* e = git_tree_entry_byname(tree.get(), "prevent.yaml"))
    if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) keys.config = key_of(*git_tree_entry_id(e));
  if (const git_tree_entry* e = git_tree_entry_byname(tree.get(), "cases"))
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) keys.cases = key_of(*git_tree_entry_id(e));
  return keys;
}

// Year directories in the order git keeps them in the `cases` tree (a
// tree's name sorts as if followed by '/').
bool year_before(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  if (int c = std::memcmp(a.data(), b.data(), n); c != 0) return c < 0;
  const unsigned char x = a.size() > n ? static_cast<unsigned char>(a[n]) : '/';
  const unsigned char y = b.size() > n ? static_cast<unsigned char>(b[n]) : '/';
  return x < y;
}

struct YearCount {
  std::string_view name;
  uint32_t count = 0;
};

// A cache file checked whole: valid() only when magic, version, prevent.yaml
// and checksum are right, every index entry points inside the file and the
// year directories are in order and count the records exactly.
class CacheFile {
 public:
  CacheFile(const fs::path& path, const Key& config) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return;
    const auto size = static_cast<std::streamoff>(in.tellg());
    if (size < static_cast<std::streamoff>(kHeaderSize + 8) || size > (std::streamoff{1} << 32)) return;
    bytes_.resize(static_cast<size_t>(size));
    in.seekg(0);
    if (!in.read(bytes_.data(), size)) return;
    const std::string_view body(bytes_.data(), bytes_.size() - 8);
    uint64_t sum = 0;
    std::memcpy(&sum, bytes_.data() + body.size(), 8);
    if (sum != checksum(body)) return;
    const char* p = bytes_.data();
    if (body.substr(0, kMagic.size()) != kMagic || get_u32(p + 8) != kFormatVersion) return;
    if (key_at(p + 12) != config) return;
    cases_tree_ = key_at(p + 12 + kOidSize);
    n_ = get_u32(p + 12 + 2 * kOidSize);
    const uint32_t y = get_u32(p + 16 + 2 * kOidSize);
    const size_t index_end = kHeaderSize + size_t{n_} * kIndexEntrySize;
    if (index_end > body.size()) return;
    size_t pos = index_end;
    uint64_t counted = 0;
    for (uint32_t i = 0; i < y; ++i) {
      if (body.size() - pos < 8) return;
      YearCount yc;
      yc.count = get_u32(p + pos);
      const size_t len = get_u32(p + pos + 4);
      pos += 8;
      if (len == 0 || body.size() - pos < len || yc.count == 0) return;
      yc.name = body.substr(pos, len);
      pos += len;
      if (!years_.empty() && !year_before(years_.back().name, yc.name)) return;
      counted += yc.count;
      years_.push_back(yc);
    }
    if (counted != n_) return;
    const size_t entries_start = pos;
    for (size_t i = 0; i < n_; ++i) {
      const char* e = p + kHeaderSize + i * kIndexEntrySize;
      size_t off = get_u32(e + kOidSize), len = get_u32(e + kOidSize + 4);
      if (off < entries_start || off > body.size() || len > body.size() - off) return;
    }
    valid_ = true;
  }

  bool valid() const { return valid_; }
  const Key& cases_tree() const { return cases_tree_; }
  size_t size() const { return valid_ ? n_ : 0; }
  const std::vector<YearCount>& years() const { return years_; }
  Key key(size_t i) const { return key_at(index(i)); }
  std::string_view entry(size_t i) const {
    const char* e = index(i);
    return std::string_view(bytes_.data() + get_u32(e + kOidSize), get_u32(e + kOidSize + 4));
  }
  // The position of the entry for a blob, if any (binary search over a
  // sorted copy of the keys, made on first use).
  std::optional<size_t> find(const Key& k) const {
    if (!valid_) return std::nullopt;
    if (sorted_.empty() && n_ > 0) {
      sorted_.resize(n_);
      for (uint32_t i = 0; i < n_; ++i) sorted_[i] = i;
      std::sort(sorted_.begin(), sorted_.end(), [&](uint32_t a, uint32_t b) {
        return std::memcmp(index(a), index(b), kOidSize) < 0;
      });
    }
    auto it = std::lower_bound(sorted_.begin(), sorted_.end(), k, [&](uint32_t a, const Key& key) {
      return std::memcmp(index(a), key.data(), kOidSize) < 0;
    });
    if (it == sorted_.end() || std::memcmp(index(*it), k.data(), kOidSize) != 0) return std::nullopt;
    return *it;
  }

 private:
  const char* index(size_t i) const { return bytes_.data() + kHeaderSize + i * kIndexEntrySize; }
  std::string bytes_;
  bool valid_ = false;
  Key cases_tree_ = kNoKey;
  uint32_t n_ = 0;
  std::vector<YearCount> years_;
  mutable std::vector<uint32_t> sorted_;
};

// A new cache file, built entry by entry in path order.
class CacheBuilder {
 public:
  void add(std::string_view year, const Key& k, std::string_view entry) {
    if (years_.empty() || years_.back().first != year) years_.emplace_back(std::string(year), 0);
    ++years_.back().second;
    index_.append(reinterpret_cast<const char*>(k.data()), kOidSize);
    put_u32(index_, static_cast<uint32_t>(entries_.size()));  // made absolute in write()
    put_u32(index_, static_cast<uint32_t>(entry.size()));
    entries_.append(entry);
  }
  size_t size() const { return index_.size() / kIndexEntrySize; }

  // Writes the file; false when it was not (too large, or not writable).
  bool write(const fs::path& path, const Key& config, const Key& cases_tree) {
    const size_t n = size();
    std::string years;
    for (const auto& [name, count] : years_) {
      put_u32(years, count);
      put_u32(years, static_cast<uint32_t>(name.size()));
      years.append(name);
    }
    const size_t base = kHeaderSize + index_.size() + years.size();
    if (base + entries_.size() + 8 > (size_t{1} << 32) - 1) return false;  // too large to cache: not kept
    std::string out;
    out.reserve(base + entries_.size() + 8);
    out.append(kMagic);
    put_u32(out, kFormatVersion);
    out.append(reinterpret_cast<const char*>(config.data()), kOidSize);
    out.append(reinterpret_cast<const char*>(cases_tree.data()), kOidSize);
    put_u32(out, static_cast<uint32_t>(n));
    put_u32(out, static_cast<uint32_t>(years_.size()));
    for (size_t i = 0; i < n; ++i) {
      const char* e = index_.data() + i * kIndexEntrySize;
      out.append(e, kOidSize);
      put_u32(out, static_cast<uint32_t>(base + get_u32(e + kOidSize)));
      out.append(e + kOidSize + 4, 4);
    }
    index_.clear();
    index_.shrink_to_fit();
    out.append(years);
    out.append(entries_);
    entries_.clear();
    entries_.shrink_to_fit();
    uint64_t sum = checksum(out);
    char tail[8];
    std::memcpy(tail, &sum, 8);
    out.append(tail, 8);
    try {
      make_private_dirs(path.parent_path());
      // A cache needs no fsync: lost, it is rebuilt.
      write_file_atomically(path, out, Durability::later);
      return true;
    } catch (const Failure&) {
      // A cache that cannot be written (read-only store) is simply not kept.
      return false;
    }
  }

 private:
  std::vector<std::pair<std::string, uint32_t>> years_;
  std::string index_;
  std::string entries_;
};

// ---------------------------------------------------------------------------
// The side file, cases-v1-changes: what each write by prevent changed, so
// that the first read after a write need not take the long way.
//
//   "PRVCCHNG" u32 version (the cache's)
//   then records, appended one per write, each
//     u32 length, the record's bytes, u64 checksum of those bytes
//   a record:
//     [20] prevent.yaml's blob ID, [20] the `cases` tree before the write,
//     [20] the `cases` tree after it
//     u32 y, y × (u32 length, year directory name, u32 records in that
//       directory after the write, u32 k,
//       k × (u32 position among the directory's records after the write,
//            u8 1 inserted / 0 replaced / 2 the only change in the
//            directory, inserted when the directory has one record more
//            after the write than before, [20] blob ID, u32 length, entry))
//     positions ascending.
//
// A record states a fact about two trees (the second is the first with
// these files written), so it is right whichever cache it is applied to; a
// reader applies, in file order, the records that lead from the cache's
// tree to HEAD's and ignores the rest. It stops at the first record that is
// truncated or does not match its checksum.

constexpr std::string_view kChangesMagic = "PRVCCHNG";
constexpr size_t kChangesHeader = 8 + 4;
// Writers stop appending past this size (the next read folds the file in).
constexpr size_t kChangesMaxBytes = size_t{64} << 20;
// A read that applied this many records, or a file this large, folds them
// into a new cache file and removes the side file.
constexpr size_t kFoldRecords = 32;
constexpr size_t kFoldBytes = size_t{8} << 20;

fs::path changes_path_of(const fs::path& cache) { return fs::path(cache.string() + "-changes"); }

struct Item {
  Key key;
  std::string_view entry;
};
struct YearItems {
  std::string name;
  std::vector<Item> items;
};

std::string read_whole(const fs::path& path, size_t limit) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const auto size = static_cast<std::streamoff>(in.tellg());
  if (size <= 0 || static_cast<size_t>(size) > limit) return {};
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return {};
  return bytes;
}

// Applies one record's body to `years`; false when it does not fit (then
// `years` may be half changed: the caller gives up on it).
bool apply_record(std::string_view body, std::vector<YearItems>& years) {
  try {
    Reader r(body);
    // The three IDs were read by the caller.
    for (int i = 0; i < 3; ++i)
      for (size_t j = 0; j < kOidSize; ++j) r.u8();
    const uint32_t y = r.u32();
    for (uint32_t i = 0; i < y; ++i) {
      std::string_view name = r.view();
      const uint32_t total = r.u32();
      const uint32_t k = r.u32();
      if (name.empty()) return false;
      auto it = std::find_if(years.begin(), years.end(), [&](const YearItems& x) { return x.name == name; });
      if (it == years.end()) {
        auto at = std::find_if(years.begin(), years.end(), [&](const YearItems& x) { return year_before(name, x.name); });
        it = years.insert(at, YearItems{std::string(name), {}});
      }
      std::vector<Item> out;
      out.reserve(total);
      const std::vector<Item>& old = it->items;
      size_t s = 0;
      for (uint32_t j = 0; j < k; ++j) {
        const uint32_t pos = r.u32();
        const uint8_t how = r.u8();
        bool insert = how == 1;
        if (how == 2) {
          // The one change in this directory: inserted when the directory
          // has one record more after it, else replaced.
          if (k != 1) return false;
          if (total == old.size() + 1)
            insert = true;
          else if (total != old.size())
            return false;
        } else if (how > 2) {
          return false;
        }
        Key key;
        for (auto& b : key) b = r.u8();
        std::string_view entry = r.view();
        if (pos < out.size()) return false;  // positions must ascend
        while (out.size() < pos) {
          if (s >= old.size()) return false;
          out.push_back(old[s++]);
        }
        if (!insert) {
          if (s >= old.size()) return false;
          ++s;
        }
        out.push_back(Item{key, entry});
      }
      while (s < old.size()) out.push_back(old[s++]);
      if (out.size() != total) return false;
      it->items = std::move(out);
    }
    return r.done();
  } catch (const Malformed&) {
    return false;
  }
}

// HEAD's records, in path order, from the cache and the side file's
// records that lead from the cache's tree to `head_cases`; nullopt when
// they do not. `applied` counts the records used.
//
// The way is found backwards from HEAD's tree: the latest record that
// ends there, then the latest before it that ends where that one starts,
// and so on to the cache's tree. Records of another line of history (a
// reset, then other writes) are passed over.
std::optional<std::vector<YearItems>> follow_changes(const CacheFile& cache, std::string_view changes,
                                                     const Key& config, const Key& head_cases, size_t& applied) {
  applied = 0;
  if (changes.size() < kChangesHeader || changes.substr(0, kChangesMagic.size()) != kChangesMagic ||
      get_u32(changes.data() + 8) != kFormatVersion)
    return std::nullopt;
  std::vector<std::string_view> records;
  for (size_t pos = kChangesHeader; pos < changes.size();) {
    if (changes.size() - pos < 4) break;
    const size_t len = get_u32(changes.data() + pos);
    if (changes.size() - pos - 4 < len || changes.size() - pos - 4 - len < 8) break;
    std::string_view body = changes.substr(pos + 4, len);
    uint64_t sum = 0;
    std::memcpy(&sum, changes.data() + pos + 4 + len, 8);
    if (sum != checksum(body)) break;  // damaged or cut short: nothing past it is used
    if (body.size() < 3 * kOidSize) break;
    records.push_back(body);
    pos += 4 + len + 8;
  }
  std::vector<size_t> way;
  Key at = head_cases;
  size_t before = records.size();
  while (at != cache.cases_tree()) {
    std::optional<size_t> found;
    for (size_t j = before; j-- > 0;) {
      const std::string_view r = records[j];
      if (key_at(r.data()) == config && key_at(r.data() + 2 * kOidSize) == at) {
        found = j;
        break;
      }
    }
    if (!found) return std::nullopt;
    way.push_back(*found);
    at = key_at(records[*found].data() + kOidSize);
    before = *found;
  }
  // The cache's records, by year directory, then each record in turn.
  std::vector<YearItems> years;
  size_t i = 0;
  for (const auto& y : cache.years()) {
    YearItems yi{std::string(y.name), {}};
    yi.items.reserve(y.count);
    for (uint32_t j = 0; j < y.count; ++j, ++i) yi.items.push_back(Item{cache.key(i), cache.entry(i)});
    years.push_back(std::move(yi));
  }
  for (auto it = way.rbegin(); it != way.rend(); ++it) {
    if (!apply_record(records[*it], years)) return std::nullopt;
    ++applied;
  }
  return years;
}

// "cases/2026/PRV-2026-0001.yaml" → "2026".
std::string_view year_of(std::string_view path) {
  path.remove_prefix(std::min(path.size(), std::string_view("cases/").size()));
  return path.substr(0, path.find('/'));
}

struct Parsed {
  std::optional<Case> c;
  std::string entry;
  std::optional<Failure> failure;
  std::exception_ptr error;
};

// Parses files[todo[i]] into out[i] on all cores.
void parse_all(const Store& store, ParallelBlobs& blobs, const std::vector<CaseFile>& files,
               const std::vector<size_t>& todo, std::vector<Parsed>& out) {
  out.clear();
  out.resize(todo.size());
  std::vector<git_oid> ids;
  ids.reserve(todo.size());
  for (size_t i : todo) ids.push_back(files[i].blob);
  blobs.run(ids, [&](size_t i, const std::string* text) {
    const CaseFile& f = files[todo[i]];
    try {
      if (!text) {
        // A damaged repository stops the command, as it always has.
        out[i].error = std::make_exception_ptr(
            Failure(Exit::store, fmt::format("cannot read a record from the repository ({})", f.path)));
        return;
      }
      Case c = without_personal_data(read_case(*text, f.path, store.config()));
      out[i].entry = encode_case_entry(c);
      out[i].c = std::move(c);
    } catch (const Failure& e) {
      out[i].failure = e;
    } catch (...) {
      // Anything else is a bug: raised on the calling thread below, as it
      // would have been had the record been read there.
      out[i].error = std::current_exception();
    }
  });
  for (const auto& p : out)
    if (p.error) std::rethrow_exception(p.error);
}


}  // namespace

std::string encode_case_entry(const Case& c) {
  Writer w;
  w.str(c.id);
  const Referral& r = c.referral;
  w.date(r.received);
  w.str(r.route);
  w.opt_str(r.from_area);
  w.str(r.sector);
  w.str(r.agency);
  w.str(r.referrer_role);
  w.str(r.subject.gender);
  const auto age = age_at_referral(c);
  w.u8(age ? 1 : 0);
  if (age) w.i32(*age);
  w.str(r.concern_type);
  w.strs(c.related);
  w.u8(c.triage ? 1 : 0);
  if (c.triage) {
    w.date(c.triage->completed);
    w.str(c.triage->outcome);
    w.strs(c.triage->signposted_to);
    w.u8(c.triage->section36 ? 1 : 0);
    if (c.triage->section36) {
      w.date(c.triage->section36->decided);
      w.str(c.triage->section36->by);
    }
  }
  w.list(c.assessments, [&](const Assessment& a) {
    w.date(a.date);
    w.str(a.framework);
    w.str(a.engagement);
    w.str(a.intent);
    w.str(a.capability);
  });
  w.list(c.panel, [&](const Hearing& h) {
    w.date(h.meeting);
    w.str(h.decision);
    w.opt_str(h.method);
    w.strs(h.signposted_to);
  });
  write_consent(w, c.consent);
  write_actions(w, c.support_plan);
  w.list(c.chronology, [&](const ChronologyEntry& e) {
    w.date(e.date);
    w.str(e.kind);
    w.str(e.with);
  });
  write_reviews(w, c.reviews);
  write_closure(w, c.closure);
  w.list(c.corrections, [&](const Correction& x) {
    w.date(x.date);
    w.strs(x.fields);
  });
  w.list(c.previous, [&](const Episode& e) {
    write_consent(w, e.consent);
    write_actions(w, e.support_plan);
    write_reviews(w, e.reviews);
    write_closure(w, e.closure);
    w.opt_date(e.reopened);
  });
  return w.take();
}

std::optional<Case> decode_case_entry(std::string_view bytes) {
  try {
    Reader r(bytes);
    Case c;
    c.id = r.str();
    Referral& ref = c.referral;
    ref.received = r.date();
    ref.route = r.str();
    ref.from_area = r.opt_str();
    ref.sector = r.str();
    ref.agency = r.str();
    ref.referrer_role = r.str();
    ref.subject.gender = r.str();
    std::optional<int> age;
    if (r.flag()) age = r.i32();
    set_age_at_referral(c, age);
    ref.concern_type = r.str();
    c.related = r.strs();
    if (r.flag()) {
      Triage t;
      t.completed = r.date();
      t.outcome = r.str();
      t.signposted_to = r.strs();
      if (r.flag()) {
        Section36 s;
        s.decided = r.date();
        s.by = r.str();
        t.section36 = s;
      }
      c.triage = std::move(t);
    }
    c.assessments = r.list<Assessment>([&] {
      Assessment a;
      a.date = r.date();
      a.framework = r.str();
      a.engagement = r.str();
      a.intent = r.str();
      a.capability = r.str();
      return a;
    });
    c.panel = r.list<Hearing>([&] {
      Hearing h;
      h.meeting = r.date();
      h.decision = r.str();
      h.method = r.opt_str();
      h.signposted_to = r.strs();
      return h;
    });
    c.consent = read_consent(r);
    c.support_plan = read_actions(r);
    c.chronology = r.list<ChronologyEntry>([&] {
      ChronologyEntry e;
      e.date = r.date();
      e.kind = r.str();
      e.with = r.str();
      return e;
    });
    c.reviews = read_reviews(r);
    c.closure = read_closure(r);
    c.corrections = r.list<Correction>([&] {
      Correction x;
      x.date = r.date();
      x.fields = r.strs();
      return x;
    });
    c.previous = r.list<Episode>([&] {
      Episode e;
      e.consent = read_consent(r);
      e.support_plan = read_actions(r);
      e.reviews = read_reviews(r);
      e.closure = read_closure(r);
      e.reopened = r.opt_date();
      return e;
    });
    if (!r.done()) return std::nullopt;
    return std::optional<Case>(std::move(c));
  } catch (const Malformed&) {
    return std::nullopt;
  }
}

std::string case_cache_path(const Store& store) {
  return state_path(store.git(), "cases-v1").string();
}

CaseReadSummary for_each_case_without_personal_data(const Store& store,
                                                   const std::function<void(const Case&)>& each) {
  const fs::path path = case_cache_path(store);
  const fs::path changes_path = changes_path_of(path);
  const HeadKeys head = head_keys(store);
  const CacheFile cache(path, head.config);
  CaseReadSummary out;

  // Warm: the cache was made from this very `cases` tree, so its entries are
  // HEAD's records in path order.
  size_t delivered = 0;
  if (cache.valid() && head.cases != kNoKey && cache.cases_tree() == head.cases) {
    for (; delivered < cache.size(); ++delivered) {
      auto c = decode_case_entry(cache.entry(delivered));
      if (!c) break;
      each(*c);
    }
    if (delivered == cache.size()) return out;
    // An entry that does not decode (it passed the checksum, so it was
    // written so: an older program's bug): the rest is done the long way,
    // and the first `delivered` records, the same files in the same order,
    // are not given again.
  } else if (cache.valid() && head.cases != kNoKey && cache.cases_tree() != kNoKey) {
    // Warm after writes: the cache and the side file's records that lead
    // from its tree to HEAD's.
    const std::string changes = read_whole(changes_path, kChangesMaxBytes + (size_t{1} << 20));
    size_t applied = 0;
    if (auto years = changes.empty() ? std::nullopt
                                     : follow_changes(cache, changes, head.config, head.cases, applied)) {
      bool whole = true;
      for (const auto& y : *years) {
        for (const auto& item : y.items) {
          auto c = decode_case_entry(item.entry);
          if (!c) {
            whole = false;
            break;
          }
          each(*c);
          ++delivered;
        }
        if (!whole) break;
      }
      if (whole) {
        if (applied >= kFoldRecords || changes.size() >= kFoldBytes) {
          // Fold the side file into a new cache.
          CacheBuilder fresh;
          for (const auto& y : *years)
            for (const auto& item : y.items) fresh.add(y.name, item.key, item.entry);
          if (fresh.write(path, head.config, head.cases)) {
            std::error_code ec;
            fs::remove(changes_path, ec);
          }
        }
        return out;
      }
    }
  }

  // Otherwise list HEAD, take what the cache has, parse the rest in chunks
  // (path order kept, so callers see the same order either way), and write
  // a new cache holding exactly HEAD's readable records.
  const auto files = store.case_files();
  CacheBuilder fresh;
  ParallelBlobs blobs(store);
  constexpr size_t kChunk = 4096;
  std::vector<std::optional<Case>> hits;  // decoded from the cache, per file of the chunk
  std::vector<std::string_view> entries;
  std::vector<size_t> misses;
  std::vector<Parsed> parsed;
  bool changed = !cache.valid() || cache.cases_tree() != head.cases;
  for (size_t start = 0; start < files.size(); start += kChunk) {
    const size_t end = std::min(files.size(), start + kChunk);
    hits.assign(end - start, std::nullopt);
    entries.assign(end - start, {});
    misses.clear();
    for (size_t i = start; i < end; ++i) {
      if (auto at = cache.find(key_of(files[i].blob))) {
        entries[i - start] = cache.entry(*at);
        hits[i - start] = decode_case_entry(entries[i - start]);
      }
      if (!hits[i - start]) misses.push_back(i);
    }
    parse_all(store, blobs, files, misses, parsed);
    out.parsed += misses.size();
    size_t m = 0;
    for (size_t i = start; i < end; ++i) {
      const Key k = key_of(files[i].blob);
      const std::string_view year = year_of(files[i].path);
      if (auto& h = hits[i - start]) {
        if (i >= delivered) each(*h);
        fresh.add(year, k, entries[i - start]);
        h.reset();
        continue;
      }
      Parsed& p = parsed[m++];
      changed = true;
      if (p.c) {
        if (i >= delivered) each(*p.c);
        fresh.add(year, k, p.entry);
      } else {
        out.unreadable.push_back(std::move(*p.failure));
      }
      p = Parsed{};
    }
  }
  if (fresh.size() != cache.size()) changed = true;
  // HEAD was listed after its tree was taken: a write in between and the
  // records listed may not be that tree's, so nothing is kept for it.
  if (changed) {
    const HeadKeys now = head_keys(store);
    if (now.cases != head.cases || now.config != head.config) changed = false;
  }
  if (changed && fresh.write(path, head.config, out.unreadable.empty() ? head.cases : kNoKey)) {
    // The side file's records lead from older trees: no longer needed.
    std::error_code ec;
    fs::remove(changes_path, ec);
  }
  return out;
}

CasesWithoutPersonalData load_cases_without_personal_data(const Store& store) {
  CasesWithoutPersonalData out;
  auto summary = for_each_case_without_personal_data(store, [&](const Case& c) { out.cases.push_back(c); });
  out.unreadable = std::move(summary.unreadable);
  out.parsed = summary.parsed;
  return out;
}

namespace {

// A tree's subtree by name, or an empty handle.
git::Tree subtree(git_repository* repo, const git_tree* tree, const char* name) {
  if (!tree) return {};
  const git_tree_entry* e = git_tree_entry_byname(tree, name);
  if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE) return {};
  git_tree* raw = nullptr;
  if (git_tree_lookup(&raw, repo, git_tree_entry_id(e)) < 0) return {};
  return git::Tree(raw);
}

git::Tree commit_tree(git_repository* repo, const git_oid& id) {
  git_commit* raw = nullptr;
  if (git_commit_lookup(&raw, repo, &id) < 0) return {};
  git::Commit c(raw);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, c.get()) < 0) return {};
  return git::Tree(t);
}

// A name Store::case_files() lists as a record.
bool is_record_name(std::string_view name) { return name.size() >= 6 && name.ends_with(".yaml"); }

void append_changes(const fs::path& path, const std::string& record) {
  const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) > kChangesMaxBytes) return;
  std::string out;
  bool fresh = st.st_size == 0;
  if (!fresh) {
    char head[kChangesHeader];
    if (::pread(fd, head, kChangesHeader, 0) != static_cast<ssize_t>(kChangesHeader) ||
        std::string_view(head, kChangesMagic.size()) != kChangesMagic || get_u32(head + 8) != kFormatVersion) {
      // Another version's file, or garbage: started again.
      if (::ftruncate(fd, 0) != 0) return;
      fresh = true;
    }
  }
  if (fresh) {
    out.append(kChangesMagic);
    put_u32(out, kFormatVersion);
  }
  put_u32(out, static_cast<uint32_t>(record.size()));
  out.append(record);
  const uint64_t sum = checksum(record);
  char tail[8];
  std::memcpy(tail, &sum, 8);
  out.append(tail, 8);
  // One write: a write stopped half way leaves a record that does not
  // match its checksum, and readers stop there.
  const char* p = out.data();
  size_t left = out.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

void case_cache_after_commit(const Store& store, const git_oid& commit, const std::vector<FileWrite>& files,
                             const std::vector<const Case*>& cases) noexcept {
  try {
    const fs::path path = case_cache_path(store);
    std::error_code ec;
    if (!fs::exists(path, ec)) return;  // no cache to keep warm
    // The written records, by year directory. Anything else under cases/
    // (not a record's path) and the next read takes the long way.
    struct Written {
      std::string name;
      size_t file;
    };
    std::map<std::string, std::vector<Written>> by_year;
    for (size_t i = 0; i < files.size(); ++i) {
      std::string_view p = files[i].path;
      if (!p.starts_with("cases/")) continue;
      p.remove_prefix(6);
      const size_t slash = p.find('/');
      if (slash == std::string_view::npos || slash == 0) return;
      std::string_view name = p.substr(slash + 1);
      if (name.find('/') != std::string_view::npos || !is_record_name(name)) return;
      by_year[std::string(p.substr(0, slash))].push_back(Written{std::string(name), i});
    }
    if (by_year.empty()) return;  // the `cases` tree did not change

    git_repository* repo = store.git().raw();
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo, &commit) < 0) return;
    git::Commit c(raw);
    if (git_commit_parentcount(c.get()) != 1) return;
    git::Tree after = commit_tree(repo, commit);
    git::Tree before = commit_tree(repo, *git_commit_parent_id(c.get(), 0));
    if (!after || !before) return;
    const git_tree_entry* cfg_after = git_tree_entry_byname(after.get(), "prevent.yaml");
    const git_tree_entry* cfg_before = git_tree_entry_byname(before.get(), "prevent.yaml");
    const git_tree_entry* cases_after = git_tree_entry_byname(after.get(), "cases");
    const git_tree_entry* cases_before = git_tree_entry_byname(before.get(), "cases");
    if (!cfg_after || !cfg_before || !cases_after || !cases_before) return;
    if (!git_oid_equal(git_tree_entry_id(cfg_after), git_tree_entry_id(cfg_before))) return;
    if (git_tree_entry_type(cases_before) != GIT_OBJECT_TREE || git_tree_entry_type(cases_after) != GIT_OBJECT_TREE)
      return;
    git::Tree cases_new = subtree(repo, after.get(), "cases");
    git::Tree cases_old = subtree(repo, before.get(), "cases");
    if (!cases_new || !cases_old) return;

    Writer w;
    auto put_key = [&](const git_oid& id) {
      for (size_t i = 0; i < kOidSize; ++i) w.u8(id.id[i]);
    };
    put_key(*git_tree_entry_id(cfg_after));
    put_key(*git_tree_entry_id(cases_before));
    put_key(*git_tree_entry_id(cases_after));
    w.u32(static_cast<uint32_t>(by_year.size()));
    // Small writes parse what they wrote, exactly as a read would; a large
    // batch (an import) uses the records it was given, which read back the
    // same (tests/unit/case_cache_test.cpp).
    const bool parse = files.size() <= 16;
    for (auto& [year, written] : by_year) {
      git::Tree y_new = subtree(repo, cases_new.get(), year.c_str());
      if (!y_new) return;
      // Whether each record is new: with one record written in this
      // directory the reader tells from the directory's count (saving a
      // second listing of a directory of thousands); with more, from the
      // directory before the write.
      const bool one = written.size() == 1;
      git::Tree y_old = one ? git::Tree() : subtree(repo, cases_old.get(), year.c_str());
      std::map<std::string_view, const Written*> wanted;
      for (const auto& x : written) wanted[x.name] = &x;
      struct Op {
        uint32_t pos;
        uint8_t how;
        git_oid blob;
        const Written* w;
      };
      std::vector<Op> ops;
      uint32_t count = 0;
      const size_t n = git_tree_entrycount(y_new.get());
      for (size_t i = 0; i < n; ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(y_new.get(), i);
        std::string_view name = git_tree_entry_name(e);
        if (!is_record_name(name)) continue;
        if (auto it = wanted.find(name); it != wanted.end()) {
          if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) return;
          bool existed = false;
          if (!one && y_old) {
            const git_tree_entry* o = git_tree_entry_byname(y_old.get(), it->second->name.c_str());
            existed = o != nullptr;
          }
          ops.push_back(Op{count, static_cast<uint8_t>(one ? 2 : existed ? 0 : 1), *git_tree_entry_id(e), it->second});
        }
        ++count;
      }
      if (ops.size() != written.size()) return;
      w.str(year);
      w.u32(count);
      w.u32(static_cast<uint32_t>(ops.size()));
      for (const auto& op : ops) {
        const FileWrite& f = files[op.w->file];
        std::string entry;
        const Case* given = op.w->file < cases.size() ? cases[op.w->file] : nullptr;
        if (parse || !given) {
          try {
            entry = encode_case_entry(without_personal_data(read_case(f.content, f.path, store.config())));
          } catch (const Failure&) {
            return;  // a record that does not read is never cached
          }
        } else {
          entry = encode_case_entry(without_personal_data(*given));
        }
        w.u32(op.pos);
        w.u8(op.how);
        put_key(op.blob);
        w.str(entry);
      }
    }
    append_changes(changes_path_of(path), w.take());
  } catch (...) {
    // The cache is never a reason for a write to fail: the next read takes
    // the long way.
  }
}

}  // namespace prevent

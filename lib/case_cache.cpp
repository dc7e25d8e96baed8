#include "case_cache.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "failure.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "parallel_blobs.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "PRVCASES";
// Bump when the entry layout or what a record reads as changes.
constexpr uint32_t kFormatVersion = 2;

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
// The cache file (format 2), little-endian:
//
//   "PRVCASES" u32 version
//   [20] prevent.yaml's blob ID at HEAD when written
//   [20] the `cases` tree ID at HEAD when written, or zeros when some record
//        there did not read (then every run lists HEAD and looks entries up)
//   u32 n, then n × ([20] blob ID, u32 offset, u32 size): one per readable
//        record, in path order; offset and size locate its entry in
//   the entries, back to back
//   u64 checksum of everything before it
//
// When the `cases` tree at HEAD is the one recorded, the entries are exactly
// HEAD's records in path order: a warm read decodes them one after another
// and does not list HEAD's trees at all.

constexpr size_t kOidSize = GIT_OID_RAWSZ;
constexpr size_t kHeaderSize = 8 + 4 + kOidSize + kOidSize + 4;
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

// A cache file checked whole: valid() only when magic, version, prevent.yaml
// and checksum are right and every index entry points inside the file.
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
    const size_t index_end = kHeaderSize + size_t{n_} * kIndexEntrySize;
    if (index_end > body.size()) return;
    for (size_t i = 0; i < n_; ++i) {
      const char* e = p + kHeaderSize + i * kIndexEntrySize;
      size_t off = get_u32(e + kOidSize), len = get_u32(e + kOidSize + 4);
      if (off < index_end || off > body.size() || len > body.size() - off) return;
    }
    valid_ = true;
  }

  bool valid() const { return valid_; }
  const Key& cases_tree() const { return cases_tree_; }
  size_t size() const { return valid_ ? n_ : 0; }
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
  mutable std::vector<uint32_t> sorted_;
};

// A new cache file, built entry by entry in path order.
class CacheBuilder {
 public:
  void add(const Key& k, std::string_view entry) {
    index_.append(reinterpret_cast<const char*>(k.data()), kOidSize);
    put_u32(index_, static_cast<uint32_t>(entries_.size()));  // made absolute in write()
    put_u32(index_, static_cast<uint32_t>(entry.size()));
    entries_.append(entry);
  }
  size_t size() const { return index_.size() / kIndexEntrySize; }

  void write(const fs::path& path, const Key& config, const Key& cases_tree) {
    const size_t n = size();
    const size_t base = kHeaderSize + index_.size();
    if (base + entries_.size() + 8 > (size_t{1} << 32) - 1) return;  // too large to cache: not kept
    std::string out;
    out.reserve(base + entries_.size() + 8);
    out.append(kMagic);
    put_u32(out, kFormatVersion);
    out.append(reinterpret_cast<const char*>(config.data()), kOidSize);
    out.append(reinterpret_cast<const char*>(cases_tree.data()), kOidSize);
    put_u32(out, static_cast<uint32_t>(n));
    for (size_t i = 0; i < n; ++i) {
      const char* e = index_.data() + i * kIndexEntrySize;
      out.append(e, kOidSize);
      put_u32(out, static_cast<uint32_t>(base + get_u32(e + kOidSize)));
      out.append(e + kOidSize + 4, 4);
    }
    index_.clear();
    index_.shrink_to_fit();
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
    } catch (const Failure&) {
      // A cache that cannot be written (read-only store) is simply not kept.
    }
  }

 private:
  std::string index_;
  std::string entries_;
};

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
  return (fs::path(git_repository_path(store.git().raw())) / "prevent" / "cases-v1").string();
}

CaseReadSummary for_each_case_without_personal_data(const Store& store,
                                                   const std::function<void(const Case&)>& each) {
  const fs::path path = case_cache_path(store);
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
      if (auto& h = hits[i - start]) {
        if (i >= delivered) each(*h);
        fresh.add(k, entries[i - start]);
        h.reset();
        continue;
      }
      Parsed& p = parsed[m++];
      changed = true;
      if (p.c) {
        if (i >= delivered) each(*p.c);
        fresh.add(k, p.entry);
      } else {
        out.unreadable.push_back(std::move(*p.failure));
      }
      p = Parsed{};
    }
  }
  if (fresh.size() != cache.size()) changed = true;
  if (changed) fresh.write(path, head.config, out.unreadable.empty() ? head.cases : kNoKey);
  return out;
}

CasesWithoutPersonalData load_cases_without_personal_data(const Store& store) {
  CasesWithoutPersonalData out;
  auto summary = for_each_case_without_personal_data(store, [&](const Case& c) { out.cases.push_back(c); });
  out.unreadable = std::move(summary.unreadable);
  out.parsed = summary.parsed;
  return out;
}

}  // namespace prevent

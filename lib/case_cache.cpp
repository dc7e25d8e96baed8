#include "case_cache.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <unordered_map>

#include "failure.hpp"
#include "git_repo.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "PRVCASES";
// Bump when the entry layout or what a record reads as changes.
constexpr uint32_t kFormatVersion = 1;

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
// The cache file.

using Key = std::string;  // the 20 raw bytes of a blob ID
Key key_of(const git_oid& id) { return Key(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ); }

git_oid sha1_of(std::string_view bytes) {
  git_oid id;
  git_odb_hash(&id, bytes.data(), bytes.size(), GIT_OBJECT_BLOB);
  return id;
}

Key config_key(const Store& store) {
  auto id = store.git().blob_id_at_head("prevent.yaml");
  return id ? key_of(*id) : Key(GIT_OID_RAWSZ, '\0');
}

// A cache file's bytes and its entries (views into them); no entries when
// it is missing or damaged in any way.
struct CacheFile {
  std::string bytes;
  std::unordered_map<Key, std::string_view> entries;
};

CacheFile read_cache_file(const fs::path& path, const Key& config) {
  CacheFile file;
  auto& entries = file.entries;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return file;
  const auto size = static_cast<std::streamoff>(in.tellg());
  if (size <= 0 || size > (std::streamoff{1} << 34)) return file;
  std::string& bytes = file.bytes;
  bytes.resize(static_cast<size_t>(size));
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return file;
  if (bytes.size() < kMagic.size() + 4 + GIT_OID_RAWSZ + 4 + GIT_OID_RAWSZ) return file;
  std::string_view body(bytes.data(), bytes.size() - GIT_OID_RAWSZ);
  git_oid sum = sha1_of(body);
  if (std::memcmp(sum.id, bytes.data() + body.size(), GIT_OID_RAWSZ) != 0) return file;
  try {
    if (body.substr(0, kMagic.size()) != kMagic) return file;
    Reader r(body.substr(kMagic.size()));
    if (r.u32() != kFormatVersion) return file;
    std::string cfg;
    for (size_t i = 0; i < GIT_OID_RAWSZ; ++i) cfg.push_back(static_cast<char>(r.u8()));
    if (cfg != config) return file;
    uint32_t n = r.u32();
    entries.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      Key k(r.view());
      if (k.size() != GIT_OID_RAWSZ) throw Malformed{};
      entries.emplace(std::move(k), r.view());
    }
    if (!r.done()) throw Malformed{};
  } catch (const Malformed&) {
    entries.clear();
  }
  return file;
}

void write_cache_file(const fs::path& path, const Key& config,
                      const std::vector<std::pair<Key, std::string_view>>& entries) {
  Writer w;
  w.u32(kFormatVersion);
  std::string body(kMagic);
  body += w.take();
  body += config;
  Writer e;
  e.u32(static_cast<uint32_t>(entries.size()));
  for (const auto& [k, v] : entries) {
    e.str(k);
    e.str(v);
  }
  body += e.take();
  git_oid sum = sha1_of(body);
  body.append(reinterpret_cast<const char*>(sum.id), GIT_OID_RAWSZ);
  try {
    make_private_dirs(path.parent_path());
    // A cache needs no fsync: lost, it is rebuilt.
    write_file_atomically(path, body, Durability::later);
  } catch (const Failure&) {
    // A cache that cannot be written (read-only store) is simply not kept.
  }
}

struct Parsed {
  std::optional<Case> c;
  std::string entry;
  std::optional<Failure> failure;
};

// Parses the records of `files[i]` for each i in `todo`, on all cores.
std::vector<Parsed> parse_all(const Store& store, const std::vector<CaseFile>& files, const std::vector<size_t>& todo) {
  std::vector<Parsed> out(todo.size());
  // Blobs are read on this thread (libgit2's repository is not shared
  // across threads); parsing and validation, the costly part, is spread.
  constexpr size_t kChunk = 2048;
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::vector<std::string> texts;
  for (size_t start = 0; start < todo.size(); start += kChunk) {
    const size_t end = std::min(todo.size(), start + kChunk);
    texts.clear();
    for (size_t i = start; i < end; ++i) texts.push_back(store.git().read_blob(files[todo[i]].blob));
    auto work = [&](size_t from, size_t step) {
      for (size_t i = start + from; i < end; i += step) {
        const CaseFile& f = files[todo[i]];
        try {
          Case c = without_personal_data(read_case(texts[i - start], f.path, store.config()));
          out[i].entry = encode_case_entry(c);
          out[i].c = std::move(c);
        } catch (const Failure& e) {
          out[i].failure = e;
        }
      }
    };
    const size_t n = end - start;
    const unsigned use = n < 64 ? 1u : threads;
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < use; ++t) pool.emplace_back(work, t, use);
    work(0, use);
    for (auto& t : pool) t.join();
  }
  return out;
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

CasesWithoutPersonalData load_cases_without_personal_data(const Store& store) {
  const fs::path path = case_cache_path(store);
  const Key config = config_key(store);
  const CacheFile cache = read_cache_file(path, config);
  const auto& cached = cache.entries;
  const auto files = store.case_files();

  CasesWithoutPersonalData out;
  std::vector<std::optional<Case>> cases(files.size());
  std::vector<std::optional<Failure>> failures(files.size());
  std::vector<size_t> misses;
  for (size_t i = 0; i < files.size(); ++i) {
    auto it = cached.find(key_of(files[i].blob));
    if (it != cached.end())
      if (auto c = decode_case_entry(it->second)) {
        cases[i] = std::move(*c);
        continue;
      }
    misses.push_back(i);
  }
  auto parsed = parse_all(store, files, misses);
  out.parsed = misses.size();

  std::unordered_map<Key, size_t> fresh;
  for (size_t j = 0; j < misses.size(); ++j) {
    if (parsed[j].c) {
      cases[misses[j]] = std::move(parsed[j].c);
      fresh.emplace(key_of(files[misses[j]].blob), j);
    } else {
      failures[misses[j]] = std::move(parsed[j].failure);
    }
  }
  // Rewritten when something was parsed or an entry is no longer at HEAD:
  // then it holds exactly the readable blobs at HEAD, in path order.
  const size_t hits = files.size() - misses.size();
  if (!misses.empty() || hits != cached.size()) {
    std::vector<std::pair<Key, std::string_view>> keep;
    keep.reserve(files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      if (!cases[i]) continue;
      Key k = key_of(files[i].blob);
      if (auto f = fresh.find(k); f != fresh.end())
        keep.emplace_back(std::move(k), parsed[f->second].entry);
      else if (auto it = cached.find(k); it != cached.end())
        keep.emplace_back(std::move(k), it->second);
    }
    write_cache_file(path, config, keep);
  }

  for (size_t i = 0; i < files.size(); ++i) {
    if (cases[i]) out.cases.push_back(std::move(*cases[i]));
    if (failures[i]) out.unreadable.push_back(std::move(*failures[i]));
  }
  return out;
}

}  // namespace prevent

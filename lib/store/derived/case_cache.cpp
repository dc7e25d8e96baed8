// The record cache: its
// side file of changes, and what a write by prevent adds to that side file
// (case_cache_after_commit). The cache file itself is in cache_file.hpp,
// the whole-store read that uses both in case_reader.cpp.
//
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

#include "case_entry_codec.hpp"
#include "failure.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "cache_file.hpp"
#include "case_changes.hpp"
#include "side_file.hpp"
#include "state_dir.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

using namespace derived;

constexpr std::string_view kChangesMagic = "PRVCCHNG";

// ---------------------------------------------------------------------------
// Entry encoding: little-endian integers, length-prefixed strings.

class ChangesWriter {
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
  template <KeyedEnum E>
  void key(E v) {
    str(key_of(v));
  }
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

struct MalformedChanges {};

class ChangesReader {
 public:
  explicit ChangesReader(std::string_view in) : in_(in) {}
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
  template <KeyedEnum E>
  E key() {
    auto v = key_to<E>(view());
    if (!v) throw MalformedChanges{};
    return *v;
  }
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
    if (f > 1) throw MalformedChanges{};
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
    if (n > in_.size() - pos_) throw MalformedChanges{};
  }
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

namespace {

// Applies one record's body to `years`; false when it does not fit (then
// `years` may be half changed: the caller gives up on it).
bool apply_record(std::string_view body, std::vector<YearItems>& years) {
  try {
    ChangesReader r(body);
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
  } catch (const MalformedChanges&) {
    return false;
  }
}

}  // namespace

// HEAD's records, in path order, from the cache and the side file's
// records that lead from the cache's tree to `head_cases`; nullopt when
// they do not. `applied` counts the records used.
//
// The way is found backwards from HEAD's tree: the latest record that
// ends there, then the latest before it that ends where that one starts,
// and so on to the cache's tree. Records of another line of history (a
// reset, then other writes) are passed over.
std::optional<std::vector<YearItems>> derived::follow_changes(const CacheFile& cache, std::string_view changes,
                                                     const Key& config, const Key& head_cases, size_t& applied) {
  applied = 0;
  auto all = side_records(changes, kChangesMagic, kFormatVersion, kCaseEntryFormat);
  if (!all) return std::nullopt;
  // Up to the first record that is damaged, cut short or too short to
  // name its trees: nothing past it is used.
  std::vector<std::string_view> records;
  for (const auto& body : *all) {
    if (body.size() < 3 * kOidSize) break;
    records.push_back(body);
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


std::string case_cache_path(const Store& store) {
  return state_path(store.git(), "cases-v1").string();
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


void append_changes(const fs::path& path, const std::string& record) {
  append_side_record(path, kChangesMagic, kFormatVersion, record, kChangesMaxBytes, kCaseEntryFormat);
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
      if (!is_case_record_path(p)) return;
      p.remove_prefix(6);
      const size_t slash = p.find('/');
      std::string_view name = p.substr(slash + 1);
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

    ChangesWriter w;
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
        if (!is_case_record_name(name)) continue;
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
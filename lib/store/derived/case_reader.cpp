// The whole-store read (case_reader.hpp) through the record cache: warm
// from the cache file alone, warm after writes through its side file, else
// the long way (list HEAD, parse what the cache lacks, write a new cache).
#include "case_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "cache_file.hpp"
#include "case_cache.hpp"
#include "case_changes.hpp"
#include "derived_check.hpp"
#include "failure.hpp"
#include "parallel_blobs.hpp"
#include "side_file.hpp"
#include "state_dir.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

using namespace derived;

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

// Parses files[todo[i]] into out[i] on all cores. What is not a case
// (store.hpp: not a plain file, too large, a record at another's path) is
// a Failure, as a record that does not read.
void parse_all(const Store& store, ParallelBlobs& blobs, const std::vector<CaseFile>& files,
               const std::vector<size_t>& todo, std::vector<Parsed>& out) {
  out.clear();
  out.resize(todo.size());
  std::vector<git_oid> ids;
  std::vector<size_t> where;  // out[] of each id
  ids.reserve(todo.size());
  for (size_t i = 0; i < todo.size(); ++i) {
    if (auto f = not_a_record_file(files[todo[i]])) {
      out[i].failure = std::move(f);
      continue;
    }
    ids.push_back(git::oid(files[todo[i]].blob));
    where.push_back(i);
  }
  blobs.run(ids, [&](size_t j, const BlobRead& blob) {
    const size_t i = where[j];
    const CaseFile& f = files[todo[i]];
    try {
      if (blob.too_large) fail_too_large(blob.too_large, f.path);
      if (!blob.text) {
        // A damaged repository stops the command, as it always has.
        out[i].error = std::make_exception_ptr(
            Failure(Exit::store, fmt::format("cannot read a record from the repository ({})", f.path)));
        return;
      }
      Case c = without_personal_data(read_case(*blob.text, f.path, store.config()));
      if (auto wrong = misplaced_record(c, f.path)) throw *wrong;
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

std::vector<std::optional<std::string>> read_case_names(const Store& store, const std::vector<std::string>& ids) {
  std::unordered_set<std::string_view> wanted(ids.begin(), ids.end());
  std::vector<CaseFile> files;
  for (auto& f : store.case_files())
    if (wanted.contains(f.id) && !not_a_record_file(f)) files.push_back(std::move(f));
  std::vector<git_oid> blobs;
  blobs.reserve(files.size());
  for (const auto& f : files) blobs.push_back(git::oid(f.blob));
  std::vector<std::optional<std::string>> found(files.size());
  // A sealed name is opened after the parallel read, on this thread, where
  // the keys are.
  std::vector<std::optional<Case>> sealed(files.size());
  ParallelBlobs parallel(store);
  parallel.run(blobs, [&](size_t i, const BlobRead& blob) {
    if (!blob.text) return;
    try {
      Case c = read_case(*blob.text, files[i].path, store.config());
      if (misplaced_record(c, files[i].path)) return;
      if (c.referral.subject.name.is_plain()) {
        found[i] = c.referral.subject.name.reveal();
      } else {
        Case m;
        m.id = c.id;
        m.referral.subject.name = c.referral.subject.name;
        sealed[i] = std::move(m);
      }
    } catch (...) {
      // Not read: the listing reports the file (or it is a bug the
      // listing's own read raises); the row just has no name.
    }
  });
  for (size_t i = 0; i < files.size(); ++i) {
    if (!sealed[i]) continue;
    store.open_case(*sealed[i], files[i].path);
    const auto& name = sealed[i]->referral.subject.name;
    found[i] = name.is_plain() ? name.reveal() : std::string(name.is_erased() ? kErasedValue : kEncryptedShown);
  }
  std::unordered_map<std::string_view, const std::string*> by_id;
  for (size_t i = 0; i < files.size(); ++i)
    if (found[i]) by_id.emplace(files[i].id, &*found[i]);
  std::vector<std::optional<std::string>> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    auto it = by_id.find(id);
    out.push_back(it == by_id.end() ? std::nullopt : std::optional<std::string>(*it->second));
  }
  return out;
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
    const std::string changes = read_side_file(changes_path, kChangesMaxBytes + (size_t{1} << 20));
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
      if (auto at = files[i].is_file ? cache.find(key_of(files[i].blob)) : std::nullopt) {
        entries[i - start] = cache.entry(*at);
        hits[i - start] = decode_case_entry(entries[i - start]);
        // The same blob at another path (a copy of a case under another
        // name) is not that case: parsed, it is reported as unreadable.
        if (hits[i - start] && misplaced_record(*hits[i - start], files[i].path)) hits[i - start].reset();
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

std::vector<DerivedFileFinding> check_case_cache(const Store& store) {
  const fs::path path = case_cache_path(store);
  const fs::path changes_path = changes_path_of(path);
  std::error_code ec;
  const bool has_cache = fs::exists(path, ec), has_changes = fs::exists(changes_path, ec);
  if (!has_cache && !has_changes) return {};
  std::vector<DerivedFileFinding> out;
  auto drop = [&] {
    fs::remove(path, ec);
    fs::remove(changes_path, ec);
  };
  const HeadKeys head = head_keys(store);
  const CacheFile cache(path, head.config);
  if (has_cache && !cache.sealed()) {
    out.push_back({false, fmt::format("the record cache does not check out under this user's key (written by another "
                                      "user or an older prevent, damaged, or edited): never used; removed, the next "
                                      "read rebuilds it ({})",
                                      shown_state_path("cases-v1"))});
    drop();
    return out;
  }
  if (!cache.valid()) return out;  // made under other settings: stale, never used

  // HEAD's records the long way: the key and a hash of the entry of each
  // record readers take, in path order.
  struct Truth {
    Key key;
    size_t hash;
  };
  std::vector<Truth> truth;
  const auto files = store.case_files();
  ParallelBlobs blobs(store);
  std::vector<size_t> todo;
  std::vector<Parsed> parsed;
  constexpr size_t kChunk = 4096;
  for (size_t start = 0; start < files.size(); start += kChunk) {
    const size_t end = std::min(files.size(), start + kChunk);
    todo.clear();
    for (size_t i = start; i < end; ++i) todo.push_back(i);
    parse_all(store, blobs, files, todo, parsed);
    for (size_t i = start; i < end; ++i)
      if (parsed[i - start].c)
        truth.push_back({key_of(files[i].blob), std::hash<std::string_view>{}(parsed[i - start].entry)});
  }
  auto same = [&](size_t i, const Key& k, std::string_view entry) {
    return truth[i].key == k && truth[i].hash == std::hash<std::string_view>{}(entry);
  };
  bool match = true;
  if (head.cases != kNoKey && cache.cases_tree() == head.cases) {
    match = cache.size() == truth.size();
    for (size_t i = 0; match && i < truth.size(); ++i) match = same(i, cache.key(i), cache.entry(i));
  } else {
    // Looked up by blob ID: every entry of a record at HEAD must be its own.
    for (size_t i = 0; match && i < truth.size(); ++i)
      if (auto at = cache.find(truth[i].key)) match = same(i, truth[i].key, cache.entry(*at));
    if (match && has_changes && head.cases != kNoKey && cache.cases_tree() != kNoKey) {
      const std::string changes = read_side_file(changes_path, kChangesMaxBytes + (size_t{1} << 20));
      size_t applied = 0;
      if (auto years = changes.empty() ? std::nullopt
                                       : follow_changes(cache, changes, head.config, head.cases, applied)) {
        size_t i = 0;
        for (const auto& y : *years)
          for (const auto& item : y.items) {
            match = match && i < truth.size() && same(i, item.key, item.entry);
            ++i;
          }
        match = match && i == truth.size();
      }
    }
  }
  if (!match) {
    out.push_back({true, fmt::format("the record cache does not match the records at HEAD: never to be trusted; "
                                     "removed, the next read rebuilds it ({})",
                                     shown_state_path("cases-v1"))});
    drop();
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

}  // namespace prevent

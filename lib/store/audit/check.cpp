#include "check.hpp"

#include <fmt/format.h>

#include <malloc.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>
#include <cstdlib>
#include <optional>
#include <exception>
#include <thread>

#include "derived_check.hpp"
#include "foi_request.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "git_options.hpp"
#include "history_check.hpp"
#include "key_erasure.hpp"
#include "parallel_blobs.hpp"
#include "review_rules.hpp"
#include "rules.hpp"
#include "schema.hpp"
#include "signing.hpp"

namespace prevent {

namespace {

// The first of core.excludesFile and core.attributesFile that names
// something other than a regular file (a missing file is fine: it is not
// read).
std::optional<std::string> not_a_regular_file(git_repository* repo) {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) < 0) return std::nullopt;
  git::Config cfg(raw);
  for (const char* key : {"core.excludesFile", "core.attributesFile"}) {
    std::string path = git::config_text(cfg.get(), key);
    if (path.empty()) continue;
    if (path.rfind("~/", 0) == 0)
      if (const char* home = std::getenv("HOME"); home && *home) path = std::string(home) + path.substr(1);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return std::string(key);
  }
  return std::nullopt;
}

}  // namespace

const std::vector<CheckInfo>& available_checks() {
  static const std::vector<CheckInfo> checks = {
      {"records", "every case, meeting and FOI request file is valid: YAML, schema, vocabularies, file name"},
      {"rules", "every case satisfies the rules of the Channel process (SPEC §4)"},
      {"canonical", "files are in canonical form (a notice: rewritten on the next write)"},
      {"conflicts", "no conflict a merge left in a case or a meeting waits for a person (a notice each: `prevent resolve`)"},
      {"schemas", "the store's schemas/ match the ones this prevent was built with"},
      {"keys", "an encrypted store's keys/recipients.yaml reads, and its key store (refs/prevent/keys) is there "
               "(docs/encryption.md)"},
      {"worktree", "no uncommitted or untracked changes under cases/, panels/, foi/, keys/, schemas/ and prevent.yaml"},
      {"repository", "every object reachable from HEAD can be read and matches its id"},
      {"authors", "every commit that changed cases/ or panels/ has an author name and e-mail"},
      {"history", "commit dates never go backwards, no case file was ever deleted, no replacement refs; hand edits, "
                  "commits that changed more than their Prevent-Action does, and merges listed (notices)"},
      {"config", "prevent.yaml: changes made outside init listed (notices); an unsafe suppression threshold, a "
                 "vocabulary entry removed while a record uses it"},
      {"verified-head", "the last verified head (.git/prevent/verified-head, refs/prevent/verified, fetched copies) is "
                        "on HEAD's first-parent history, which agrees with the remote's"},
      {"derived", "the record cache, person index and log index in .git/prevent match HEAD; any that does not is removed and rebuilt"},
      {"interrupted", "no write was left half done by a crash (`check --repair` completes or rolls it back); temporary files of stopped writers (notices)"},
      {"erasure", "every erased case's data key is gone from the key store and from every object of the "
                  "repository, and its personal values are all [erased]; no case has sealed values without its "
                  "data key (an erasure a crash left half done)"},
      {"signatures", "every commit from HEAD is signed with a key of its committer and verifies (run when named, or "
                     "when commit.gpgsign is true)"},
  };
  return checks;
}

namespace {

// libgit2's object cache off for a scope. The history walks read each
// object once or twice, far apart, and keep what they need themselves: a
// cache only fills (its limit counts objects' raw sizes, not what the
// parsed ones take) and is searched in vain.
// Made before the repository walk's thread starts and ended after it is
// joined (git_options.hpp).
class NoObjectCache {
  ScopedGitSwitch cache_{GitSwitch::object_cache, false};
};

class Run {
 public:
  Run(const Store& store, Date as_of) : store_(store), as_of_(as_of) {}

  std::vector<Finding> findings;

  void error(const char* check, Exit code, std::string message) {
    findings.push_back({Finding::Level::error, code, check, std::move(message)});
  }
  void notice(const char* check, std::string message) {
    findings.push_back({Finding::Level::notice, Exit::ok, check, std::move(message)});
  }

  // Reads every record once and runs the record-level checks that are
  // wanted on it there and then: records are parsed on all cores, a chunk
  // at a time, and dropped once checked, so memory does not grow with the
  // store. Findings are kept per check and given in the order they always
  // were: records, then rules, then canonical, each in path order.
  void scan(bool records, bool rules, bool canonical, bool erasure = false, bool conflicts = false) {
    const auto files = store_.case_files();
    ParallelBlobs blobs(store_);
    RuleContext ctx{store_.config(), as_of_, [&](Date d) { return store_.meeting(d); }};
    const bool encrypted = store_.keyring().encrypted();
    struct Parsed {
      std::optional<Case> record;
      std::optional<Failure> failure;
      std::exception_ptr error;
      bool canonical = true;
    };
    constexpr size_t kChunk = 4096;
    std::vector<Parsed> parsed;
    std::vector<git_oid> ids;
    std::vector<size_t> where;  // parsed[] of each id
    for (size_t start = 0; start < files.size(); start += kChunk) {
      const size_t end = std::min(files.size(), start + kChunk);
      ids.clear();
      where.clear();
      parsed.clear();
      parsed.resize(end - start);
      // What stands at a record's path and is not a file is reported, and
      // the scan goes on (store.hpp).
      for (size_t i = start; i < end; ++i) {
        if (auto f = not_a_record_file(files[i])) {
          parsed[i - start].failure = std::move(f);
          continue;
        }
        ids.push_back(git::oid(files[i].blob));
        where.push_back(i - start);
      }
      blobs.run(ids, [&](size_t j, const BlobRead& blob) {
        const size_t i = where[j];
        const CaseFile& file = files[start + i];
        Parsed& p = parsed[i];
        const std::string* text = blob.text;
        try {
          if (blob.too_large) fail_too_large(blob.too_large, file.path);
          if (!text) {
            // A damaged repository stops the check, as it always has.
            p.error = std::make_exception_ptr(
                Failure(Exit::store, fmt::format("cannot read a record from the repository ({})", file.path)));
            return;
          }
          p.record = read_case(*text, file.path, store_.config());
          if (canonical) p.canonical = write_case(*p.record) == *text;
        } catch (const Failure& f) {
          p.failure = f;
        } catch (...) {
          p.error = std::current_exception();  // a bug: raised below, on this thread
        }
      });
      for (const auto& p : parsed)
        if (p.error) std::rethrow_exception(p.error);
      for (size_t i = start; i < end; ++i) {
        const CaseFile& file = files[i];
        Parsed& p = parsed[i - start];
        if (!p.record) {
          invalid_.push_back({"records", p.failure->code(), p.failure->what()});
          continue;
        }
        const Case& c = *p.record;
        if (records) {
          auto id = parse_case_id(c.id);
          if (auto wrong = misplaced_record(c, file.path))
            records_.push_back(wrong->what());
          else if (id->prefix != store_.config().prefix)
            records_.push_back(
                fmt::format("id: the prefix is not the store's ({}) ({})", store_.config().prefix, file.path));
        }
        // Encryption at rest (docs/encryption.md): in an encrypted store no
        // (P) value stands in plain text; with the key, the record is
        // checked opened (rule 1's date of birth, rule 5 near the 18th
        // birthday), without it from its clear facts.
        std::optional<Case> opened;
        if (encrypted) {
          opened = c;
          if (has_plain_values(c))
            encryption_.push_back(fmt::format("{}: personal data in plain text in an encrypted store; the next "
                                              "change by prevent seals it, `prevent encrypt` seals every case "
                                              "[{}]",
                                              c.id, file.path));
          try {
            store_.open_case(*opened, file.path);
          } catch (const Failure& f) {
            encryption_.push_back(fmt::format("{} [{}]", f.what(), file.path));
          }
        }
        if (rules) try {
            check_case_rules(opened ? *opened : c, ctx);
          } catch (const Failure& f) {
            // A question only the key can answer is not a breach: noted.
            if (f.code() == Exit::store && encrypted && !store_.keyring().unlocked())
              key_notices_.push_back(fmt::format("{}; not rechecked without the key [{}]", f.what(), file.path));
            else
              rules_.push_back({f.code(), fmt::format("{} [{}]", f.what(), file.path)});
          }
        // Reviews recorded before the review rules (or by hand) that break
        // them: read as they are, reported as notices.
        if (rules)
          for (auto& m : review_rule_notices(c, store_.config()))
            review_notices_.push_back(fmt::format("{} ({}) [{}]", m, c.id, file.path));
        if (erasure && c.erasure) {
          erased_.insert(c.id);
          // Every (P) value erased but the erasure's own reason.
          Case erased = c;
          erase_personal(erased);
          if (write_case(erased) != write_case(c)) not_erased_.push_back(c.id);
        } else if (erasure && has_sealed_values(c)) {
          sealed_.insert(c.id);
        }
        // A conflict a merge left (docs/merge.md) is no broken rule, but
        // waits for a person: its field and dates only, never a value.
        if (conflicts && !is_voided_case(c))
          for (const auto& k : c.conflicts)
            conflicts_.push_back(fmt::format("{}: a merge left a conflict on {} (changed on {} and on {}); resolve it "
                                             "with `prevent resolve {} {} --take ours|theirs|VALUE` [{}]",
                                             c.id, k.field, k.ours.date.str(), k.theirs.date.str(), c.id, k.field,
                                             file.path));
        if (canonical && !p.canonical)
          canonical_.push_back(fmt::format("not in canonical form; prevent rewrites it canonically on its next "
                                           "change to the case ({})",
                                           file.path));
        p = Parsed{};
      }
    }
    for (Date d : store_.meeting_dates()) {
      std::string path = meeting_path(d);
      try {
        const Meeting* m = store_.meeting(d);
        if (m && m->date != d)
          invalid_.push_back({"records", Exit::invalid_data,
                              fmt::format("date: {} does not match the file name ({})", m->date.str(), path)});
        if (m) meeting_texts_.push_back({path, *store_.git().read_at_head(path), m});
        if (m && conflicts)
          for (const auto& k : m->conflicts)
            conflicts_.push_back(fmt::format("meeting {}: a merge left a conflict on {} (changed on {} and on {}); "
                                             "resolve it with `prevent resolve {} {} --take ours|theirs|VALUE` [{}]",
                                             d.str(), k.field, k.ours.date.str(), k.theirs.date.str(), d.str(),
                                             k.field, path));
        // As for a case: no correction's reason in plain text in an
        // encrypted store; with the key, every sealed one opens.
        if (m && encrypted) {
          if (has_plain_values(*m))
            encryption_.push_back(fmt::format("meeting {}: personal data (a correction's reason) in plain text in an "
                                              "encrypted store; the next change by prevent seals it, `prevent "
                                              "purge-plaintext` seals every version [{}]",
                                              d.str(), path));
          Meeting opened = *m;
          try {
            store_.open_meeting(opened, path);
          } catch (const Failure& f) {
            encryption_.push_back(fmt::format("{} [{}]", f.what(), path));
          }
        }
      } catch (const Failure& f) {
        invalid_.push_back({"records", f.code(), f.what()});
      }
    }
  }

  // foi/ (docs/foi.md): each file a request, each reference once; a due
  // date that is not the store's count of 20 working days is a notice (the
  // calendar may have changed since, or the file by hand).
  void scan_foi(bool canonical) {
    std::map<std::string, std::string> seen;
    for (const auto& f : store_.foi_files()) {
      if (!f.text) {
        invalid_.push_back({"records", f.problem->code(), f.problem->what()});
        continue;
      }
      try {
        FoiRequest r = read_foi_request(*f.text, f.path);
        if (auto [at, fresh] = seen.emplace(r.reference, f.path); !fresh)
          records_.push_back(fmt::format("request: {} is recorded already in {} ({})", r.reference, at->second, f.path));
        if (Date due = foi_due_date(r.received, store_.config().holidays); due != r.due)
          foi_notices_.push_back(fmt::format("due: {} is not the 20th working day following receipt by this "
                                             "store's calendar, {} ({})",
                                             r.due.str(), due.str(), f.path));
        if (canonical && write_foi_request(r) != *f.text)
          canonical_.push_back(fmt::format("not in canonical form; prevent rewrites it canonically on its next "
                                           "change to the request ({})",
                                           f.path));
      } catch (const Failure& e) {
        invalid_.push_back({"records", e.code(), e.what()});
      }
    }
  }

  // Erased cases: the key destroyed in this copy, the values erased; and
  // no case whose sealed values have lost their key without an erasure.
  void erasure() {
    for (const auto& id : not_erased_)
      error("erasure", Exit::store,
            fmt::format("case {} is marked erased but not all its personal values read [erased]", id));
    for (const auto& k : case_keys_present(store_, erased_))
      error("erasure", Exit::store,
            fmt::format("case {} is erased, but its data key is still present in {}", k.case_id, k.place));
    for (const auto& id : cases_without_key(store_, sealed_))
      error("erasure", Exit::store,
            fmt::format("case {} has sealed values and no data key in the key store: an erasure left half done "
                        "(run `prevent erase {} --reason TEXT` again to complete it, or the `prevent sync` that "
                        "brought the erasure) or a damaged key store",
                        id, id));
  }

  void records() {
    for (const auto& f : invalid_) error("records", f.code, f.message);
    for (auto& m : records_) error("records", Exit::invalid_data, std::move(m));
    for (auto& m : foi_notices_) notice("records", std::move(m));
  }

  void rules() {
    for (auto& [code, m] : rules_) error("rules", code, std::move(m));
    for (auto& m : key_notices_) notice("rules", std::move(m));
    for (auto& m : encryption_) error("records", Exit::store, std::move(m));
    for (auto& m : review_notices_) notice("rules", std::move(m));
  }

  void conflicts() {
    for (auto& m : conflicts_) notice("conflicts", std::move(m));
  }

  void canonical() {
    for (auto& m : canonical_) notice("canonical", std::move(m));
    if (auto text = store_.git().read_at_head("prevent.yaml"); text && write_config(store_.config()) != *text)
      notice("canonical", "not in canonical form; settings are read as they are, but a hand edit may hide a "
                          "mistake (prevent.yaml)");
    for (const auto& m : meeting_texts_)
      if (write_meeting(*m.meeting) != m.text)
        notice("canonical", fmt::format("not in canonical form; prevent rewrites it canonically on its next "
                                        "change to the meeting ({})",
                                        m.path));
  }

  void schemas() {
    for (const auto& s : schema_files()) {
      std::string path = fmt::format("schemas/{}", s.file_name);
      auto text = store_.git().read_at_head(path);
      if (!text)
        error("schemas", Exit::store,
              fmt::format("schema file missing; `prevent upgrade` writes this prevent's ({})", path));
      else if (*text != s.text)
        error("schemas", Exit::store,
              fmt::format("schema file differs from this prevent's own; editors may validate against a "
                          "different version; `prevent upgrade` brings it to this one ({})",
                          path));
    }
  }

  // docs/encryption.md: recipients.yaml is read strictly (Keyring), and the
  // key store it needs is in this repository. Needs no key.
  void keys() {
    try {
      Keyring& keys = store_.keyring();
      if (!keys.encrypted()) {
        // A key store naming no store: what an `encrypt` (or `init`)
        // stopped before its commit leaves; the next encrypt replaces it.
        if (git_reference_name_to_id(&oid_, store_.git().raw(), "refs/prevent/keys") == 0)
          notice("keys", "the store is plain (no keys/recipients.yaml), yet a key store is here: left by a `prevent "
                         "encrypt` stopped before its commit, which the next `prevent encrypt` replaces "
                         "(refs/prevent/keys)");
        return;
      }
      if (git_reference_name_to_id(&oid_, store_.git().raw(), "refs/prevent/keys") != 0)
        error("keys", Exit::store,
              "the key store is not in this repository: nobody can read the personal data here; a clone fetches it "
              "with `git fetch origin refs/prevent/keys:refs/prevent/keys` (refs/prevent/keys)");
    } catch (const Failure& f) {
      error("keys", f.code(), f.what());
    }
  }

  // SPEC §8 "signs as git would": each commit's signature checked with the
  // tool that made it (docs/signing.md).
  void signatures() {
    // Issue 15: a program the store's own .git/config names is never run;
    // the user's own configuration (or gpg / ssh-keygen on PATH) verifies.
    for (const auto& key : store_named_programs(store_.git().raw()))
      notice("signatures", fmt::format("the store's own git configuration names {}; prevent does not run a "
                                       "program a store names, and verified with your own configuration's",
                                       key));
    try {
      for (const auto& p : verify_history_signatures(store_.git().raw()))
        error("signatures", Exit::store, fmt::format("commit {} of {}: {}", p.commit.substr(0, 12), p.date, p.problem));
    } catch (const Failure& f) {
      error("signatures", f.code(), f.what());
    }
  }

  // Each derived file compared with HEAD (derived_check.hpp).
  void derived() {
    try {
      for (auto& f : check_derived_files(store_)) {
        if (f.error)
          error("derived", Exit::store, std::move(f.message));
        else
          notice("derived", std::move(f.message));
      }
    } catch (const Failure& f) {
      error("derived", f.code(), f.what());
    }
  }

  void worktree(bool interrupted) {
    // libgit2 reads the files core.excludesFile and core.attributesFile name
    // while it compares the work tree; a store's own configuration can name
    // a FIFO there, which would block `check` for ever (issue 15).
    if (auto key = not_a_regular_file(store_.git().raw())) {
      error("worktree", Exit::store,
            fmt::format("the git configuration's {} is not a regular file; the work tree was not compared (git config)",
                        *key));
      return;
    }
    git_status_options opts = GIT_STATUS_OPTIONS_INIT;
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                 GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    const char* specs[] = {"cases", "panels", "foi", "keys", "schemas", "prevent.yaml"};
    opts.pathspec = {const_cast<char**>(specs), 6};
    git_status_list* list_raw = nullptr;
    const int rc = git_status_list_new(&list_raw, store_.git().raw(), &opts);
    git::StatusList list(list_raw);
    if (rc < 0) {
      error("worktree", Exit::store, fmt::format("cannot read the work tree's status: {}", git_error_text()));
      return;
    }
    size_t n = git_status_list_entrycount(list.get());
    for (size_t i = 0; i < n; ++i) {
      const git_status_entry* e = git_status_byindex(list.get(), i);
      const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
      if (!d) continue;
      const char* path = d->new_file.path ? d->new_file.path : d->old_file.path;
      const char* what = (e->status & GIT_STATUS_WT_NEW) ? "untracked file" : "uncommitted change";
      // While a write is half done, its files are in the way: committing
      // them with git would leave a store the repair has to undo.
      if (interrupted)
        error("worktree", Exit::store,
              fmt::format("{}, perhaps left by the interrupted write: run `prevent check --repair` first ({})", what,
                          path));
      else
        error("worktree", Exit::store,
              fmt::format("{}: prevent reads what is committed; commit it with git or restore it ({})", what, path));
    }
  }

 private:
  struct LoadedMeeting {
    std::string path;
    std::string text;
    const Meeting* meeting;
  };
  struct Invalid {
    std::string check;
    Exit code;
    std::string message;
  };
  const Store& store_;
  Date as_of_;
  git_oid oid_{};
  std::vector<std::string> records_;                 // records: file name and ID findings
  std::set<std::string> erased_, sealed_;            // erasure: cases erased; cases not erased with sealed values
  std::vector<std::string> not_erased_;              // erasure: erased cases with a value not [erased]
  std::vector<std::pair<Exit, std::string>> rules_;  // rules broken
  std::vector<std::string> key_notices_;             // rule questions only the key answers (notices)
  std::vector<std::string> encryption_;              // plain (P) values in an encrypted store, values that do not open
  std::vector<std::string> review_notices_;          // reviews outside the review rules (notices)
  std::vector<std::string> canonical_;               // case files not in canonical form
  std::vector<std::string> conflicts_;               // conflicts left by a merge (notices)
  std::vector<std::string> foi_notices_;             // FOI requests due on another day than counted
  std::vector<LoadedMeeting> meeting_texts_;
  std::vector<Invalid> invalid_;
};

}  // namespace

std::vector<FileWrite> schema_updates(const Store& store) {
  std::vector<FileWrite> out;
  for (const auto& s : schema_files()) {
    std::string path = fmt::format("schemas/{}", s.file_name);
    auto text = store.git().read_at_head(path);
    if (!text || *text != s.text) out.push_back({std::move(path), std::string(s.text)});
  }
  return out;
}

std::vector<Finding> run_checks(const Store& store, const std::vector<std::string>& names, Date as_of) {
  for (const auto& n : names) {
    auto& all = available_checks();
    if (std::none_of(all.begin(), all.end(), [&](const CheckInfo& c) { return c.name == n; })) {
      std::vector<std::string> known;
      for (const auto& c : all) known.push_back(c.name);
      fail(Exit::usage, fmt::format("no such check: {} (command line)", n), fmt::format("checks: {}", fmt::join(known, ", ")));
    }
  }
  auto wanted = [&](const char* name) {
    return names.empty() || std::find(names.begin(), names.end(), name) != names.end();
  };
  Run run(store, as_of);
  // An interrupted write first: what the other checks find may be its
  // doing, and the repair is the first thing to run.
  const bool interrupted = store.git().has_interrupted_write();
  if (wanted("interrupted") && interrupted)
    run.findings.push_back({Finding::Level::error, Exit::store, "interrupted",
                            "an earlier write was interrupted and is half done (.git/prevent/journal); "
                            "run `prevent check --repair` first: it completes the write or rolls it back"});
  if (wanted("interrupted"))
    for (const auto& name : store.git().stale_temp_files())
      run.notice("interrupted", fmt::format("a temporary file left by a stopped writer; `prevent check --repair` "
                                            "removes it (.git/prevent/{})",
                                            name));
  if (wanted("records") || wanted("rules") || wanted("canonical") || wanted("erasure") || wanted("conflicts"))
    run.scan(wanted("records"), wanted("rules"), wanted("canonical"), wanted("erasure"), wanted("conflicts"));
  if (wanted("records") || wanted("canonical")) run.scan_foi(wanted("canonical"));
  if (wanted("records")) run.records();
  if (wanted("rules")) run.rules();
  if (wanted("canonical")) run.canonical();
  if (wanted("conflicts")) run.conflicts();
  if (wanted("erasure")) run.erasure();
  if (wanted("schemas")) run.schemas();
  if (wanted("keys")) run.keys();
  if (wanted("worktree")) run.worktree(interrupted);
  if (wanted("derived")) run.derived();
  // The history checks (history_check.hpp).
  auto add = [&](std::vector<Finding> more) {
    for (auto& f : more) run.findings.push_back(std::move(f));
  };
  {
    NoObjectCache no_cache;
    const bool repository = wanted("repository"),
               history = wanted("authors") || wanted("history") || wanted("config");
#ifdef __GLIBC__
    // What the record scan freed, spread over its threads' arenas, goes back
    // to the system before the walks: it would otherwise stay resident under
    // what they take.
    if (repository || history) malloc_trim(0);
#endif
    if (repository && history) {
      // The repository walk on a thread and handle of its own, beside the
      // history walk on this one; findings in the usual order.
      std::vector<Finding> objects;
      std::exception_ptr failed;
      std::thread t([&] {
        try {
          objects = check_repository(store);
        } catch (...) {
          failed = std::current_exception();
        }
      });
      std::vector<Finding> changes;
      try {
        changes = check_history(store, {wanted("authors"), wanted("history"), wanted("config")});
      } catch (...) {
        t.join();
        throw;
      }
      t.join();
      if (failed) std::rethrow_exception(failed);
      add(std::move(objects));
      add(std::move(changes));
    } else if (repository) {
      add(check_repository(store));
    } else if (history) {
      add(check_history(store, {wanted("authors"), wanted("history"), wanted("config")}));
    }
  }
  if (wanted("verified-head")) add(check_verified_head(store));
  // Verifying every commit runs a signer per commit: only when asked for,
  // or when the store's configuration asks for signed commits.
  if (names.empty() ? signing_requested(store.git().raw()) : wanted("signatures")) run.signatures();
  return run.findings;
}

Exit check_exit_code(const std::vector<Finding>& findings, bool strict) {
  Exit worst = Exit::ok;
  for (const auto& f : findings) {
    Exit code = f.level == Finding::Level::error ? f.code : (strict ? Exit::refused : Exit::ok);
    if (code == Exit::ok) continue;
    if (worst == Exit::ok || precedence(code) < precedence(worst)) worst = code;
  }
  return worst;
}

}  // namespace prevent

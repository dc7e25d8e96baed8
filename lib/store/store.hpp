// A prevent store: a git work tree holding prevent.yaml, schemas/, cases/
// and panels/ (SPEC §2). Reads come from HEAD, the committed and audited
// state, so a reader never sees a write half done; writes go through
// git_repo's one-commit path under the store's lock.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "case_id.hpp"
#include "case_record.hpp"
#include "config.hpp"
#include "failure.hpp"
#include "keyring.hpp"
#include "meeting.hpp"
#include "object_id.hpp"
#include "store_write.hpp"

namespace prevent {

// The git repository under a store (git_repo.hpp). Only the store layers
// (store, store/derived, store/audit) see its header, and libgit2: to the
// layers above, a store is this header's Store alone.
class GitRepo;
class Store;
class StoreLock;

// What one Store::commit wrote, as the derived indexes are told of it.
struct CommitRecord {
  const Store& store;
  const ObjectId& commit;
  const std::vector<FileWrite>& files;
  // `cases[i]`, when given, is the record written as files[i].
  const std::vector<const Case*>& cases;
};

// Something the store keeps up to date after each of its commits: the
// record cache, the log index (store/derived), the verified head
// (store/audit). The store core knows them only through this seam; the
// layer that opens a store registers them (Store::keep_up_to_date).
// after_commit is told of a commit already made: it must never fail it, and
// anything it throws is dropped (the next read brings the index up to date
// the long way).
class DerivedIndex {
 public:
  virtual ~DerivedIndex() = default;
  virtual void after_commit(const CommitRecord& record) = 0;
};

struct CaseFile {
  std::string id;
  std::string path;  // cases/YYYY/ID.yaml
  ObjectId blob;
  // A plain file; false for a directory, a submodule (gitlink) or a
  // symbolic link standing at a record's path, which is never read.
  bool is_file = true;
};

// The one answer to "is this file a case record?": a file NAME.yaml (NAME
// not empty) in a directory under cases/, as Store::case_files() lists it.
// Such a file that does not read as a record is reported as unreadable,
// never skipped. (Matching by person also needs NAME to be a case ID.)
// What is read from it is a case only when it passes the two checks below:
// readers report the file as unreadable otherwise (exit 5, `--partial`),
// and `check records` reports the same.
bool is_case_record_name(std::string_view name);
// The same for a whole path: "cases/DIR/NAME.yaml", DIR not empty.
bool is_case_record_path(std::string_view path);
// A meeting file's path: "panels/NAME.yaml" (NAME not empty), as
// `purge-plaintext` offers each version of one to be sealed.
bool is_meeting_record_path(std::string_view path);
// Before reading: why what stands at a record's path is not read (not a
// plain file); nullopt when it may be read. Its size is checked when it is
// read (GitRepo::read_blob, ParallelBlobs): larger than 1 MiB, not read.
std::optional<Failure> not_a_record_file(const CaseFile& file);
// After reading: why a record read from `path` is not a case, when its ID
// and the year it was received do not give that path (a copy of a case
// under another name, a file renamed or moved by hand: counted twice or
// under the wrong name otherwise); nullopt when they do.
std::optional<Failure> misplaced_record(const Case& c, std::string_view path);

class Store {
 public:
  // -C/--store, else PREVENT_STORE, else the store enclosing `cwd` (SPEC §6).
  static Store discover(const std::optional<std::string>& explicit_dir);
  static Store open(const std::filesystem::path& root);

  // Creates a store in `dir` (absent or empty): prevent.yaml, schemas/, one
  // commit. The directory is made 0700. `after_first_commit`, when given, is
  // called with the new store, HEAD that commit, before create returns; when
  // it throws, nothing of the store is left.
  // With `first_recipient`, the store is encrypted (docs/encryption.md):
  // the first commit holds keys/recipients.yaml, and the key store
  // (refs/prevent/keys) is written before it.
  using FirstCommitStep = std::function<void(const Store&)>;
  static void create(const std::filesystem::path& dir, const Config& config,
                     const FirstCommitStep& after_first_commit = {},
                     const std::optional<NewRecipient>& first_recipient = std::nullopt);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const std::filesystem::path& root() const;
  // The repository, for the store layers (to the others an opaque type).
  GitRepo& git() { return *git_; }
  const GitRepo& git() const { return *git_; }
  const Config& config() const { return config_; }
  // The store's keys (keyring.hpp), made when first asked for.
  Keyring& keyring() const;

  // Every case file at HEAD (listing only, nothing parsed), sorted by path.
  std::vector<CaseFile> case_files() const;
  std::optional<CaseFile> find_case_file(const CaseId& id) const;
  // The names of one year's case files at HEAD (cases/YEAR/NAME.yaml, as
  // is_case_record_name takes them), without ".yaml": listing only.
  std::vector<std::string> case_names(int year) const;

  // A case at HEAD; Failure(not_found) when there is none. Its sealed
  // values are opened when this run has the key (docs/encryption.md), and
  // stay sealed otherwise.
  Case load_case(const CaseId& id) const;
  Case load_case(const CaseFile& file) const;
  // The case that was numbered `old` before a sync renumbered it (its
  // `previous_ids` hold `old`: docs/team.md); nullopt when there is none.
  // A sync gives a renumbered case a higher number of the same prefix and
  // year, so only those records are read (one listing of the year, each
  // later record's bytes), and only one that names `old` is parsed.
  std::optional<CaseId> renumbered_as(const CaseId& old) const;

  // The keys this run has for the sealed values of case `id`; no store ID
  // (nothing to seal or open) in a plain store.
  CaseKeys case_keys(const std::string& id) const;
  // Opens the sealed values of `c` this run has the key for (a record read
  // other than by load_case); nothing to do in a plain store.
  void open_case(Case& c, const std::string& where) const;
  // The text `c` is written as: in an encrypted store its plain (P) values
  // sealed (Failure(store), exit 6, without the key), its data key made on
  // its first sealed value.
  std::string case_text(Case c);

  // Whole-store reads go through load_cases_without_personal_data()
  // (store/derived/case_reader.hpp): every case at HEAD, parsed once and
  // cached.

  // The meeting of a date at HEAD, or nullptr (cached per run). Its sealed
  // values (a correction's reason, docs/encryption.md) stay sealed: what
  // needs no (P) value (agendas, minutes, rules, attendance) never needs a
  // key; a reader that shows a reason opens it (open_meeting).
  const Meeting* meeting(Date date) const;
  // The same, or Failure(not_found) with a hint to create it.
  const Meeting& require_meeting(Date date) const;
  std::vector<Date> meeting_dates() const;
  // The keys this run has for a meeting's sealed values (the store's data
  // key); no store ID in a plain store.
  MeetingKeys meeting_keys() const;
  // Opens the sealed values of `m` when this run has the key; without it
  // they stay sealed. Failure(store) when one does not open. Nothing to do
  // in a plain store, or for a meeting without sealed values.
  void open_meeting(Meeting& m, const std::string& where) const;
  // The text `m` is written as: in an encrypted store its plain (P) values
  // sealed with the store's data key (Failure(store), exit 6, without the
  // key, as for a case); sealed values are written back as they were.
  std::string meeting_text(Meeting m) const;

  // The release register at HEAD (releases/NNNN.yaml, docs/disclosure.md):
  // each file's name and text, by name. Anything else standing in
  // releases/ (a directory, a link, a file of another name) is refused
  // (Failure(store)): an answer checked against part of the register could
  // give away what the rest protects.
  std::vector<std::pair<std::string, std::string>> release_files() const;

  // The files of foi/ at HEAD (FOI requests, docs/foi.md), by name. Each
  // is read, or has the reason it is not (not a plain file named
  // NNNN.yaml, larger than a record may be): readers report such a file,
  // never skip it.
  struct FoiFile {
    std::string path;  // foi/NAME
    std::optional<std::string> text;
    std::optional<Failure> problem;  // when there is no text
  };
  std::vector<FoiFile> foi_files() const;

  // The next free ID of a year (one more than the highest at HEAD).
  CaseId next_id(int year) const;

  // Takes the writer's lock, waiting up to PREVENT_LOCK_WAIT seconds
  // (default 30); Failure(store) when it cannot.
  std::unique_ptr<StoreLock> lock() const;

  // One commit of `files`. Refuses when any of them has uncommitted edits.
  // The data keys made for it (Keyring::case_key_for_writing) are written
  // to the key store first.
  // Then each registered DerivedIndex is told of it, in the order they were
  // registered. `cases[i]`, when given, is the record written as files[i]:
  // the record cache takes it instead of parsing a large batch again.
  ObjectId commit(const std::vector<FileWrite>& files, const std::string& message,
                 const std::vector<const Case*>& cases = {}, const CommitKind& kind = {});
  // What commit() refuses, asked before a command writes anything else (a
  // key store): an interrupted write, uncommitted changes to `paths`, no
  // git identity; Failure(store) each.
  void require_can_commit(const std::vector<std::string>& paths) const;
  // The first of them alone.
  void require_no_interrupted_write() const;

  // Under the writers' lock: completes or rolls back a write a crash left
  // half done (GitRepo::repair); nullopt when there was none.
  std::optional<Repair> repair();
  // Under the writers' lock: removes the temporary files of stopped
  // writers in .git/prevent/ (GitRepo::remove_stale_temp_files); their
  // names, as `.git/prevent/NAME`.
  std::vector<std::string> remove_stale_temp_files();

  // A path for a private working file of a command in the store's state
  // directory (`.git/prevent/NAME`, made 0700 if need be): outside the work
  // tree and the history, for a file that holds personal data while a
  // command runs (`prevent edit`'s buffer). The caller creates and removes
  // the file.
  std::filesystem::path private_file_path(std::string_view name) const;

  // Registers an index to be told of every later commit by this Store.
  void keep_up_to_date(std::shared_ptr<DerivedIndex> index) { indexes_.push_back(std::move(index)); }

 private:
  Store(GitRepo git, Config config);
  std::unique_ptr<GitRepo> git_;
  Config config_;
  mutable std::map<Date, std::unique_ptr<Meeting>> meetings_;
  mutable std::map<Date, bool> meeting_missing_;
  std::vector<std::shared_ptr<DerivedIndex>> indexes_;
  mutable std::unique_ptr<Keyring> keyring_;
};

// A held writer's lock (flock on .git/prevent.lock, released on exit even
// if the process is killed).
class StoreLock {
 public:
  explicit StoreLock(int fd) : fd_(fd) {}
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock();

 private:
  int fd_;
};

// A commit message of SPEC §8: subject, blank line, trailers.
std::string commit_message(std::string_view action, std::string_view subject_tail,
                           const std::vector<std::string>& case_ids, std::string_view action_trailer);

}  // namespace prevent

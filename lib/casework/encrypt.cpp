#include "encrypt.hpp"

#include <fmt/format.h>

#include "person_index.hpp"

namespace prevent {

EncryptDone encrypt_store(Store& store, const NewRecipient& first) {
  auto lock = store.lock();
  // An interrupted write first: it may be an encrypt's own commit, which
  // `check --repair` completes (the store is then encrypted) or rolls back.
  store.require_no_interrupted_write();
  Keyring& keys = store.keyring();
  keys.require_plain();

  EncryptDone done;
  const std::vector<CaseFile> files = store.case_files();
  const std::vector<Date> meeting_dates = store.meeting_dates();
  std::vector<std::string> paths(files.size() + 1);
  for (size_t i = 0; i < files.size(); ++i) paths[i] = files[i].path;
  paths.back() = kRecipientsPath;
  for (Date d : meeting_dates) paths.push_back(meeting_path(d));
  // Everything the commit would refuse, asked before any key is made.
  store.require_can_commit(paths);

  // Every record read before anything is written: a store with a record
  // prevent cannot read is not left half sealed.
  std::vector<Case> cases;
  cases.reserve(files.size());
  for (const auto& f : files) {
    Case c = store.load_case(f);
    if (has_sealed_values(c))
      fail(Exit::invalid_data,
           fmt::format("the record holds sealed values, which prevent never writes in a plain store ({})", f.path),
           "restore its plain version from the history with git, then encrypt");
    cases.push_back(std::move(c));
  }
  done.cases = cases.size();
  // The meetings whose corrections hold a reason in plain text, read as
  // the cases are, before anything is written.
  std::vector<std::pair<std::string, Meeting>> meetings;
  for (Date d : meeting_dates) {
    const Meeting& m = store.require_meeting(d);
    if (has_sealed_values(m))
      fail(Exit::invalid_data,
           fmt::format("the record holds sealed values, which prevent never writes in a plain store ({})",
                       meeting_path(d)),
           "restore its plain version from the history with git, then encrypt");
    if (!has_plain_values(m)) continue;
    // Its reasons are sealed to the meeting's own date: the file must be its.
    if (m.date != d)
      fail(Exit::invalid_data, fmt::format("date: {} does not match the file name ({})", m.date.str(), meeting_path(d)),
           "`prevent check records` lists such files; put the date right with git, then encrypt");
    meetings.emplace_back(meeting_path(d), m);
  }

  // The key store first (refs/prevent/keys, outside the history), then the
  // one commit that names it; undone if that commit fails.
  const std::string recipients = keys.create(first);
  try {
    std::vector<FileWrite> writes;
    std::vector<const Case*> written;
    for (size_t i = 0; i < cases.size(); ++i) {
      if (!has_plain_values(cases[i])) continue;  // nothing to seal, no key needed
      writes.push_back({files[i].path, store.case_text(cases[i])});
      written.push_back(&cases[i]);
      done.sealed.push_back(cases[i].id);
    }
    for (const auto& [path, m] : meetings) {
      writes.push_back({path, store.meeting_text(m)});
      done.sealed_meetings.push_back(path);
    }
    writes.push_back({kRecipientsPath, recipients});
    std::string tail =
        fmt::format("store encrypted, {} case{}", done.sealed.size(), done.sealed.size() == 1 ? "" : "s");
    if (!meetings.empty())
      tail += fmt::format(" and {} meeting{}", meetings.size(), meetings.size() == 1 ? "" : "s");
    tail += " sealed";
    store.commit(writes, commit_message("encrypt", tail, done.sealed, "encrypt"), written);
  } catch (...) {
    keys.abandon_created();
    throw;
  }
  // The plain person and name indexes hold unkeyed hashes of names and
  // dates of birth: an encrypted store keeps keyed ones only.
  try {
    remove_unkeyed_person_indexes(store);
  } catch (...) {
  }
  return done;
}

}  // namespace prevent

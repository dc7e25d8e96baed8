#include "erase.hpp"

#include <fmt/format.h>

#include "key_erasure.hpp"
#include "people.hpp"
#include "person_index.hpp"
#include "schema.hpp"

namespace prevent {

namespace {

// What erase needs of the store's keys: the one place it reads the keyring
// (keyring.hpp, Store::keyring()).
struct ErasureKeys {
  std::string store_id;
  std::optional<crypto::SecretKey> store_key;  // the store's data key, when this run holds the store key
};

ErasureKeys erasure_keys(const Store& store) {
  const auto& keyring = store.keyring();
  if (!keyring.encrypted()) return {};
  if (!keyring.unlocked()) return {keyring.store_id(), std::nullopt};
  return {keyring.store_id(), keyring.store_data_key()};
}

}  // namespace

std::vector<std::string> erase_cases(Store& store, const CaseId& id, bool person, Date as_of,
                                     const std::string& reason) {
  auto lock = store.lock();
  ErasureKeys keys = erasure_keys(store);
  if (keys.store_id.empty())
    fail(Exit::store, "this store is not encrypted: erase destroys a case's data key, and a plain store has none",
         "encrypt the store first (docs/encryption.md)");
  if (!keys.store_key)
    fail(Exit::store, "erase needs the store's key, and this run has none",
         "give --identity FILE or set PREVENT_IDENTITY to a key that unlocks the store");

  std::vector<Case> cases;
  if (person) {
    PersonCases found = person_cases(store, id);
    if (!found.unreadable.empty()) throw found.unreadable.front();
    cases = std::move(found.cases);
  } else {
    cases.push_back(store.load_case(id));
  }
  for (const auto& c : cases)
    if (c.erasure)
      fail(Exit::refused, fmt::format("case {} was erased on {}", c.id, c.erasure->date.str()),
           "an erased case has no personal data left to erase");

  std::vector<std::string> ids, paths;
  for (const auto& c : cases) {
    ids.push_back(c.id);
    paths.push_back(case_path(c.id, c.referral.received.year()));
  }
  // The key first: a crash after it leaves records that nobody can read
  // (check reports them; erase again completes them), never a record marked
  // erased whose key is still there.
  destroy_case_keys(store, ids, paths);

  const CaseKeys sealing{keys.store_id, std::nullopt, keys.store_key};
  std::vector<FileWrite> files;
  std::vector<const Case*> written;
  for (auto& c : cases) {
    erase_personal(c);
    c.erasure = Erasure{as_of, PersonalText(reason)};
    seal_personal(c, sealing);
    validate_against_schema(case_to_node(c), SchemaKind::case_record, "command line");
    files.push_back({case_path(c.id, c.referral.received.year()), write_case(c)});
  }
  for (const auto& c : cases) written.push_back(&c);
  const std::string tail =
      ids.size() == 1 ? ids.front() : fmt::format("{} and {} linked cases", id.str(), ids.size() - 1);
  store.commit(files, commit_message("erase", tail, ids, "erase"), written);
  // The person indexes hold hashes of the erased values (person_index.hpp).
  try {
    remove_person_indexes(store);
  } catch (...) {
  }
  return ids;
}

}  // namespace prevent

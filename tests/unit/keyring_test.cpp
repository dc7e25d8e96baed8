// The keyring of an encrypted store (keyring.hpp): a store made with a
// recipient, a data key written before the commit that uses it, a
// recipient added, and the store key replaced, with every data key still
// opening afterwards. The SSH key is the fictional test key of
// ssh_key_test.cpp.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config.hpp"
#include "git_repo.hpp"
#include "keyring.hpp"
#include "store.hpp"
#include "test_support.hpp"
#include "test_keys.hpp"

using namespace prevent;
using namespace prevent::test;

namespace {

const char* kPrivate = test::kTestPrivateKey;
const char* kPublic = test::kTestPublicKey;
const char* kPassphrase = "fictional passphrase of the test safe";

// An encrypted store in a temporary directory, readable by the test key
// (whose private key file is beside it), removed afterwards.
struct EncryptedStore {
  std::filesystem::path dir, key;
  EncryptedStore() {
    ::setenv("GIT_AUTHOR_NAME", "Keyring Test", 1);
    ::setenv("GIT_AUTHOR_EMAIL", "keyring-test@example.invalid", 1);
    ::setenv("GIT_COMMITTER_NAME", "Keyring Test", 1);
    ::setenv("GIT_COMMITTER_EMAIL", "keyring-test@example.invalid", 1);
    const auto base = std::filesystem::temp_directory_path() / ("prevent-keyring-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(base);
    std::filesystem::create_directories(base);
    dir = base / "store";
    key = base / "id_ed25519";
    std::ofstream(key) << kPrivate;
    ssh::ParseProblem problem;
    NewRecipient first{"Test laptop", ssh::parse_public_key_line(kPublic, problem), std::nullopt, d("2026-11-27")};
    Store::create(dir, default_config("Test", "PRV", 2026), {}, first);
    set_identity(key.string());
  }
  ~EncryptedStore() {
    set_identity(std::nullopt);
    std::filesystem::remove_all(dir.parent_path());
  }
  Store open() const { return Store::open(dir); }
};

std::optional<std::string> key_blob(const Store& store, const std::string& path) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, store.git().raw(), ("refs/prevent/keys:" + path).c_str()) != 0) return std::nullopt;
  git::Blob blob(reinterpret_cast<git_blob*>(obj));
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), git_blob_rawsize(blob.get()));
}

}  // namespace

TEST_CASE("a case's data key is in the key store before the commit that uses it, and opens again") {
  EncryptedStore s;
  Store store = s.open();
  Keyring& keys = store.keyring();
  REQUIRE(keys.encrypted());
  CHECK(keys.store_id().size() == 32);
  CHECK(keys.generation() == 1);
  REQUIRE(keys.unlocked());
  const crypto::SecretKey k1 = keys.case_key_for_writing("PRV-2026-0001");
  CHECK(keys.case_key_for_writing("PRV-2026-0001") == k1);  // made once
  CHECK_FALSE(key_blob(store, "cases/2026/00/PRV-2026-0001"));  // not yet written
  store.commit({{"notes/one.txt", "a commit that uses the key\n"}}, "test: one\n");
  auto blob = key_blob(store, "cases/2026/00/PRV-2026-0001");
  REQUIRE(blob);
  CHECK(blob->starts_with("prevent data key 1\ncase: PRV-2026-0001\ngeneration: 1\nkey: "));
  CHECK(blob->size() < 300);
  // A later run reads it back; the fan-out puts 0150 under 01.
  Store again = s.open();
  REQUIRE(again.keyring().case_key("PRV-2026-0001"));
  CHECK(*again.keyring().case_key("PRV-2026-0001") == k1);
  CHECK_FALSE(again.keyring().case_key("PRV-2026-0002"));
  again.keyring().case_key_for_writing("PRV-2026-0150");
  again.commit({{"notes/two.txt", "two\n"}}, "test: two\n");
  CHECK(key_blob(again, "cases/2026/01/PRV-2026-0150"));
  // The key store is one commit without a parent, whatever was written.
  git_oid id;
  REQUIRE(git_reference_name_to_id(&id, again.git().raw(), "refs/prevent/keys") == 0);
  git_commit* c = nullptr;
  REQUIRE(git_commit_lookup(&c, again.git().raw(), &id) == 0);
  git::Commit commit(c);
  CHECK(git_commit_parentcount(commit.get()) == 0);
}

TEST_CASE("without an identity the store is locked, and writing a key is refused") {
  EncryptedStore s;
  set_identity(std::nullopt);
  ::unsetenv("PREVENT_IDENTITY");
  Store store = s.open();
  CHECK(store.keyring().encrypted());
  CHECK_FALSE(store.keyring().unlocked());
  CHECK_FALSE(store.keyring().case_key("PRV-2026-0001"));
  CHECK_FALSE(store.keyring().index_key());
  auto f = failure_of([&] { store.keyring().case_key_for_writing("PRV-2026-0001"); });
  REQUIRE(f);
  CHECK(f->code() == Exit::store);
}

TEST_CASE("replacing the store key re-wraps every data key, which stays the same") {
  EncryptedStore s;
  crypto::SecretKey k1, index;
  {
    Store store = s.open();
    k1 = store.keyring().case_key_for_writing("PRV-2026-0001");
    index = *store.keyring().index_key();
    store.commit({{"notes/one.txt", "one\n"}}, "test: one\n");
    NewRecipient safe{"Test safe", std::nullopt, std::string(kPassphrase), d("2026-11-27"), crypto::minimum_cost()};
    store.commit({{"keys/recipients.yaml", store.keyring().with_recipient(safe)}}, "test: add\n");
  }
  const std::string before = *key_blob(s.open(), "cases/2026/00/PRV-2026-0001");
  // The passphrase unlocks too.
  set_identity("passphrase");
  ::setenv("PREVENT_PASSPHRASE", kPassphrase, 1);
  {
    Store store = s.open();
    REQUIRE(store.keyring().unlocked());
    CHECK(*store.keyring().case_key("PRV-2026-0001") == k1);
  }
  // Remove the passphrase recipient (as the SSH key).
  set_identity(s.key.string());
  {
    Store store = s.open();
    int generation = 0;
    const std::string text = store.keyring().rotate_without("Test safe", generation);
    CHECK(generation == 2);
    store.commit({{"keys/recipients.yaml", text}}, "test: remove\n");
    store.keyring().finish_rotation();
    CHECK_FALSE(key_blob(store, "rotation"));
  }
  Store store = s.open();
  CHECK(store.keyring().generation() == 2);
  CHECK(*store.keyring().case_key("PRV-2026-0001") == k1);
  CHECK(*store.keyring().index_key() == index);  // the keyed indexes stay valid
  const std::string after = *key_blob(store, "cases/2026/00/PRV-2026-0001");
  CHECK(after != before);
  CHECK(after.find("generation: 2\n") != std::string::npos);
  // The removed passphrase no longer unlocks: exit 6.
  set_identity("passphrase");
  auto f = failure_of([&] { s.open().keyring().unlocked(); });
  REQUIRE(f);
  CHECK(f->code() == Exit::store);
  ::unsetenv("PREVENT_PASSPHRASE");
}

TEST_CASE("a removal whose commit never landed leaves the store readable, or is undone") {
  EncryptedStore s;
  crypto::SecretKey k1;
  {
    Store store = s.open();
    k1 = store.keyring().case_key_for_writing("PRV-2026-0001");
    store.commit({{"notes/one.txt", "one\n"}}, "test: one\n");
    NewRecipient safe{"Test safe", std::nullopt, std::string(kPassphrase), d("2026-11-27"), crypto::minimum_cost()};
    store.commit({{"keys/recipients.yaml", store.keyring().with_recipient(safe)}}, "test: add\n");
  }
  {
    // Stopped after the key store was written, before the commit.
    Store store = s.open();
    int generation = 0;
    store.keyring().rotate_without("Test safe", generation);
  }
  {
    Store store = s.open();
    CHECK(store.keyring().generation() == 1);  // the history's
    REQUIRE(store.keyring().unlocked());       // through the rotation entry
    CHECK(*store.keyring().case_key("PRV-2026-0001") == k1);
    // A new key written meanwhile is wrapped by the new store key.
    store.keyring().case_key_for_writing("PRV-2026-0002");
    store.commit({{"notes/two.txt", "two\n"}}, "test: two\n");
  }
  {
    // A removal that failed is undone: the key store as it was.
    Store store = s.open();
    int generation = 0;
    store.keyring().rotate_without("Test safe", generation);
    CHECK(generation == 3);
    store.keyring().abandon_rotation();
  }
  Store store = s.open();
  REQUIRE(store.keyring().unlocked());
  CHECK(*store.keyring().case_key("PRV-2026-0001") == k1);
  CHECK(store.keyring().case_key("PRV-2026-0002"));
}

namespace {

// A plain store (init --plain) in a temporary directory, as `prevent
// encrypt` finds one, with the test key's private key file beside it.
struct PlainStore {
  std::filesystem::path dir, key;
  PlainStore() {
    ::setenv("GIT_AUTHOR_NAME", "Keyring Test", 1);
    ::setenv("GIT_AUTHOR_EMAIL", "keyring-test@example.invalid", 1);
    ::setenv("GIT_COMMITTER_NAME", "Keyring Test", 1);
    ::setenv("GIT_COMMITTER_EMAIL", "keyring-test@example.invalid", 1);
    ::unsetenv("PREVENT_IDENTITY");
    set_identity(std::nullopt);
    const auto base = std::filesystem::temp_directory_path() / ("prevent-keyring-plain-" + std::to_string(::getpid()));
    std::filesystem::remove_all(base);
    std::filesystem::create_directories(base);
    dir = base / "store";
    key = base / "id_ed25519";
    std::ofstream(key) << kPrivate;
    Store::create(dir, default_config("Test", "PRV", 2026));
  }
  ~PlainStore() {
    set_identity(std::nullopt);
    std::filesystem::remove_all(dir.parent_path());
  }
  Store open() const { return Store::open(dir); }
  static NewRecipient recipient() {
    ssh::ParseProblem problem;
    return NewRecipient{"Test laptop", ssh::parse_public_key_line(kPublic, problem), std::nullopt, d("2026-11-27")};
  }
};

bool has_key_store(const Store& store) {
  git_oid id;
  return git_reference_name_to_id(&id, store.git().raw(), "refs/prevent/keys") == 0;
}

}  // namespace

TEST_CASE("create makes a store's keys and leaves the keyring unlocked with them, without an identity") {
  PlainStore s;
  crypto::SecretKey k1, data_key;
  std::string store_id;
  {
    Store store = s.open();
    Keyring& keys = store.keyring();
    REQUIRE_FALSE(keys.encrypted());
    CHECK_FALSE(keys.unlocked());
    CHECK_FALSE(has_key_store(store));
    const std::string text = keys.create(PlainStore::recipient());
    // Unlocked in this run, with no identity given.
    CHECK(keys.encrypted());
    REQUIRE(keys.unlocked());
    store_id = keys.store_id();
    CHECK(store_id.size() == 32);
    CHECK(text.find(store_id) != std::string::npos);
    CHECK(keys.generation() == 1);
    REQUIRE(keys.recipients().size() == 1);
    CHECK(keys.recipients().front().name == "Test laptop");
    REQUIRE(keys.store_data_key());
    data_key = *keys.store_data_key();
    CHECK(keys.index_key());
    // The key store is written, with the store's own entry only.
    CHECK(has_key_store(store));
    CHECK(key_blob(store, "store"));
    CHECK_FALSE(key_blob(store, "cases/2026/00/PRV-2026-0001"));
    // A case key made now is written before the commit that names the keys.
    k1 = keys.case_key_for_writing("PRV-2026-0001");
    store.commit({{"keys/recipients.yaml", text}}, "test: encrypt\n");
    auto blob = key_blob(store, "cases/2026/00/PRV-2026-0001");
    REQUIRE(blob);
    CHECK(blob->starts_with("prevent data key 1\ncase: PRV-2026-0001\ngeneration: 1\n"));
    // create again: the store has keys now.
    auto f = failure_of([&] { keys.create(PlainStore::recipient()); });
    REQUIRE(f);
    CHECK(f->code() == Exit::store);
  }
  // A later run unlocks them with the recipient's private key.
  Store store = s.open();
  CHECK(store.keyring().encrypted());
  CHECK_FALSE(store.keyring().unlocked());  // no identity
  set_identity(s.key.string());
  Store again = s.open();
  REQUIRE(again.keyring().unlocked());
  CHECK(again.keyring().store_id() == store_id);
  CHECK(*again.keyring().case_key("PRV-2026-0001") == k1);
  CHECK(*again.keyring().store_data_key() == data_key);
  // The same path makes an encrypted init's keys.
  CHECK(again.keyring().recipients().front().fingerprint.starts_with("SHA256:"));
}

TEST_CASE("keys created for a commit that failed are taken away, unless the commit landed") {
  PlainStore s;
  {
    Store store = s.open();
    store.keyring().create(PlainStore::recipient());
    store.keyring().case_key_for_writing("PRV-2026-0001");
    // The commit of the records fails after write_pending: it is the key
    // store write_pending wrote that is taken away.
    store.keyring().write_pending();
    REQUIRE(has_key_store(store));
    store.keyring().abandon_created();
    CHECK_FALSE(has_key_store(store));
    CHECK_FALSE(store.keyring().encrypted());  // HEAD read afresh
  }
  {
    // A key store left by a run that was killed is replaced by the next.
    Store store = s.open();
    store.keyring().create(PlainStore::recipient());
  }
  git_oid stray;
  {
    Store store = s.open();
    REQUIRE(git_reference_name_to_id(&stray, store.git().raw(), "refs/prevent/keys") == 0);
    const std::string text = store.keyring().create(PlainStore::recipient());
    git_oid now;
    REQUIRE(git_reference_name_to_id(&now, store.git().raw(), "refs/prevent/keys") == 0);
    CHECK_FALSE(git_oid_equal(&now, &stray));
    store.commit({{"keys/recipients.yaml", text}}, "test: encrypt\n");
    // The commit landed: nothing is taken away.
    store.keyring().abandon_created();
    CHECK(has_key_store(store));
    CHECK(store.keyring().encrypted());
  }
}

// The keys of an encrypted store (docs/encryption.md): who may unlock it
// (keys/recipients.yaml, in the history), the store key they unlock, and
// the data key of each case (wrapped by the store key, kept on the key
// store ref `refs/prevent/keys`, never in the main history, so that a
// case's key can be destroyed). A store without keys/recipients.yaml is a
// plain store.
//
// The identity that unlocks the store is the process's: `--identity FILE`
// (cmd/app.cpp, set_identity) or else PREVENT_IDENTITY; with neither, a
// command runs as someone without a key. Unlocking is lazy: a command that
// never needs a key never reads one.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "crypto.hpp"
#include "date.hpp"
#include "failure.hpp"
#include "object_id.hpp"
#include "passphrase_key.hpp"
#include "ssh_key.hpp"

namespace prevent {

class GitRepo;

// --identity FILE, given before any store is opened; overrides
// PREVENT_IDENTITY. FILE is an OpenSSH ed25519 private key file, or the
// word `passphrase` (the passphrase is read from PREVENT_PASSPHRASE, else
// asked on the terminal).
void set_identity(std::optional<std::string> identity);

// Where a passphrase comes from when PREVENT_PASSPHRASE is not set: the
// front end asks on the terminal (cmd/app.cpp). `prompt` says what for; the
// source throws Failure(store) when it cannot ask. Without a source, such a
// passphrase is refused (exit 6).
using PassphraseSource = std::function<std::string(std::string_view prompt)>;
void set_passphrase_source(PassphraseSource source);

// The identity and passphrase files prevent reads: a regular file of at
// most 16 KiB, opened without following it into a FIFO or a device (a
// directory, a FIFO, a device are refused, not waited on). Failure(`code`)
// naming `path` when it cannot be read.
std::string read_key_file(const std::filesystem::path& path, Exit code);

// A recipient to add (init --recipient, keys add): an SSH public key, or a
// passphrase.
// The file of the history that names who can read an encrypted store; a
// store without it is plain (docs/encryption.md).
inline constexpr const char* kRecipientsPath = "keys/recipients.yaml";

struct NewRecipient {
  std::string name;
  std::optional<ssh::PublicKey> ssh;       // type ssh-ed25519
  std::optional<std::string> passphrase;   // type passphrase
  Date added;
  // Argon2id's cost for a passphrase: the store's default is interactive;
  // the unit tests pass the minimum.
  crypto::PassphraseCost cost = crypto::interactive_cost();
};

// A recipient's name: 1 to 64 characters, printable, no leading or
// trailing space. Failure(invalid_data) naming `where` otherwise.
void check_recipient_name(std::string_view name, std::string_view where);

struct KeyRecipient {
  std::string name;         // a label for the person or device (not personal data of a subject)
  std::string type;         // ssh-ed25519 | passphrase
  std::string fingerprint;  // SHA256:… of the SSH public key; empty for a passphrase
  Date added;
};

// What opening the data keys of many cases needs, for a read of the whole
// store on every core (the person index's rebuild): the blob of each
// case's wrapped key is found with Keyring::case_key_blob and read on any
// thread; open() may run on any thread: it reads nothing, only unwraps.
struct CaseKeyTable {
  std::string store_id;
  int generation = 0;
  crypto::SecretKey store_key;
  std::optional<crypto::SecretKey> store_data_key;
  std::map<std::string, crypto::SecretKey, std::less<>> pending;  // made in this run, not yet written

  // The data key of case `id` from the text of its blob, checked as
  // Keyring::case_key checks it: Failure(store) when it is damaged or does
  // not open with the store key.
  crypto::SecretKey open(std::string_view id, std::string_view blob_text) const;
};

class Keyring {
 public:
  explicit Keyring(GitRepo& git);
  ~Keyring();

  // The store has keys/recipients.yaml at HEAD.
  bool encrypted() const;
  // The store's random identifier (keys/recipients.yaml), bound into every
  // sealed value; empty for a plain store.
  const std::string& store_id() const;
  // This run holds the store key: an identity was given and it unlocks the
  // store. An identity given that does not unlock it (not a recipient, a
  // wrong passphrase, an unreadable or malformed key file): Failure(store),
  // exit 6, with a message naming the file (never a key).
  bool unlocked() const;

  // The data key of case `id`: nullopt when this run has no store key, or
  // the case has none (erased, or never sealed anything).
  std::optional<crypto::SecretKey> case_key(std::string_view id) const;
  // What opening case keys on any thread needs (CaseKeyTable); nullopt
  // when this run has no store key.
  std::optional<CaseKeyTable> case_key_table() const;
  // The blob of case `id`'s wrapped data key in the key store, not read;
  // nullopt when this run has no store key or there is no blob there.
  std::optional<ObjectId> case_key_blob(std::string_view id) const;
  // The data key of case `id`, made when it has none; Failure(store) when
  // this run has no store key. A new key is written to the key store by
  // Store::commit before the commit of the record that uses it.
  crypto::SecretKey case_key_for_writing(std::string_view id);
  // The same, but a case without a key gets `reuse` rather than a new one
  // (a case renumbered by a sync keeps its data key under its new ID).
  crypto::SecretKey case_key_for_writing(std::string_view id, const crypto::SecretKey& reuse);
  // The store's own data key, for values that are about no one case (the
  // reason of an erasure); nullopt without the store key.
  std::optional<crypto::SecretKey> store_data_key() const;
  // The key of the keyed hashes of the person and name indexes, derived from
  // the store key; nullopt without it.
  std::optional<crypto::SecretKey> index_key() const;

  std::vector<KeyRecipient> recipients() const;
  // The store key's generation (1, and one more each time it is replaced);
  // 0 for a plain store.
  int generation() const;

  // Writes the data keys made since the last call to the key store
  // (Store::commit calls it before its commit). Nothing to do when none.
  void write_pending();

  // `prevent sync` (docs/team.md, "Encrypted stores"), under the writers'
  // lock: the data keys of other copies' key stores taken into this one,
  // written as one new key store (with the keys this run made, pending)
  // before the sync's commit that needs them. No key is needed: a data key
  // is wrapped by the store key, which every copy shares; with the key,
  // each key taken is checked to unwrap.
  struct KeyMergeInput {
    std::vector<ObjectId> others;  // key-store commits fetched from a remote
    // keys/recipients.yaml as the merged tree will hold it: a key is taken
    // from a key store of its generation only.
    std::string recipients_text;
    // Cases this sync renumbers on this side: the old ID's key becomes the
    // other copy's (this side's moves to the new ID, as a key made in this
    // run).
    std::set<std::string> moved_away;
    // Whether the merged tree holds case ID, and holds it erased; whether
    // this store's HEAD holds it (a key without a record is a leftover of
    // an interrupted write, never preferred to another copy's).
    std::function<bool(std::string_view)> held, erased, held_here;
    // With the key, where other copies offer different keys for a case
    // this store has none for: whether `key` opens the merged record of
    // case ID (the one that does is taken).
    std::function<bool(std::string_view id, const crypto::SecretKey& key)> opens;
    // Cases the sync's commit writes erased: their keys here go too.
    std::set<std::string> erased_written;
    // Called before anything is written, with the erased cases whose keys
    // go (the caller records them, so that a sync killed before it deletes
    // their objects finishes it).
    std::function<void(const std::vector<std::string>&)> before_write;
  };
  struct KeyMerge {
    size_t taken = 0;                  // entries taken from the others
    std::vector<std::string> dropped;  // erased cases whose key this store held, or was offered
    // Cases the merged tree holds, this store has no key for, and other
    // copies offer different keys for that this run cannot tell apart
    // (without the key, or both open): none is taken.
    std::vector<std::string> undecided;
    bool written = false;  // a new key store was written
  };
  // Failure(store), and nothing written, when a fetched key store is
  // damaged (a key not where its case's key belongs, unreadable, or with
  // the key: not unwrapping), when a renumbered case's old ID has no one
  // key on the other side, or when keys are of another store key
  // generation where this side has keys the other lacks (a `keys remove`
  // on one side while the other sealed new values: re-wrapping them is
  // not built).
  KeyMerge merge_key_stores(const KeyMergeInput& in);

  // --- Making and changing the keys (under the writers' lock) ---

  // A new encrypted store's keys (`init --recipient`, `encrypt`): a new
  // store ID, store key and store data key; the key store written
  // (refs/prevent/keys), replacing one that a stopped init or encrypt left;
  // and this Keyring unlocked with them, so that case_key_for_writing seals
  // in the same run (its keys are written by write_pending, as ever).
  // Returns the text of keys/recipients.yaml, readable by `first`, for the
  // commit that follows. Refused (exit 6) when HEAD has keys already.
  std::string create(const NewRecipient& first);
  // Refused (exit 6) when HEAD has keys already: the one check of
  // create(), which `encrypt` asks before it reads any record.
  void require_plain() const;
  // The commit that was to follow create() failed: the key store this run
  // wrote is taken away (refs/prevent/keys deleted), so that no key store
  // claims a store that is still plain, unless HEAD has keys/recipients.yaml
  // after all (the commit landed); this Keyring then reads HEAD afresh.
  void abandon_created() noexcept;

  // `keys add`: the text of keys/recipients.yaml with `who` added, the
  // current store key wrapped for them. Needs the store key (Failure(store)
  // otherwise); a name or SSH key already there is refused (exit 4).
  std::string with_recipient(const NewRecipient& who);

  // `keys remove`: replaces the store key. Writes the key store with every
  // data key wrapped by the new store key, and the new key wrapped by the
  // old (a rotation entry, so that the store stays readable if the commit
  // never lands); returns keys/recipients.yaml without `name`, generation
  // one more (`new_generation`), the new key wrapped for each remaining
  // recipient. The caller
  // commits it, then calls finish_rotation() (which drops the rotation
  // entry), or abandon_rotation() when the commit failed (the key store as
  // it was). Refuses (exit 4) an unknown name or the last recipient.
  std::string rotate_without(std::string_view name, int& new_generation);
  void finish_rotation();
  void abandon_rotation() noexcept;

 private:
  struct State;
  GitRepo& git_;
  mutable std::unique_ptr<State> state_;
  State& state() const;
};

}  // namespace prevent

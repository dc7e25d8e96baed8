// prevent purge-plaintext (docs/encryption.md#purging-plaintext-from-the-history):
// the history rewritten once so that no object holds a case's or a
// meeting's (P) value in plain text, its record committed, the old objects
// deleted.
#include <fmt/format.h>

#include <map>

#include "case_id.hpp"
#include "cli.hpp"
#include "failure.hpp"
#include "keyring.hpp"
#include "purge_history.hpp"
#include "reseal.hpp"
#include "text.hpp"

namespace prevent::cli {

namespace {

int run_purge(const Globals& g) {
  Store store = open_store(g);
  auto lock = store.lock();
  Keyring& keys = store.keyring();
  const bool resuming = has_interrupted_purge(store);
  if (!resuming) {
    if (!keys.encrypted())
      fail(Exit::store, "the store is not encrypted (keys/recipients.yaml): there is nothing to seal the history with",
           "run `prevent encrypt --recipient PUBKEY_FILE` first, then purge");
    if (!keys.unlocked())
      fail(Exit::store, "purging the history needs the store key, and this run has none",
           "give the private key of a recipient: --identity FILE or PREVENT_IDENTITY=FILE");
  }
  const Config& config = store.config();
  // A case without a data key is either erased (its key destroyed: its old
  // plain values become [erased]) or was never sealed (deleted, or
  // committed in plain text by hand): it gets a key, written to the key
  // store before any ref moves (the record's step below).
  std::map<std::string, CaseKeys> known;
  auto erased_at_head = [&](const std::string& id) {
    auto cid = parse_case_id(id);
    if (!cid) return false;
    try {
      auto file = store.find_case_file(*cid);
      return file && store.load_case(*file).erasure.has_value();
    } catch (const Failure&) {
      return false;
    }
  };
  const CaseKeysOf keys_of = [&](const std::string& id) {
    auto it = known.find(id);
    if (it != known.end()) return it->second;
    CaseKeys k = store.case_keys(id);
    if (!k.store_id.empty() && !k.case_key && !erased_at_head(id)) k.case_key = keys.case_key_for_writing(id);
    return known.emplace(id, k).first->second;
  };
  // A meeting's correction reasons are sealed with the store's data key
  // (docs/encryption.md), which an erasure never destroys.
  const MeetingKeys meeting_keys = store.meeting_keys();
  size_t erased_versions = 0;
  const PurgeRewrite rewrite = [&](std::string_view path, const std::string& bytes) -> FileRewrite {
    if (is_meeting_record_path(path)) {
      ResealedCase r = reseal_meeting_text(bytes, std::string(path), meeting_keys);
      return {std::move(r.text), std::move(r.kept_why)};
    }
    ResealedCase r = reseal_case_text(bytes, std::string(path), config, keys_of);
    if (r.erased) ++erased_versions;
    return {std::move(r.text), std::move(r.kept_why)};
  };
  const size_t number = purge_records_at_head(store) + 1;
  const MakePurgeRecord record = [&](const PurgeOutcome& o) {
    keys.write_pending();  // the new history is written, no ref has moved yet
    return PurgeRecord{purge_record_path(number), purge_record_text(o, number),
                       commit_message("purge-plaintext", fmt::format("{} commits rewritten", o.rewritten.size()), {},
                                      "purge-plaintext")};
  };
  const PurgeWants wants = [](std::string_view path) {
    return is_case_record_path(path) || is_meeting_record_path(path);
  };
  PurgeOutcome o = purge_history(store, wants, rewrite, record);
  if (o.nothing_to_do) {
    notice(g, "every version of every case and meeting record is sealed already; nothing to do");
    return 0;
  }
  for (const auto& k : o.kept) notice(g, terminal_safe(fmt::format("kept as it was: {}", k)));
  if (o.resumed) {
    notice(g, fmt::format("finished an interrupted purge; HEAD is {}", o.head.hex().substr(0, 12)));
  } else {
    notice(g, fmt::format("rewrote {} of {} commits; {} ({})", o.rewritten.size(), o.commits,
                          purge_record_path(number), o.head.hex().substr(0, 12)));
    if (erased_versions > 0)
      notice(g, fmt::format("{} old version{} of erased cases now hold [erased]", erased_versions,
                            erased_versions == 1 ? "" : "s"));
  }
  notice(g, fmt::format("deleted {} objects no ref reaches; {} remain", o.objects_before - o.objects_after,
                        o.objects_after));
  for (const auto& r : o.refs)
    if (!r.to) notice(g, terminal_safe(fmt::format("removed the remote-tracking ref {}", r.name)));
  notice(g, "other clones, backups and the remote still hold the old history: each needs the same purge, or to be "
            "replaced (docs/encryption.md)");
  return 0;
}

}  // namespace

void add_purge(CLI::App& app, Globals& g, Runner& action) {
  auto* sub = app.add_subcommand(
      "purge-plaintext",
      "rewrite the history once so that no object holds a personal-data value in plain text; needs the key");
  sub->callback([&g, &action] { action = [&g] { return run_purge(g); }; });
}

}  // namespace prevent::cli

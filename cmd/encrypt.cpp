// prevent encrypt (docs/encryption.md#converting-a-plain-store): a plain
// store made encrypted in one commit, readable by the recipient given as
// `init --recipient` takes it.
#include <fmt/format.h>

#include "cli.hpp"
#include "encrypt.hpp"
#include "failure.hpp"
#include "text.hpp"

namespace prevent::cli {

namespace {

struct EncryptOptions {
  RecipientOptions recipient;
};

int run_encrypt(const Globals& g, const EncryptOptions& o) {
  const Date today = write_today(g);
  const std::optional<NewRecipient> first = new_recipient(o.recipient, today);
  if (!first)
    fail(Exit::usage, "give --recipient PUBKEY_FILE: the SSH ed25519 key that is to read the store (command line)",
         "as `prevent init --recipient` takes it (docs/encryption.md)");
  Store store = open_store(g);
  EncryptDone done = encrypt_store(store, *first);
  confirm(g, "encrypt",
          terminal_safe(fmt::format("the store is encrypted, readable by {} ({}); {} of {} case{} sealed on {}",
                                    first->name, first->ssh->fingerprint(), done.sealed.size(), done.cases,
                                    done.cases == 1 ? "" : "s", today.str())));
  if (!done.sealed_meetings.empty())
    confirm(g, "encrypt",
            fmt::format("the correction reasons of {} meeting{} sealed with the store's data key",
                        done.sealed_meetings.size(), done.sealed_meetings.size() == 1 ? "" : "s"));
  confirm(g, "note", "earlier commits still hold the plain values: `prevent purge-plaintext` rewrites the history");
  return 0;
}

}  // namespace

void add_encrypt(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<EncryptOptions>();
  auto* sub = app.add_subcommand("encrypt", "convert a plain store into an encrypted one, in one commit");
  add_recipient_options(*sub, o->recipient);
  sub->footer("Makes the store's keys as `prevent init --recipient` does, seals every case's personal data with a "
              "data key of its own and the reasons of meetings' corrections with the store's data key, and commits "
              "those files and keys/recipients.yaml in one commit (Prevent-Action encrypt). Earlier commits keep the "
              "plain values until `prevent purge-plaintext`. Refused (exit 6, nothing written): an encrypted store, "
              "uncommitted changes to a case or meeting file, an interrupted write, no git identity.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_encrypt(g, *o); }; });
}

}  // namespace prevent::cli

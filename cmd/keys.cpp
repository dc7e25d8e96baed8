// `prevent keys list|add|remove` (docs/encryption.md), and the passphrase
// asked on the terminal.
#include <fcntl.h>
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "cli.hpp"
#include "failure.hpp"
#include "keyring.hpp"
#include "keys.hpp"

namespace prevent::cli {

std::string ask_passphrase(std::string_view prompt) {
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    fail(Exit::store, "a passphrase is needed, and there is no terminal to ask for it on (identity)",
         "set PREVENT_PASSPHRASE (and PREVENT_NEW_PASSPHRASE for `keys add --passphrase`)");
  struct Tty {
    int fd;
    termios saved{};
    bool restore = false;
    ~Tty() {
      if (restore) ::tcsetattr(fd, TCSAFLUSH, &saved);
      ::close(fd);
    }
  } tty{fd};
  if (::tcgetattr(fd, &tty.saved) == 0) {
    termios quiet = tty.saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    if (::tcsetattr(fd, TCSAFLUSH, &quiet) == 0) tty.restore = true;
  }
  if (::write(fd, prompt.data(), prompt.size()) < 0) {
  }
  std::string line;
  char c = 0;
  while (line.size() < 4096) {
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    line += c;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (::write(fd, "\n", 1) < 0) {
  }
  return line;
}

namespace {

struct KeysOptions {
  std::string format = "table";
  std::string name;
  std::optional<std::string> ssh;
  bool passphrase = false;
};

int run_keys_list(const Globals& g, const KeysOptions& o) {
  Store store = open_store(g);
  Keyring& keys = store.keyring();
  if (!keys.encrypted())
    fail(Exit::store, "this store is plain: it has no keys (keys/recipients.yaml)",
         "a store made with `prevent init DIR --area A --recipient PUBKEY_FILE` is encrypted");
  Table table;
  table.columns = {{"name", CellKind::text}, {"type", CellKind::text}, {"fingerprint", CellKind::text},
                   {"added", CellKind::date}};
  for (const auto& r : keys.recipients())
    table.rows.push_back({r.name, r.type, r.fingerprint.empty() ? std::nullopt : std::optional(r.fingerprint),
                          r.added.str()});
  print(render(table, list_format(o.format)));
  return 0;
}

// The new recipient's passphrase: PREVENT_NEW_PASSPHRASE, else asked twice
// on the terminal.
std::string new_passphrase() {
  std::string p;
  if (const char* env = std::getenv("PREVENT_NEW_PASSPHRASE"); env && *env) {
    p = env;
  } else {
    p = ask_passphrase("New recipient's passphrase: ");
    if (ask_passphrase("The same passphrase again: ") != p)
      fail(Exit::invalid_data, "the two passphrases differ (terminal)", "run the command again");
  }
  if (p.size() < 12)
    fail(Exit::invalid_data, "a recipient's passphrase must be at least 12 characters (PREVENT_NEW_PASSPHRASE)",
         "a few unrelated words make a passphrase that is long and easy to type");
  return p;
}

int run_add(const Globals& g, const KeysOptions& o) {
  Date today = write_today(g);
  if (o.ssh.has_value() == o.passphrase)
    fail(Exit::usage, "give either --ssh PUBKEY_FILE or --passphrase (command line)");
  check_recipient_name(o.name, "command line");
  NewRecipient who{o.name, std::nullopt, std::nullopt, today};
  if (o.ssh) who.ssh = read_public_key_file(*o.ssh, "--ssh");
  Store store = open_store(g);
  // Unlocked before the new passphrase is asked for, so a wrong identity
  // is said first.
  if (!store.keyring().unlocked() && store.keyring().encrypted())
    fail(Exit::store, "adding a recipient needs the store's key (no identity given)",
         "give your identity with --identity FILE or PREVENT_IDENTITY");
  if (o.passphrase) who.passphrase = new_passphrase();
  add_key_recipient(store, who);
  confirm(g, "keys", fmt::format("{} added ({}) on {}", o.name, who.ssh ? who.ssh->fingerprint() : "passphrase",
                                 today.str()));
  return 0;
}

int run_remove(const Globals& g, const KeysOptions& o) {
  write_today(g);
  Store store = open_store(g);
  const int generation = remove_key_recipient(store, o.name);
  confirm(g, "keys", fmt::format("{} removed; the store key was replaced (generation {})", o.name, generation));
  return 0;
}

}  // namespace

ssh::PublicKey read_public_key_file(const std::string& file, std::string_view option) {
  const std::string text = read_key_file(file, Exit::invalid_data);
  ssh::ParseProblem problem;
  auto key = ssh::parse_public_key_line(text, problem);
  if (!key) fail(Exit::invalid_data, fmt::format("{}: {} ({})", option, problem.why, file),
                 "give the .pub file of an ed25519 key (ssh-keygen -t ed25519 makes one)");
  return *key;
}

void add_recipient_options(CLI::App& sub, RecipientOptions& o) {
  sub.add_option("--recipient", o.file, "an encrypted store, readable by this SSH ed25519 public key file (.pub)");
  sub.add_option("--recipient-name", o.name,
                 "the label of that recipient in `prevent keys list` (default: the file's name without .pub)");
}

std::optional<NewRecipient> new_recipient(const RecipientOptions& o, Date added) {
  if (o.name && !o.file) fail(Exit::usage, "--recipient-name goes with --recipient (command line)");
  if (!o.file) return std::nullopt;
  NewRecipient who{o.name.value_or(""), read_public_key_file(*o.file, "--recipient"), std::nullopt, added};
  // The label defaults to the key file's name without .pub (never its
  // comment, which is usually user@host).
  if (!o.name) {
    std::string stem = std::filesystem::path(*o.file).filename().string();
    if (stem.ends_with(".pub")) stem.resize(stem.size() - 4);
    who.name = stem.substr(0, 64);
  }
  check_recipient_name(who.name, o.name ? "--recipient-name" : "--recipient's file name");
  return who;
}

void add_keys(CLI::App& app, Globals& g, Runner& action) {
  auto* keys = app.add_subcommand("keys", "who can unlock an encrypted store: list, add, remove (docs/encryption.md)");
  keys->require_subcommand(1);

  auto lo = std::make_shared<KeysOptions>();
  auto* list = keys->add_subcommand("list", "the store's recipients: name, type, fingerprint, added");
  list->add_option("--format", lo->format, "table (default), csv, json or yaml")
      ->check(CLI::IsMember({"table", "csv", "json", "yaml"}));
  list->footer("Needs no key: keys/recipients.yaml holds public material only.");
  list->callback([&g, &action, lo] { action = [&g, lo] { return run_keys_list(g, *lo); }; });

  auto ao = std::make_shared<KeysOptions>();
  auto* add = keys->add_subcommand("add", "let another person or device unlock the store (needs your key)");
  add->add_option("name", ao->name, "a label for the recipient (a person or device; 1 to 64 characters)")->required();
  add->add_option("--ssh", ao->ssh, "the recipient's SSH ed25519 public key file (.pub)");
  add->add_flag("--passphrase", ao->passphrase,
                "a passphrase recipient: PREVENT_NEW_PASSPHRASE, else asked twice on the terminal");
  add->footer("One commit of keys/recipients.yaml (Prevent-Action keys-add). Your identity (--identity FILE or "
              "PREVENT_IDENTITY) must unlock the store.");
  add->callback([&g, &action, ao] { action = [&g, ao] { return run_add(g, *ao); }; });

  auto ro = std::make_shared<KeysOptions>();
  auto* remove = keys->add_subcommand("remove", "stop a recipient unlocking the store: replaces the store key");
  remove->add_option("name", ro->name, "the recipient's name, as `prevent keys list` shows it")->required();
  remove->footer("A new store key is made and wrapped for each remaining recipient, and every case's data key is "
                 "re-wrapped by it; the last recipient cannot be removed. What copies made before keep: "
                 "docs/encryption.md.");
  remove->callback([&g, &action, ro] { action = [&g, ro] { return run_remove(g, *ro); }; });
}

}  // namespace prevent::cli

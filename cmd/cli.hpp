// The command-line front end: parses arguments with CLI11, calls lib/, and
// renders. Each subcommand lives in a file of its own and registers itself
// with the table in app.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "case_id.hpp"
#include "case_record.hpp"
#include "config.hpp"
#include "date.hpp"
#include "failure.hpp"
#include "keyed_enum.hpp"
#include "ssh_key.hpp"
#include "store.hpp"
#include "table.hpp"

namespace prevent {
struct CorrectionDone;  // correct.hpp
}

namespace prevent::cli {

struct Globals {
  std::optional<std::string> store;  // -C/--store
  std::string as_of;                 // --as-of, empty for today
  bool quiet = false;                // -q
  std::optional<std::string> identity;  // --identity (else PREVENT_IDENTITY)
};

using Runner = std::function<int()>;

// "today" of SPEC §4 rule 1: --as-of when given (exit 5 if malformed).
Date today(const Globals& g);
// The same for a command that writes (commits): an --as-of later than the
// real date is refused (exit 5), so nothing is recorded as if on a day that
// has not come. Called before the store is opened.
Date write_today(const Globals& g);
Store open_store(const Globals& g);
// An option's date value; Failure(invalid_data) naming the option and the
// form (kDateForm): 25/12/2026, 2026-13-01 and 2026-02-30 alike.
Date option_date(const std::string& text, std::string_view option);
std::optional<Date> option_date(const std::optional<std::string>& text, std::string_view option);
// A recording command's --date: the day given, else "today" (write_today's
// `as_of`, so --as-of moves it). The confirming line names the date used.
inline Date option_date_or(const std::optional<std::string>& text, std::string_view option, Date as_of) {
  return text ? option_date(*text, option) : as_of;
}
// `--within` (Nd, Nw) in days, and `--period`; the same kind of Failure.
long option_duration(const std::string& text, std::string_view option);
Period option_period(const std::string& text, std::string_view option);
Format list_format(const std::string& text);
// A value of one of the record's fixed lists (the case schema's enum at
// `schema_path`, e.g. "triage.outcome"); Failure(invalid_data) listing them.
std::string enum_option(const std::string& value, std::string_view schema_path, std::string_view option);
// The same for a fixed list the program decides on (fixed_lists.hpp): its
// key table is the schema's enum (a unit test holds them together).
[[noreturn]] void not_an_allowed_value(std::string_view option, const std::vector<std::string_view>& allowed);
template <KeyedEnum E>
E enum_option(const std::string& value, std::string_view option) {
  if (auto v = key_to<E>(value)) return *v;
  not_an_allowed_value(option, keys_of<E>());
}
// Non-empty free text; Failure(invalid_data) naming the option otherwise.
std::string text_option(const std::string& value, std::string_view option);
// A case ID given as `option` (the positional ID by default).
CaseId case_id_option(const std::string& text, std::string_view option = "ID");

void print(std::string_view text);                   // stdout
// After `list`: each case file that could not be read, on stderr, and
// exit 5 so a script notices; 0 when there were none. The listing itself
// is printed whole before (it says which cases it shows).
int report_unreadable(const std::vector<Failure>& unreadable);
// The outputs a coordinator acts on as if complete (`review due`, `panel
// agenda`, `panel minutes`, `report`) are never silently incomplete: when
// any case file could not be read, `output` is not printed, each such file
// is named on stderr, and the exit is 5. With --partial (`partial`),
// `output` is printed all the same, still with exit 5. Prints `output` and
// returns 0 when every file was read.
int print_unless_incomplete(std::string_view output, const std::vector<Failure>& unreadable, bool partial);
// The --partial flag of those commands, with its help text.
void add_partial_flag(CLI::App& sub, bool& partial);
// --show-personal of `list`, `review due` and `panel agenda`: the
// coordinator's own working list with the person's name. Off by default.
void add_show_personal_flag(CLI::App& sub, bool& show);
// The `name` column added last to a table whose first column is a case ID
// (existing columns keep their places), read from the records themselves
// (read_case_names); empty for a row that is not a case (an FOI request).
void add_name_column(const Store& store, Table& table);
void notice(const Globals& g, std::string_view text);  // stderr, unless -q
// A Failure as prevent reports it on stderr: its details, then
// `prevent: <what>` and `hint: <hint>`, each one terminal-safe line.
void report(const Failure& f);
// The "possible match" notice of `refer` and `import` (issue 17): IDs only.
std::string possible_match_notice(const std::string& id, const std::vector<std::string>& others);
// The one line a write prints on stderr (unless -q): `SUBJECT: WHAT`, the
// subject being the case ID, the meeting or the request, WHAT what was
// recorded and the date used. Stdout stays as SPEC §6 has it. IDs, keys,
// stages and dates only: never personal data.
void confirm(const Globals& g, std::string_view subject, std::string_view what);
// The same for a case, followed by what falls due next on it (its first
// due item of SPEC §6.1, e.g. "panel due by 2026-12-03", or "nothing
// further falls due (stage closed)").
void confirm_case(const Globals& g, const Case& c, const Config& config, std::string_view what);
std::string falls_due_next(const Case& c, const Config& config);
// The confirming line of `correct` and `edit`, then rule 10's new links.
void confirm_correction(const Globals& g, const Store& store, const CaseId& id, const CorrectionDone& done, Date as_of);
// This very binary (its absolute path), so a hook runs the prevent that
// installed it.
std::filesystem::path running_program();

// Registers a subcommand. `action` is set to the command's body when the
// subcommand is chosen; it runs after parsing, so Failures carry exit codes.
using Registrar = void (*)(CLI::App& app, Globals& g, Runner& action);

void add_init(CLI::App&, Globals&, Runner&);
void add_refer(CLI::App&, Globals&, Runner&);
void add_import(CLI::App&, Globals&, Runner&);
void add_show(CLI::App&, Globals&, Runner&);
void add_list(CLI::App&, Globals&, Runner&);
void add_check(CLI::App&, Globals&, Runner&);
void add_panel(CLI::App&, Globals&, Runner&);
void add_triage(CLI::App&, Globals&, Runner&);
void add_note(CLI::App&, Globals&, Runner&);
void add_assess(CLI::App&, Globals&, Runner&);
void add_review(CLI::App&, Globals&, Runner&);
void add_report(CLI::App&, Globals&, Runner&);
void add_correct(CLI::App&, Globals&, Runner&);
void add_edit(CLI::App&, Globals&, Runner&);
void add_void(CLI::App&, Globals&, Runner&);
void add_resolve(CLI::App&, Globals&, Runner&);
void add_erase(CLI::App&, Globals&, Runner&);
void add_upgrade(CLI::App&, Globals&, Runner&);
void add_hook(CLI::App&, Globals&, Runner&);
void add_log(CLI::App&, Globals&, Runner&);
void add_foi(CLI::App&, Globals&, Runner&);
void add_find(CLI::App&, Globals&, Runner&);
void add_person(CLI::App&, Globals&, Runner&);
void add_link(CLI::App&, Globals&, Runner&);  // link and unlink
void add_keys(CLI::App&, Globals&, Runner&);
void add_purge(CLI::App&, Globals&, Runner&);
void add_encrypt(CLI::App&, Globals&, Runner&);
void add_sync(CLI::App&, Globals&, Runner&);

// A passphrase asked on the terminal (/dev/tty) without echo;
// Failure(store) when there is no terminal.
std::string ask_passphrase(std::string_view prompt);
// An SSH ed25519 public key file given as `option` (init --recipient, keys
// add --ssh); Failure(invalid_data) naming the file otherwise.
ssh::PublicKey read_public_key_file(const std::string& file, std::string_view option);
// --recipient PUBKEY_FILE and --recipient-name NAME: the first recipient of
// an encrypted store, as `init` and `encrypt` take it.
struct RecipientOptions {
  std::optional<std::string> file, name;
};
void add_recipient_options(CLI::App& sub, RecipientOptions& o);
// The recipient they give, added on `added`, or nullopt without
// --recipient: its key read (exit 5 naming the file), its label
// --recipient-name, else the file's name without .pub, checked (exit 5).
// --recipient-name without --recipient is exit 2.
std::optional<NewRecipient> new_recipient(const RecipientOptions& o, Date added);
void add_retention(CLI::App&, Globals&, Runner&);
void add_export_person(CLI::App&, Globals&, Runner&);

int main(int argc, char** argv);

}  // namespace prevent::cli

#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "case_reader.hpp"
#include "cli.hpp"
#include "derived_indexes.hpp"
#include "failure.hpp"
#include "keyring.hpp"
#include "schema.hpp"
#include "text.hpp"
#include "verified_head.hpp"
#include "workflow.hpp"

#include <algorithm>

namespace prevent::cli {

namespace {

// The one place prevent writes to stderr: every message is one line, safe
// for a terminal whatever it quotes (a file name, an argument, a value read
// from the store or prevent.yaml): terminal_safe() escapes control
// characters, bidirectional overrides and invalid UTF-8.
void say(std::string_view label, std::string_view text) {
  std::string line = terminal_safe(text);
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(label.size()), label.data(), line.c_str());
}

// CLI11's messages repeat what was typed ("The following argument was not
// expected: …", "--format: … not in {…}"). A value in the wrong place can be
// a person's name, so each argument that does not look like an option or a
// key is left out of the message.
std::string scrub_values(std::string what, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string_view::npos) a = a.substr(eq + 1);
    std::string_view word = a;
    while (!word.empty() && word.front() == '-') word.remove_prefix(1);
    if (a.size() < 3 || looks_like_key(word)) continue;
    for (size_t at = what.find(a); at != std::string::npos; at = what.find(a, at + 9))
      what.replace(at, a.size(), "(a value)");
  }
  return what;
}

}  // namespace

void report(const Failure& f) {
  for (const auto& d : f.details()) say("prevent", d);
  say("prevent", f.what());
  if (!f.hint().empty()) say("hint", f.hint());
}

Date today(const Globals& g) {
  if (g.as_of.empty()) return Date::today();
  return option_date(g.as_of, "--as-of");
}

Date write_today(const Globals& g) {
  Date as_of = today(g);
  if (Date real = Date::today(); as_of > real)
    fail(Exit::invalid_data,
         fmt::format("--as-of {} is after today ({}): a command that writes cannot be dated in the future "
                     "(command line)",
                     as_of.str(), real.str()),
         "leave out --as-of on a command that writes; the day something happened goes in the command's "
         "date option (--date, --received, DATE)");
  return as_of;
}

// The store, with what it keeps up to date after each commit: the verified
// head first (tamper evidence, SPEC §8), then the derived indexes.
Store open_store(const Globals& g) {
  Store store = Store::discover(g.store);
  keep_verified_head(store);
  keep_derived_indexes(store);
  return store;
}

// Every value error of the command line names the option and the form
// expected, with an example, or the values allowed; never the value given
// (it can be personal data typed in the wrong place).
Date option_date(const std::string& text, std::string_view option) {
  auto d = Date::parse(text);
  if (!d) fail(Exit::invalid_data, fmt::format("{}: {} (command line)", option, kDateForm));
  return *d;
}

long option_duration(const std::string& text, std::string_view option) {
  auto days = parse_duration_days(text);
  if (!days) fail(Exit::invalid_data, fmt::format("{}: {} (command line)", option, kDurationForm));
  return *days;
}

Period option_period(const std::string& text, std::string_view option) {
  auto p = parse_period(text);
  if (!p) fail(Exit::invalid_data, fmt::format("{}: {} (command line)", option, kPeriodForm));
  return *p;
}

std::optional<Date> option_date(const std::optional<std::string>& text, std::string_view option) {
  if (!text) return std::nullopt;
  return option_date(*text, option);
}

std::string enum_option(const std::string& value, std::string_view schema_path, std::string_view option) {
  auto allowed = schema_enum(SchemaKind::case_record, schema_path);
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
    not_an_allowed_value(option, std::vector<std::string_view>(allowed.begin(), allowed.end()));
  return value;
}

void not_an_allowed_value(std::string_view option, const std::vector<std::string_view>& allowed) {
  fail(Exit::invalid_data, fmt::format("{}: expected one of {} (command line)", option, fmt::join(allowed, ", ")));
}

std::string text_option(const std::string& value, std::string_view option) {
  bool blank = std::all_of(value.begin(), value.end(), [](char c) { return c == ' ' || c == '\t'; });
  if (blank) fail(Exit::invalid_data, fmt::format("{} must not be empty (command line)", option));
  return value;
}

CaseId case_id_option(const std::string& text, std::string_view option) {
  auto id = parse_case_id(text);
  if (!id)
    fail(Exit::invalid_data,
         fmt::format("{}: expected a case ID as PREFIX-YYYY-NNNN, e.g. PRV-2026-0014 (command line)", option));
  return *id;
}

std::string falls_due_next(const Case& c, const Config& config) {
  auto items = due_items(c, config);
  if (items.empty())
    return fmt::format("nothing further falls due (stage {})", stage_key(stage_of(c, config)));
  const DueItem& next = items.front();
  std::string item = next.item == DueKind::action ? fmt::format("action {}", next.action_id)
                                                  : std::string(key_of(next.item));
  return fmt::format("{} due by {}", item, next.due.str());
}

void confirm(const Globals& g, std::string_view subject, std::string_view what) {
  notice(g, fmt::format("{}: {}", subject, what));
}

void confirm_case(const Globals& g, const Case& c, const Config& config, std::string_view what) {
  confirm(g, c.id, fmt::format("{}; {}", what, falls_due_next(c, config)));
}

Format list_format(const std::string& text) {
  if (text == "csv") return Format::csv;
  if (text == "json") return Format::json;
  if (text == "yaml") return Format::yaml;
  return Format::table;
}

// The one place prevent writes to stdout: whatever the format, no value an
// output quotes reaches the terminal as a control sequence (output_safe).
void print(std::string_view text) {
  std::string safe = output_safe(text);
  std::fwrite(safe.data(), 1, safe.size(), stdout);
}

namespace {

enum class Output { printed, withheld };

// Each case file that could not be read, one line each (its Failure names
// the file and what is wrong, never a value of the record), then how many
// and what became of the output; exit 5.
int name_unreadable(const std::vector<Failure>& unreadable, Output output) {
  for (const auto& f : unreadable) say("prevent", f.what());
  const size_t n = unreadable.size();
  if (output == Output::printed) {
    say("prevent", fmt::format("{} case file{} could not be read and {} left out (store)", n, n == 1 ? "" : "s",
                               n == 1 ? "is" : "are"));
    say("hint", "`prevent check` lists every problem");
  } else {
    say("prevent", fmt::format("{} case file{} could not be read: nothing is printed, as the output would be "
                               "incomplete (store)",
                               n, n == 1 ? "" : "s"));
    say("hint", "`prevent check` lists every problem; --partial prints what could be read");
  }
  return static_cast<int>(Exit::invalid_data);
}

}  // namespace

int report_unreadable(const std::vector<Failure>& unreadable) {
  if (unreadable.empty()) return 0;
  return name_unreadable(unreadable, Output::printed);
}

int print_unless_incomplete(std::string_view output, const std::vector<Failure>& unreadable, bool partial) {
  if (unreadable.empty() || partial) print(output);
  if (unreadable.empty()) return 0;
  return name_unreadable(unreadable, partial ? Output::printed : Output::withheld);
}

void add_partial_flag(CLI::App& sub, bool& partial) {
  sub.add_flag("--partial", partial,
               "when a case file cannot be read, print what could be read all the same (still exit 5)");
}

void add_show_personal_flag(CLI::App& sub, bool& show) {
  sub.add_flag("--show-personal", show,
               "add the name column (personal data): for the coordinator's own working list");
}

void add_name_column(const Store& store, Table& table) {
  std::vector<std::string> ids;
  ids.reserve(table.rows.size());
  for (const auto& row : table.rows) ids.push_back(row.empty() || !row.front() ? std::string() : *row.front());
  auto names = read_case_names(store, ids);
  table.columns.push_back({"name", CellKind::text});
  for (size_t i = 0; i < table.rows.size(); ++i) table.rows[i].push_back(std::move(names[i]));
}

void notice(const Globals& g, std::string_view text) {
  if (!g.quiet) say("prevent", text);
}

int main(int argc, char** argv) {
  // Store files hold special-category data: whatever the caller's umask,
  // nothing prevent creates is readable by others.
  ::umask(077);

  CLI::App app{"prevent: the case records of a Channel panel, kept in git", "prevent"};
  app.set_version_flag("--version", std::string("prevent ") + PREVENT_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  Globals g;
  app.add_option("-C,--store", g.store, "the store directory (else PREVENT_STORE, else the enclosing store)");
  auto* as_of = app.add_option("--as-of", g.as_of, "the date to treat as today (YYYY-MM-DD)");
  app.add_flag("-q,--quiet", g.quiet, "no notices on stderr");
  app.add_option("--identity", g.identity,
                 "the key that unlocks an encrypted store: an SSH ed25519 private key file, or `passphrase` (else "
                 "PREVENT_IDENTITY)");
  bool exit_codes = false;
  app.add_flag("--exit-codes", exit_codes, "print the exit codes and their meaning");
  app.footer("Run `prevent COMMAND --help` for a command's options; `prevent --exit-codes` for exit codes.");

  Runner action;
  for (Registrar add : {add_init, add_refer, add_import, add_triage, add_note, add_assess, add_panel, add_review,
                        add_correct, add_edit, add_void, add_resolve, add_erase, add_report, add_foi, add_show, add_list, add_find,
                        add_person, add_export_person, add_link, add_keys, add_encrypt, add_purge, add_retention, add_log,
                        add_check, add_hook, add_upgrade, add_sync})
    add(app, g, action);

  // --exit-codes stands alone.
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--exit-codes") {
      print(exit_codes_text());
      return 0;
    }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    // CLI11 says only that a command is required when the first word is
    // not one: name it. (It is echoed only when it looks like a command
    // word, never arbitrary text that could be personal data.)
    if (dynamic_cast<const CLI::RequiredError*>(&e) || dynamic_cast<const CLI::ExtrasError*>(&e)) {
      for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "-C" || a == "--store" || a == "--as-of" || a == "--identity") {
          ++i;
          continue;
        }
        if (a.empty() || a[0] == '-') continue;
        bool known = false;
        for (const auto* sub : app.get_subcommands({})) known = known || sub->get_name() == a;
        bool word = a.size() <= 32 && std::all_of(a.begin(), a.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || c == '-';
        });
        if (!known) what = word ? fmt::format("unknown command '{}'", a) : "unknown command";
        break;
      }
    }
    say("prevent", scrub_values(what, argc, argv) + " (command line)");
    say("hint", "run `prevent --help` or `prevent COMMAND --help`");
    return static_cast<int>(Exit::usage);
  } catch (const Failure& f) {
    report(f);
    return static_cast<int>(f.code());
  }
  try {
    if (!action) return static_cast<int>(Exit::usage);
    // A malformed --as-of is refused on every command; an empty one too,
    // rather than read as "today".
    // (CLI11 does not count an empty value, so the arguments are looked at.)
    bool as_of_given = as_of->count() > 0;
    for (int i = 1; i < argc; ++i) {
      std::string_view a = argv[i];
      if ((a == "--as-of" && i + 1 < argc) || a.rfind("--as-of=", 0) == 0) as_of_given = true;
    }
    if (as_of_given) option_date(g.as_of, "--as-of");
    if (g.identity && g.identity->empty())
      fail(Exit::usage, "--identity must not be empty (command line)", "give a private key file, or `passphrase`");
    set_identity(g.identity);
    set_passphrase_source(ask_passphrase);
    return action();
  } catch (const Failure& f) {
    report(f);
    return static_cast<int>(f.code());
  } catch (const std::exception& e) {
    // The text of an unexpected exception could quote a record, so it is
    // shown only when asked for.
    if (std::getenv("PREVENT_DEBUG"))
      say("prevent", fmt::format("unexpected failure (a bug): {}", e.what()));
    else
      say("prevent", "unexpected failure (a bug); PREVENT_DEBUG=1 shows details");
    return static_cast<int>(Exit::bug);
  }
}

}  // namespace prevent::cli

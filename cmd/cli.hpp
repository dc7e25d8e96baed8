// The command-line front end: parses arguments with CLI11, calls lib/, and
// renders. Each subcommand lives in a file of its own and registers itself
// with the table in app.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "date.hpp"
#include "store.hpp"
#include "table.hpp"

namespace prevent::cli {

struct Globals {
  std::optional<std::string> store;  // -C/--store
  std::string as_of;                 // --as-of, empty for today
  bool quiet = false;                // -q
};

using Action = std::function<int()>;

// "today" of SPEC §4 rule 1: --as-of when given (exit 5 if malformed).
Date today(const Globals& g);
Store open_store(const Globals& g);
// An option's date value; Failure(invalid_data) naming the option.
Date option_date(const std::string& text, std::string_view option);
std::optional<Date> option_date(const std::optional<std::string>& text, std::string_view option);
Format list_format(const std::string& text);

void print(std::string_view text);                   // stdout
void notice(const Globals& g, std::string_view text);  // stderr, unless -q

// Registers a subcommand. `action` is set to the command's body when the
// subcommand is chosen; it runs after parsing, so Failures carry exit codes.
using Registrar = void (*)(CLI::App& app, Globals& g, Action& action);

void add_init(CLI::App&, Globals&, Action&);
void add_refer(CLI::App&, Globals&, Action&);
void add_import(CLI::App&, Globals&, Action&);
void add_show(CLI::App&, Globals&, Action&);
void add_list(CLI::App&, Globals&, Action&);
void add_check(CLI::App&, Globals&, Action&);
void add_panel(CLI::App&, Globals&, Action&);

int main(int argc, char** argv);

}  // namespace prevent::cli

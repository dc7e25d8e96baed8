#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli.hpp"
#include "failure.hpp"
#include "intake.hpp"

namespace prevent::cli {

namespace {

struct ImportOptions {
  std::string file;
};

bool ends_with_csv(const std::string& name) {
  if (name.size() < 4) return false;
  std::string ext = name.substr(name.size() - 4);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".csv";
}

int run_import(const Globals& g, const ImportOptions& o) {
  Date as_of = write_today(g);
  IntakeBatch records;
  if (o.file == "-") {
    records = read_import(std::cin, "stdin", false);
  } else {
    std::ifstream in(o.file, std::ios::binary);
    if (!in) fail(Exit::invalid_data, fmt::format("cannot read the file ({})", o.file));
    records = read_import(in, o.file, ends_with_csv(o.file));
  }
  Store store = open_store(g);
  auto lock = store.lock();
  size_t n = records.total;
  IntakeResult result = record_new_cases(store, std::move(records), as_of, "import");
  for (const auto& [id, others] : result.linked)
    notice(g, fmt::format("notice: {} has the same name and date of birth as {}; linked in `related`", id,
                          fmt::join(others, ", ")));
  for (const auto& [id, others] : result.possible) notice(g, possible_match_notice(id, others));
  notice(g, fmt::format("imported {} cases", n));
  return 0;
}

}  // namespace

void add_import(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<ImportOptions>();
  auto* sub = app.add_subcommand("import", "record many cases in one commit, all or nothing");
  sub->add_option("file", o->file,
                  "a YAML stream of case documents, or a CSV of referrals (name ending .csv); - reads YAML "
                  "from standard input")
      ->required();
  sub->footer(
      "CSV columns (header row, any order): id (optional), received, route, from_area (optional), sector, "
      "agency, referrer_role, name, date_of_birth, gender, postcode_district (optional), concern_type, "
      "concern_summary.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_import(g, *o); }; });
}

}  // namespace prevent::cli

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli.hpp"
#include "failure.hpp"
#include "intake.hpp"

namespace prevent::cli {

namespace {

struct ReferOptions {
  std::optional<std::string> file;
  // flag name → CSV column of the same field
  std::map<std::string, std::string> fields;
};

struct Flag {
  const char* flag;
  const char* column;
  const char* help;
  bool required;
};

constexpr Flag kFlags[] = {
    {"--received", "received", "date the referral was received (YYYY-MM-DD)", true},
    {"--route", "route", "how the referral arrived (vocabulary `routes`)", true},
    {"--from-area", "from_area", "transfer-in only: the area the case came from", false},
    {"--sector", "sector", "referring sector (vocabulary `sectors`)", true},
    {"--agency", "agency", "referring agency", true},
    {"--referrer-role", "referrer_role", "the referrer's role, e.g. Designated Safeguarding Lead", true},
    {"--name", "name", "the person's name (personal data)", true},
    {"--dob", "date_of_birth", "the person's date of birth (personal data; optional)", false},
    {"--gender", "gender", "vocabulary `genders`", true},
    {"--postcode-district", "postcode_district", "e.g. SK4 (personal data; optional)", false},
    {"--concern", "concern_type", "concern type (vocabulary `concern_types`)", true},
    {"--summary", "concern_summary", "summary of the concern (personal data)", true},
};

std::string read_limited(std::istream& in, const std::string& where) {
  // SPEC §2.3: refused before parsing when over 1 MiB.
  std::string text;
  text.resize(kMaxRecordBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxRecordBytes)
    fail(Exit::invalid_data, fmt::format("record is larger than 1 MiB ({})", where));
  return text;
}

int run_refer(const Globals& g, const ReferOptions& o) {
  Date as_of = write_today(g);
  YNode doc;
  std::string where;
  if (o.file) {
    if (!o.fields.empty()) fail(Exit::usage, "give either --file or the referral flags, not both (command line)");
    where = *o.file == "-" ? "stdin" : *o.file;
    std::string text;
    if (*o.file == "-") {
      text = read_limited(std::cin, where);
    } else {
      std::ifstream in(*o.file, std::ios::binary);
      if (!in) fail(Exit::invalid_data, fmt::format("cannot read the file ({})", where));
      text = read_limited(in, where);
    }
    doc = parse_yaml(text, where);
  } else {
    for (const auto& f : kFlags)
      if (f.required && !o.fields.contains(f.column))
        fail(Exit::usage, fmt::format("{} is required (command line)", f.flag),
             "give the referral with flags, or as a document with --file");
    // An empty value (say `--dob "$DOB"` with DOB unset) is refused rather
    // than read as "not known": leaving the flag out says that.
    for (const auto& f : kFlags)
      if (auto it = o.fields.find(f.column); it != o.fields.end() &&
          std::all_of(it->second.begin(), it->second.end(), [](char c) { return c == ' ' || c == '\t'; }))
        fail(Exit::invalid_data, fmt::format("{} is empty (command line)", f.flag),
             f.required ? std::string() : "leave the flag out when there is no value");
    // A date given wrongly is named by its flag, with the form expected.
    for (const auto& f : kFlags)
      if (auto it = o.fields.find(f.column); it != o.fields.end() && (f.column == std::string_view("received") ||
                                                                     f.column == std::string_view("date_of_birth")))
        option_date(it->second, f.flag);
    where = "command line";
    doc = referral_document(o.fields, 1);
  }
  IntakeBatch batch;
  batch.records.push_back(incoming_case(std::move(doc), where, 1));
  batch.total = 1;
  Store store = open_store(g);
  auto lock = store.lock();
  IntakeResult result = record_new_cases(store, std::move(batch), as_of, "refer");
  const std::string& id = result.ids.front();
  print(id + "\n");
  Case c = store.load_case(require_case_id(id, "case ID"));
  confirm_case(g, c, store.config(), fmt::format("referral received {} recorded on {}", c.referral.received.str(),
                                                as_of.str()));
  // After the confirming line, what the coordinator should look at.
  if (auto it = result.linked.find(id); it != result.linked.end())
    notice(g, fmt::format("notice: {} has the same name and date of birth as {}; linked in `related`", id,
                          fmt::join(it->second, ", ")));
  for (const auto& [new_id, others] : result.possible) notice(g, possible_match_notice(new_id, others));
  return 0;
}

}  // namespace

void add_refer(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<ReferOptions>();
  auto* sub = app.add_subcommand("refer", "record a new referral; prints the new case ID");
  sub->add_option("--file", o->file, "one case document (YAML), or - for standard input");
  for (const auto& f : kFlags) {
    std::string column = f.column;
    sub->add_option_function<std::string>(
        f.flag, [o, column](const std::string& v) { o->fields[column] = v; }, f.help);
  }
  sub->footer("Without --file, every flag is needed except --from-area, --dob and --postcode-district.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_refer(g, *o); }; });
}

}  // namespace prevent::cli

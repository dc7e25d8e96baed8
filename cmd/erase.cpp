#include <fmt/format.h>

#include "cli.hpp"
#include "erase.hpp"
#include "failure.hpp"

namespace prevent::cli {

namespace {

struct EraseOptions {
  std::optional<std::string> id, person;
  std::string reason;
};

int run_erase(const Globals& g, const EraseOptions& o) {
  if (o.id.has_value() == o.person.has_value())
    fail(Exit::usage, "erase takes one case: ID, or --person ID", "prevent erase ID --reason TEXT");
  CaseId id = o.id ? case_id_option(*o.id) : case_id_option(*o.person, "--person");
  std::string reason = text_option(o.reason, "--reason");
  Date as_of = write_today(g);
  Store store = open_store(g);
  std::vector<std::string> ids = erase_cases(store, id, o.person.has_value(), as_of, reason);
  for (const auto& erased : ids)
    confirm(g, erased, fmt::format("personal data erased on {}; its data key is destroyed", as_of.str()));
  return 0;
}

}  // namespace

void add_erase(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<EraseOptions>();
  auto* sub = app.add_subcommand("erase", "erase a case's personal data for good, by destroying its data key");
  sub->add_option("id", o->id, "case ID");
  sub->add_option("--person", o->person, "erase every case linked to this one (as `prevent person` lists them)");
  sub->add_option("--reason", o->reason, "why (personal data; sealed with the store's key)")->required();
  sub->footer(
      "An encrypted store only, with its key (--identity FILE or PREVENT_IDENTITY). The case's data key is "
      "destroyed first: taken out of the key store and deleted from every object of this repository, loose or "
      "packed. Then one commit turns every personal value of the record to [erased] and records the erasure (the "
      "date, and the reason sealed with the store's key). The history keeps the old ciphertexts, which nobody can "
      "read any more; categories, dates of events and the age at referral stay, so the report still counts the "
      "case. Copies made before (other clones, backups, a remote's unreachable objects) keep the key until they are "
      "erased too. Erasing a case twice is refused (exit 4); a plain store, or no key, exit 6.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_erase(g, *o); }; });
}

}  // namespace prevent::cli

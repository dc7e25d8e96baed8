#include <fmt/format.h>

#include "cli.hpp"
#include "failure.hpp"
#include "void_case.hpp"

namespace prevent::cli {

namespace {

struct VoidOptions {
  std::string id, what, reason;
  std::optional<std::string> date;
};

int run_void(const Globals& g, const VoidOptions& o) {
  CaseId id = case_id_option(o.id);
  VoidTarget target = parse_void_target(o.what);
  std::string reason = text_option(o.reason, "--reason");
  Date as_of = write_today(g);
  Date date = o.date ? option_date(*o.date, "--date") : as_of;
  Store store = open_store(g);
  std::string what = void_case_entry(store, id, as_of, target, date, reason);
  confirm_case(g, store.load_case(id), store.config(), fmt::format("voided {} on {}", what, date.str()));
  return 0;
}

}  // namespace

void add_void(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<VoidOptions>();
  auto* sub = app.add_subcommand("void", "void an entry recorded in error (it is kept, and counts for nothing)");
  sub->add_option("id", o->id, "case ID")->required();
  sub->add_option("what", o->what, "what was recorded in error (below)")->required();
  sub->add_option("--reason", o->reason, "why it was recorded in error (personal data)")->required();
  sub->add_option("--date", o->date, "date of the void (default: today)");
  sub->footer(fmt::format(
      "WHAT: {}.\n"
      "The entry moves, unchanged, into the record's `voided` list with the date, the reason and what it was; "
      "nothing is deleted. It no longer counts for the stage, due dates, rules or the report. Voiding the triage "
      "returns the case to awaiting-triage; voiding the review that closed a case reopens the episode as it was; "
      "voiding `case` (a duplicate referral, or one entered in error) gives it the final stage `voided`. A void that "
      "would leave an invalid record is refused, naming what to void first. A voided panel decision is a recording "
      "error, not the panel changing its mind.",
      void_forms()));
  sub->callback([&g, &action, o] { action = [&g, o] { return run_void(g, *o); }; });
}

}  // namespace prevent::cli

#include <fmt/format.h>

#include "cli.hpp"
#include "failure.hpp"
#include "resolve.hpp"

namespace prevent::cli {

namespace {

struct ResolveOptions {
  std::string id, field, take;
};

int run_resolve(const Globals& g, const ResolveOptions& o) {
  // A meeting is named by its date, a case by its ID.
  const std::optional<Date> meeting = Date::parse(o.id);
  std::optional<CaseId> id;
  if (!meeting) id = case_id_option(o.id, "ID or DATE");
  ConflictChoice choice = parse_conflict_choice(o.take);
  Date as_of = write_today(g);
  Store store = open_store(g);
  const char* how = choice.side == ConflictChoice::Side::ours     ? "taking ours"
                    : choice.side == ConflictChoice::Side::theirs ? "taking theirs"
                                                                  : "with the value given";
  const std::string what = fmt::format("resolved the conflict on {} {}", o.field, how);
  if (meeting) {
    resolve_meeting_conflict(store, *meeting, o.field, choice);
    confirm(g, fmt::format("panel {}", meeting->str()), what);
  } else {
    confirm_case(g, resolve_case_conflict(store, *id, as_of, o.field, choice), store.config(), what);
  }
  return 0;
}

}  // namespace

void add_resolve(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<ResolveOptions>();
  auto* sub =
      app.add_subcommand("resolve", "resolve a conflict a merge left in a case or a meeting (its `conflicts` list)");
  sub->add_option("id", o->id, "case ID, or the date of a panel meeting (YYYY-MM-DD)")->required();
  sub->add_option("field", o->field, "the conflict's field, as `prevent show ID` lists it (e.g. triage.outcome)")
      ->required();
  sub->add_option("--take", o->take, "ours | theirs | VALUE: which value to keep (VALUE: YAML; may be personal data)")
      ->required();
  sub->footer(
      "`ours` and `theirs` put that side's recorded value in place (a side without one removes the field, or the "
      "list entry); any other VALUE is read as YAML: one value for a field, a mapping for a section or a list "
      "entry, `~` to remove it. The conflict leaves the record's `conflicts` list; every rule still holds on the "
      "result. One commit, `resolve: ID FIELD`: the field, never the value. In an encrypted store a side's value "
      "that is personal data is sealed: taking it needs the key. A meeting's "
      "conflict (DATE FIELD): attendance[ROLE@AGENCY] takes attendee, police, apology or ~ (not listed); "
      "chair.role, chair.agency, agenda[CASE,ITEM] and agenda[CASE,ITEM].by_hand are put in place; a meeting "
      "with decisions keeps the police (rule 4).");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_resolve(g, *o); }; });
}

}  // namespace prevent::cli

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
  CaseId id = case_id_option(o.id);
  ConflictChoice choice = parse_conflict_choice(o.take);
  Date as_of = write_today(g);
  Store store = open_store(g);
  const Case c = resolve_case_conflict(store, id, as_of, o.field, choice);
  const char* how = choice.side == ConflictChoice::Side::ours     ? "taking ours"
                    : choice.side == ConflictChoice::Side::theirs ? "taking theirs"
                                                                  : "with the value given";
  confirm_case(g, c, store.config(), fmt::format("resolved the conflict on {} {}", o.field, how));
  return 0;
}

}  // namespace

void add_resolve(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<ResolveOptions>();
  auto* sub = app.add_subcommand("resolve", "resolve a conflict a merge left in a case (its `conflicts` list)");
  sub->add_option("id", o->id, "case ID")->required();
  sub->add_option("field", o->field, "the conflict's field, as `prevent show ID` lists it (e.g. triage.outcome)")
      ->required();
  sub->add_option("--take", o->take, "ours | theirs | VALUE: which value to keep (VALUE: YAML; may be personal data)")
      ->required();
  sub->footer(
      "`ours` and `theirs` put that side's recorded value in place (a side without one removes the field, or the "
      "list entry); any other VALUE is read as YAML: one value for a field, a mapping for a section or a list "
      "entry, `~` to remove it. The conflict leaves the record's `conflicts` list; every rule still holds on the "
      "result. One commit, `resolve: ID FIELD`: the field, never the value. In an encrypted store a side's value "
      "that is personal data is sealed: taking it needs the key.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_resolve(g, *o); }; });
}

}  // namespace prevent::cli

#include <fmt/format.h>

#include "case_actions.hpp"
#include "case_update.hpp"
#include "cli.hpp"

namespace prevent::cli {

namespace {

struct NoteOptions {
  std::string id, kind, with;
  std::optional<std::string> date, text;
};

int run_note(const Globals& g, const NoteOptions& o) {
  CaseId id = case_id_option(o.id);
  Date as_of = write_today(g);
  ChronologyEntry e{option_date_or(o.date, "--date", as_of), enum_option(o.kind, "chronology.kind", "--kind"),
                    PersonalText(text_option(o.with, "--with")), PersonalNote(o.text)};
  Store store = open_store(g);
  Case done = update_case(store, id, as_of, "note", "note", [&](Case& c) {
    apply_note(c, e);
    return e.kind;
  });
  confirm_case(g, done, store.config(), fmt::format("noted ({}) on {}", e.kind, e.date.str()));
  return 0;
}

}  // namespace

void add_note(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<NoteOptions>();
  auto* sub = app.add_subcommand("note", "add a chronology entry: a contact or information exchanged with a partner");
  sub->add_option("id", o->id, "case ID")->required();
  sub->add_option("--date", o->date, "date of the contact (default: today)");
  sub->add_option("--kind", o->kind, "contact | info-request | info-received | home-visit | other")->required();
  sub->add_option("--with", o->with, "the agency")->required();
  sub->add_option("--text", o->text, "what was exchanged (personal data)");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_note(g, *o); }; });
}

}  // namespace prevent::cli

#include <fmt/format.h>

#include "case_actions.hpp"
#include "case_update.hpp"
#include "cli.hpp"

namespace prevent::cli {

namespace {

struct AssessOptions {
  std::string id, framework, engagement, intent, capability;
  std::optional<std::string> date, notes;
};

int run_assess(const Globals& g, const AssessOptions& o) {
  CaseId id = case_id_option(o.id);
  Date as_of = write_today(g);
  Assessment a{option_date_or(o.date, "--date", as_of),
               enum_option(o.framework, "assessments.framework", "--framework"),
               enum_option(o.engagement, "assessments.engagement", "--engagement"),
               enum_option(o.intent, "assessments.intent", "--intent"),
               enum_option(o.capability, "assessments.capability", "--capability"), PersonalNote(o.notes)};
  Store store = open_store(g);
  Case done = update_case(store, id, as_of, "assess", "assess", [&](Case& c) {
    apply_assessment(c, a);
    return a.framework;
  });
  confirm_case(g, done, store.config(), fmt::format("assessed ({}) on {}", a.framework, a.date.str()));
  return 0;
}

}  // namespace

void add_assess(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<AssessOptions>();
  auto* sub = app.add_subcommand("assess", "record a vulnerability assessment (a rating per dimension)");
  sub->add_option("id", o->id, "case ID")->required();
  sub->add_option("--date", o->date, "date of the assessment (default: today)");
  sub->add_option("--framework", o->framework, "VAF | PAF | other")->required();
  sub->add_option("--engagement", o->engagement, "low | medium | high")->required();
  sub->add_option("--intent", o->intent, "low | medium | high")->required();
  sub->add_option("--capability", o->capability, "low | medium | high")->required();
  sub->add_option("--notes", o->notes, "notes (personal data)");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_assess(g, *o); }; });
}

}  // namespace prevent::cli

#include <fmt/format.h>

#include "case_actions.hpp"
#include "case_update.hpp"
#include "cli.hpp"
#include "failure.hpp"

namespace prevent::cli {

namespace {

struct TriageOptions {
  std::string id, outcome;
  std::optional<std::string> date;
  std::vector<std::string> signpost;
  std::optional<std::string> s36_date, s36_by, rationale;
};

int run_triage(const Globals& g, const TriageOptions& o) {
  CaseId id = case_id_option(o.id);
  Triage t;
  t.outcome = enum_option<TriageOutcome>(o.outcome, "--outcome");
  for (const auto& s : o.signpost)
    if (std::find(t.signposted_to.begin(), t.signposted_to.end(), s) == t.signposted_to.end())
      t.signposted_to.push_back(s);
  if (o.s36_date || o.s36_by) {
    if (!o.s36_date || !o.s36_by)
      fail(Exit::usage, "--s36-date and --s36-by go together (command line)");
    t.section36 = Section36{option_date(*o.s36_date, "--s36-date"), text_option(*o.s36_by, "--s36-by")};
  }
  if (o.rationale) t.rationale = PersonalNote(text_option(*o.rationale, "--rationale"));
  Date as_of = write_today(g);
  t.completed = option_date_or(o.date, "--date", as_of);
  Store store = open_store(g);
  for (const auto& s : t.signposted_to) require_in_vocabulary(store.config().services, s, "--signpost", "command line");
  Case done = update_case(store, id, as_of, "triage", "triage", [&](Case& c) {
    apply_triage(c, t);
    return std::string(key_of(t.outcome));
  });
  confirm_case(g, done, store.config(), fmt::format("triaged {} on {}", key_of(t.outcome), t.completed.str()));
  return 0;
}

}  // namespace

void add_triage(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<TriageOptions>();
  auto* sub = app.add_subcommand("triage", "record the police gateway assessment (screening) of a referral");
  sub->add_option("id", o->id, "case ID")->required();
  sub->add_option("--outcome", o->outcome, "no-further-action | signposted | police-managed | channel-panel")->required();
  sub->add_option("--date", o->date, "date triage was completed (default: today)");
  sub->add_option("--signpost", o->signpost, "a service signposted to (vocabulary `services`; repeatable)");
  sub->add_option("--s36-date", o->s36_date, "channel-panel: date of the Section 36 decision");
  sub->add_option("--s36-by", o->s36_by, "channel-panel: the police body that decided");
  sub->add_option("--rationale", o->rationale, "why (personal data)");
  sub->footer("Triage happens once. channel-panel needs --s36-date and --s36-by (CTSA 2015 s.36); signposted "
              "needs at least one --signpost.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_triage(g, *o); }; });
}

}  // namespace prevent::cli

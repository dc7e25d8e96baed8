#include <fmt/format.h>

#include "cli.hpp"
#include "failure.hpp"
#include "links.hpp"

namespace prevent::cli {

namespace {

struct LinkOptions {
  std::string id, other, reason;
};

int run_link(const Globals& g, const LinkOptions& o, bool unlink) {
  Date as_of = write_today(g);
  CaseId a = case_id_option(o.id), b = case_id_option(o.other);
  const std::string reason = text_option(o.reason, "--reason");
  Store store = open_store(g);
  if (unlink) {
    auto changed = unlink_cases(store, a, b, as_of, reason);
    confirm_case(g, store.load_case(a), store.config(),
                 fmt::format("unlinked from {} on {} (`related` changed in {})", b.str(), as_of.str(),
                             fmt::join(changed, ", ")));
  } else {
    const std::string changed = link_cases(store, a, b, as_of, reason);
    const std::string& other = changed == a.str() ? b.str() : a.str();
    confirm_case(g, store.load_case(a), store.config(),
                 fmt::format("linked to {} on {} ({} lists {} in `related`)", b.str(), as_of.str(), changed, other));
  }
  return 0;
}

void add_one(CLI::App& app, Globals& g, Runner& action, bool unlink) {
  auto o = std::make_shared<LinkOptions>();
  auto* sub = app.add_subcommand(
      unlink ? "unlink" : "link",
      unlink ? "undo a link between two cases found not to be one person's referrals"
             : "link two cases as referrals of one person (SPEC §4 rule 10), where rule 10 could not see it");
  sub->add_option("id", o->id, "case ID")->required();
  sub->add_option("other", o->other, "the other case ID")->required();
  sub->add_option("--reason", o->reason, "why (personal data: kept in the record's corrections, never in the commit)")
      ->required();
  sub->footer(unlink ? "Each record that lists the other stops listing it (docs/commands.md#unlink)."
                     : "The later referral lists the earlier in `related` (docs/commands.md#link).");
  sub->callback([&g, &action, o, unlink] { action = [&g, o, unlink] { return run_link(g, *o, unlink); }; });
}

}  // namespace

void add_link(CLI::App& app, Globals& g, Runner& action) {
  add_one(app, g, action, false);
  add_one(app, g, action, true);
}

}  // namespace prevent::cli

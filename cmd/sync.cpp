#include <fmt/format.h>

#include "cli.hpp"
#include "failure.hpp"
#include "sync.hpp"

namespace prevent::cli {

namespace {

struct SyncCliOptions {
  std::string remote;
};

// stdout: one line per case renumbered and per conflict recorded (IDs and
// field paths, never a value), which a script or a person must act on;
// stderr: what the sync did.
int run_sync(const Globals& g, const SyncCliOptions& o) {
  (void)write_today(g);  // an --as-of in the future is refused as for any write
  Store store = open_store(g);
  SyncResult r = sync_store(store, SyncOptions{o.remote});
  for (const auto& [from, to] : r.renumbered)
    print(fmt::format("renumbered {} {}\n", from, to));
  for (const auto& c : r.conflicts) print(fmt::format("conflict {}\n", c));
  for (const auto& [id, why] : r.rule_breaks) print(fmt::format("rule {}\n", id));
  std::string what;
  switch (r.local) {
    case SyncResult::Local::unchanged: what = "nothing new from the remote"; break;
    case SyncResult::Local::fast_forward: what = "brought up to date with the remote"; break;
    case SyncResult::Local::merged:
      what = fmt::format("merged with the remote ({} record{} merged by field, {} conflict{})", r.merged_records,
                         r.merged_records == 1 ? "" : "s", r.conflicts.size(), r.conflicts.size() == 1 ? "" : "s");
      break;
  }
  what += r.pushed ? "; pushed" : "; nothing to push";
  confirm(g, "sync", what);
  for (const auto& [from, to] : r.renumbered)
    notice(g, fmt::format("{} was numbered on the remote too: this store's case is now {} (`prevent show {}`)", from,
                          to, to));
  for (const auto& [id, why] : r.held_for_rules)
    notice(g, fmt::format("the two copies' changes to {} together break a rule ({}): they are held as conflicts, the "
                          "record as it was before them",
                          id, why));
  for (const auto& [id, why] : r.rule_breaks)
    notice(g, fmt::format("the merged record of {} breaks a rule: {}; put it right (`prevent correct`, `prevent void`)",
                          id, why));
  for (const auto& id : r.undecided_keys)
    notice(g, fmt::format("{}: other copies offer different keys for it, and this copy cannot tell which opens it; "
                          "none was taken (sync again once every copy has synced)",
                          id));
  if (!r.conflicts.empty())
    notice(g, "each conflict keeps both values in the record; `prevent review due` lists them and `prevent resolve "
              "ID|DATE FIELD --take ours|theirs|VALUE` settles one");
  return 0;
}

}  // namespace

void add_sync(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<SyncCliOptions>();
  auto* sub = app.add_subcommand(
      "sync", "fetch from a remote, merge record by record (one merge commit), and push (docs/team.md)");
  sub->add_option("remote", o->remote,
                  "a remote's name (default: origin), or a path, file:// or ssh:// address");
  sub->footer("Prints `renumbered OLD NEW` for each case renumbered because the remote had numbered another case the "
              "same, `conflict ID FIELD` (or `conflict DATE FIELD`, a meeting's) for each field changed two ways or held because "
              "both sides' changes together break a rule, and `rule ID` for each case the merged records still break a "
              "rule for; exit 0. Exit 6: uncommitted changes, "
              "an unreachable or rewritten remote, a file changed on both sides that prevent does not merge.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_sync(g, *o); }; });
}

}  // namespace prevent::cli

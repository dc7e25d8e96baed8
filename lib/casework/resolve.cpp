#include "resolve.hpp"

#include <fmt/format.h>

#include "case_update.hpp"
#include "meetings.hpp"
#include "rules.hpp"

namespace prevent {

namespace {

[[noreturn]] void no_such_conflict(const std::string& what, const std::vector<Conflict>& conflicts,
                                   const std::string& show) {
  // The field given is not repeated: it was typed, and may be anything.
  std::string held;
  for (const auto& k : conflicts) held += (held.empty() ? "" : ", ") + k.field;
  fail(Exit::not_found,
       conflicts.empty()
           ? fmt::format("{} holds no conflict to resolve (command line)", what)
           : fmt::format("{} holds no conflict on the field given; its conflicts: {} (command line)", what, held),
       fmt::format("`{}` shows the conflicts; `prevent review due` lists every one", show));
}

}  // namespace

Case resolve_case_conflict(Store& store, const CaseId& id, Date as_of, const std::string& field,
                           const ConflictChoice& choice) {
  return update_case(store, id, as_of, "resolve", "resolve", [&](Case& c) {
    const auto index = find_conflict(c, field);
    if (!index) no_such_conflict(c.id, c.conflicts, fmt::format("prevent show {}", c.id));
    c = resolve_conflict(c, *index, choice, store.config(), "command line");
    return field;
  });
}


Meeting resolve_meeting_conflict(Store& store, Date date, const std::string& field, const ConflictChoice& choice) {
  auto lock = store.lock();
  Meeting m = store.require_meeting(date);
  const std::string path = meeting_path(date);
  store.open_meeting(m, path);
  const auto index = find_conflict(m, field);
  if (!index)
    no_such_conflict(fmt::format("the meeting of {}", date.str()), m.conflicts,
                     "prevent check conflicts");
  Meeting resolved = resolve_conflict(m, *index, choice, "command line");
  // SPEC §4 rule 4: a meeting with case business recorded keeps the police.
  if (m.police_present() && !resolved.police_present())
    police_stay_while_business_recorded(resolved, cases_with_business(store, date));
  store.commit({{path, store.meeting_text(resolved)}},
               commit_message("resolve", fmt::format("{} {}", date.str(), field), {}, "resolve"));
  return resolved;
}

}  // namespace prevent

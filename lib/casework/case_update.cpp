#include "case_update.hpp"

#include <fmt/format.h>

#include "rules.hpp"
#include "schema.hpp"
#include "void_entry.hpp"

namespace prevent {

Case update_case(Store& store, const CaseId& id, Date as_of, std::string_view action, std::string_view trailer,
                 const std::function<std::string(Case&)>& change) {
  auto lock = store.lock();
  Case c = store.load_case(id);
  // A case voided as entered in error takes no further change.
  refuse_if_voided(c);
  std::string what = change(c);
  // Every record written is valid against the schema (SPEC §2.4).
  validate_against_schema(case_to_node(c), SchemaKind::case_record, "command line");
  RuleContext ctx{store.config(), as_of, [&](Date d) { return store.meeting(d); }};
  check_case_rules(c, ctx);
  std::string tail = what.empty() ? c.id : fmt::format("{} {}", c.id, what);
  store.commit({{case_path(c.id, c.referral.received.year()), store.case_text(c)}},
               commit_message(action, tail, {c.id}, trailer), {&c});
  return c;
}

}  // namespace prevent

#include <fmt/format.h>

#include "cli.hpp"
#include "correct.hpp"
#include "failure.hpp"

namespace prevent::cli {

namespace {

struct CorrectOptions {
  std::string id;
  std::vector<std::string> assignments;
  std::string reason;
};

int run_correct(const Globals& g, const CorrectOptions& o) {
  CaseId id = case_id_option(o.id);
  std::vector<FieldValue> changes;
  for (const auto& a : o.assignments) changes.push_back(parse_field_value(a));
  std::string reason = text_option(o.reason, "--reason");
  Date as_of = write_today(g);
  Store store = open_store(g);
  confirm_correction(g, store, id, correct_case(store, id, as_of, changes, reason), as_of);
  return 0;
}

}  // namespace

void confirm_correction(const Globals& g, const Store& store, const CaseId& id, const CorrectionDone& done,
                        Date as_of) {
  confirm_case(g, store.load_case(id), store.config(),
               fmt::format("corrected {} on {}", fmt::join(done.fields, ", "), as_of.str()));
  if (!done.linked.empty())
    notice(g, fmt::format("notice: {} now has the same name and date of birth as {}; linked in `related`", id.str(),
                          fmt::join(done.linked, ", ")));
}

void add_correct(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<CorrectOptions>();
  auto* sub = app.add_subcommand("correct", "correct wrongly recorded fields of a case after the fact");
  sub->add_option("id", o->id, "case ID")->required();
  sub->add_option("field", o->assignments, "FIELD=VALUE: the field's dotted path and its right value")->required();
  sub->add_option("--reason", o->reason, "why the record was wrong (personal data)")->required();
  std::string fields;
  for (const auto& f : correctable_fields()) fields += "\n  " + f;
  sub->footer(
      "Fields (N: a list entry's position from 1, e.g. panel.1.method or panel[1].method; A<n>: an action ID):" +
      fields +
      "\nAn empty VALUE removes an optional field. Lists take keys separated by commas. Not correctable: the ID, "
      "the decisions (triage outcome, panel decisions, consent status, review kinds and outcomes, action status), "
      "related, corrections, previous, voided, erasure, and the age at referral (kept from the date of birth). The rules still hold on the result; the record keeps the date, the fields and "
      "the reason in `corrections`; the commit names the fields only.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_correct(g, *o); }; });
}

}  // namespace prevent::cli

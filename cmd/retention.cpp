#include "case_reader.hpp"
#include "cli.hpp"
#include "retention_list.hpp"

namespace prevent::cli {

namespace {

struct RetentionDueOptions {
  std::string within = "0d";
  std::string format = "table";
  bool partial = false;
};

int run_retention_due(const Globals& g, const RetentionDueOptions& o) {
  long days = option_duration(o.within, "--within");
  Date as_of = today(g);
  Store store = open_store(g);
  std::vector<RetentionRow> rows;
  auto read = for_each_case_without_personal_data(
      store, [&](const Case& c) { add_retention_row(rows, c, store.config(), as_of, days); });
  sort_retention_rows(rows);
  return print_unless_incomplete(render(retention_table(rows), list_format(o.format)), read.unreadable, o.partial);
}

}  // namespace

void add_retention(CLI::App& app, Globals& g, Runner& action) {
  auto* retention = app.add_subcommand("retention", "the retention schedule: whose personal data is due for erasure");
  retention->require_subcommand(1);

  auto d = std::make_shared<RetentionDueOptions>();
  auto* due = retention->add_subcommand("due", "the cases whose personal data should now be erased");
  due->add_option("--within", d->within, "also what falls due within this time, e.g. 30d or 8w (default 0d)");
  due->add_option("--format", d->format, "table (default), csv, json or yaml")
      ->check(CLI::IsMember({"table", "csv", "json", "yaml"}));
  add_partial_flag(*due, d->partial);
  due->footer("Columns: id, stage, rule, erase_from, days_overdue (as-of minus erase_from). Most overdue first, "
              "then by ID. Cases in a final stage only, under the rule of prevent.yaml's `retention` that names "
              "their stage (else the defaults, docs/retention.md); a case already erased is never listed. "
              "Nothing is erased: `prevent erase ID --reason T` does that. Use --as-of to see the list for "
              "another day.");
  due->callback([&g, &action, d] { action = [&g, d] { return run_retention_due(g, *d); }; });
}

}  // namespace prevent::cli

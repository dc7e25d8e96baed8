#include <fmt/format.h>

#include "case_actions.hpp"
#include "case_update.hpp"
#include "case_reader.hpp"
#include "cli.hpp"
#include "due_list.hpp"
#include "failure.hpp"
#include "foi_requests.hpp"

namespace prevent::cli {

namespace {

struct RecordOptions {
  std::string id, kind, outcome;
  std::optional<std::string> date, reason, meeting, notes;
  bool keep_actions = false;
};

int run_record(const Globals& g, const RecordOptions& o) {
  CaseId id = case_id_option(o.id);
  ReviewInput in;
  in.review.kind = enum_option<ReviewKind>(o.kind, "--kind");
  in.review.outcome = enum_option<ReviewOutcome>(o.outcome, "--outcome");
  in.review.meeting = option_date(o.meeting, "--meeting");
  in.review.notes = PersonalNote(o.notes);
  if (o.reason) in.reason = enum_option<ClosureReason>(*o.reason, "--reason");
  if (in.review.outcome == ReviewOutcome::close && !in.reason)
    fail(Exit::usage, "--reason is required with --outcome close (command line)");
  if (in.review.outcome != ReviewOutcome::close && in.reason)
    fail(Exit::usage, "--reason goes only with --outcome close (command line)");
  if (o.keep_actions && in.review.outcome != ReviewOutcome::close)
    fail(Exit::usage, "--keep-actions goes only with --outcome close (command line)");
  in.keep_actions = o.keep_actions ? KeepActions::yes : KeepActions::no;
  Date as_of = write_today(g);
  in.review.date = option_date_or(o.date, "--date", as_of);
  Store store = open_store(g);
  Case done = update_case(store, id, as_of, "review record", "review-record", [&](Case& c) {
    apply_review(c, in, store.config());
    return fmt::format("{} {}", key_of(in.review.kind), key_of(in.review.outcome));
  });
  confirm_case(g, done, store.config(),
               fmt::format("recorded the {} review, outcome {}{}, on {}", key_of(in.review.kind),
                           key_of(in.review.outcome), in.reason ? fmt::format(" ({})", key_of(*in.reason)) : "",
                           in.review.date.str()));
  return 0;
}

struct DueOptions {
  std::string within = "0d";
  std::string format = "table";
  bool partial = false;
  bool show_personal = false;
};

int run_due(const Globals& g, const DueOptions& o) {
  long days = option_duration(o.within, "--within");
  Date as_of = today(g);
  Store store = open_store(g);
  std::vector<DueRow> rows;
  auto read = for_each_case_without_personal_data(
      store, [&](const Case& c) { add_due_rows(rows, c, store.config(), as_of, days); });
  sort_due_rows(rows);
  // The open FOI requests falling due (docs/foi.md); a store without foi/
  // reads nothing more, and its list is as it always was.
  std::vector<FoiDueRow> foi;
  FoiRequests requests = read_foi_requests(store);
  if (!requests.requests.empty()) {
    std::vector<FoiRequest> plain;
    for (auto& r : requests.requests) plain.push_back(std::move(r.request));
    foi = foi_due_rows(foi_list(plain, read_release_register(store), as_of), as_of, days);
  }
  for (auto& f : requests.unreadable) read.unreadable.push_back(std::move(f));
  // The conflicts merges left in panel meetings (docs/merge.md). A meeting
  // file that does not read holds no item of its own: `check records`
  // reports it, as it always has.
  std::vector<MeetingDueRow> meetings;
  for (Date d : store.meeting_dates()) try {
      if (const Meeting* m = store.meeting(d)) add_meeting_due_rows(meetings, *m, as_of, days);
    } catch (const Failure&) {
    }
  sort_meeting_due_rows(meetings);
  Table table = due_table(rows, foi, meetings);
  if (o.show_personal) add_name_column(store, table);
  return print_unless_incomplete(render(table, list_format(o.format)), read.unreadable, o.partial);
}

}  // namespace

void add_review(CLI::App& app, Globals& g, Runner& action) {
  auto* review = app.add_subcommand("review", "reviews: record one, or list what is due");
  review->require_subcommand(1);

  auto r = std::make_shared<RecordOptions>();
  auto* rec = review->add_subcommand("record", "record a review of an adopted case");
  rec->add_option("id", r->id, "case ID")->required();
  rec->add_option("--date", r->date, "date of the review (default: today)");
  rec->add_option("--kind", r->kind, "monthly | post-closure-6 | post-closure-12 | extended")->required();
  rec->add_option("--outcome", r->outcome, "continue | close | no-concerns | reopen")->required();
  rec->add_option("--reason", r->reason,
                  "with --outcome close: no-further-concerns | escalated-to-police | transferred-out | other");
  rec->add_option("--meeting", r->meeting, "the panel meeting it was held at (the same date)");
  rec->add_option("--notes", r->notes, "notes (personal data)");
  rec->add_flag("--keep-actions", r->keep_actions,
                "with --outcome close: leave the open support actions open (else they close with the case)");
  rec->footer("Monthly reviews (outcome continue or close) until the panel closes the case (--outcome close "
              "--reason R, which closes its open support actions too unless --keep-actions); then reviews 6 "
              "and 12 months after closure, in that order, each from review.early_days (28) days before it "
              "falls due; `continue` at the 12-month review extends by 6-month `extended` reviews up to 24 "
              "months; `no-concerns` or `reopen` at any post-closure review (reopen returns the case to the "
              "panel). A refusal's hint lists what is valid on the review's date.");
  rec->callback([&g, &action, r] { action = [&g, r] { return run_record(g, *r); }; });

  auto d = std::make_shared<DueOptions>();
  auto* due = review->add_subcommand("due", "the coordinator's list of due and overdue work");
  due->add_option("--within", d->within, "also what falls due within this time, e.g. 7d or 2w (default 0d)");
  due->add_option("--format", d->format, "table (default), csv, json or yaml")
      ->check(CLI::IsMember({"table", "csv", "json", "yaml"}));
  add_partial_flag(*due, d->partial);
  add_show_personal_flag(*due, d->show_personal);
  due->footer("Columns: id, stage, item, due, days_overdue (as-of minus due); with --show-personal also name, "
              "last (personal data). Most overdue first, then by ID. "
              "An open FOI request (`prevent foi new`) is a row of its own: id its reference, stage and item `foi`, "
              "due its statutory deadline. A case in a final stage whose personal data is due for erasure under "
              "the retention schedule is a row with item `retention` (`prevent retention due`). A conflict a merge "
              "left in a case is a row with item `conflict`, one per conflict, in any stage, due from the later "
              "side's date (`prevent resolve`); one left in a panel meeting too, with id the meeting's date and "
              "stage `meeting`. Use --as-of to see the list for another day.");
  due->callback([&g, &action, d] { action = [&g, d] { return run_due(g, *d); }; });
}

}  // namespace prevent::cli

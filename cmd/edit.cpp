#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>

#include "cli.hpp"
#include "edit.hpp"
#include "failure.hpp"
#include "subprocess.hpp"
#include "text.hpp"

namespace prevent::cli {

namespace {

struct EditOptions {
  std::optional<std::string> id;
  std::optional<std::string> meeting;
  std::optional<std::string> reason;
};

// The user's editor: $VISUAL, else $EDITOR. Never the store's core.editor:
// the store's .git/config may be hostile, and must not name a program.
std::string editor_command() {
  for (const char* var : {"VISUAL", "EDITOR"})
    if (const char* v = std::getenv(var); v && std::string_view(v).find_first_not_of(" \t") != std::string_view::npos)
      return v;
  fail(Exit::usage, "no editor: neither VISUAL nor EDITOR is set (environment)",
       "set one, e.g. EDITOR=nano prevent edit …, or change fields with `prevent correct`");
}

// A problem as it is shown on stderr and in the buffer: one line each.
std::vector<std::string> problem_lines(const Failure& f) {
  std::vector<std::string> out(f.details().begin(), f.details().end());
  out.push_back(f.what());
  if (!f.hint().empty()) out.push_back("hint: " + f.hint());
  return out;
}

// The comment lines on top of the buffer (like `git commit`'s).
std::string case_header(const std::string& id) {
  return fmt::format(
      "# prevent edit {}: correct what was recorded wrongly, then save and quit.\n"
      "# The change is recorded as a correction, with its reason; every rule still holds.\n"
      "# Workflow events have their own commands (triage, panel decide, panel consent,\n"
      "# panel action, review record, note, assess); an entry recorded in error is\n"
      "# voided with `prevent void`. Lines starting with '#' are ignored.\n"
      "# To change nothing, quit without saving a change; to abort, empty the file.\n",
      id);
}

std::string meeting_header(const std::string& date) {
  return fmt::format(
      "# prevent edit --meeting {}: correct the text of a role or agency, or an\n"
      "# attendee's police marking, then save and quit. The change is recorded as a\n"
      "# correction, with its reason; every rule still holds. Who is listed, the\n"
      "# declarations and the agenda have their own commands (panel attend, panel\n"
      "# agenda); a meeting on another date is `panel new`. Lines starting with '#'\n"
      "# are ignored. To change nothing, quit without saving a change; to abort,\n"
      "# empty the file.\n",
      date);
}

std::string buffer_header(std::string h, const std::optional<Failure>& problem) {
  if (problem) {
    h += "#\n# The record was not saved, because of this problem:\n";
    for (const auto& line : problem_lines(*problem)) h += "#   " + line + "\n";
    h += "# Fix it and save, or save it unchanged to give up (nothing is written).\n";
  }
  return h;
}

std::string ask_reason(std::string_view record) {
  std::fputs(fmt::format("Reason for the correction (recorded in the {}; personal data): ", record).c_str(), stderr);
  std::fflush(stderr);
  std::string line;
  if (!std::getline(std::cin, line)) line.clear();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.find_first_not_of(" \t") == std::string::npos)
    fail(Exit::usage, "no reason given: the edit was not recorded (terminal)",
         "run `prevent edit` again and give a reason, or use --reason");
  return line;
}

// What an edit saved, when it is to be written: the text (comment lines
// left empty) and the fields it corrects. Empty fields: saved unchanged.
struct Saved {
  std::string text;
  std::vector<std::string> fields;
};

// The editing loop shared by a case and a meeting: opens `start` (below
// `header`) in the editor until the text saved is judged valid (`judge`
// returns the fields it corrects, or throws the problem), is saved
// unchanged, or the edit is aborted (emptied, the editor failing, the same
// problem saved again). `subject` names the record in messages.
Saved edit_loop(const std::string& editor, const EditBuffer& buffer, const std::string& header,
                const std::string& subject, const std::string& start,
                const std::function<std::vector<std::string>(std::string_view)>& judge) {
  const std::string original = record_lines(start);
  std::string content = start;  // what the editor gets below the comments
  std::optional<Failure> problem;
  Saved out;
  while (true) {
    buffer.write(buffer_header(header, problem) + content);
    // As git runs an editor: the variable's text is shell words, the file
    // an argument of its own.
    auto status = run_in_foreground({"/bin/sh", "-c", editor + " \"$@\"", editor, buffer.path().string()});
    if (!status) fail(Exit::usage, "the editor could not be run; nothing written (VISUAL/EDITOR)");
    if (*status != 0)
      fail(Exit::usage,
           fmt::format("the editor exited with status {}: edit aborted, nothing written ({})", *status, subject));
    const std::string raw = buffer.read();
    // Judged with the comment lines left empty, so that a problem's line
    // is the line of the file as it was saved; compared without them.
    const std::string record = record_lines(raw);
    out.text = without_comment_lines(raw);
    if (is_blank(record))
      fail(Exit::usage, fmt::format("the edited record was emptied: edit aborted, nothing written ({})", subject));
    if (record == original) return {out.text, {}};
    if (problem && record == content)
      fail(problem->code(),
           fmt::format("saved again with the same problem: edit aborted, nothing written ({})", subject));
    try {
      out.fields = judge(out.text);
      return out;
    } catch (const Failure& f) {
      if (f.code() == Exit::bug || f.code() == Exit::store) throw;
      report(f);
      problem = f;
      content = record;
    }
  }
}

std::optional<std::string> reason_option(const EditOptions& o) {
  std::optional<std::string> reason;
  if (o.reason) reason = text_option(*o.reason, "--reason");
  if (!reason && !::isatty(STDIN_FILENO))
    fail(Exit::usage,
         "--reason is needed: the reason is asked on the terminal only, and stdin is not one (command line)",
         "give the reason with --reason TEXT");
  return reason;
}

int run_case_edit(const Globals& g, const EditOptions& o) {
  CaseId id = case_id_option(*o.id);
  std::optional<std::string> reason = reason_option(o);
  const std::string editor = editor_command();
  Date as_of = write_today(g);
  Store store = open_store(g);
  CaseEditStart start = begin_case_edit(store, id);
  EditBuffer buffer(store, id.str() + ".yaml");
  Saved saved = edit_loop(editor, buffer, case_header(id.str()), id.str(), start.text, [&](std::string_view text) {
    return judge_case_edit(store, start.original, text, as_of);
  });
  if (saved.fields.empty()) {
    notice(g, fmt::format("{}: no changes; nothing written", id.str()));
    return 0;
  }
  if (!reason) reason = ask_reason("case");
  confirm_correction(g, store, id, commit_case_edit(store, start.original, saved.text, as_of, *reason), as_of);
  return 0;
}

int run_meeting_edit(const Globals& g, const EditOptions& o) {
  Date date = option_date(*o.meeting, "--meeting");
  std::optional<std::string> reason = reason_option(o);
  const std::string editor = editor_command();
  Date as_of = write_today(g);
  Store store = open_store(g);
  MeetingEditStart start = begin_meeting_edit(store, date);
  const std::string subject = "panel " + date.str();
  EditBuffer buffer(store, "panel-" + date.str() + ".yaml");
  Saved saved = edit_loop(editor, buffer, meeting_header(date.str()), subject, start.text,
                          [&](std::string_view text) { return judge_meeting_edit(store, start.original, text); });
  if (saved.fields.empty()) {
    notice(g, fmt::format("{}: no changes; nothing written", subject));
    return 0;
  }
  if (!reason) reason = ask_reason("meeting");
  std::vector<std::string> fields = commit_meeting_edit(store, start.original, saved.text, as_of, *reason);
  confirm(g, subject, fmt::format("corrected {} on {}", fmt::join(fields, ", "), as_of.str()));
  return 0;
}

int run_edit(const Globals& g, const EditOptions& o) {
  if (o.id && o.meeting)
    fail(Exit::usage, "give a case ID or --meeting DATE, not both (command line)",
         "prevent edit ID, or prevent edit --meeting DATE");
  if (!o.id && !o.meeting)
    fail(Exit::usage, "give a case ID or --meeting DATE (command line)", "prevent edit ID, or prevent edit --meeting DATE");
  return o.meeting ? run_meeting_edit(g, o) : run_case_edit(g, o);
}

}  // namespace

void add_edit(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<EditOptions>();
  auto* sub = app.add_subcommand("edit", "correct a case or a meeting in your editor ($VISUAL, else $EDITOR)");
  sub->add_option("id", o->id, "case ID");
  sub->add_option("--meeting", o->meeting, "correct the panel meeting of this date (YYYY-MM-DD) instead of a case");
  sub->add_option("--reason", o->reason, "why the record was wrong (personal data); asked on the terminal if left out");
  sub->footer(
      "Opens the case in canonical form in $VISUAL (else $EDITOR). On save the record is checked (YAML, schema, "
      "vocabularies, every rule); on a problem the editor opens again with the problem on top. Saved unchanged: "
      "nothing written (exit 0). Emptied, or the editor failing: aborted, nothing written (exit 2). Saved again "
      "with the same problem: aborted with the problem's exit code. A valid change is one commit, recorded in "
      "`corrections` as `prevent correct` records it. Workflow events (a triage outcome, a decision, consent, an "
      "action's status, a new or removed entry) are refused, naming the command that records them. With --meeting "
      "DATE, the meeting's file: the text of roles and agencies and an attendee's police marking may be corrected "
      "(rule 4 holds); its date, who is listed, declarations and agenda are refused, naming `panel new`, "
      "`panel attend` or `panel agenda`.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_edit(g, *o); }; });
}

}  // namespace prevent::cli

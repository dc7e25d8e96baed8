#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "failure.hpp"
#include "history.hpp"
#include "text.hpp"

namespace prevent::cli {

namespace {

struct LogOptions {
  std::string id;
  std::optional<std::string> since, until;
  std::string author;
  std::string action;
  std::string format = "text";
  bool show_personal = false;
};

// A value on one line: a line break in free text would break the layout,
// and anything read from the history (an author's name, a file name, a
// trailer) can hold control characters (text.hpp).
std::string one_line(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return terminal_safe(out);
}

std::string change_text(const FieldChange& c) {
  if (c.personal && !c.from && !c.to) return fmt::format("{}: changed (personal data)", one_line(c.field));
  return fmt::format("{}: {} → {}", one_line(c.field), c.from ? one_line(*c.from) : "(none)",
                     c.to ? one_line(*c.to) : "(none)");
}

std::string action_name(const CommitMeta& m) { return m.action ? *m.action : "hand edit"; }

const char* signature_state(const SignatureCheck& s) {
  switch (s.state) {
    case SignatureCheck::State::none: return "none";
    case SignatureCheck::State::good: return "good";
    case SignatureCheck::State::bad: return "bad";
    case SignatureCheck::State::unverified: return "unverified";
  }
  return "none";
}

// `committed 2026-11-27 10:02:03 +0000 by Name <email>, not signed`: the
// committer and commit date, which the author's date (anyone sets it) may
// not agree with, and whose key signed the commit.
std::string committed_line(const LogEntry& e) {
  const CommitMeta& m = e.commit;
  std::string sig;
  switch (e.signature.state) {
    case SignatureCheck::State::none: sig = "not signed"; break;
    case SignatureCheck::State::good: sig = "signed by the committer's key"; break;
    case SignatureCheck::State::bad: sig = fmt::format("signature not good: {}", one_line(e.signature.problem)); break;
    case SignatureCheck::State::unverified:
      sig = fmt::format("signature not verified: {}", one_line(e.signature.problem));
      break;
  }
  return fmt::format("  committed {} by {} <{}>, {}{}\n", m.commit_display_time(), one_line(m.committer_name),
                     one_line(m.committer_email), sig,
                     m.author_date_differs() ? "; the author's date is more than a day from the commit date" : "");
}

std::string render_log_text(const std::vector<LogEntry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    if (!out.empty()) out += "\n";
    const CommitMeta& m = e.commit;
    out += fmt::format("{}  {}  {}  {} <{}>\n", m.short_id(), m.display_time(), one_line(action_name(m)),
                       one_line(m.author_name), one_line(m.author_email));
    out += committed_line(e);
    for (const auto& r : e.records) {
      out += r.kind == RecordLog::Kind::case_file ? fmt::format("  {}\n", one_line(r.key))
             : r.kind == RecordLog::Kind::meeting ? fmt::format("  meeting {}\n", one_line(r.key))
                                                  : fmt::format("  {}\n", one_line(r.key));
      for (const auto& c : r.changes) out += fmt::format("    {}\n", change_text(c));
    }
    if (!e.other_paths.empty()) {
      std::vector<std::string> paths;
      for (const auto& path : e.other_paths) paths.push_back(one_line(path));
      out += fmt::format("  other files: {}\n", fmt::join(paths, ", "));
    }
  }
  return out;
}

std::string render_json(const std::vector<LogEntry>& entries, bool show_personal) {
  using json = nlohmann::ordered_json;
  json arr = json::array();
  for (const auto& e : entries) {
    const CommitMeta& m = e.commit;
    json cases = json::array(), meetings = json::array(), changes = json::array();
    for (const auto& r : e.records) {
      bool is_case = r.kind == RecordLog::Kind::case_file;
      if (r.kind != RecordLog::Kind::config) (is_case ? cases : meetings).push_back(r.key);
      for (const auto& c : r.changes) {
        json j;
        j[is_case ? "case" : r.kind == RecordLog::Kind::meeting ? "meeting" : "config"] = r.key;
        j["field"] = c.field;
        if (!c.personal || show_personal) {
          j["from"] = c.from ? json(*c.from) : json(nullptr);
          j["to"] = c.to ? json(*c.to) : json(nullptr);
        }
        if (c.personal) j["personal"] = true;
        changes.push_back(std::move(j));
      }
    }
    json entry;
    entry["commit"] = m.hex_id();
    entry["author"] = {{"name", m.author_name}, {"email", m.author_email}};
    entry["date"] = m.iso_time();
    entry["action"] = action_name(m);
    entry["hand_edit"] = m.hand_edit();
    entry["cases"] = std::move(cases);
    entry["meetings"] = std::move(meetings);
    entry["changes"] = std::move(changes);
    entry["other_files"] = e.other_paths;
    entry["committer"] = {{"name", m.committer_name}, {"email", m.committer_email}};
    entry["commit_date"] = m.commit_iso_time();
    entry["author_date_differs"] = m.author_date_differs();
    json sig = {{"state", signature_state(e.signature)}};
    if (!e.signature.problem.empty() && e.signature.state != SignatureCheck::State::none)
      sig["problem"] = e.signature.problem;
    entry["signature"] = std::move(sig);
    arr.push_back(std::move(entry));
  }
  return arr.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

int run_log(const Globals& g, const LogOptions& o) {
  LogFilter filter;
  filter.since = option_date(o.since, "--since");
  filter.until = option_date(o.until, "--until");
  if (filter.since && filter.until && *filter.since > *filter.until)
    fail(Exit::invalid_data, "--since is after --until (command line)");
  filter.author = o.author;
  if (!o.action.empty()) {
    const auto& known = log_actions();
    if (std::find(known.begin(), known.end(), o.action) == known.end())
      fail(Exit::invalid_data, "--action: not a Prevent-Action value or hand-edit (command line)",
           fmt::format("allowed: {}", fmt::join(known, ", ")));
    filter.action = o.action;
  }
  std::optional<CaseId> id;
  if (!o.id.empty()) id = case_id_option(o.id);
  Store store = open_store(g);
  ShowPersonal show = o.show_personal ? ShowPersonal::yes : ShowPersonal::no;
  auto entries = id ? case_history(store, *id, filter, show) : store_history(store, filter, show);
  print(o.format == "json" ? render_json(entries, o.show_personal) : render_log_text(entries));
  return 0;
}

}  // namespace

void add_log(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<LogOptions>();
  auto* sub = app.add_subcommand("log", "history from git: one case's, or the store's activity (no personal data)");
  sub->add_option("id", o->id, "case ID, e.g. PRV-2026-0014 (without it: every commit)");
  sub->add_option("--since", o->since, "only commits authored on or after this date (YYYY-MM-DD)");
  sub->add_option("--until", o->until, "only commits authored on or before this date (YYYY-MM-DD)");
  sub->add_option("--author", o->author, "only commits whose author's name or e-mail contains this (any case)");
  sub->add_option("--action", o->action, "only commits of this Prevent-Action (e.g. panel-decide), or hand-edit");
  sub->add_option("--format", o->format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  sub->add_flag("--show-personal", o->show_personal, "show the values of personal-data fields");
  sub->footer(
      "Oldest first, along the first-parent history from HEAD. Each commit: its id, author date, action (from the "
      "Prevent-Action trailer, or `hand edit`), author; then its commit date, committer and signature (good only "
      "when made with a key of the committer), marking an author's date more than a day from the commit date; and "
      "each record it changed, field by field, and each prevent.yaml setting. Personal-data fields are shown as "
      "changed, without their values, unless --show-personal is given.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_log(g, *o); }; });
}

}  // namespace prevent::cli

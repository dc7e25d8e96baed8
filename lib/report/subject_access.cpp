#include "subject_access.hpp"

#include <fmt/format.h>

#include "fixed_lists.hpp"
#include "text.hpp"
#include "workflow.hpp"

namespace prevent {

namespace {

constexpr std::string_view kWhat = "subject access export (UK GDPR Art. 15)";

// The panel meetings where the case was heard: the date and what was
// decided on this case, nothing of the meeting itself (who attended, the
// other cases): that is other people's data.
YNode panel_meetings_node(const Case& c) {
  YNode list = YNode::seq();
  for (const auto& h : c.panel) {
    YNode m = YNode::map();
    m.add("date", YNode::plain(h.meeting.str()));
    m.add("decision", YNode::text(std::string(key_of(h.decision))));
    if (h.method) m.add("method", YNode::text(*h.method));
    list.push(std::move(m));
  }
  return list;
}

YNode value_node(const std::optional<std::string>& v) { return v ? YNode::text(*v) : YNode::null_node(); }

YNode history_node(const std::vector<RecordChange>& history) {
  YNode list = YNode::seq();
  for (const auto& h : history) {
    YNode entry = YNode::map();
    entry.add("date", YNode::text(h.date));
    entry.add("action", YNode::text(h.action));
    YNode changes = YNode::seq();
    for (const auto& f : h.changes) {
      YNode change = YNode::map();
      change.add("field", YNode::text(f.field));
      change.add("from", value_node(f.from));
      change.add("to", value_node(f.to));
      changes.push(std::move(change));
    }
    entry.add("changes", std::move(changes));
    list.push(std::move(entry));
  }
  return list;
}

YNode ids_node(const std::vector<std::string>& ids) {
  YNode list = YNode::seq();
  for (const auto& id : ids) list.push(YNode::text(id));
  return list;
}

// ---------------------------------------------------------------------------
// HTML

// Printable on A4; no font, image or anything else from elsewhere.
constexpr std::string_view kCss = R"(body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;font-size:10pt;color:#111;max-width:180mm;margin:12mm auto;line-height:1.35}
h1{font-size:17pt;margin:0 0 4mm}h2{font-size:13.5pt;margin:8mm 0 2mm;border-bottom:1px solid #888}h3{font-size:11pt;margin:4mm 0 1.5mm}
h4{font-size:10pt;margin:3mm 0 1mm}ul.facts{padding-left:5mm;margin:0 0 3mm}p.key{margin:0 0 2mm;font-size:9.5pt}
table{border-collapse:collapse;margin:0 0 2mm;max-width:100%}th,td{border:1px solid #bbb;padding:.6mm 2.5mm;text-align:left;vertical-align:top}
th{background:#eef2f5;font-weight:normal;white-space:nowrap}td{overflow-wrap:anywhere;white-space:pre-wrap}
table.record table{margin:0;width:100%}ol{margin:0;padding-left:6mm}span.none{color:#666}
.block{break-inside:avoid;page-break-inside:avoid}section.referral{break-before:page;page-break-before:always}
section.referral:first-of-type{break-before:auto;page-break-before:auto}
@page{size:A4;margin:15mm}
@media print{body{margin:0;max-width:none}h2,h3,h4{break-after:avoid;page-break-after:avoid}th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
)";

constexpr std::string_view kNone = "<span class=\"none\">(none)</span>";

// A record's tree as nested tables: a map's keys in the left column, a
// list's entries numbered.
void html_node(const YNode& n, std::string& out) {
  switch (n.kind) {
    case YNode::Kind::null: out += kNone; break;
    case YNode::Kind::scalar: out += html_escape(n.value); break;
    case YNode::Kind::seq:
      if (n.items.empty()) {
        out += kNone;
        break;
      }
      out += "<ol>";
      for (const auto& item : n.items) {
        out += "<li>";
        html_node(item, out);
        out += "</li>";
      }
      out += "</ol>";
      break;
    case YNode::Kind::map:
      if (n.entries.empty()) {
        out += kNone;
        break;
      }
      out += "<table>";
      for (const auto& [key, value] : n.entries) {
        out += fmt::format("<tr><th>{}</th><td>", html_escape(key));
        html_node(value, out);
        out += "</td></tr>";
      }
      out += "</table>";
      break;
  }
}

std::string html_value(const std::optional<std::string>& v) { return v ? html_escape(*v) : std::string(kNone); }

void html_panel_meetings(const Case& c, std::string& out) {
  out += "<h3>Panel meetings where the case was heard</h3>\n";
  if (c.panel.empty()) {
    out += "<p class=\"key\">None.</p>\n";
    return;
  }
  out += "<table class=\"block\"><tr><th>Date</th><th>Decision</th><th>Method</th></tr>\n";
  for (const auto& h : c.panel)
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", h.meeting.str(),
                       html_escape(key_of(h.decision)), h.method ? html_escape(*h.method) : std::string(kNone));
  out += "</table>\n";
}

void html_history(const std::vector<RecordChange>& history, std::string& out) {
  out += "<h3>History of changes, oldest first</h3>\n";
  if (history.empty()) {
    out += "<p class=\"key\">None.</p>\n";
    return;
  }
  for (const auto& h : history) {
    out += fmt::format("<div class=\"block\">\n<h4>{}: {}</h4>\n", html_escape(h.date), html_escape(h.action));
    if (h.changes.empty()) {
      out += "<p class=\"key\">The file was rewritten; no field changed.</p>\n</div>\n";
      continue;
    }
    out += "<table><tr><th>Field</th><th>Before</th><th>After</th></tr>\n";
    for (const auto& f : h.changes)
      out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(f.field), html_value(f.from),
                         html_value(f.to));
    out += "</table>\n</div>\n";
  }
}

}  // namespace

std::vector<std::string> exported_case_ids(const SubjectAccess& sa) {
  std::vector<std::string> ids;
  for (const auto& r : sa.referrals) ids.push_back(r.record.id);
  return ids;
}

YNode subject_access_node(const SubjectAccess& sa, const Config& config) {
  YNode root = YNode::map();
  root.add("export", YNode::text(std::string(kWhat)));
  root.add("area", YNode::text(sa.area));
  root.add("as_of", YNode::plain(sa.as_of.str()));
  root.add("asked_for", YNode::text(sa.asked_for));
  root.add("cases", ids_node(exported_case_ids(sa)));
  YNode referrals = YNode::seq();
  for (const auto& r : sa.referrals) {
    YNode entry = YNode::map();
    entry.add("id", YNode::text(r.record.id));
    entry.add("stage", YNode::text(std::string(stage_key(stage_of(r.record, config)))));
    entry.add("record", case_to_node(r.record));
    entry.add("panel_meetings", panel_meetings_node(r.record));
    entry.add("history", history_node(r.history));
    referrals.push(std::move(entry));
  }
  root.add("referrals", std::move(referrals));
  return root;
}

std::string render_subject_access_yaml(const SubjectAccess& sa, const Config& config) {
  return emit_yaml(subject_access_node(sa, config));
}

std::string render_subject_access_html(const SubjectAccess& sa, const Config& config) {
  const std::vector<std::string> ids = exported_case_ids(sa);
  const std::string id_list = html_escape(fmt::format("{}", fmt::join(ids, ", ")));
  std::string out = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<title>Subject access export: {}, {}</title>\n", html_escape(sa.asked_for), sa.as_of.str());
  out += fmt::format("<style>\n{}</style>\n</head>\n<body>\n", kCss);
  out += "<h1>Subject access export</h1>\n<ul class=\"facts\">\n";
  out += fmt::format(
      "<li>What this is: everything the Prevent case records of {} hold about the person behind case {}, for a "
      "subject access request (UK GDPR Article 15): each referral linked to it, in full, with the history of its "
      "changes and the panel meetings where it was heard.</li>\n",
      html_escape(sa.area), html_escape(sa.asked_for));
  out += fmt::format("<li>As of: {}</li>\n", sa.as_of.str());
  out += fmt::format("<li>Cases included ({}): {}</li>\n</ul>\n", ids.size(), id_list);
  out += "<p class=\"key\">Not included: anything about other people, such as who attended a panel meeting, "
         "the other cases heard at it, and who recorded each change.</p>\n";
  for (const auto& r : sa.referrals) {
    out += fmt::format("<section class=\"referral\" id=\"{}\">\n<h2>Referral {}</h2>\n", html_escape(r.record.id),
                       html_escape(r.record.id));
    out += fmt::format("<p class=\"key\">Stage: {}</p>\n", html_escape(stage_key(stage_of(r.record, config))));
    out += "<h3>The record</h3>\n<table class=\"record\">";
    // The tree's own rows, without the outer table html_node would add.
    for (const auto& [key, value] : case_to_node(r.record).entries) {
      out += fmt::format("<tr><th>{}</th><td>", html_escape(key));
      html_node(value, out);
      out += "</td></tr>\n";
    }
    out += "</table>\n";
    html_panel_meetings(r.record, out);
    html_history(r.history, out);
    out += "</section>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace prevent

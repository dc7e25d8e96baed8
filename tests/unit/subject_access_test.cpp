// The subject access export (UK GDPR Art. 15): everything held about the
// person, nothing about anyone else, in YAML and in one self-contained page.
#include <doctest/doctest.h>

#include <string>

#include "case_fixtures.hpp"
#include "subject_access.hpp"
#include "test_support.hpp"
#include "text.hpp"
#include "yaml_doc.hpp"

using namespace prevent;
using namespace prevent::test;
using namespace prevent::fixtures;

namespace {

// A person referred twice: adopted at a panel on 5 February 2026, then
// referred again. The name holds every character HTML gives a meaning to.
SubjectAccess export_of_two() {
  Case first = awaiting_panel();
  first.referral.subject.name = PersonalText("Quorra <b>&\"' Vantrell");
  first.referral.concern_summary = PersonalText("Fictional summary\nover two lines");
  Hearing h = hearing("2026-02-05", PanelDecision::adopt);
  h.method = "consensus";
  h.rationale = PersonalNote(std::string("Fictional panel rationale"));
  apply_decision(first, h, cfg());
  Case second = referred();
  second.id = "PRV-2026-0007";
  second.referral.received = d("2026-03-01");
  second.related = {first.id};

  RecordChange refer{"2026-01-05T09:00:00+00:00", "refer", {{"referral.subject.name", std::nullopt, "Quorra <b>&\"' Vantrell", true}}};
  RecordChange correct{"2026-01-09T10:00:00+00:00",
                       "correct",
                       {{"referral.subject.date_of_birth", "2000-03-01", "2000-03-10", true},
                        {"corrections[1].reason", std::nullopt, "Fictional: the date of birth was mistyped", true}}};
  SubjectAccess sa;
  sa.area = "Zedshire";
  sa.asked_for = second.id;
  sa.as_of = d("2026-04-01");
  sa.referrals.push_back({first, {refer, correct}});
  sa.referrals.push_back({second, {}});
  return sa;
}

const YNode& at(const YNode& n, std::string_view key) {
  const YNode* v = n.find(key);
  REQUIRE(v != nullptr);
  return *v;
}

}  // namespace

TEST_CASE("a subject access export names what it is, its date and every case it holds") {
  YNode root = subject_access_node(export_of_two(), cfg());
  CHECK(at(root, "export").value == "subject access export (UK GDPR Art. 15)");
  CHECK(at(root, "area").value == "Zedshire");
  CHECK(at(root, "as_of").value == "2026-04-01");
  CHECK(at(root, "asked_for").value == "PRV-2026-0007");
  const YNode& cases = at(root, "cases");
  REQUIRE(cases.items.size() == 2);
  CHECK(cases.items[0].value == "PRV-2026-0001");
  CHECK(cases.items[1].value == "PRV-2026-0007");
}

TEST_CASE("a subject access export gives each referral in full, personal data included") {
  YNode root = subject_access_node(export_of_two(), cfg());
  const YNode& first = at(root, "referrals").items.at(0);
  CHECK(at(first, "id").value == "PRV-2026-0001");
  CHECK(at(first, "stage").value == "awaiting-consent");
  const YNode& record = at(first, "record");
  CHECK(at(at(at(record, "referral"), "subject"), "name").value == "Quorra <b>&\"' Vantrell");
  CHECK(at(at(record, "panel").items.at(0), "rationale").value == "Fictional panel rationale");
}

TEST_CASE("a panel meeting in a subject access export is its date and the decision on the case") {
  YNode root = subject_access_node(export_of_two(), cfg());
  const YNode& meetings = at(at(root, "referrals").items.at(0), "panel_meetings");
  REQUIRE(meetings.items.size() == 1);
  const YNode& m = meetings.items[0];
  REQUIRE(m.entries.size() == 3);
  CHECK(at(m, "date").value == "2026-02-05");
  CHECK(at(m, "decision").value == "adopt");
  CHECK(at(m, "method").value == "consensus");
  CHECK(at(at(root, "referrals").items.at(1), "panel_meetings").items.empty());
}

TEST_CASE("a subject access export lists each change with its date, action and values, oldest first") {
  YNode root = subject_access_node(export_of_two(), cfg());
  const YNode& history = at(at(root, "referrals").items.at(0), "history");
  REQUIRE(history.items.size() == 2);
  CHECK(at(history.items[0], "action").value == "refer");
  CHECK(at(history.items[0], "date").value == "2026-01-05T09:00:00+00:00");
  const YNode& changes = at(history.items[1], "changes");
  REQUIRE(changes.items.size() == 2);
  CHECK(at(changes.items[0], "field").value == "referral.subject.date_of_birth");
  CHECK(at(changes.items[0], "from").value == "2000-03-01");
  CHECK(at(changes.items[0], "to").value == "2000-03-10");
  CHECK(at(changes.items[1], "from").is_null());
  CHECK(at(changes.items[1], "to").value == "Fictional: the date of birth was mistyped");
}

TEST_CASE("the YAML of a subject access export reads back as the same values") {
  SubjectAccess sa = export_of_two();
  YNode back = parse_yaml(render_subject_access_yaml(sa, cfg()), "export");
  const YNode& subject = at(at(at(at(back, "referrals").items.at(0), "record"), "referral"), "subject");
  CHECK(at(subject, "name").value == "Quorra <b>&\"' Vantrell");
  const YNode& concern = at(at(at(at(back, "referrals").items.at(0), "record"), "referral"), "concern");
  CHECK(at(concern, "summary").value == "Fictional summary\nover two lines");
  CHECK(at(back, "cases").items.size() == 2);
}

TEST_CASE("the HTML of a subject access export escapes every value") {
  const std::string html = render_subject_access_html(export_of_two(), cfg());
  CHECK(html.find("Quorra &lt;b&gt;&amp;&quot;&#39; Vantrell") != std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("Fictional: the date of birth was mistyped") != std::string::npos);
  CHECK(html.find("Fictional panel rationale") != std::string::npos);
}

TEST_CASE("the HTML of a subject access export is one page with nothing from elsewhere and no script") {
  const std::string html = render_subject_access_html(export_of_two(), cfg());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  for (const char* outside : {"<script", "http", "//", "src=", "href=", "url(", "@import", "<link", "<iframe",
                              "<object", "<embed", "<img"})
    CHECK_MESSAGE(html.find(outside) == std::string::npos, outside);
  CHECK(html.find("<style>") != std::string::npos);
  CHECK(html.find("@page{size:A4") != std::string::npos);
}

TEST_CASE("the HTML of a subject access export has a header with its date and the cases it holds") {
  const std::string html = render_subject_access_html(export_of_two(), cfg());
  CHECK(html.find("<h1>Subject access export</h1>") != std::string::npos);
  CHECK(html.find("<li>As of: 2026-04-01</li>") != std::string::npos);
  CHECK(html.find("<li>Cases included (2): PRV-2026-0001, PRV-2026-0007</li>") != std::string::npos);
  CHECK(html.find("<h2>Referral PRV-2026-0001</h2>") != std::string::npos);
  CHECK(html.find("<h2>Referral PRV-2026-0007</h2>") != std::string::npos);
}

#include "action_scope.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "correction.hpp"
#include "record_diff.hpp"

namespace prevent {

const std::vector<ActionScope>& action_scopes() {
  // What each command writes (case_actions.cpp, correction.cpp,
  // void_entry.cpp, casework/): change a command, change its row.
  static const std::vector<ActionScope> scopes = {
      {"init", ActionFiles::store, {}, {}, "creates the store in the first commit"},
      {"refer", ActionFiles::new_cases, {}, {}, "adds a new case file"},
      {"import", ActionFiles::new_cases, {}, {}, "adds new case files"},
      // apply_triage
      {"triage", ActionFiles::one_case, {"triage"}, {}, "the case's triage"},
      // apply_note
      {"note", ActionFiles::one_case, {"chronology"}, {}, "the case's chronology"},
      // apply_assessment
      {"assess", ActionFiles::one_case, {"assessments"}, {}, "the case's assessments"},
      {"panel-new", ActionFiles::new_meeting, {}, {}, "adds one meeting file"},
      {"panel-attend", ActionFiles::one_meeting, {}, {}, "one meeting file"},
      {"panel-agenda", ActionFiles::one_meeting, {}, {}, "one meeting file"},
      // apply_decision
      {"panel-decide", ActionFiles::one_case, {"panel"}, {}, "the case's panel decisions"},
      // apply_consent: declined or withdrawn closes the case and its open actions
      {"panel-consent", ActionFiles::one_case, {"consent", "closure", "support_plan"}, {},
       "the case's consent, closure and support plan"},
      // add_support_action, close_support_action
      {"panel-action", ActionFiles::one_case, {"support_plan"}, {}, "the case's support plan"},
      // apply_review: a closure closes the open actions; a reopening moves
      // the episode into `previous`
      {"review-record", ActionFiles::one_case, {"reviews", "closure", "support_plan", "consent", "previous"}, {},
       "the case's reviews, closure, support plan, consent and previous episodes"},
      // apply_correction (correctable fields only) and rule 10's links
      {"correct",
       ActionFiles::one_case,
       {"referral", "triage", "assessments", "panel", "consent", "support_plan", "chronology", "reviews", "closure",
        "related", "corrections"},
       "corrections",
       "the fields its corrections entry names"},
      // `prevent edit`: the same correction, made from an edited record
      // (record_edit.cpp, casework/edit.cpp); `edit --meeting`: one meeting
      // file, with one more corrections entry (history_check.cpp)
      {"edit",
       ActionFiles::case_or_meeting,
       {"referral", "triage", "assessments", "panel", "consent", "support_plan", "chronology", "reviews", "closure",
        "related", "corrections"},
       "corrections",
       "the fields its corrections entry names"},
      // apply_void: the entry moves into `voided`; what it had closed or
      // reopened is undone
      {"void",
       ActionFiles::one_case,
       {"triage", "assessments", "panel", "consent", "support_plan", "chronology", "reviews", "closure", "previous",
        "voided"},
       "voided",
       "the entry it voids"},
      // casework/links.cpp (issue 17): `related`, with a corrections entry
      // naming it, in the record of each case changed
      {"link", ActionFiles::linked_cases, {"related", "corrections"}, "corrections", "the cases' related cases"},
      {"unlink", ActionFiles::linked_cases, {"related", "corrections"}, "corrections", "the cases' related cases"},
      // casework/erase.cpp (issue 18): each case's (P) values become
      // `[erased]` and it gains `erasure`; nothing else
      {"erase", ActionFiles::erased_cases, {"erasure"}, {}, "the cases' personal data and erasure"},
      {"upgrade", ActionFiles::schemas, {}, {}, "the store's schemas/"},
      // cmd/report.cpp: an FOI answer into the release register
      {"report", ActionFiles::new_release, {}, {}, "adds one release to releases/"},
      // casework/foi_requests.cpp: an FOI request recorded, one closed
      {"foi-new", ActionFiles::new_foi, {}, {}, "adds one file to foi/"},
      {"foi-close", ActionFiles::one_foi, {}, {}, "one file of foi/ that was there before"},
      // casework/keys.cpp (issue 18): who can unlock an encrypted store
      {"keys-add", ActionFiles::keys, {}, {}, "keys/recipients.yaml"},
      {"keys-remove", ActionFiles::keys, {}, {}, "keys/recipients.yaml"},
      // cmd/purge.cpp (issue 18): the record of a rewrite of the history
      {"purge-plaintext", ActionFiles::new_purge, {}, {}, "adds one file to purges/"},
      // casework/encrypt.cpp (issue 18): a plain store made encrypted;
      // each case's plain (P) values sealed (and the age at referral kept
      // in clear beside its date of birth), each meeting's correction
      // reasons sealed, keys/recipients.yaml added
      {"encrypt", ActionFiles::sealed_cases, {}, {},
       "keys/recipients.yaml and the cases' and meetings' personal data, sealed"},
      // store/sync.cpp: a merge, recomputed by check from its parents
      {"sync", ActionFiles::merge, {}, {}, "a merge"},
      // casework/resolve.cpp: a conflict a merge left, settled: the value
      // put in place, the conflict taken out of the record's list
      {"resolve", ActionFiles::resolved, {}, {}, "one case's or meeting's file that was there, settling a conflict"},
  };
  return scopes;
}

const ActionScope* action_scope(std::string_view action) {
  for (const auto& s : action_scopes())
    if (s.action == action) return &s;
  return nullptr;
}

namespace {

// `panel[1].method` → `panel`.
std::string_view scope_top_key(std::string_view field) {
  return field.substr(0, std::min(field.find('.'), field.find('[')));
}

// `panel[1].method` → `panel.1.method`: how a corrections entry names it.
std::string scope_dotted(std::string_view field) {
  std::string out;
  for (char ch : field) {
    if (ch == '[') out += '.';
    else if (ch != ']') out += ch;
  }
  return out;
}

size_t list_size(const Case& c, std::string_view list) {
  if (list == "corrections") return c.corrections.size();
  if (list == "voided") return c.voided.size();
  return 0;
}

}  // namespace

OutsideScope case_change_outside(const ActionScope& scope, const Case& before, const Case& after) {
  OutsideScope out;
  const std::vector<FieldChange> changes = diff_cases(&before, &after, ShowPersonal::no);
  if (scope.files == ActionFiles::erased_cases) {
    // erase: personal values (to `[erased]`) and the new erasure section;
    // the age at referral, which erase_personal keeps in clear beside a
    // date of birth that was not sealed.
    for (const auto& c : changes)
      if (!c.personal && scope_top_key(c.field) != "erasure" && c.field != "referral.subject.age_at_referral")
        out.fields.push_back(c.field);
    if (before.erasure) out.why = "the case was erased before";
    else if (!after.erasure) out.why = "it did not add the case's erasure";
    return out;
  }
  if (scope.files == ActionFiles::sealed_cases) {
    // encrypt: plain (P) values sealed, and the age at referral seal_personal
    // keeps in clear beside a sealed date of birth; nothing else. Without
    // the key, that each sealed value is the plain one it replaced cannot
    // be told here (docs/encryption.md).
    for (const auto& c : changes)
      if (!c.personal && c.field != "referral.subject.age_at_referral") out.fields.push_back(c.field);
    if (has_sealed_values(before)) out.why = "the case had sealed values before";
    else if (has_plain_values(after)) out.why = "it left personal data in plain text";
    return out;
  }
  for (const auto& c : changes) {
    std::string_view top = scope_top_key(c.field);
    if (std::find(scope.parts.begin(), scope.parts.end(), top) == scope.parts.end()) out.fields.push_back(c.field);
  }
  if (!out.fields.empty() || scope.adds.empty()) return out;

  // The entry the action records about itself: one more, the others as
  // they were.
  if (list_size(after, scope.adds) != list_size(before, scope.adds) + 1) {
    out.why = fmt::format("it did not add one {} entry", scope.adds);
    return out;
  }
  const std::string earlier = fmt::format("{}[", scope.adds);
  const std::string added = fmt::format("{}[{}]", scope.adds, list_size(after, scope.adds));
  for (const auto& c : changes)
    if (c.field.starts_with(earlier) && !c.field.starts_with(added)) out.fields.push_back(c.field);
  if (!out.fields.empty() || scope.adds != "corrections") return out;

  // `correct`: every field changed is one `correct` can change, and the new
  // corrections entry names it (rule 10's new links as `related`).
  const std::vector<std::string>& named = after.corrections.back().fields;
  for (const auto& c : changes) {
    if (c.field.starts_with(earlier)) continue;
    const std::string name = scope_top_key(c.field) == "related" ? std::string("related") : scope_dotted(c.field);
    const bool listed = std::find(named.begin(), named.end(), name) != named.end();
    if (!listed || (name != "related" && !is_correctable_field(name))) out.fields.push_back(c.field);
  }
  if (!out.fields.empty()) out.why = "a field its corrections entry does not name, or one `correct` cannot change";
  return out;
}

OutsideScope meeting_change_outside(const Meeting& before, const Meeting& after) {
  OutsideScope out;
  if (after.date != before.date) out.fields.push_back("date");
  if (after.attendees.size() != before.attendees.size()) out.fields.push_back("attendees");
  if (after.apologies.size() != before.apologies.size()) out.fields.push_back("apologies");
  if (!out.fields.empty()) return out;
  if (after.corrections.size() != before.corrections.size() + 1) {
    out.why = "it did not add one corrections entry";
    return out;
  }
  Meeting a = before, b = after;
  b.corrections.pop_back();
  {
    const std::vector<std::string>& named = after.corrections.back().fields;
    const YNode na = parse_yaml(write_meeting(a), "meeting"), nb = parse_yaml(write_meeting(b), "meeting");
    for (const auto& c : diff_meetings(&na, &nb, ShowPersonal::no)) {
      const std::string name = scope_dotted(c.field);
      const std::string_view top = scope_top_key(c.field);
      const bool text = name.ends_with(".role") || name.ends_with(".agency") ||
                        (top == "attendees" && name.ends_with(".police"));
      const bool correctable = (top == "chair" || top == "attendees" || top == "apologies") && text;
      if (!correctable || std::find(named.begin(), named.end(), name) == named.end()) out.fields.push_back(c.field);
    }
  }
  if (!out.fields.empty()) out.why = "a field its corrections entry does not name, or one edit cannot change";
  return out;
}

OutsideScope meeting_sealing_outside(const Meeting& before, const Meeting& after) {
  OutsideScope out;
  const YNode na = parse_yaml(write_meeting(before), "meeting"), nb = parse_yaml(write_meeting(after), "meeting");
  for (const auto& c : diff_meetings(&na, &nb, ShowPersonal::no))
    if (!c.personal) out.fields.push_back(c.field);
  if (has_sealed_values(before)) out.why = "the meeting had sealed values before";
  else if (has_plain_values(after)) out.why = "it left personal data in plain text";
  return out;
}

}  // namespace prevent

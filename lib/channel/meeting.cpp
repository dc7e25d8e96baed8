#include "meeting.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "failure.hpp"
#include "schema.hpp"

namespace prevent {

bool Meeting::police_present() const {
  for (const auto& a : attendees)
    if (a.police) return true;
  return false;
}

namespace {

std::string folded(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

bool listed_in(const std::vector<Member>& list, const Member& who) {
  for (const auto& x : list)
    if (same_member(x, who)) return true;
  return false;
}

}  // namespace

bool same_member(const Member& a, const Member& b) {
  return folded(a.role) == folded(b.role) && folded(a.agency) == folded(b.agency);
}

bool is_chair(const Meeting& m, const Member& who) { return same_member(m.chair, who); }

Presence presence_of(const Meeting& m, const Member& who) {
  if (is_chair(m, who)) return Presence::attending;
  for (const auto& a : m.attendees)
    if (same_member(a, who)) return a.police ? Presence::police : Presence::attending;
  if (listed_in(m.apologies, who)) return Presence::apology;
  return Presence::not_listed;
}

bool set_presence(Meeting& m, const Member& who, Presence to) {
  auto is_who = [&](const Member& x) { return same_member(x, who); };
  const auto listed = std::count_if(m.attendees.begin(), m.attendees.end(), is_who) +
                      std::count_if(m.apologies.begin(), m.apologies.end(), is_who);
  if (presence_of(m, who) == to && listed <= 1) return false;
  // The entry keeps the text it was recorded with; a new one takes it as given.
  Member entry{who.role, who.agency, false};
  auto first_attendee = std::find_if(m.attendees.begin(), m.attendees.end(), is_who);
  auto first_apology = std::find_if(m.apologies.begin(), m.apologies.end(), is_who);
  if (first_attendee != m.attendees.end())
    entry = Member{first_attendee->role, first_attendee->agency, false};
  else if (first_apology != m.apologies.end())
    entry = Member{first_apology->role, first_apology->agency, false};
  entry.police = to == Presence::police;
  const bool attends = to == Presence::attending || to == Presence::police;
  // An attendee who stays one (the police marking changes) keeps their place.
  const bool stays = attends && first_attendee != m.attendees.end();
  const auto place = first_attendee - m.attendees.begin();
  std::vector<Member> attendees;
  for (auto i = m.attendees.begin(); i != m.attendees.end(); ++i) {
    if (stays && i - m.attendees.begin() == place)
      attendees.push_back(entry);
    else if (!is_who(*i))
      attendees.push_back(*i);
  }
  std::erase_if(m.apologies, is_who);
  m.attendees = std::move(attendees);
  if (attends && !stays) m.attendees.push_back(entry);
  if (to == Presence::apology) m.apologies.push_back(entry);
  return true;
}

std::string meeting_path(Date date) { return fmt::format("panels/{}.yaml", date.str()); }

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

YNode member_node(const Member& m, bool with_police) {
  YNode n = YNode::map();
  n.add("role", YNode::text(m.role));
  n.add("agency", YNode::text(m.agency));
  if (with_police && m.police) n.add("police", YNode::plain("true"));
  return n;
}

Member member_from(const YNode& n) {
  Member m{n.find("role")->value, n.find("agency")->value, false};
  if (const YNode* p = n.find("police")) m.police = p->value == "true";
  return m;
}

}  // namespace

Member parse_member(std::string_view text, std::string_view option) {
  auto at = text.rfind('@');
  if (at == std::string_view::npos || trim(text.substr(0, at)).empty() || trim(text.substr(at + 1)).empty())
    fail(Exit::invalid_data, fmt::format("{}: expected ROLE@AGENCY, e.g. \"Detective Sergeant@Counter Terrorism "
                                         "Policing North West\" (command line)",
                                         option));
  return Member{trim(text.substr(0, at)), trim(text.substr(at + 1)), false};
}

std::string write_meeting(const Meeting& m) {
  YNode root = YNode::map();
  root.add("date", YNode::plain(m.date.str()));
  root.add("chair", member_node(m.chair, false));
  auto members = [&](const char* key, const std::vector<Member>& list, bool police) {
    if (list.empty()) return;
    YNode seq = YNode::seq();
    for (const auto& x : list) seq.push(member_node(x, police));
    root.add(key, std::move(seq));
  };
  members("attendees", m.attendees, true);
  members("apologies", m.apologies, false);
  if (!m.declarations.empty()) {
    YNode seq = YNode::seq();
    for (const auto& d : m.declarations) {
      YNode n = YNode::map();
      n.add("role", YNode::text(d.role));
      n.add("agency", YNode::text(d.agency));
      n.add("case", YNode::text(d.case_id));
      seq.push(std::move(n));
    }
    root.add("declarations", std::move(seq));
  }
  if (!m.agenda.empty()) {
    YNode seq = YNode::seq();
    for (const auto& a : m.agenda) {
      YNode n = YNode::map();
      n.add("case", YNode::text(a.case_id));
      n.add("item", YNode::text(a.item));
      if (a.by_hand) n.add("by_hand", YNode::plain("true"));
      seq.push(std::move(n));
    }
    root.add("agenda", std::move(seq));
  }
  if (!m.corrections.empty()) {
    YNode seq = YNode::seq();
    for (const auto& c : m.corrections) {
      YNode n = YNode::map();
      n.add("date", YNode::plain(c.date.str()));
      YNode fields = YNode::seq();
      for (const auto& f : c.fields) fields.push(YNode::text(f));
      n.add("fields", std::move(fields));
      // Sealed (encrypted store): written as it was read.
      n.add("reason", YNode::text(c.reason.is_plain() ? c.reason.reveal() : c.reason.sealed_text()));
      seq.push(std::move(n));
    }
    root.add("corrections", std::move(seq));
  }
  return std::string(kMeetingSchemaComment) + emit_yaml(root);
}

Meeting read_meeting(std::string_view text, const std::string& where) {
  YNode root = parse_yaml(text, where);
  validate_against_schema(root, SchemaKind::meeting, where);
  Meeting m;
  const YNode* date = root.find("date");
  auto d = Date::parse(date->value);
  if (!d) fail(Exit::invalid_data, fmt::format("date: {} ({}:{})", kDateForm, where, date->line));
  m.date = *d;
  m.chair = member_from(*root.find("chair"));
  if (const YNode* s = root.find("attendees"))
    for (const auto& n : s->items) m.attendees.push_back(member_from(n));
  if (const YNode* s = root.find("apologies"))
    for (const auto& n : s->items) m.apologies.push_back(member_from(n));
  if (const YNode* s = root.find("declarations"))
    for (const auto& n : s->items)
      m.declarations.push_back({n.find("role")->value, n.find("agency")->value, n.find("case")->value});
  if (const YNode* s = root.find("agenda"))
    for (const auto& n : s->items) {
      const YNode* by_hand = n.find("by_hand");
      m.agenda.push_back({n.find("case")->value, n.find("item")->value, by_hand && by_hand->value == "true"});
    }
  if (const YNode* s = root.find("corrections"))
    for (const auto& n : s->items) {
      const YNode* on = n.find("date");
      auto when = Date::parse(on->value);
      if (!when) fail(Exit::invalid_data, fmt::format("corrections.date: {} ({}:{})", kDateForm, where, on->line));
      const std::string& reason = n.find("reason")->value;
      Correction c{*when, {}, crypto::is_sealed(reason) ? PersonalText::sealed(reason) : PersonalText(reason)};
      for (const auto& f : n.find("fields")->items) c.fields.push_back(f.value);
      m.corrections.push_back(std::move(c));
    }
  return m;
}

// ---------------------------------------------------------------------------
// Sealed values.

namespace {

constexpr std::string_view kReasonField = "corrections.reason";

std::string meeting_value_ad(const MeetingKeys& keys, const Meeting& m, std::string_view field) {
  return crypto::associated_data({"prevent-meeting-value-v1", keys.store_id, meeting_path(m.date), field});
}

}  // namespace

void seal_meeting_personal(Meeting& m, const MeetingKeys& keys) {
  if (keys.store_id.empty()) return;
  for (auto& c : m.corrections) {
    if (!c.reason.is_plain() || c.reason.reveal().empty()) continue;
    if (!keys.store_key)
      fail(Exit::store,
           fmt::format("meeting {}: this store is encrypted, and recording personal data ({}) needs its key ({})",
                       m.date.str(), kReasonField, meeting_path(m.date)),
           std::string(kNeedsKeyHint));
    c.reason = PersonalText::sealed(crypto::seal(*keys.store_key, meeting_value_ad(keys, m, kReasonField),
                                                 c.reason.reveal()));
  }
}

void open_meeting_personal(Meeting& m, const MeetingKeys& keys, const std::string& where) {
  if (keys.store_id.empty() || !keys.store_key) return;
  for (auto& c : m.corrections) {
    if (!c.reason.is_sealed()) continue;
    auto text = crypto::open(*keys.store_key, meeting_value_ad(keys, m, kReasonField), c.reason.sealed_text());
    if (!text)
      fail(Exit::store,
           fmt::format("meeting {}: a sealed value ({}) does not open with the store's key: it was changed, or "
                       "moved from another meeting or field ({})",
                       m.date.str(), kReasonField, where),
           "`prevent check` lists such values; the history shows when it changed (`git log -p`)");
    c.reason = PersonalText(std::move(*text));
  }
}

bool has_sealed_values(const Meeting& m) {
  return std::any_of(m.corrections.begin(), m.corrections.end(),
                     [](const Correction& c) { return c.reason.is_sealed(); });
}

bool has_plain_values(const Meeting& m) {
  return std::any_of(m.corrections.begin(), m.corrections.end(),
                     [](const Correction& c) { return c.reason.is_plain() && !c.reason.reveal().empty(); });
}

void mask_sealed(Meeting& m) {
  for (auto& c : m.corrections)
    if (c.reason.is_sealed()) c.reason = PersonalText::sealed(std::string(kEncryptedShown));
}

}  // namespace prevent

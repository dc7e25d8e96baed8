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
  if (!m.conflicts.empty()) {
    auto side = [](const ConflictSide& s) {
      YNode n = YNode::map();
      n.add("by", YNode::text(s.by));
      n.add("date", YNode::plain(s.date.str()));
      if (s.value) n.add("value", YNode::text(*s.value));
      // Sealed (encrypted store): written as it was read.
      if (!s.personal_value.is_plain())
        n.add("personal_value", YNode::text(s.personal_value.sealed_text()));
      else if (s.personal_value.reveal())
        n.add("personal_value", YNode::text(*s.personal_value.reveal()));
      return n;
    };
    YNode seq = YNode::seq();
    for (const auto& k : m.conflicts) {
      YNode n = YNode::map();
      n.add("field", YNode::text(k.field));
      n.add("ours", side(k.ours));
      n.add("theirs", side(k.theirs));
      seq.push(std::move(n));
    }
    root.add("conflicts", std::move(seq));
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
  if (const YNode* s = root.find("conflicts"))
    for (const auto& n : s->items) {
      auto side = [&](const YNode& x, const char* key) {
        const YNode* on = x.find("date");
        auto when = Date::parse(on->value);
        if (!when)
          fail(Exit::invalid_data, fmt::format("conflicts.{}.date: {} ({}:{})", key, kDateForm, where, on->line));
        ConflictSide out{x.find("by")->value, *when, std::nullopt, PersonalNote()};
        if (const YNode* v = x.find("value")) out.value = v->value;
        if (const YNode* v = x.find("personal_value"))
          out.personal_value = crypto::is_sealed(v->value) ? PersonalNote::sealed(v->value)
                                                           : PersonalNote(std::optional<std::string>(v->value));
        return out;
      };
      m.conflicts.push_back({n.find("field")->value, side(*n.find("ours"), "ours"), side(*n.find("theirs"), "theirs")});
    }
  return m;
}

// ---------------------------------------------------------------------------
// Sealed values.

namespace {

constexpr std::string_view kReasonField = "corrections.reason";
constexpr std::string_view kConflictField = "conflicts.personal_value";

// Each (P) value of a meeting with the name its sealing gives its field.
template <class M, class F>
void each_meeting_value(M& m, F&& f) {
  for (auto& c : m.corrections) f(c.reason, kReasonField);
  for (auto& k : m.conflicts) {
    f(k.ours.personal_value, kConflictField);
    f(k.theirs.personal_value, kConflictField);
  }
}

// Whether a (P) value holds plain text to seal.
bool plain_text(const PersonalText& v) { return v.is_plain() && !v.reveal().empty(); }
bool plain_text(const PersonalNote& v) { return v.is_plain() && v.reveal().has_value(); }
const std::string& text_of(const PersonalText& v) { return v.reveal(); }
const std::string& text_of(const PersonalNote& v) { return *v.reveal(); }

std::string meeting_value_ad(const MeetingKeys& keys, const Meeting& m, std::string_view field) {
  return crypto::associated_data({"prevent-meeting-value-v1", keys.store_id, meeting_path(m.date), field});
}

}  // namespace

void seal_meeting_personal(Meeting& m, const MeetingKeys& keys) {
  if (keys.store_id.empty()) return;
  each_meeting_value(m, [&](auto& value, std::string_view field) {
    using V = std::remove_cvref_t<decltype(value)>;
    if (!plain_text(value)) return;
    if (!keys.store_key)
      fail(Exit::store,
           fmt::format("meeting {}: this store is encrypted, and recording personal data ({}) needs its key ({})",
                       m.date.str(), field, meeting_path(m.date)),
           std::string(kNeedsKeyHint));
    value = V::sealed(crypto::seal(*keys.store_key, meeting_value_ad(keys, m, field), text_of(value)));
  });
}

void open_meeting_personal(Meeting& m, const MeetingKeys& keys, const std::string& where) {
  if (keys.store_id.empty() || !keys.store_key) return;
  each_meeting_value(m, [&](auto& value, std::string_view field) {
    using V = std::remove_cvref_t<decltype(value)>;
    if (!value.is_sealed()) return;
    auto text = crypto::open(*keys.store_key, meeting_value_ad(keys, m, field), value.sealed_text());
    if (!text)
      fail(Exit::store,
           fmt::format("meeting {}: a sealed value ({}) does not open with the store's key: it was changed, or "
                       "moved from another meeting or field ({})",
                       m.date.str(), field, where),
           "`prevent check` lists such values; the history shows when it changed (`git log -p`)");
    value = V(std::move(*text));
  });
}

bool has_sealed_values(const Meeting& m) {
  bool any = false;
  each_meeting_value(m, [&](const auto& value, std::string_view) { any = any || value.is_sealed(); });
  return any;
}

bool has_plain_values(const Meeting& m) {
  bool any = false;
  each_meeting_value(m, [&](const auto& value, std::string_view) { any = any || plain_text(value); });
  return any;
}

void mask_sealed(Meeting& m) {
  each_meeting_value(m, [&](auto& value, std::string_view) {
    using V = std::remove_cvref_t<decltype(value)>;
    if (value.is_sealed()) value = V::sealed(std::string(kEncryptedShown));
  });
}

}  // namespace prevent

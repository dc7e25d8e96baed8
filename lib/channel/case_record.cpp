// Reading and writing a case record. This is the one module that reads and
// writes the (P) fields of SPEC §3 (see personal_data.hpp).
#include "case_record.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "failure.hpp"
#include "schema.hpp"
#include "text.hpp"

namespace prevent {

// ---------------------------------------------------------------------------
// Writing

namespace {

YNode date_node(Date d) { return YNode::plain(d.str()); }

void add_text(YNode& map, const char* key, const std::string& v) { map.add(key, YNode::text(v)); }

template <KeyedEnum E>
void add_key(YNode& map, const char* key, E v) {
  map.add(key, YNode::text(std::string(key_of(v))));
}

void add_opt_text(YNode& map, const char* key, const std::optional<std::string>& v) {
  if (v) map.add(key, YNode::text(*v));
}

void add_list(YNode& map, const char* key, const std::vector<std::string>& v) {
  if (v.empty()) return;
  YNode seq = YNode::seq();
  for (const auto& s : v) seq.push(YNode::text(s));
  map.add(key, std::move(seq));
}

YNode consent_node(const Consent& c) {
  YNode n = YNode::map();
  add_key(n, "status", c.status);
  add_key(n, "by", c.by);
  n.add("date", date_node(c.date));
  return n;
}

YNode actions_node(const std::vector<Action>& actions) {
  YNode seq = YNode::seq();
  for (const auto& a : actions) {
    YNode n = YNode::map();
    add_text(n, "id", a.id);
    add_text(n, "support", a.support);
    add_text(n, "provider", a.provider);
    n.add("added", date_node(a.added));
    n.add("due", date_node(a.due));
    add_key(n, "status", a.status);
    if (a.closed) n.add("closed", date_node(*a.closed));
    seq.push(std::move(n));
  }
  return seq;
}

YNode reviews_node(const std::vector<Review>& reviews) {
  YNode seq = YNode::seq();
  for (const auto& r : reviews) {
    YNode n = YNode::map();
    n.add("date", date_node(r.date));
    add_key(n, "kind", r.kind);
    if (r.meeting) n.add("meeting", date_node(*r.meeting));
    add_key(n, "outcome", r.outcome);
    add_opt_text(n, "notes", r.notes.reveal());
    seq.push(std::move(n));
  }
  return seq;
}

YNode closure_node(const Closure& c) {
  YNode n = YNode::map();
  n.add("date", date_node(c.date));
  add_key(n, "reason", c.reason);
  return n;
}

}  // namespace

YNode case_to_node(const Case& c) {
  YNode root = YNode::map();
  add_text(root, "id", c.id);

  const Referral& r = c.referral;
  YNode ref = YNode::map();
  ref.add("received", date_node(r.received));
  add_text(ref, "route", r.route);
  add_opt_text(ref, "from_area", r.from_area);
  YNode source = YNode::map();
  add_text(source, "sector", r.sector);
  add_text(source, "agency", r.agency);
  add_text(source, "referrer_role", r.referrer_role);
  ref.add("source", std::move(source));
  YNode subject = YNode::map();
  add_text(subject, "name", r.subject.name.reveal());
  if (r.subject.date_of_birth.reveal()) subject.add("date_of_birth", date_node(*r.subject.date_of_birth.reveal()));
  add_text(subject, "gender", r.subject.gender);
  add_opt_text(subject, "postcode_district", r.subject.postcode_district.reveal());
  ref.add("subject", std::move(subject));
  YNode concern = YNode::map();
  add_text(concern, "type", r.concern_type);
  add_text(concern, "summary", r.concern_summary.reveal());
  ref.add("concern", std::move(concern));
  root.add("referral", std::move(ref));

  add_list(root, "related", c.related);

  if (c.triage) {
    const Triage& t = *c.triage;
    YNode n = YNode::map();
    n.add("completed", date_node(t.completed));
    add_key(n, "outcome", t.outcome);
    add_list(n, "signposted_to", t.signposted_to);
    if (t.section36) {
      YNode s = YNode::map();
      s.add("decided", date_node(t.section36->decided));
      add_text(s, "by", t.section36->by);
      n.add("section36", std::move(s));
    }
    add_opt_text(n, "rationale", t.rationale.reveal());
    root.add("triage", std::move(n));
  }

  if (!c.assessments.empty()) {
    YNode seq = YNode::seq();
    for (const auto& a : c.assessments) {
      YNode n = YNode::map();
      n.add("date", date_node(a.date));
      add_text(n, "framework", a.framework);
      add_text(n, "engagement", a.engagement);
      add_text(n, "intent", a.intent);
      add_text(n, "capability", a.capability);
      add_opt_text(n, "notes", a.notes.reveal());
      seq.push(std::move(n));
    }
    root.add("assessments", std::move(seq));
  }

  if (!c.panel.empty()) {
    YNode seq = YNode::seq();
    for (const auto& h : c.panel) {
      YNode n = YNode::map();
      n.add("meeting", date_node(h.meeting));
      add_key(n, "decision", h.decision);
      add_opt_text(n, "method", h.method);
      add_list(n, "signposted_to", h.signposted_to);
      add_opt_text(n, "rationale", h.rationale.reveal());
      seq.push(std::move(n));
    }
    root.add("panel", std::move(seq));
  }

  if (c.consent) root.add("consent", consent_node(*c.consent));
  if (!c.support_plan.empty()) root.add("support_plan", actions_node(c.support_plan));

  if (!c.chronology.empty()) {
    YNode seq = YNode::seq();
    for (const auto& e : c.chronology) {
      YNode n = YNode::map();
      n.add("date", date_node(e.date));
      add_text(n, "kind", e.kind);
      add_text(n, "with", e.with);
      add_opt_text(n, "text", e.text.reveal());
      seq.push(std::move(n));
    }
    root.add("chronology", std::move(seq));
  }

  if (!c.reviews.empty()) root.add("reviews", reviews_node(c.reviews));
  if (c.closure) root.add("closure", closure_node(*c.closure));

  if (!c.corrections.empty()) {
    YNode seq = YNode::seq();
    for (const auto& k : c.corrections) {
      YNode n = YNode::map();
      n.add("date", date_node(k.date));
      YNode fields = YNode::seq();
      for (const auto& f : k.fields) fields.push(YNode::text(f));
      n.add("fields", std::move(fields));
      add_text(n, "reason", k.reason.reveal());
      seq.push(std::move(n));
    }
    root.add("corrections", std::move(seq));
  }

  if (!c.previous.empty()) {
    YNode seq = YNode::seq();
    for (const auto& e : c.previous) {
      YNode n = YNode::map();
      if (e.consent) n.add("consent", consent_node(*e.consent));
      if (!e.support_plan.empty()) n.add("support_plan", actions_node(e.support_plan));
      if (!e.reviews.empty()) n.add("reviews", reviews_node(e.reviews));
      if (e.closure) n.add("closure", closure_node(*e.closure));
      if (e.reopened) n.add("reopened", date_node(*e.reopened));
      seq.push(std::move(n));
    }
    root.add("previous", std::move(seq));
  }
  return root;
}

std::string write_case(const Case& c) { return std::string(kCaseSchemaComment) + emit_yaml(case_to_node(c)); }

// ---------------------------------------------------------------------------
// Reading. The tree has passed the schema: keys, types and required fields
// are as expected; what remains is turning text into dates.

namespace {

class Reader {
 public:
  explicit Reader(const std::string& where) : where_(where) {}

  Date date(const YNode& map, const char* key, const std::string& path) const {
    const YNode* n = map.find(key);
    auto d = Date::parse(n->value);
    if (!d)
      fail(Exit::invalid_data, fmt::format("{}.{}: not a real date in YYYY-MM-DD form ({}:{})", path, key,
                                           where_, n->line));
    return *d;
  }

  std::optional<Date> opt_date(const YNode& map, const char* key, const std::string& path) const {
    const YNode* n = map.find(key);
    if (!n || n->is_null()) return std::nullopt;
    return date(map, key, path);
  }

  static std::string text(const YNode& map, const char* key) { return map.find(key)->value; }

  // A fixed list's value; the schema has checked the key is one of them.
  template <KeyedEnum E>
  E key(const YNode& map, const char* key, const std::string& path) const {
    const YNode* n = map.find(key);
    auto v = key_to<E>(n->value);
    if (!v)
      fail(Exit::invalid_data, fmt::format("{}.{}: not one of the allowed values ({}:{})", path, key, where_, n->line));
    return *v;
  }

  static std::optional<std::string> opt_text(const YNode& map, const char* key) {
    const YNode* n = map.find(key);
    if (!n || n->is_null()) return std::nullopt;
    return n->value;
  }

  static std::vector<std::string> list(const YNode& map, const char* key) {
    std::vector<std::string> out;
    if (const YNode* n = map.find(key); n && n->is_seq())
      for (const auto& item : n->items) out.push_back(item.value);
    return out;
  }

  Consent consent(const YNode& n, const std::string& path) const {
    return Consent{key<ConsentStatus>(n, "status", path), key<ConsentGiver>(n, "by", path), date(n, "date", path)};
  }

  std::vector<Action> actions(const YNode* seq, const std::string& path) const {
    std::vector<Action> out;
    if (!seq) return out;
    for (size_t i = 0; i < seq->items.size(); ++i) {
      const YNode& n = seq->items[i];
      auto p = fmt::format("{}[{}]", path, i + 1);
      out.push_back(Action{text(n, "id"), text(n, "support"), text(n, "provider"), date(n, "added", p),
                           date(n, "due", p), key<ActionStatus>(n, "status", p), opt_date(n, "closed", p)});
    }
    return out;
  }

  std::vector<Review> reviews(const YNode* seq, const std::string& path) const {
    std::vector<Review> out;
    if (!seq) return out;
    for (size_t i = 0; i < seq->items.size(); ++i) {
      const YNode& n = seq->items[i];
      auto p = fmt::format("{}[{}]", path, i + 1);
      out.push_back(Review{date(n, "date", p), key<ReviewKind>(n, "kind", p), opt_date(n, "meeting", p),
                           key<ReviewOutcome>(n, "outcome", p),
                           PersonalNote(opt_text(n, "notes"))});
    }
    return out;
  }

  Closure closure(const YNode& n, const std::string& path) const {
    return Closure{date(n, "date", path), key<ClosureReason>(n, "reason", path)};
  }

 private:
  const std::string& where_;
};

}  // namespace

Case case_from_node(const YNode& root, const std::string& where) {
  Reader rd(where);
  Case c;
  c.id = Reader::text(root, "id");

  const YNode& ref = *root.find("referral");
  Referral& r = c.referral;
  r.received = rd.date(ref, "received", "referral");
  r.route = Reader::text(ref, "route");
  r.from_area = Reader::opt_text(ref, "from_area");
  if (r.from_area && r.route != "transfer-in") {
    // A tree built by the program (a correction) has no lines to name.
    int line = ref.find("from_area")->line;
    fail(Exit::invalid_data, fmt::format("referral.from_area: only with route transfer-in ({})",
                                         line ? fmt::format("{}:{}", where, line) : where));
  }
  const YNode& source = *ref.find("source");
  r.sector = Reader::text(source, "sector");
  r.agency = Reader::text(source, "agency");
  r.referrer_role = Reader::text(source, "referrer_role");
  const YNode& subject = *ref.find("subject");
  r.subject.name = PersonalText(Reader::text(subject, "name"));
  r.subject.date_of_birth = PersonalDate(rd.opt_date(subject, "date_of_birth", "referral.subject"));
  r.subject.gender = Reader::text(subject, "gender");
  r.subject.postcode_district = Personal<std::optional<std::string>>(Reader::opt_text(subject, "postcode_district"));
  const YNode& concern = *ref.find("concern");
  r.concern_type = Reader::text(concern, "type");
  r.concern_summary = PersonalText(Reader::text(concern, "summary"));

  c.related = Reader::list(root, "related");

  if (const YNode* t = root.find("triage")) {
    Triage tr;
    tr.completed = rd.date(*t, "completed", "triage");
    tr.outcome = rd.key<TriageOutcome>(*t, "outcome", "triage");
    tr.signposted_to = Reader::list(*t, "signposted_to");
    if (const YNode* s = t->find("section36"))
      tr.section36 = Section36{rd.date(*s, "decided", "triage.section36"), Reader::text(*s, "by")};
    tr.rationale = PersonalNote(Reader::opt_text(*t, "rationale"));
    c.triage = std::move(tr);
  }

  if (const YNode* seq = root.find("assessments")) {
    for (size_t i = 0; i < seq->items.size(); ++i) {
      const YNode& n = seq->items[i];
      c.assessments.push_back(Assessment{rd.date(n, "date", fmt::format("assessments[{}]", i + 1)),
                                         Reader::text(n, "framework"), Reader::text(n, "engagement"),
                                         Reader::text(n, "intent"), Reader::text(n, "capability"),
                                         PersonalNote(Reader::opt_text(n, "notes"))});
    }
  }

  if (const YNode* seq = root.find("panel")) {
    for (size_t i = 0; i < seq->items.size(); ++i) {
      const YNode& n = seq->items[i];
      auto p = fmt::format("panel[{}]", i + 1);
      c.panel.push_back(Hearing{rd.date(n, "meeting", p), rd.key<PanelDecision>(n, "decision", p),
                                Reader::opt_text(n, "method"),
                                Reader::list(n, "signposted_to"), PersonalNote(Reader::opt_text(n, "rationale"))});
    }
  }

  if (const YNode* n = root.find("consent")) c.consent = rd.consent(*n, "consent");
  c.support_plan = rd.actions(root.find("support_plan"), "support_plan");

  if (const YNode* seq = root.find("chronology")) {
    for (size_t i = 0; i < seq->items.size(); ++i) {
      const YNode& n = seq->items[i];
      c.chronology.push_back(ChronologyEntry{rd.date(n, "date", fmt::format("chronology[{}]", i + 1)),
                                             Reader::text(n, "kind"), Reader::text(n, "with"),
                                             PersonalNote(Reader::opt_text(n, "text"))});
    }
  }

  c.reviews = rd.reviews(root.find("reviews"), "reviews");
  if (const YNode* n = root.find("closure")) c.closure = rd.closure(*n, "closure");

  if (const YNode* seq = root.find("corrections")) {
    for (size_t i = 0; i < seq->items.size(); ++i) {
      const YNode& n = seq->items[i];
      c.corrections.push_back(Correction{rd.date(n, "date", fmt::format("corrections[{}]", i + 1)),
                                         Reader::list(n, "fields"), PersonalText(Reader::text(n, "reason"))});
    }
  }

  if (const YNode* seq = root.find("previous")) {
    for (size_t i = 0; i < seq->items.size(); ++i) {
      const YNode& n = seq->items[i];
      auto p = fmt::format("previous[{}]", i + 1);
      Episode e;
      if (const YNode* k = n.find("consent")) e.consent = rd.consent(*k, p + ".consent");
      e.support_plan = rd.actions(n.find("support_plan"), p + ".support_plan");
      e.reviews = rd.reviews(n.find("reviews"), p + ".reviews");
      if (const YNode* k = n.find("closure")) e.closure = rd.closure(*k, p + ".closure");
      e.reopened = rd.opt_date(n, "reopened", p);
      c.previous.push_back(std::move(e));
    }
  }
  return c;
}

namespace {

YNode* find_mut(YNode& map, const std::string& key) {
  for (auto& [k, v] : map.entries)
    if (k == key) return &v;
  return nullptr;
}

bool same_node(const YNode& a, const YNode& b) {
  if (a.kind != b.kind || a.value != b.value || a.items.size() != b.items.size() ||
      a.entries.size() != b.entries.size())
    return false;
  for (size_t i = 0; i < a.items.size(); ++i)
    if (!same_node(a.items[i], b.items[i])) return false;
  for (size_t i = 0; i < a.entries.size(); ++i)
    if (a.entries[i].first != b.entries[i].first || !same_node(a.entries[i].second, b.entries[i].second))
      return false;
  return true;
}

}  // namespace

Case edit_case_fields(const Case& c, const std::vector<FieldEdit>& edits, std::vector<bool>& changed,
                      const std::string& where) {
  YNode root = case_to_node(c);
  changed.assign(edits.size(), false);
  for (size_t e = 0; e < edits.size(); ++e) {
    const auto& path = edits[e].path;
    std::string shown = fmt::format("{}", fmt::join(path, "."));
    YNode* node = &root;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      YNode* next = nullptr;
      if (node->is_map()) {
        next = find_mut(*node, path[i]);
      } else if (node->is_seq()) {
        const std::string& sel = path[i];
        bool number = !sel.empty() && sel.find_first_not_of("0123456789") == std::string::npos;
        if (number) {
          size_t pos = std::stoul(sel.substr(0, 6));
          if (pos >= 1 && pos <= node->items.size()) next = &node->items[pos - 1];
        } else {
          for (auto& item : node->items)
            if (const YNode* id = item.find("id"); id && id->value == sel) next = &item;
          if (!next)
            fail(Exit::not_found, fmt::format("{}: no such action in the support plan ({})", shown, where),
                 "`prevent show ID` lists the actions");
        }
      }
      if (!next)
        fail(Exit::invalid_data,
             fmt::format("{}: the record has no {} to correct ({})", shown,
                         fmt::join(path.begin(), path.begin() + static_cast<long>(i) + 1, "."), where));
      node = next;
    }
    if (!node->is_map())
      fail(Exit::invalid_data, fmt::format("{}: not a field of the record ({})", shown, where));
    const std::string& key = path.back();
    YNode* leaf = find_mut(*node, key);
    if (edits[e].value) {
      if (leaf) {
        changed[e] = !same_node(*leaf, *edits[e].value);
        *leaf = *edits[e].value;
      } else {
        changed[e] = true;
        node->add(key, *edits[e].value);
      }
    } else if (leaf) {
      changed[e] = true;
      std::erase_if(node->entries, [&](const auto& kv) { return kv.first == key; });
    }
  }
  validate_against_schema(root, SchemaKind::case_record, where);
  return case_from_node(root, where);
}

void check_case_vocabularies(const Case& c, const Config& cfg, const std::string& where) {
  require_in_vocabulary(cfg.sectors, c.referral.sector, "referral.source.sector", where);
  require_in_vocabulary(cfg.genders, c.referral.subject.gender, "referral.subject.gender", where);
  require_in_vocabulary(cfg.concern_types, c.referral.concern_type, "referral.concern.type", where);
  if (c.triage)
    for (const auto& s : c.triage->signposted_to)
      require_in_vocabulary(cfg.services, s, "triage.signposted_to", where);
  for (const auto& h : c.panel)
    for (const auto& s : h.signposted_to) require_in_vocabulary(cfg.services, s, "panel.signposted_to", where);
  for (const auto& a : c.support_plan) require_in_vocabulary(cfg.support_types, a.support, "support_plan.support", where);
  for (const auto& e : c.previous)
    for (const auto& a : e.support_plan)
      require_in_vocabulary(cfg.support_types, a.support, "previous.support_plan.support", where);
}

std::string case_path(const std::string& id, int year) { return fmt::format("cases/{}/{}.yaml", year, id); }

Case read_case(std::string_view text, const std::string& where, const Config& config) {
  YNode node = parse_yaml(text, where);
  validate_against_schema(node, SchemaKind::case_record, where);
  Case c = case_from_node(node, where);
  check_case_vocabularies(c, config, where);
  return c;
}

namespace {

// The (P) fields of SPEC §3, list positions left out. Everything under
// referral.subject is personal except gender, a reporting category.
constexpr std::string_view kPersonalFields[] = {
    "referral.subject.name",    "referral.subject.date_of_birth", "referral.subject.postcode_district",
    "referral.concern.summary", "triage.rationale",               "assessments.notes",
    "panel.rationale",          "chronology.text",                "reviews.notes",
    "corrections.reason",       "previous.reviews.notes",
};

}  // namespace

bool is_personal_field(std::string_view path) {
  std::string bare;
  bare.reserve(path.size());
  int depth = 0;
  for (char ch : path) {
    if (ch == '[') ++depth;
    else if (ch == ']') --depth;
    else if (depth == 0) bare += ch;
  }
  for (std::string_view p : kPersonalFields)
    if (bare == p || (bare.size() > p.size() && bare.starts_with(p) && bare[p.size()] == '.')) return true;
  return false;
}

std::optional<std::string> person_key(const Case& c) {
  const auto& dob = c.referral.subject.date_of_birth.reveal();
  if (!dob) return std::nullopt;
  return fold_case_and_space(c.referral.subject.name.reveal()) + "|" + dob->str();
}

std::optional<int> age_at_referral(const Case& c) {
  const auto& dob = c.referral.subject.date_of_birth.reveal();
  if (!dob) return std::nullopt;
  return age_on(*dob, c.referral.received);
}

void set_age_at_referral(Case& c, std::optional<int> age) {
  if (!age) {
    c.referral.subject.date_of_birth = PersonalDate();
    return;
  }
  // add_months clamps 29 February to the 28th, which keeps the age.
  c.referral.subject.date_of_birth = PersonalDate(c.referral.received.add_months(-12 * *age));
}

Case without_personal_data(const Case& c) {
  Case r = c;
  const auto age = age_at_referral(c);
  r.referral.subject.name = PersonalText();
  r.referral.subject.postcode_district = Personal<std::optional<std::string>>();
  r.referral.concern_summary = PersonalText();
  set_age_at_referral(r, age);
  if (r.triage) r.triage->rationale = PersonalNote();
  for (auto& a : r.assessments) a.notes = PersonalNote();
  for (auto& h : r.panel) h.rationale = PersonalNote();
  for (auto& e : r.chronology) e.text = PersonalNote();
  for (auto& v : r.reviews) v.notes = PersonalNote();
  for (auto& x : r.corrections) x.reason = PersonalText();
  for (auto& e : r.previous)
    for (auto& v : e.reviews) v.notes = PersonalNote();
  return r;
}

}  // namespace prevent

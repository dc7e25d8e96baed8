#include "links.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "rules.hpp"
#include "schema.hpp"
#include "void_entry.hpp"

namespace prevent {

namespace {

bool lists(const Case& c, const std::string& id) {
  return std::find(c.related.begin(), c.related.end(), id) != c.related.end();
}

// Whether `a` is the later referral of the two: received later, or on the
// same day with the higher ID (year, then number).
bool later(const Case& a, const Case& b) {
  auto key = [](const Case& c) {
    auto id = parse_case_id(c.id);
    return std::make_tuple(c.referral.received, id ? id->year : 0, id ? id->number : 0L, c.id);
  };
  return key(a) > key(b);
}

void not_itself(const CaseId& a, const CaseId& b) {
  if (a.str() == b.str()) refuse(rule::repeat_referrals_linked, "a case cannot be linked to itself", a.str());
}

void record(Case& c, Date as_of, const std::string& reason, const Store& store) {
  c.corrections.push_back(Correction{as_of, {"related"}, PersonalText(reason)});
  validate_against_schema(case_to_node(c), SchemaKind::case_record, "command line");
  RuleContext ctx{store.config(), as_of, [&](Date d) { return store.meeting(d); }};
  check_case_rules(c, ctx);
}

}  // namespace

std::string link_cases(Store& store, const CaseId& a, const CaseId& b, Date as_of, const std::string& reason) {
  auto lock = store.lock();
  Case ca = store.load_case(a), cb = store.load_case(b);
  not_itself(a, b);
  refuse_if_voided(ca);
  refuse_if_voided(cb);
  if (lists(ca, cb.id) || lists(cb, ca.id))
    refuse(rule::repeat_referrals_linked, fmt::format("{} and {} are already linked", ca.id, cb.id), ca.id,
           fmt::format("`prevent person {}` shows the linked referrals", ca.id));
  Case& to = later(ca, cb) ? ca : cb;
  const Case& from = later(ca, cb) ? cb : ca;
  to.related.push_back(from.id);
  std::sort(to.related.begin(), to.related.end());
  record(to, as_of, reason, store);
  store.commit({{case_path(to.id, to.referral.received.year()), store.case_text(to)}},
               commit_message("link", fmt::format("{} related {}", to.id, from.id), {to.id}, "link"), {&to});
  return to.id;
}

std::vector<std::string> unlink_cases(Store& store, const CaseId& a, const CaseId& b, Date as_of,
                                      const std::string& reason) {
  auto lock = store.lock();
  Case ca = store.load_case(a), cb = store.load_case(b);
  not_itself(a, b);
  if (!lists(ca, cb.id) && !lists(cb, ca.id))
    refuse(rule::repeat_referrals_linked, fmt::format("{} and {} are not linked", ca.id, cb.id), ca.id,
           fmt::format("`prevent person {}` shows the linked referrals", ca.id));
  std::vector<FileWrite> files;
  std::vector<const Case*> written;
  std::vector<std::string> ids;
  for (auto [c, other] : {std::pair{&ca, &cb}, std::pair{&cb, &ca}}) {
    if (!lists(*c, other->id)) continue;
    refuse_if_voided(*c);
    std::erase(c->related, other->id);
    record(*c, as_of, reason, store);
    files.push_back({case_path(c->id, c->referral.received.year()), store.case_text(*c)});
    written.push_back(c);
    ids.push_back(c->id);
  }
  store.commit(files, commit_message("unlink", fmt::format("{} {}", ca.id, cb.id), ids, "unlink"), written);
  return ids;
}

}  // namespace prevent

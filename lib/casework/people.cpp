#include "people.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "case_reader.hpp"
#include "people_reader.hpp"
#include "text.hpp"

namespace prevent {

namespace {

// A postcode district as compared: upper case, no spaces.
std::string district_key(std::string_view d) {
  std::string out;
  for (char ch : d) {
    if (ch == ' ' || ch == '\t') continue;
    out += (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
  }
  return out;
}

bool listed(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

FindResult find_cases(const Store& store, const FindQuery& q) {
  FindResult out;
  const std::optional<std::string> district = q.postcode_district ? std::optional(district_key(*q.postcode_district))
                                                                  : std::nullopt;
  auto read = for_each_case_with_personal_data(store, [&](const Case& c) {
    const Subject& s = c.referral.subject;
    if (q.date_of_birth && s.date_of_birth.reveal() != q.date_of_birth) return;
    if (district && (!s.postcode_district.reveal() || district_key(*s.postcode_district.reveal()) != *district)) return;
    NameMatch m = NameMatch::exact;
    if (q.name) {
      m = match_names(*q.name, s.name.reveal());
      if (m == NameMatch::none) return;
    }
    out.cases.push_back({c.id, stage_of(c, store.config()), c.referral.received, m, s.name});
  });
  out.unreadable = std::move(read.unreadable);
  std::stable_sort(out.cases.begin(), out.cases.end(), [](const FoundCase& a, const FoundCase& b) {
    if (a.match != b.match) return a.match > b.match;
    if (a.received != b.received) return a.received < b.received;
    return a.id < b.id;
  });
  return out;
}

std::vector<std::string> possible_matches(const Store& store, const NameIndex& names, const Case& c,
                                          const std::map<std::string, const Case*>& batch) {
  std::vector<std::string> out;
  const Subject& s = c.referral.subject;
  const std::string& name = s.name.reveal();
  const auto& dob = s.date_of_birth.reveal();
  for (const auto& id : names.candidates(similarity_blocks(name, dob), kBlocksShared)) {
    if (id == c.id || listed(c.related, id)) continue;
    std::optional<Case> held;
    const Case* other = nullptr;
    if (auto it = batch.find(id); it != batch.end()) {
      other = it->second;
    } else {
      auto cid = parse_case_id(id);
      if (!cid) continue;
      try {
        held = store.load_case(*cid);
      } catch (const Failure&) {
        continue;  // a record that does not read matches nothing (`check` reports it)
      }
      other = &*held;
    }
    if (listed(other->related, c.id) || is_voided_case(*other)) continue;
    const Subject& o = other->referral.subject;
    if (!names_alike_for_notice(name, o.name.reveal())) continue;
    if (!dates_of_birth_compatible(dob, o.date_of_birth.reveal())) continue;
    // Rule 10 links these itself (same name and date of birth).
    if (person_key(c) && person_key(c) == person_key(*other)) continue;
    out.push_back(id);
  }
  return out;
}

PersonCases person_cases(const Store& store, const CaseId& id) {
  PersonCases out;
  const Case first = store.load_case(id);
  // The links in both directions, from the records without personal data
  // (the cached whole-store read): `related` is not personal data.
  std::map<std::string, std::set<std::string>> links;
  auto read = for_each_case_without_personal_data(store, [&](const Case& c) {
    for (const auto& r : c.related) {
      if (r == c.id) continue;
      links[c.id].insert(r);
      links[r].insert(c.id);
    }
  });
  out.unreadable = std::move(read.unreadable);
  std::set<std::string> seen{first.id};
  std::vector<std::string> todo{first.id};
  while (!todo.empty()) {
    std::string at = todo.back();
    todo.pop_back();
    for (const auto& next : links[at])
      if (seen.insert(next).second) todo.push_back(next);
  }
  for (const auto& other : seen) {
    if (other == first.id) {
      out.cases.push_back(first);
      continue;
    }
    auto cid = parse_case_id(other);
    if (!cid || !store.find_case_file(*cid)) continue;  // a link to no case (`check` reports it)
    out.cases.push_back(store.load_case(*cid));
  }
  std::sort(out.cases.begin(), out.cases.end(), [](const Case& a, const Case& b) {
    if (a.referral.received != b.referral.received) return a.referral.received < b.referral.received;
    return a.id < b.id;
  });
  return out;
}

}  // namespace prevent

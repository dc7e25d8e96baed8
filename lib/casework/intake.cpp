#include "intake.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "csv.hpp"
#include "failure.hpp"
#include "people.hpp"
#include "person_index.hpp"
#include "rules.hpp"
#include "schema.hpp"

namespace prevent {

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> cols = {
      "id",   "received",      "route",  "from_area",         "sector",       "agency",          "referrer_role",
      "name", "date_of_birth", "gender", "postcode_district", "concern_type", "concern_summary"};
  return cols;
}

const std::vector<std::string>& csv_required_columns() {
  static const std::vector<std::string> cols = {"received", "route",  "sector",       "agency",         "referrer_role",
                                                "name",     "gender", "concern_type", "concern_summary"};
  return cols;
}

YNode referral_document(const std::map<std::string, std::string>& f, int line) {
  auto text = [&](const char* key) {
    YNode n = YNode::text(f.count(key) ? f.at(key) : std::string());
    n.line = line;
    return n;
  };
  auto has = [&](const char* key) { return f.count(key) && !f.at(key).empty(); };
  YNode doc = YNode::map();
  doc.line = line;
  if (has("id")) doc.add("id", text("id"));
  YNode ref = YNode::map();
  ref.line = line;
  // Required fields are always present, so a missing one is reported by the schema.
  ref.add("received", text("received"));
  ref.add("route", text("route"));
  if (has("from_area")) ref.add("from_area", text("from_area"));
  YNode source = YNode::map();
  source.line = line;
  source.add("sector", text("sector"));
  source.add("agency", text("agency"));
  source.add("referrer_role", text("referrer_role"));
  ref.add("source", std::move(source));
  YNode subject = YNode::map();
  subject.line = line;
  subject.add("name", text("name"));
  if (has("date_of_birth")) subject.add("date_of_birth", text("date_of_birth"));
  subject.add("gender", text("gender"));
  if (has("postcode_district")) subject.add("postcode_district", text("postcode_district"));
  ref.add("subject", std::move(subject));
  YNode concern = YNode::map();
  concern.line = line;
  concern.add("type", text("concern_type"));
  concern.add("summary", text("concern_summary"));
  ref.add("concern", std::move(concern));
  doc.add("referral", std::move(ref));
  return doc;
}

Incoming incoming_case(YNode doc, const std::string& file, int line) {
  Incoming in;
  in.line = line;
  in.where = file == "command line" ? file : fmt::format("{}:{}", file, line);
  const std::string& where = file;
  if (!doc.is_map()) fail(Exit::invalid_data, fmt::format("record: expected a case document ({})", where));
  in.has_id = doc.find("id") != nullptr;
  if (!in.has_id) {
    // The schema requires an ID; a new referral gets its real one when it is
    // recorded, so it is validated with a stand-in.
    YNode id = YNode::text("NEW-1900-0001");
    id.line = line;
    doc.entries.insert(doc.entries.begin(), {"id", std::move(id)});
  }
  validate_against_schema(doc, SchemaKind::case_record, where);
  in.record = case_from_node(doc, where);
  if (!in.has_id) in.record.id.clear();
  return in;
}

IntakeResult record_new_cases(Store& store, IntakeBatch batch, Date as_of, std::string_view action) {
  const Config& cfg = store.config();
  std::vector<Incoming>& cases = batch.records;
  std::vector<Failure>& problems = batch.problems;
  auto problem = [&](const Failure& f, const Incoming&) { problems.push_back(f); };

  // IDs: explicit ones must be well-formed for this store and free. The
  // IDs at HEAD are listed a year at a time, only for the years needed, so
  // a referral does not list every case of a large store.
  std::map<int, std::set<std::string>> listed;  // year → IDs at HEAD
  auto exists = [&](const std::string& id) {
    auto cid = parse_case_id(id);
    if (!cid) return false;
    auto it = listed.find(cid->year);
    if (it == listed.end()) {
      it = listed.emplace(cid->year, std::set<std::string>()).first;
      for (auto& name : store.case_names(cid->year)) it->second.insert(std::move(name));
    }
    return it->second.contains(id);
  };
  std::map<int, long> highest;  // year → highest number taken so far
  std::set<int> allocated;       // years whose store highest is in `highest`
  std::set<std::string> taken;
  for (auto& in : cases) {
    if (!in.has_id) continue;
    try {
      auto id = parse_case_id(in.record.id);
      if (!id || id->prefix != cfg.prefix || id->year != in.record.referral.received.year())
        fail(Exit::invalid_data,
             fmt::format("id: must be {}-YYYY-NNNN with YYYY the year the referral was received ({})", cfg.prefix,
                         in.where));
      if (taken.contains(in.record.id) || exists(in.record.id))
        fail(Exit::invalid_data, fmt::format("id: {} is already taken ({})", in.record.id, in.where));
      taken.insert(in.record.id);
      highest[id->year] = std::max(highest[id->year], id->number);
    } catch (const Failure& f) {
      problem(f, in);
    }
  }
  for (auto& in : cases) {
    if (in.has_id) continue;
    int year = in.record.referral.received.year();
    // One more than the highest of the year, in the store or given explicitly.
    if (!allocated.contains(year)) {
      highest[year] = std::max(highest[year], store.next_id(year).number - 1);
      allocated.insert(year);
    }
    in.record.id = CaseId{cfg.prefix, year, ++highest[year]}.str();
    while (taken.contains(in.record.id) || exists(in.record.id))
      in.record.id = CaseId{cfg.prefix, year, ++highest[year]}.str();
    taken.insert(in.record.id);
  }

  // Every rule on every record; a related ID must name a case. Checked
  // before the person index is read: a refused referral costs no index
  // build (which reads every record of a store that has none, as a fresh
  // clone), and what rule 10 links below is a case the index has read.
  for (auto& in : cases) {
    // A new record is named by where it came from: its ID does not exist yet.
    RuleContext ctx{cfg, as_of, [&](Date d) { return store.meeting(d); },
                    in.has_id ? std::string() : in.where};
    try {
      for (const auto& rel : in.record.related) {
        auto rid = parse_case_id(rel);
        if (!rid || (!taken.contains(rel) && !exists(rel)))
          fail(Exit::not_found, fmt::format("related: no such case {} ({})", rel, in.where));
      }
      check_case_vocabularies(in.record, cfg, in.where);
      check_case_rules(in.record, ctx);
    } catch (const Failure& f) {
      problem(f, in);
    }
  }
  if (!problems.empty()) {
    // One record, one problem: that problem, with its hint, is the message.
    if (problems.size() == 1 && batch.total == 1) throw problems.front();
    Exit worst = problems.front().code();
    std::vector<std::string> lines;
    for (const auto& f : problems) {
      lines.push_back(f.what());
      if (precedence(f.code()) < precedence(worst)) worst = f.code();
    }
    throw Failure(worst,
                  fmt::format("{}: {} of {} records refused; nothing was written", action, problems.size(),
                              batch.total),
                  lines);
  }

  // Rule 10: link repeat referrals of the same person, in input order.
  IntakeResult result;
  PersonIndex people = PersonIndex::load(store);
  for (auto& in : cases) {
    result.ids.push_back(in.record.id);
    if (auto key = person_key(in.record)) {
      auto found = people.matches(store, *key);
      std::erase(found, in.record.id);
      if (!found.empty()) {
        result.linked[in.record.id] = found;
        for (const auto& id : found)
          if (std::find(in.record.related.begin(), in.record.related.end(), id) == in.record.related.end())
            in.record.related.push_back(id);
      }
      people.add(in.record.id, *key);
    }
  }

  // Issue 17: cases of the same person rule 10 cannot see (a short form,
  // a typo), for a notice; nothing is linked.
  NameIndex names = NameIndex::load(store);
  std::map<std::string, const Case*> earlier;
  for (const auto& in : cases) {
    if (auto found = possible_matches(store, names, in.record, earlier); !found.empty())
      result.possible[in.record.id] = std::move(found);
    const Subject& s = in.record.referral.subject;
    names.add(in.record.id, similarity_blocks(s.name.reveal(), s.date_of_birth.reveal()));
    earlier[in.record.id] = &in.record;
  }

  std::vector<FileWrite> files;
  std::vector<const Case*> records;
  std::vector<std::string> ids;
  for (const auto& in : cases) {
    files.push_back({case_path(in.record.id, in.record.referral.received.year()), store.case_text(in.record)});
    records.push_back(&in.record);
    ids.push_back(in.record.id);
  }
  std::string tail = action == "refer" ? fmt::format("{} new referral", ids.front())
                                       : fmt::format("{} {} case{}", as_of.str(), ids.size(), ids.size() == 1 ? "" : "s");
  store.commit(files, commit_message(action, tail, ids, action), records);
  return result;
}

namespace {

// A header cell as an error names it: quoted when it looks like a column
// name, else by its position. A header that is really a data row (a file
// without one, or with a line break inside a quoted header cell) must not
// put a person's name or a line break into the message.
std::string column_name(const std::string& h, size_t index) {
  bool word = !h.empty() && h.size() <= 40 && std::all_of(h.begin(), h.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (word) return fmt::format("'{}'", h);
  return fmt::format("number {} (not a column name)", index + 1);
}

}  // namespace

IntakeBatch read_import(std::istream& in, const std::string& name, bool csv) {
  IntakeBatch batch;
  auto take = [&](auto&& build) {
    ++batch.total;
    try {
      batch.records.push_back(build());
    } catch (const Failure& f) {
      batch.problems.push_back(f);
    }
  };
  if (csv) {
    std::vector<std::string> header;
    read_csv(in, name, [&](std::vector<std::string>&& fields, int line) {
      if (header.empty()) {
        header = std::move(fields);
        std::set<std::string> seen;
        for (size_t i = 0; i < header.size(); ++i) {
          const auto& h = header[i];
          if (std::find(csv_columns().begin(), csv_columns().end(), h) == csv_columns().end())
            fail(Exit::invalid_data, fmt::format("unknown CSV column {} ({}:{})", column_name(h, i), name, line),
                 fmt::format("columns: {}", fmt::join(csv_columns(), ", ")));
          if (!seen.insert(h).second)
            fail(Exit::invalid_data, fmt::format("CSV column {} appears twice ({}:{})", column_name(h, i), name, line));
        }
        for (const auto& r : csv_required_columns())
          if (!seen.contains(r))
            fail(Exit::invalid_data, fmt::format("missing CSV column '{}' ({}:{})", r, name, line));
        return;
      }
      take([&] {
        if (fields.size() != header.size())
          fail(Exit::invalid_data,
               fmt::format("expected {} fields, found {} ({}:{})", header.size(), fields.size(), name, line));
        std::map<std::string, std::string> row;
        for (size_t i = 0; i < header.size(); ++i) row[header[i]] = fields[i];
        return incoming_case(referral_document(row, line), name, line);
      });
    });
    if (header.empty()) fail(Exit::invalid_data, fmt::format("the CSV file is empty ({})", name));
  } else {
    parse_yaml_stream(
        in, name, [&](YNode&& doc, int line) { take([&] { return incoming_case(std::move(doc), name, line); }); },
        [&](const Failure& f) {
          ++batch.total;
          batch.problems.push_back(f);
        });
  }
  if (batch.total == 0) fail(Exit::invalid_data, fmt::format("no records to import ({})", name));
  return batch;
}

}  // namespace prevent

#include "schema.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
// g++ 12 reports a false -Wrestrict inside valijson's json_pointer at -O3
// (GCC bug 105329); it is not in prevent's code. clang has no such warning.
#pragma GCC diagnostic push
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#pragma GCC diagnostic pop

#include "date.hpp"
#include "failure.hpp"
#include "text.hpp"
#include "schemas_embedded.hpp"

namespace prevent {

const std::vector<SchemaFile>& schema_files() {
  static const std::vector<SchemaFile> files = {
      {SchemaKind::case_record, "case.schema.json", embedded::case_schema},
      {SchemaKind::meeting, "meeting.schema.json", embedded::meeting_schema},
      {SchemaKind::config, "config.schema.json", embedded::config_schema},
      {SchemaKind::foi_request, "foi.schema.json", embedded::foi_schema},
  };
  return files;
}

const SchemaFile& schema_file(SchemaKind kind) {
  for (const auto& f : schema_files())
    if (f.kind == kind) return f;
  throw Failure(Exit::bug, "unknown schema");
}

namespace {

struct Compiled {
  nlohmann::json doc;
  valijson::Schema schema;
};

const Compiled& compiled(SchemaKind kind) {
  static std::mutex mu;
  static std::map<SchemaKind, std::unique_ptr<Compiled>> cache;
  std::lock_guard lock(mu);
  auto& slot = cache[kind];
  if (!slot) {
    slot = std::make_unique<Compiled>();
    slot->doc = nlohmann::json::parse(schema_file(kind).text);
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(slot->doc);
    parser.populateSchema(adapter, slot->schema);
  }
  return *slot;
}

nlohmann::json plain_json(const YNode& n) {
  switch (n.kind) {
    case YNode::Kind::null: return nullptr;
    case YNode::Kind::scalar: {
      auto j = to_json(n);  // one conversion rule for scalars
      if (j.is_boolean()) return j.get<bool>();
      if (j.is_number_integer()) return j.get<long long>();
      return j.get<std::string>();
    }
    case YNode::Kind::seq: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : n.items) arr.push_back(plain_json(item));
      return arr;
    }
    case YNode::Kind::map: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& [k, v] : n.entries) obj[k] = plain_json(v);
      return obj;
    }
  }
  return nullptr;
}

// valijson context entries look like "<root>", "[referral]", "[0]".
struct PathStep {
  std::string key;  // empty for an index
  size_t index = 0;
};

std::vector<PathStep> parse_context(const std::vector<std::string>& context) {
  std::vector<PathStep> steps;
  for (const auto& c : context) {
    if (c.size() < 3 || c.front() != '[' || c.back() != ']') continue;
    std::string inner = c.substr(1, c.size() - 2);
    if (!inner.empty() && inner.front() == '"' && inner.back() == '"' && inner.size() >= 2)
      inner = inner.substr(1, inner.size() - 2);
    bool digits = !inner.empty();
    for (char ch : inner) digits = digits && ch >= '0' && ch <= '9';
    PathStep s;
    if (digits)
      s.index = std::stoul(inner);
    else
      s.key = inner;
    steps.push_back(s);
  }
  return steps;
}

std::string dotted_path(const std::vector<PathStep>& steps) {
  std::string out;
  for (const auto& s : steps) {
    if (s.key.empty()) {
      out += fmt::format("[{}]", s.index + 1);
    } else {
      if (!out.empty()) out += '.';
      out += s.key;
    }
  }
  return out;
}

const YNode* walk(const YNode& root, const std::vector<PathStep>& steps) {
  const YNode* n = &root;
  for (const auto& s : steps) {
    const YNode* next = nullptr;
    if (s.key.empty() && n->is_seq() && s.index < n->items.size()) next = &n->items[s.index];
    if (!s.key.empty() && n->is_map()) next = n->find(s.key);
    if (!next) break;
    n = next;
  }
  return n;
}

// The schema object at a dotted instance path, following $ref, properties and items.
const nlohmann::json* schema_at(const nlohmann::json& doc, const std::vector<std::string>& keys) {
  const nlohmann::json* s = &doc;
  auto deref_once = [&](const nlohmann::json* node) {
    for (int guard = 0; guard < 8 && node && node->contains("$ref"); ++guard) {
      std::string ref = (*node)["$ref"].get<std::string>();
      if (ref.rfind("#/", 0) != 0) return node;
      try {
        node = &doc.at(nlohmann::json::json_pointer(ref.substr(1)));
      } catch (const nlohmann::json::exception&) {
        return static_cast<const nlohmann::json*>(nullptr);
      }
    }
    return node;
  };
  auto deref = [&](const nlohmann::json* node) {
    node = deref_once(node);
    // A value of more than one form (a consent history: a list, or the
    // one mapping of an older store) is described by its first form.
    if (node && node->contains("anyOf") && !node->contains("properties") && !node->contains("items")) {
      const auto& forms = (*node)["anyOf"];
      if (forms.is_array() && !forms.empty()) return deref_once(&forms[0]);
    }
    return node;
  };
  s = deref(s);
  for (const auto& key : keys) {
    if (!s) return nullptr;
    if (s->contains("items")) s = deref(&(*s)["items"]);
    if (!s || !s->contains("properties") || !(*s)["properties"].contains(key)) return nullptr;
    s = deref(&(*s)["properties"][key]);
  }
  if (s && s->contains("items") && !s->contains("enum")) s = deref(&(*s)["items"]);
  return s;
}

// The form a schema pattern asks for, in a coordinator's words with an
// example (the patterns of schemas/*.json); the generic words for any other.
std::string expected_form(const nlohmann::json* schema) {
  if (!schema || !schema->contains("pattern") || !(*schema)["pattern"].is_string())
    return "value is not in the expected form";
  const std::string pattern = (*schema)["pattern"].get<std::string>();
  static const std::vector<std::pair<std::string_view, std::string_view>> forms = {
      {"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", kDateForm},
      {"^[A-Z][A-Z0-9]{0,9}-[0-9]{4}-[0-9]{4,}$", "expected a case ID as PREFIX-YYYY-NNNN, e.g. PRV-2026-0014"},
      {"^[a-z0-9][a-z0-9-]*$", "expected a key: lower-case letters, digits and -, e.g. local-authority"},
      {"^[A-Z]{1,2}[0-9][0-9A-Z]?$", "expected a postcode district in capitals, e.g. SK4"},
      {"^A[1-9][0-9]*$", "expected an action ID as A and a number, e.g. A1"},
      {"^[A-Z][A-Z0-9]{0,9}$", "expected capital letters and digits, a letter first, e.g. PRV"},
      {"^([0-9]{4}-(0[1-9]|1[0-2])|[0-9]{4}-Q[1-4]|FY[0-9]{4})$", kPeriodForm},
      {"^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$", "expected a reference: letters, digits and - _ / . (up to 40), e.g. "
                                             "FOI-2026-0117"},
  };
  for (const auto& [p, words] : forms)
    if (pattern == p) return std::string(words);
  return "value is not in the expected form";
}

std::string describe(const std::string& description, const YNode* node) {
  // valijson's wording, turned into a coordinator's.
  if (description.find("Missing required property") != std::string::npos) {
    auto q1 = description.find('\'');
    auto q2 = description.rfind('\'');
    if (q1 != std::string::npos && q2 > q1)
      return fmt::format("required key '{}' is missing", description.substr(q1 + 1, q2 - q1 - 1));
    return "a required key is missing";
  }
  if (description.find("additionalProperties") != std::string::npos ||
      description.find("could not be validated") != std::string::npos)
    return "unknown key";
  if (description.find("enum") != std::string::npos) return "value is not one of the allowed values";
  if (description.find("type") != std::string::npos || description.find("Value type") != std::string::npos) {
    if (node && node->is_null()) return "a value is required";
    return "wrong type of value";
  }
  if (description.find("regex") != std::string::npos || description.find("pattern") != std::string::npos)
    return "value is not in the expected form";
  if (description.find("fewer than") != std::string::npos) return "must not be empty";
  if (description.find("more than") != std::string::npos) return "too many values or too long";
  // Any other wording of valijson's may quote a key of the input: not echoed.
  if (description.find('\'') != std::string::npos) return "not in the form the schema gives";
  return description;
}

}  // namespace

std::vector<std::string> schema_enum(SchemaKind kind, std::string_view dotted_path) {
  std::vector<std::string> keys;
  std::string cur;
  for (char c : dotted_path) {
    if (c == '.') {
      keys.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) keys.push_back(cur);
  std::vector<std::string> out;
  const nlohmann::json* s = schema_at(compiled(kind).doc, keys);
  if (s && s->contains("enum"))
    for (const auto& v : (*s)["enum"])
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

namespace {

// Text that came from the command line or a CSV cell has not been through
// the file reader's checks: every value written must be valid UTF-8
// without NUL bytes (SPEC §2.2).
void require_clean_text(const YNode& n, const std::string& path, const std::string& where) {
  auto bad = [](const std::string& s) { return s.find('\0') != std::string::npos || first_invalid_utf8(s); };
  if (n.is_scalar() && bad(n.value))
    fail(Exit::invalid_data, fmt::format("{}: not valid UTF-8 text ({}:{})", path.empty() ? "record" : path, where,
                                         n.line ? n.line : 1));
  for (size_t i = 0; i < n.items.size(); ++i) require_clean_text(n.items[i], fmt::format("{}[{}]", path, i + 1), where);
  for (const auto& [k, v] : n.entries) {
    if (bad(k)) fail(Exit::invalid_data, fmt::format("a key is not valid UTF-8 text ({}:{})", where, v.line ? v.line : 1));
    require_clean_text(v, path.empty() ? k : path + "." + k, where);
  }
}

}  // namespace

void validate_against_schema(const YNode& record, SchemaKind kind, const std::string& where) {
  require_clean_text(record, "", where);
  const Compiled& c = compiled(kind);
  nlohmann::json instance = plain_json(record);
  // One validator per thread: it caches compiled patterns across records.
  thread_local valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(instance);
  if (validator.validate(c.schema, target, &results)) return;

  // The deepest error names the key best; valijson reports every enclosing
  // object too. An unknown key is reported at the object; name the key.
  valijson::ValidationResults::Error best;
  size_t best_depth = 0;
  bool have = false;
  valijson::ValidationResults::Error err;
  while (results.popError(err)) {
    auto depth = parse_context(err.context).size();
    if (!have || depth > best_depth) {
      best = err;
      best_depth = depth;
      have = true;
    }
  }
  auto steps = parse_context(best.context);
  // A message names a place by the keys the schema knows, never by a key
  // the input made up: an unknown key can be a person's name (SPEC §3).
  // Every schema refuses unknown keys, so a key past the first unknown one
  // cannot be reached; stop there all the same.
  std::vector<std::string> known_keys;
  bool unknown_on_the_way = false;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].key.empty()) continue;
    known_keys.push_back(steps[i].key);
    if (!schema_at(c.doc, known_keys)) {
      steps.resize(i);
      unknown_on_the_way = true;
      break;
    }
  }
  const YNode* node = walk(record, steps);
  std::string what = unknown_on_the_way ? "unknown key" : describe(best.description, node);
  std::string path = dotted_path(steps);
  if (what == "value is not in the expected form") {
    std::vector<std::string> keys;
    for (const auto& s : steps)
      if (!s.key.empty()) keys.push_back(s.key);
    what = expected_form(schema_at(c.doc, keys));
  }

  if (what == "unknown key" && node && node->is_map()) {
    // Find the key the schema does not know.
    std::vector<std::string> keys;
    for (const auto& s : steps)
      if (!s.key.empty()) keys.push_back(s.key);
    const nlohmann::json* s = schema_at(c.doc, keys);
    if (s && s->contains("properties")) {
      for (const auto& [k, v] : node->entries) {
        if (!(*s)["properties"].contains(k)) {
          // The parent and the line, never the key's own text.
          std::string place = path.empty() ? "at the top level" : "in " + path;
          if (where == "command line") fail(Exit::invalid_data, fmt::format("unknown key {} (command line)", place));
          fail(Exit::invalid_data, fmt::format("unknown key {} ({}:{})", place, where, v.line ? v.line : node->line));
        }
      }
    }
  }
  if (what == "value is not one of the allowed values") {
    std::string no_index;
    for (const auto& s : steps)
      if (!s.key.empty()) {
        if (!no_index.empty()) no_index.push_back('.');
        no_index.append(s.key);
      }
    auto allowed = schema_enum(kind, no_index);
    if (!allowed.empty())
      what = fmt::format("value is not one of: {}", fmt::join(allowed, ", "));
  }
  if (where == "command line")
    fail(Exit::invalid_data, fmt::format("{}: {} (command line)", path.empty() ? "record" : path, what));
  fail(Exit::invalid_data, fmt::format("{}{}{} ({}:{})", path.empty() ? "record" : path,
                                       ": ", what, where, node ? node->line : 1));
}

}  // namespace prevent

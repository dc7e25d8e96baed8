#include "yaml_doc.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <string>
#include <optional>
#include <sstream>

#include "failure.hpp"
#include "text.hpp"

namespace prevent {

YNode::YNode() = default;
YNode::YNode(const YNode&) = default;
YNode::YNode(YNode&&) noexcept = default;
YNode& YNode::operator=(const YNode&) = default;
YNode& YNode::operator=(YNode&&) noexcept = default;
YNode::~YNode() = default;

YNode YNode::text(std::string v) {
  YNode n;
  n.kind = Kind::scalar;
  n.value = std::move(v);
  n.quoted = true;
  return n;
}

YNode YNode::plain(std::string v) {
  YNode n;
  n.kind = Kind::scalar;
  n.value = std::move(v);
  return n;
}

const YNode* YNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}

YNode& YNode::add(std::string key, YNode value) {
  entries.emplace_back(std::move(key), std::move(value));
  return entries.back().second;
}

namespace {

// Deep enough for every record of SPEC §3 (previous → support_plan → item is 5).
constexpr size_t kMaxDepth = 16;

[[noreturn]] void bad_yaml(const std::string& what, const std::string& where, int line) {
  fail(Exit::invalid_data, fmt::format("invalid YAML: {} ({}:{})", what, where, line));
}

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const std::string& where, int first_line, std::string_view source)
      : where_(where), first_line_(first_line), source_(source) {}

  std::optional<YNode> root;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    no_anchor(mark, anchor);
    YNode n;
    n.line = line(mark);
    deliver(std::move(n));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    bad_yaml("anchors and aliases are not allowed in a record", where_, line(mark));
  }

  void OnAnchor(const YAML::Mark& mark, const std::string&) override {
    bad_yaml("anchors and aliases are not allowed in a record", where_, line(mark));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    no_anchor(mark, anchor);
    if (tag != "?" && tag != "!" && !tag.empty())
      bad_yaml("tags are not allowed in a record", where_, line(mark));
    if (tag == "!") require_closed_quote(mark);
    YNode n;
    n.kind = YNode::Kind::scalar;
    n.value = value;
    n.quoted = tag == "!";
    n.line = line(mark);
    deliver(std::move(n));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    start(mark, tag, anchor, YNode::Kind::seq);
  }
  void OnSequenceEnd() override { end(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    start(mark, tag, anchor, YNode::Kind::map);
  }
  void OnMapEnd() override { end(); }

 private:
  struct Frame {
    YNode node;
    bool expecting_key = true;
    std::string key;
  };

  int line(const YAML::Mark& mark) const { return first_line_ + mark.line; }

  // yaml-cpp 0.7 accepts a quoted scalar that runs to the end of the input
  // without its closing quote, swallowing every key after it. Find the
  // closing quote ourselves.
  void require_closed_quote(const YAML::Mark& mark) const {
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= source_.size()) return;
    size_t i = static_cast<size_t>(mark.pos);
    char q = source_[i];
    if (q != '"' && q != '\'') return;  // a block scalar (| or >)
    for (++i; i < source_.size(); ++i) {
      char c = source_[i];
      if (q == '"' && c == '\\') {
        ++i;
      } else if (c == q) {
        if (q == '\'' && i + 1 < source_.size() && source_[i + 1] == '\'') {
          ++i;
        } else {
          return;
        }
      }
    }
    bad_yaml("a quoted value is never closed", where_, line(mark));
  }

  void no_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor)
      bad_yaml("anchors and aliases are not allowed in a record", where_, line(mark));
  }

  void start(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YNode::Kind kind) {
    no_anchor(mark, anchor);
    if (tag != "?" && tag != "!" && !tag.empty())
      bad_yaml("tags are not allowed in a record", where_, line(mark));
    if (stack_.size() >= kMaxDepth) bad_yaml("nested too deeply", where_, line(mark));
    if (!stack_.empty() && stack_.back().node.is_map() && stack_.back().expecting_key)
      bad_yaml("a key must be plain text", where_, line(mark));
    Frame f;
    f.node.kind = kind;
    f.node.line = line(mark);
    stack_.push_back(std::move(f));
  }

  void end() {
    YNode n = std::move(stack_.back().node);
    stack_.pop_back();
    deliver(std::move(n));
  }

  void deliver(YNode&& n) {
    if (stack_.empty()) {
      root = std::move(n);
      return;
    }
    Frame& top = stack_.back();
    if (top.node.is_seq()) {
      top.node.items.push_back(std::move(n));
      return;
    }
    if (top.expecting_key) {
      if (!n.is_scalar()) bad_yaml("a key must be plain text", where_, n.line);
      if (top.node.find(n.value)) bad_yaml(fmt::format("duplicate key {}", parent_path()), where_, n.line);
      top.key = std::move(n.value);
      top.expecting_key = false;
    } else {
      top.node.entries.emplace_back(std::move(top.key), std::move(n));
      top.expecting_key = true;
    }
  }

  // Where the map being read sits, as an error names it: "in referral.subject",
  // "at the top level". The key itself is never quoted, nor a parent key that
  // does not look like one (SPEC §3: a key can be a person's name), since
  // nothing has checked the keys against a schema yet.
  std::string parent_path() const {
    std::string path;
    for (size_t i = 0; i + 1 < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      if (f.node.is_seq()) {
        path += fmt::format("[{}]", f.node.items.size() + 1);
        continue;
      }
      if (!path.empty()) path += '.';
      path += looks_like_key(f.key) ? f.key : "(a key)";
    }
    return path.empty() ? "at the top level" : "in " + path;
  }

  const std::string& where_;
  int first_line_;
  std::string_view source_;
  std::vector<Frame> stack_;
};

// Checks the raw bytes of one record: size first (before anything else
// looks at it), then NUL bytes and UTF-8.
void check_bytes(std::string_view raw, const std::string& where, int first_line) {
  if (raw.size() > kMaxRecordBytes)
    fail(Exit::invalid_data,
         fmt::format("record is larger than 1 MiB ({} bytes) ({}:{})", raw.size(), where, first_line));
  if (auto nul = raw.find('\0'); nul != std::string_view::npos)
    fail(Exit::invalid_data, fmt::format("record contains a NUL byte ({}:{})", where,
                                         first_line - 1 + line_of_offset(raw, nul)));
  if (auto bad = first_invalid_utf8(raw))
    fail(Exit::invalid_data, fmt::format("record is not valid UTF-8 ({}:{})", where,
                                         first_line - 1 + line_of_offset(raw, *bad)));
}

std::optional<YNode> parse_one(std::string_view raw, const std::string& where, int first_line,
                               bool allow_empty) {
  check_bytes(raw, where, first_line);
  const std::string text = normalise_line_ends(raw);
  std::istringstream in(text);
  TreeBuilder builder(where, first_line, text);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) {
      if (allow_empty) return std::nullopt;
      fail(Exit::invalid_data, fmt::format("invalid YAML: the file is empty ({}:{})", where, first_line));
    }
    TreeBuilder extra(where, first_line, text);
    if (parser.HandleNextDocument(extra))
      fail(Exit::invalid_data,
           fmt::format("invalid YAML: more than one document where one record was expected ({}:{})", where,
                       extra.root ? extra.root->line : first_line));
  } catch (const YAML::Exception& e) {
    bad_yaml(e.msg, where, first_line + (e.mark.line < 0 ? 0 : e.mark.line));
  }
  if (!builder.root) {
    if (allow_empty) return std::nullopt;
    fail(Exit::invalid_data, fmt::format("invalid YAML: the file is empty ({}:{})", where, first_line));
  }
  return std::move(builder.root);
}

}  // namespace

YNode parse_yaml(std::string_view text, const std::string& where, int first_line) {
  return *parse_one(text, where, first_line, false);
}

namespace {

// One line of the input without its '\n', read straight from the buffer.
// At most `limit` bytes are kept: a longer line sets `too_long` and stops
// there, so a file without line ends (or /dev/zero) is never held whole.
// False at the end of the input.
bool read_line(std::istream& in, std::string& line, size_t limit, bool& too_long) {
  line.clear();
  too_long = false;
  std::streambuf* buf = in.rdbuf();
  bool any = false;
  for (;;) {
    int c;
    try {
      c = buf->sbumpc();
    } catch (const std::exception&) {  // libstdc++'s filebuf throws on a read error (a directory)
      in.setstate(std::ios::badbit);
      return false;
    }
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return any;
    }
    any = true;
    if (c == '\n') return true;
    if (line.size() >= limit) {
      too_long = true;
      return true;
    }
    line.push_back(static_cast<char>(c));
  }
}

}  // namespace

void parse_yaml_stream(std::istream& in, const std::string& where,
                       const std::function<void(YNode&&, int line)>& fn,
                       const std::function<void(const Failure&)>& on_error) {
  std::string doc, line;
  int line_no = 0, doc_start = 1;
  bool first = true, too_long = false;
  auto flush = [&]() {
    std::optional<YNode> node;
    try {
      node = parse_one(doc, where, doc_start, true);
    } catch (const Failure& f) {
      if (!on_error) throw;
      on_error(f);
    }
    doc.clear();
    if (node) fn(std::move(*node), doc_start);
  };
  while (read_line(in, line, kMaxRecordBytes + 1, too_long)) {
    ++line_no;
    if (first && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    first = false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    bool marker = !too_long && (line == "---" || line.rfind("--- ", 0) == 0 || line == "...");
    if (marker) {
      flush();
      doc_start = line_no + 1;
      if (line.size() > 4 && line[0] == '-') {  // content after `--- `
        doc = line.substr(4) + "\n";
        doc_start = line_no;
      }
      continue;
    }
    doc += line;
    doc += '\n';
    if (too_long || doc.size() > kMaxRecordBytes) {
      // The stream stops here: the record's end may be 100 MB on, or never
      // come (a device, a pipe), and the import fails whatever follows.
      Failure too_big(Exit::invalid_data,
                      fmt::format("record is larger than 1 MiB; the rest of the input was not read ({}:{})", where,
                                  doc_start));
      if (!on_error) throw too_big;
      on_error(too_big);
      return;
    }
  }
  if (in.bad()) fail(Exit::invalid_data, fmt::format("cannot read the input ({})", where));
  flush();
}

// ---------------------------------------------------------------------------
// Writing

namespace {

// The code point at s[i] when it is a valid 2- or 3-byte UTF-8 sequence
// that terminal_safe escapes (text.hpp), else 0.
uint32_t unsafe_code_point_at(std::string_view s, size_t i) {
  auto lead = static_cast<unsigned char>(s[i]);
  size_t len = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : 0;
  if (len == 0 || i + len > s.size() || first_invalid_utf8(s.substr(i, len))) return 0;
  uint32_t cp = len == 2 ? (lead & 0x1F) : (lead & 0x0F);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return unsafe_code_point_for_terminal(cp) ? cp : 0;
}

bool looks_special(std::string_view s) {
  static constexpr std::string_view words[] = {
      "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
      "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
      "y", "Y", "n", "N", "=", "<<"};
  for (auto w : words)
    if (s == w) return true;
  // Anything starting like a number, a date or .inf/.nan stays a string by quoting.
  char c = s[0];
  if (c >= '0' && c <= '9') return true;
  if ((c == '+' || c == '-' || c == '.') && s.size() > 1) return true;
  return false;
}

bool plain_safe(std::string_view s) {
  if (s.empty() || looks_special(s)) return false;
  static constexpr std::string_view bad_first = "-?:,[]{}#&*!|>'\"%@`\\ ";
  if (bad_first.find(s[0]) != std::string_view::npos) return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return false;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return false;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
    // U+0085, U+2028, U+2029 are line breaks to some YAML readers; they,
    // the other C1 controls and the bidirectional controls are written as
    // escapes, so a record shown by `cat` or `show` cannot reorder a line.
    if (c >= 0x80 && unsafe_code_point_at(s, i)) return false;
  }
  return true;
}

std::string double_quoted(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += fmt::format("\\x{:02X}", c);
        } else if (auto cp = c >= 0x80 ? unsafe_code_point_at(s, i) : 0) {
          out += fmt::format("\\u{:04X}", cp);
          i += cp < 0x800 ? 1 : 2;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += '"';
  return out;
}

std::string scalar_text(const YNode& n) {
  if (n.is_null()) return "~";
  if (!n.quoted) return n.value;
  return plain_safe(n.value) ? n.value : double_quoted(n.value);
}

void emit_map(const YNode& node, size_t indent, std::string& out, bool first_inline);

void emit_value_after_key(const YNode& v, size_t indent, std::string& out) {
  if (v.is_map()) {
    if (v.entries.empty()) {
      out += " {}\n";
    } else {
      out += '\n';
      emit_map(v, indent + 2, out, false);
    }
  } else if (v.is_seq()) {
    if (v.items.empty()) {
      out += " []\n";
      return;
    }
    out += '\n';
    for (const auto& item : v.items) {
      out.append(indent + 2, ' ');
      out += "-";
      if (item.is_map() && !item.entries.empty()) {
        out += ' ';
        emit_map(item, indent + 4, out, true);
      } else if (item.is_map()) {
        out += " {}\n";
      } else if (item.is_seq()) {
        out += " []\n";  // records never nest lists directly
      } else {
        out += ' ';
        out += scalar_text(item);
        out += '\n';
      }
    }
  } else {
    out += ' ';
    out += scalar_text(v);
    out += '\n';
  }
}

void emit_map(const YNode& node, size_t indent, std::string& out, bool first_inline) {
  bool first = true;
  for (const auto& [k, v] : node.entries) {
    if (!(first && first_inline)) out.append(indent, ' ');
    first = false;
    out += plain_safe(k) ? k : double_quoted(k);
    out += ':';
    emit_value_after_key(v, indent, out);
  }
}

}  // namespace

std::string emit_yaml(const YNode& node) {
  std::string out;
  emit_map(node, 0, out, false);
  return out;
}

nlohmann::ordered_json to_json(const YNode& n) {
  using J = nlohmann::ordered_json;
  switch (n.kind) {
    case YNode::Kind::null: return nullptr;
    case YNode::Kind::scalar: {
      if (n.quoted) return n.value;
      if (n.value == "true") return true;
      if (n.value == "false") return false;
      const std::string& v = n.value;
      size_t start = (!v.empty() && v[0] == '-') ? 1 : 0;
      bool digits = v.size() > start && v.size() - start <= 15;
      for (size_t i = start; digits && i < v.size(); ++i) digits = v[i] >= '0' && v[i] <= '9';
      if (digits) return std::stoll(v);
      return v;
    }
    case YNode::Kind::seq: {
      J arr = J::array();
      for (const auto& item : n.items) arr.push_back(to_json(item));
      return arr;
    }
    case YNode::Kind::map: {
      J obj = J::object();
      for (const auto& [k, v] : n.entries) obj[k] = to_json(v);
      return obj;
    }
  }
  return nullptr;
}

}  // namespace prevent

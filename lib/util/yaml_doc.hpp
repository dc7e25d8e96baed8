// The one YAML reader and writer of prevent.
//
// Reading uses yaml-cpp's event parser, not its node loader, so that what
// the store refuses is refused before any value is built: anchors and
// aliases (no "billion laughs"), explicit tags, duplicate keys, non-scalar
// keys, nesting deeper than any record needs. Every node keeps its line.
//
// Writing emits the canonical form of SPEC §2.2: block style, two-space
// indents, keys in the order given, plain scalars where they read back as
// the same string, double quotes otherwise, LF line ends, no BOM.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "failure.hpp"

namespace prevent {

struct YNode {
  enum class Kind { null, scalar, seq, map };
  Kind kind = Kind::null;
  // Scalars: the text. `quoted` is true when the text was quoted in the
  // input, or must always be written as a string (never a number or date).
  std::string value;
  bool quoted = false;
  int line = 0;  // 1-based line in the file or input stream
  std::vector<YNode> items;                            // seq
  std::vector<std::pair<std::string, YNode>> entries;  // map, in order

  // Declared here and defaulted in yaml_doc.cpp: clang with libstdc++
  // cannot define them inside the class, where YNode is still incomplete.
  YNode();
  YNode(const YNode&);
  YNode(YNode&&) noexcept;
  YNode& operator=(const YNode&);
  YNode& operator=(YNode&&) noexcept;
  ~YNode();

  static YNode null_node() { return {}; }
  // A string: written plain when it reads back as the same string.
  static YNode text(std::string v);
  // A date, number or boolean: written as is.
  static YNode plain(std::string v);
  static YNode seq() { YNode n; n.kind = Kind::seq; return n; }
  static YNode map() { YNode n; n.kind = Kind::map; return n; }

  bool is_null() const { return kind == Kind::null; }
  bool is_map() const { return kind == Kind::map; }
  bool is_seq() const { return kind == Kind::seq; }
  bool is_scalar() const { return kind == Kind::scalar; }

  const YNode* find(std::string_view key) const;
  YNode& add(std::string key, YNode value);  // map: appends
  void push(YNode value) { items.push_back(std::move(value)); }
};

// Largest record accepted (SPEC §2.3), checked before parsing.
inline constexpr size_t kMaxRecordBytes = 1024 * 1024;

// Parses one document. `where` names the file or input for error messages;
// `first_line` is the line number of the text's first line in that input.
// Throws Failure(invalid_data) naming where and the line.
YNode parse_yaml(std::string_view text, const std::string& where, int first_line = 1);

// A `---`-separated stream, one document at a time, so a large import file
// is never held as one parse tree. Each document is size-checked before it
// is parsed. `fn` gets the document and the line it starts on.
// A document that fails to parse goes to `on_error` when given (the stream
// goes on with the next document), else the Failure is thrown.
void parse_yaml_stream(std::istream& in, const std::string& where,
                       const std::function<void(YNode&&, int line)>& fn,
                       const std::function<void(const Failure&)>& on_error = {});

// Canonical text of a map node (no trailing comment, LF, ends with newline).
std::string emit_yaml(const YNode& node);

// YAML → JSON for schema validation and `--format json`: unquoted integers
// become numbers, unquoted true/false booleans, null null, all else strings.
nlohmann::ordered_json to_json(const YNode& node);

}  // namespace prevent

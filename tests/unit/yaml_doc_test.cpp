// The one YAML reader and writer (SPEC §2.2 canonical form, §2.3 size, §6
// exit 5 for invalid input).
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "failure.hpp"
#include "yaml_doc.hpp"
#include "text.hpp"

using prevent::Exit;
using namespace prevent::test;
using prevent::Failure;
using prevent::YNode;

namespace {



// Parses `text` expecting exit 5 with a message naming test.yaml and a line.
Failure refused(const std::string& text) {
  auto f = failure_of([&] { prevent::parse_yaml(text, "test.yaml"); });
  REQUIRE_MESSAGE(f.has_value(), "parse_yaml accepted what it should refuse");
  CHECK(f->code() == Exit::invalid_data);
  CHECK_MESSAGE(has(f->what(), "(test.yaml:"), std::string(f->what()));
  return *f;
}

std::string nested_maps(int depth) {
  std::string out;
  for (int i = 0; i < depth; ++i) {
    out.append(static_cast<size_t>(i) * 2, ' ');
    out += 'k';
    out += std::to_string(i);
    out += ':';
    out += i + 1 == depth ? " x\n" : "\n";
  }
  return out;
}

const YNode& at(const YNode& map, const char* key) {
  const YNode* n = map.find(key);
  REQUIRE_MESSAGE(n != nullptr, key);
  return *n;
}

}  // namespace

TEST_CASE("a plain YAML map reads with every node's line") {
  YNode n = prevent::parse_yaml("id: PRV-2026-0014\nreferral:\n  received: 2026-11-03\n  list:\n    - a\n    - b\n",
                                "test.yaml");
  REQUIRE(n.is_map());
  CHECK(at(n, "id").value == "PRV-2026-0014");
  CHECK(at(n, "id").line == 1);
  const YNode& ref = at(n, "referral");
  CHECK(ref.is_map());
  CHECK(at(ref, "received").value == "2026-11-03");
  CHECK(at(ref, "received").line == 3);
  const YNode& list = at(ref, "list");
  REQUIRE(list.is_seq());
  REQUIRE(list.items.size() == 2u);
  CHECK(list.items[1].value == "b");
  CHECK(list.items[1].line == 6);
}

TEST_CASE("lines are counted from the given first line") {
  YNode n = prevent::parse_yaml("a: 1\nb: 2\n", "import.yaml", 10);
  CHECK(at(n, "b").line == 11);
  auto f = failure_of([] { prevent::parse_yaml("a: 1\nb: !!str 2\n", "import.yaml", 10); });
  REQUIRE(f);
  CHECK(has(f->what(), "(import.yaml:11)"));
}

TEST_CASE("null, quoted and plain scalars are told apart") {
  YNode n = prevent::parse_yaml("a: ~\nb:\nc: null\nd: \"null\"\ne: '12'\nf: 12\n", "test.yaml");
  CHECK(at(n, "a").is_null());
  CHECK(at(n, "b").is_null());
  CHECK(at(n, "c").is_null());
  CHECK(at(n, "d").is_scalar());
  CHECK(at(n, "d").value == "null");
  CHECK(at(n, "d").quoted);
  CHECK(at(n, "e").quoted);
  CHECK_FALSE(at(n, "f").quoted);
}

TEST_CASE("an anchor is refused") {
  auto f = refused("a: &x 1\nb: 2\n");
  CHECK(has(f.what(), "(test.yaml:1)"));
  CHECK(has(f.what(), "anchor"));
}

TEST_CASE("an alias is refused") {
  refused("a: &x 1\nb: *x\n");
  auto f = refused("a: 1\nb: *x\n");  // an alias to nothing
  CHECK(has(f.what(), "(test.yaml:2)"));
}

TEST_CASE("a billion-laughs document is refused quickly") {
  std::string text =
      "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
      "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
      "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
      "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
  auto f = refused(text);
  CHECK(has(f.what(), "(test.yaml:1)"));
}

TEST_CASE("a self-referencing alias is refused") {
  refused("a: &a [*a]\n");
  refused("a: &a\n  b: *a\n");
}

TEST_CASE("an explicit tag is refused") {
  auto f = refused("a: 1\nb: !!str 2\n");
  CHECK(has(f.what(), "(test.yaml:2)"));
  CHECK(has(f.what(), "tag"));
  refused("a: !local thing\n");
  refused("a: !!map {b: 1}\n");
  refused("a: !!seq [1]\n");
  refused("!!map\na: 1\n");
}

TEST_CASE("a duplicate key is refused, naming its parent and its line, never its text") {
  auto f = refused("alpha: 1\nb: 2\nalpha: 3\n");
  CHECK(has(f.what(), "duplicate key at the top level"));
  CHECK(!has(f.what(), "alpha"));
  CHECK(has(f.what(), "(test.yaml:3)"));
  auto g = refused("outer:\n  - x: 1\n    Jane Example: 1\n    Jane Example: 2\n");
  CHECK_MESSAGE(has(g.what(), "duplicate key in outer[1] (test.yaml:4)"), g.what());
  CHECK(!has(g.what(), "Jane"));
  // A parent key that does not look like a key is not quoted either.
  auto h = refused("Jane Example:\n  x: 1\n  x: 2\n");
  CHECK_MESSAGE(has(h.what(), "duplicate key in (a key) (test.yaml:3)"), h.what());
  CHECK(!has(h.what(), "Jane"));
}

TEST_CASE("a key that is not a scalar is refused") {
  refused("? [a, b]\n: 1\n");
  refused("? {x: 1}\n: v\n");
  refused("{[a]: 1}\n");
}

TEST_CASE("nesting deeper than 16 levels is refused") {
  CHECK_NOTHROW(prevent::parse_yaml(nested_maps(16), "test.yaml"));
  auto f = refused(nested_maps(17));
  CHECK(has(f.what(), "nested"));
  refused("a: " + std::string(40, '[') + std::string(40, ']') + "\n");
  refused("a: " + std::string(1000, '[') + std::string(1000, ']') + "\n");
}

TEST_CASE("a NUL byte is refused, naming its line") {
  auto f = refused(std::string("a: 1\nb: x\0y\n", 12));
  CHECK(has(f.what(), "(test.yaml:2)"));
  CHECK(has(f.what(), "NUL"));
}

TEST_CASE("invalid UTF-8 is refused, naming its line") {
  auto f = refused("a: 1\nb: 2\nc: \xC0\xAF\n");
  CHECK(has(f.what(), "(test.yaml:3)"));
  CHECK(has(f.what(), "UTF-8"));
  refused("a: \xED\xA0\x80\n");
  refused("a: \xF4\x90\x80\x80\n");
}

TEST_CASE("a record over 1 MiB is refused before parsing") {
  std::string big = "a: " + std::string(prevent::kMaxRecordBytes, 'x') + "\n";
  auto f = refused(big);
  CHECK(has(f.what(), "1 MiB"));
  // Too big and also broken YAML: the size is what is reported.
  auto g = refused("a: [" + std::string(prevent::kMaxRecordBytes, 'x') + "\n");
  CHECK(has(g.what(), "1 MiB"));
  // Exactly 1 MiB is still accepted.
  std::string edge = "a: " + std::string(prevent::kMaxRecordBytes - 4, 'x') + "\n";
  REQUIRE(edge.size() == prevent::kMaxRecordBytes);
  CHECK_NOTHROW(prevent::parse_yaml(edge, "test.yaml"));
}

TEST_CASE("an empty input is refused") {
  refused("");
  refused("\n\n");
  refused("# a comment and nothing else\n");
}

TEST_CASE("two documents where one record was expected are refused") {
  auto f = refused("a: 1\n---\nb: 2\n");
  CHECK_MESSAGE((has(f.what(), "(test.yaml:2)") || has(f.what(), "(test.yaml:3)")), std::string(f.what()));
}

TEST_CASE("broken YAML is refused, naming the line") {
  auto f = refused("a: 1\nb: [1, 2\nc: 3\n");
  CHECK(has(f.what(), "(test.yaml:3)"));
  auto g = refused("a: 1\n  b: 2\n");
  CHECK(has(g.what(), "(test.yaml:2)"));
}

TEST_CASE("a quoted string that is never closed is refused") {
  refused("a: \"unterminated\n");
  refused("a: 'unterminated\n");
  refused("a: 1\nb: \"unterminated\nc: 3\n");
}

TEST_CASE("a UTF-8 BOM and CRLF line ends are accepted") {
  YNode n = prevent::parse_yaml("\xEF\xBB\xBF" "a: 1\r\nb: two words\r\nc:\r\n  - x\r\n", "test.yaml");
  CHECK(at(n, "a").value == "1");
  CHECK(at(n, "b").value == "two words");
  CHECK(at(n, "b").line == 2);
  REQUIRE(at(n, "c").items.size() == 1u);
  CHECK(at(n, "c").items[0].value == "x");
}

TEST_CASE("every string reads back as the same string after writing") {
  const std::vector<std::string> tricky = {
      "", "plain text", "123", "0123", "-5", "+5", "1.5", "1e3", "0x1F", "0o17", ".5", ".inf", "-.inf", ".nan",
      ".NaN", "1_000", "true", "True", "TRUE", "false", "yes", "Yes", "no", "NO", "on", "off", "y", "n", "Y",
      "null", "Null", "NULL", "~", "2026-11-03", "2026-11-03T10:00:00Z", "12:30", "12:30:45", " leading space",
      "trailing space ", " ", "  ", "a: b", "a:b", "key:", ":", "a #b", "a#b", "#comment", "it's", "'single'",
      "\"double\"", "say \"hi\"", "back\\slash", "C:\\temp\\x", "\\n", "line1\nline2", "ends with newline\n", "\n",
      "\n\n", "tab\there", "\t", "\ttab first", "cr\rhere", "Zo\xC3\xAB Quillet", "\xE6\x97\xA5\xE6\x9C\xAC",
      "emoji \xF0\x9F\x98\x80", "a\xE2\x80\xA8" "b", "a\xE2\x80\xA9" "b", "next\xC2\x85line", "\xC2\xA0nbsp",
      "-", "--", "---", "...", "- item", "-leading dash", "@handle", "=SUM(A1)", "+44 161 000 0000", "?", "? x",
      "?x", ",", "a, b", "[a]", "{a: 1}", "*star", "&amp", "!bang", "|", "|-", ">", ">-", "%YAML", "`tick",
      "<<", "=", "a  b", "ZZ1 1AA", "\x01" "ctrl", "del\x7F", "x\"", "'", "\"", "}", "]", "a]", "a}",
      "bidi \xE2\x80\xAE" "evil", "\xE2\x81\xA6" "iso", "csi \xC2\x9B" "31m", "\xC2\x80",
      "100%", "50 % off", "\xEF\xBB\xBF" "bom first", "bom \xEF\xBB\xBF" "inside", "#", "a # b # c", "key: value: more", "http://example.invalid/x?y=1#z",
  };
  for (const auto& s : tricky) {
    CAPTURE(s);
    YNode m = YNode::map();
    m.add("k", YNode::text(s));
    m.add("after", YNode::text("end"));
    std::string text = prevent::emit_yaml(m);
    CAPTURE(text);
    std::optional<YNode> back;
    auto f = failure_of([&] { back = prevent::parse_yaml(text, "round.yaml"); });
    if (f) {
      FAIL_CHECK("emitted text does not parse: " << f->what());
      continue;
    }
    const YNode* k = back->find("k");
    REQUIRE(k != nullptr);
    CHECK(k->is_scalar());
    CHECK(k->value == s);
    auto j = prevent::to_json(*k);
    CHECK(j.is_string());
    if (j.is_string()) CHECK(j.get<std::string>() == s);
    REQUIRE(back->find("after") != nullptr);
    CHECK(back->find("after")->value == "end");
    // Every record is one scalar per line: nothing spills over.
    CHECK(back->find("after")->line == 2);
  }
}

TEST_CASE("keys that need quoting read back as the same keys") {
  for (const std::string key : {"plain", "with space", "a: b", "123", "true", "-x", "#x", ""}) {
    CAPTURE(key);
    YNode m = YNode::map();
    m.add(key, YNode::text("v"));
    YNode back = prevent::parse_yaml(prevent::emit_yaml(m), "round.yaml");
    REQUIRE(back.entries.size() == 1u);
    CHECK(back.entries[0].first == key);
  }
}

TEST_CASE("the canonical form is block style with two-space indents") {
  YNode root = YNode::map();
  root.add("id", YNode::text("PRV-2026-0014"));
  YNode ref = YNode::map();
  ref.add("received", YNode::plain("2026-11-03"));
  ref.add("count", YNode::plain("3"));
  YNode list = YNode::seq();
  list.push(YNode::text("education"));
  list.push(YNode::text("2026"));
  ref.add("list", std::move(list));
  root.add("referral", std::move(ref));
  YNode items = YNode::seq();
  YNode item = YNode::map();
  item.add("date", YNode::plain("2026-11-05"));
  item.add("kind", YNode::text("contact"));
  YNode inner = YNode::map();
  inner.add("role", YNode::text("chair"));
  item.add("inner", std::move(inner));
  items.push(std::move(item));
  root.add("items", std::move(items));
  root.add("empty", YNode::seq());
  root.add("nothing", YNode::null_node());
  root.add("last", YNode::text("it's: here"));

  std::string expected =
      "id: PRV-2026-0014\n"
      "referral:\n"
      "  received: 2026-11-03\n"
      "  count: 3\n"
      "  list:\n"
      "    - education\n"
      "    - \"2026\"\n"
      "items:\n"
      "  - date: 2026-11-05\n"
      "    kind: contact\n"
      "    inner:\n"
      "      role: chair\n"
      "empty: []\n"
      "nothing: ~\n"
      "last: \"it's: here\"\n";
  std::string text = prevent::emit_yaml(root);
  CHECK(text == expected);
  // Parsing and writing again gives the same text.
  CHECK(prevent::emit_yaml(prevent::parse_yaml(text, "test.yaml")) == expected);
}

TEST_CASE("YAML turns into JSON with numbers, booleans and null") {
  YNode n = prevent::parse_yaml("n: 12\nneg: -3\nq: \"12\"\nt: true\nf: false\nnil: ~\nd: 2026-11-03\ns: text\n"
                                "l:\n  - 1\n  - a\n",
                                "test.yaml");
  auto j = prevent::to_json(n);
  CHECK(j["n"] == 12);
  CHECK(j["neg"] == -3);
  CHECK(j["q"] == "12");
  CHECK(j["t"] == true);
  CHECK(j["f"] == false);
  CHECK(j["nil"].is_null());
  CHECK(j["d"] == "2026-11-03");
  CHECK(j["s"] == "text");
  CHECK(j["l"][0] == 1);
  CHECK(j["l"][1] == "a");
  CHECK(j.begin().key() == "n");  // keys keep their order
}

namespace {

struct Doc {
  YNode node;
  int line;
};

std::vector<Doc> read_stream(const std::string& text, std::vector<std::string>* errors = nullptr) {
  std::istringstream in(text);
  std::vector<Doc> docs;
  auto fn = [&](YNode&& n, int line) { docs.push_back({std::move(n), line}); };
  if (errors)
    prevent::parse_yaml_stream(in, "stream.yaml", fn, [&](const Failure& f) {
      CHECK(f.code() == Exit::invalid_data);
      errors->push_back(f.what());
    });
  else
    prevent::parse_yaml_stream(in, "stream.yaml", fn);
  return docs;
}

}  // namespace

TEST_CASE("a YAML stream is split on --- with each document's starting line") {
  auto docs = read_stream("a: 1\n---\nb: 2\nc: 3\n---\nd: 4\n");
  REQUIRE(docs.size() == 3u);
  CHECK(docs[0].line == 1);
  CHECK(docs[1].line == 3);
  CHECK(docs[2].line == 6);
  CHECK(at(docs[1].node, "c").value == "3");
  CHECK(at(docs[1].node, "c").line == 4);
  CHECK(at(docs[2].node, "d").line == 6);
}

TEST_CASE("a stream that starts with --- has no empty first document") {
  auto docs = read_stream("---\na: 1\n---\nb: 2\n...\n");
  REQUIRE(docs.size() == 2u);
  CHECK(docs[0].line == 2);
  CHECK(docs[1].line == 4);
  CHECK(at(docs[1].node, "b").line == 4);
}

TEST_CASE("a stream accepts a BOM and CRLF line ends") {
  auto docs = read_stream("\xEF\xBB\xBF" "a: 1\r\n---\r\nb: x\r\n");
  REQUIRE(docs.size() == 2u);
  CHECK(at(docs[0].node, "a").value == "1");
  CHECK(at(docs[1].node, "b").value == "x");
  CHECK(docs[1].line == 3);
}

TEST_CASE("a bad document in a stream is reported and the stream goes on") {
  std::vector<std::string> errors;
  auto docs = read_stream("a: 1\n---\nb: 2\nx: &anchor 1\n---\nc: 3\n---\nd: [1, 2\n---\ne: 5\n", &errors);
  REQUIRE(docs.size() == 3u);
  CHECK(at(docs[0].node, "a").value == "1");
  CHECK(at(docs[1].node, "c").value == "3");
  CHECK(docs[1].line == 6);
  CHECK(at(docs[2].node, "e").value == "5");
  CHECK(docs[2].line == 10);
  REQUIRE(errors.size() == 2u);
  CHECK_MESSAGE(has(errors[0], "(stream.yaml:4)"), errors[0]);
  CHECK_MESSAGE((has(errors[1], "(stream.yaml:8)") || has(errors[1], "(stream.yaml:9)")), errors[1]);
}

TEST_CASE("without an error handler a bad document in a stream stops it") {
  auto f = failure_of([] { read_stream("a: 1\n---\nb: !!str 2\n"); });
  REQUIRE(f);
  CHECK(f->code() == Exit::invalid_data);
  CHECK(has(f->what(), "(stream.yaml:3)"));
}

TEST_CASE("a document over 1 MiB in a stream is refused") {
  std::string text = "a: 1\n---\nb: " + std::string(prevent::kMaxRecordBytes, 'x') + "\n---\nc: 3\n";
  std::vector<std::string> errors;
  auto f = failure_of([&] { read_stream(text, &errors); });
  // Either reported to the handler or thrown: refused as invalid data, naming the document's line.
  if (f) {
    CHECK(f->code() == Exit::invalid_data);
    CHECK(has(f->what(), "1 MiB"));
    CHECK(has(f->what(), "(stream.yaml:3)"));
  } else {
    REQUIRE(errors.size() == 1u);
    CHECK(has(errors[0], "1 MiB"));
    CHECK(has(errors[0], "(stream.yaml:3)"));
  }
}

namespace {

// An endless input, as /dev/zero is: 'x' with no line end, counting what
// was read (it gives up at 64 MiB so that a failing test ends).
class Endless : public std::streambuf {
 public:
  size_t served = 0;

 protected:
  int_type underflow() override {
    if (served >= 64u * 1024 * 1024) return traits_type::eof();
    served += sizeof chunk_;
    std::fill(std::begin(chunk_), std::end(chunk_), 'x');
    setg(chunk_, chunk_, chunk_ + sizeof chunk_);
    return traits_type::to_int_type(chunk_[0]);
  }

 private:
  char chunk_[4096];
};

}  // namespace

TEST_CASE("a stream without line ends stops at 1 MiB instead of reading on") {
  Endless endless;
  std::istream in(&endless);
  std::vector<std::string> errors;
  int docs = 0;
  prevent::parse_yaml_stream(
      in, "endless.yaml", [&](prevent::YNode&&, int) { ++docs; },
      [&](const Failure& f) { errors.push_back(f.what()); });
  CHECK(docs == 0);
  REQUIRE(errors.size() == 1u);
  CHECK(has(errors[0], "1 MiB"));
  CHECK(endless.served < 2u * 1024 * 1024);
}


// What `show` prints is escaped once more on its way to stdout (output_safe):
// YAML writes what that would escape as its own \\u escapes, so the escape
// reads back as the same text.
TEST_CASE("C1 and bidirectional controls are written as YAML escapes, unchanged by output_safe") {
  for (std::string s : {"bidi \xE2\x80\xAE" "evil", "\xE2\x81\xA6" "iso", "csi \xC2\x9B" "31m", "\xC2\x85", "a\x1b" "b"}) {
    CAPTURE(s);
    YNode m = YNode::map();
    m.add("k", YNode::text(s));
    std::string text = prevent::emit_yaml(m);
    CHECK(prevent::output_safe(text) == text);
    CHECK(prevent::parse_yaml(text, "round.yaml").find("k")->value == s);
  }
}

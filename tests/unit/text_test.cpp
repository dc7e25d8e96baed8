// Text checks shared by every reader (SPEC §2.2: UTF-8, BOM, CRLF; §4 rule 10
// name comparison).
#include <doctest/doctest.h>

#include <string>

#include "text.hpp"

using prevent::first_invalid_utf8;

TEST_CASE("plain ASCII and well-formed multibyte text is valid UTF-8") {
  CHECK_FALSE(first_invalid_utf8(""));
  CHECK_FALSE(first_invalid_utf8("Zorvan Quillet, ZZ1"));
  CHECK_FALSE(first_invalid_utf8("Zo\xC3\xAB"));                 // U+00EB, 2 bytes
  CHECK_FALSE(first_invalid_utf8("\xE2\x82\xAC 10"));            // U+20AC, 3 bytes
  CHECK_FALSE(first_invalid_utf8("\xF0\x9F\x98\x80"));           // U+1F600, 4 bytes
  CHECK_FALSE(first_invalid_utf8("\xF4\x8F\xBF\xBF"));           // U+10FFFF, the last code point
  CHECK_FALSE(first_invalid_utf8("\xED\x9F\xBF"));               // U+D7FF, just below the surrogates
  CHECK_FALSE(first_invalid_utf8("\xEE\x80\x80"));               // U+E000, just above them
  CHECK_FALSE(first_invalid_utf8("\xE2\x80\xA8"));               // U+2028
  CHECK_FALSE(first_invalid_utf8("\xEF\xBB\xBF" "a"));           // a BOM is valid UTF-8
}

TEST_CASE("an overlong encoding is invalid UTF-8") {
  CHECK(first_invalid_utf8("a\xC0\xAF") == 1u);            // '/' in two bytes
  CHECK(first_invalid_utf8("\xC1\xBF") == 0u);
  CHECK(first_invalid_utf8("ab\xE0\x80\xAF") == 2u);       // '/' in three bytes
  CHECK(first_invalid_utf8("\xF0\x80\x80\xAF") == 0u);     // '/' in four bytes
  CHECK(first_invalid_utf8("\xE0\x9F\xBF") == 0u);         // U+07FF in three bytes
}

TEST_CASE("a UTF-16 surrogate encoded in UTF-8 is invalid") {
  CHECK(first_invalid_utf8("ab\xED\xA0\x80") == 2u);       // U+D800
  CHECK(first_invalid_utf8("\xED\xBF\xBF") == 0u);         // U+DFFF
}

TEST_CASE("a code point past U+10FFFF is invalid UTF-8") {
  CHECK(first_invalid_utf8("\xF4\x90\x80\x80") == 0u);     // U+110000
  CHECK(first_invalid_utf8("x\xF5\x80\x80\x80") == 1u);
  CHECK(first_invalid_utf8("\xFF") == 0u);
  CHECK(first_invalid_utf8("\xFE") == 0u);
}

TEST_CASE("a truncated or broken sequence is invalid UTF-8") {
  CHECK(first_invalid_utf8("x\xE2\x82") == 1u);            // € cut short at the end
  CHECK(first_invalid_utf8("\xC3") == 0u);
  CHECK(first_invalid_utf8("\xC3" "A") == 0u);             // lead byte then ASCII
  CHECK(first_invalid_utf8("abc\x80") == 3u);              // a lone continuation byte
  CHECK(first_invalid_utf8("\xF0\x9F\x98") == 0u);
  CHECK(first_invalid_utf8("ok \xE2\x82\xAC then \xE2\x28\xA1") == 12u);
}

TEST_CASE("a leading BOM is dropped and CRLF becomes LF") {
  CHECK(prevent::normalise_line_ends("\xEF\xBB\xBF" "a: 1\r\nb: 2\r\n") == "a: 1\nb: 2\n");
  CHECK(prevent::normalise_line_ends("a\r\nb") == "a\nb");
  CHECK(prevent::normalise_line_ends("a\nb\n") == "a\nb\n");
  CHECK(prevent::normalise_line_ends("") == "");
  CHECK(prevent::normalise_line_ends("\xEF\xBB\xBF") == "");
  // Only a BOM at the very start is dropped.
  CHECK(prevent::normalise_line_ends("a\xEF\xBB\xBF") == "a\xEF\xBB\xBF");
}

TEST_CASE("a byte offset maps to its 1-based line") {
  std::string text = "one\ntwo\nthree\n";
  CHECK(prevent::line_of_offset(text, 0) == 1);
  CHECK(prevent::line_of_offset(text, 3) == 1);
  CHECK(prevent::line_of_offset(text, 4) == 2);
  CHECK(prevent::line_of_offset(text, 8) == 3);
}

TEST_CASE("names compare without regard to case and runs of spaces") {
  CHECK(prevent::fold_case_and_space("Zorvan Quillet") == "zorvan quillet");
  CHECK(prevent::fold_case_and_space("  ZORVAN   quillet  ") == "zorvan quillet");
  CHECK(prevent::fold_case_and_space("Zorvan\tQuillet\n") == "zorvan quillet");
  CHECK(prevent::fold_case_and_space("Zorvan \t \r\n Quillet") == "zorvan quillet");
  CHECK(prevent::fold_case_and_space("") == "");
  CHECK(prevent::fold_case_and_space("   ") == "");
  CHECK(prevent::fold_case_and_space("O'Quillet-Zorvan") == "o'quillet-zorvan");
  CHECK(prevent::fold_case_and_space("Zorvan Quillet") == prevent::fold_case_and_space(" zorvan  QUILLET"));
  // Non-ASCII bytes are kept as they are.
  CHECK(prevent::fold_case_and_space("Zo\xC3\xAB  Quillet") == "zo\xC3\xAB quillet");
}

// Every message prevent writes to stderr goes through terminal_safe: what a
// message quotes (a file name, an argument, a value of the store) never
// reaches the terminal raw.
using prevent::terminal_safe;

TEST_CASE("a message keeps printable text, multibyte letters and backslashes as they are") {
  CHECK(terminal_safe("") == "");
  CHECK(terminal_safe("no such case (PRV-2026-0001)") == "no such case (PRV-2026-0001)");
  CHECK(terminal_safe("Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x98\x80") == "Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(terminal_safe("a\\x1b b") == "a\\x1b b");
}

TEST_CASE("control characters in a message are escaped, so it stays one line and cannot drive the terminal") {
  CHECK(terminal_safe("a\nb") == "a\\x0ab");
  CHECK(terminal_safe("a\rb\tc") == "a\\x0db\\x09c");
  CHECK(terminal_safe("\x1b[2J\x1b]0;title\x07") == "\\x1b[2J\\x1b]0;title\\x07");
  CHECK(terminal_safe(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(terminal_safe("\x7f") == "\\x7f");
}

TEST_CASE("C1 control characters are escaped as code points") {
  CHECK(terminal_safe("\xC2\x9B" "31m") == "\\u009b31m");  // U+009B, CSI
  CHECK(terminal_safe("\xC2\x80") == "\\u0080");
  CHECK(terminal_safe("\xC2\x9F") == "\\u009f");
  CHECK(terminal_safe("\xC2\xA0") == "\xC2\xA0");  // U+00A0 is printable
}

TEST_CASE("bidirectional overrides and isolates are escaped, so a file name cannot reorder a message") {
  CHECK(terminal_safe("case\xE2\x80\xAElmy.yaml") == "case\\u202elmy.yaml");  // U+202E RIGHT-TO-LEFT OVERRIDE
  CHECK(terminal_safe("\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD") == "\\u202a\\u202b\\u202c\\u202d");
  CHECK(terminal_safe("\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9") == "\\u2066\\u2067\\u2068\\u2069");
  CHECK(terminal_safe("\xE2\x80\xA8\xE2\x80\xA9") == "\\u2028\\u2029");  // line and paragraph separators
  CHECK(terminal_safe("\xE2\x80\xA9x\xE2\x81\xA5") == "\\u2029x\xE2\x81\xA5");  // U+2065 is not one of them
}

TEST_CASE("invalid UTF-8 in a message is escaped byte by byte") {
  CHECK(terminal_safe("\xff") == "\\xff");
  CHECK(terminal_safe("a\x9b" "b") == "a\\x9bb");      // a lone C1 byte, as Latin-1 text would have it
  CHECK(terminal_safe("\xC3") == "\\xc3");             // cut short at the end
  CHECK(terminal_safe("\xC3(") == "\\xc3(");           // cut short by ASCII
  CHECK(terminal_safe("\xC0\xAF") == "\\xc0\\xaf");    // overlong
  CHECK(terminal_safe("\xED\xA0\x80") == "\\xed\\xa0\\x80");  // a surrogate
  CHECK(terminal_safe("\xF4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  CHECK(terminal_safe("\xE2\x80") == "\\xe2\\x80");
  CHECK(terminal_safe("\xE2\x80\xAE\xE2") == "\\u202e\\xe2");
}

TEST_CASE("what terminal_safe writes is itself plain printable ASCII or valid UTF-8 without anything it escapes") {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  all += "\xE2\x80\xAE\xC2\x85";
  std::string safe = terminal_safe(all);
  CHECK_FALSE(first_invalid_utf8(safe));
  CHECK(terminal_safe(safe) == safe);
  for (unsigned char c : safe) CHECK((c >= 0x20 && c != 0x7f));
}

// Every output prevent writes to stdout goes through output_safe: the same
// escapes, but the output's own line ends and tabs are kept.
using prevent::output_safe;

TEST_CASE("an output keeps its line ends, CSV's CRLF and tabs, and escapes every other control") {
  CHECK(output_safe("ID\tstage\nPRV-2026-0001\tsupported\n") == "ID\tstage\nPRV-2026-0001\tsupported\n");
  CHECK(output_safe("a,b\r\nc,d\r\n") == "a,b\r\nc,d\r\n");
  CHECK(output_safe("agency\x1b[2K\rPolice\n") == "agency\\x1b[2K\\x0dPolice\n");  // a lone CR is not a line end
  CHECK(output_safe("end\r") == "end\\x0d");
  CHECK(output_safe("\xC2\x9B" "31m \xE2\x80\xAE \xff\n") == "\\u009b31m \\u202e \\xff\n");
}

TEST_CASE("what output_safe writes is valid UTF-8 with no control but line feed, tab and CR before LF") {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  all += "\xE2\x80\xAE\xC2\x85\r\n";
  std::string safe = output_safe(all);
  CHECK_FALSE(first_invalid_utf8(safe));
  CHECK(output_safe(safe) == safe);
  for (size_t i = 0; i < safe.size(); ++i) {
    auto c = static_cast<unsigned char>(safe[i]);
    bool layout = c == '\n' || c == '\t' || (c == '\r' && i + 1 < safe.size() && safe[i + 1] == '\n');
    CHECK((layout || (c >= 0x20 && c != 0x7f)));
  }
}

TEST_CASE("html_escape turns every character HTML gives a meaning to into an entity") {
  CHECK(prevent::html_escape("<b>&\"'</b>") == "&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;");
  CHECK(prevent::html_escape("Zorvan Quillet, ZZ4") == "Zorvan Quillet, ZZ4");
  CHECK(prevent::html_escape("") == "");
  CHECK(prevent::html_escape("&amp;") == "&amp;amp;");
}

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

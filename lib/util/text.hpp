// Text checks shared by every reader: UTF-8, BOM, line ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prevent {

// Offset of the first byte that is not valid UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF are invalid), or nullopt.
std::optional<size_t> first_invalid_utf8(std::string_view text);

// Drops a leading UTF-8 BOM and turns CRLF into LF.
std::string normalise_line_ends(std::string_view text);

// `text` as one line that is safe to write to a terminal, whatever it
// quotes (a file name, an argument, a value read from the store): every
// byte of invalid UTF-8 and every C0 control (line breaks included) and DEL
// as \xNN; C1 controls (U+0080-U+009F), the bidirectional embeddings,
// overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the line and
// paragraph separators (U+2028, U+2029) as \uNNNN. So nothing a message
// quotes can move the cursor, recolour or clear the screen, reorder what
// is shown (a "Trojan Source" file name) or start a line of its own.
// A backslash is kept as it is. Everything else passes unchanged.
std::string terminal_safe(std::string_view text);

// A whole output as it goes to stdout (a table, a log, minutes, a report,
// JSON, YAML, CSV): escaped as terminal_safe does, except for the output's
// own layout, which is kept: line feeds, a carriage return directly before
// a line feed (CSV's row end) and tabs. So no value an output quotes can
// reach the terminal as a control sequence, whatever the format. Formats
// with their own escapes (JSON, YAML) use \uNNNN there, so the escape this
// adds is read back as the same character; line-oriented renderers also put
// each value through terminal_safe, so a line break in a value cannot start
// a line of its own.
std::string output_safe(std::string_view text);

// `text` as HTML character data or a quoted attribute value: & < > " '
// become entities, so nothing quoted can open a tag or end an attribute.
std::string html_escape(std::string_view text);

// Whether terminal_safe escapes this code point (C1 controls, bidirectional
// embeddings, overrides and isolates, line and paragraph separators).
bool unsafe_code_point_for_terminal(uint32_t cp);

// 1-based line number of a byte offset.
int line_of_offset(std::string_view text, size_t offset);

// Lower-cases ASCII and the Latin letters of most European names (À, Ł, …)
// and folds every run of white space into one space,
// trimming both ends: the comparison key of SPEC §4 rule 10.
std::string fold_case_and_space(std::string_view text);

// A value as an error message may quote it: `'nhs'` when it looks like a
// key or option word (at most 40 of a-z, 0-9, `.`, `_`, `-`), else
// `otherwise`. A value typed into the wrong place can be a person's name;
// messages never repeat one (SPEC §3).
bool looks_like_key(std::string_view value);
std::string quote_if_key(std::string_view value, std::string_view otherwise = "the value given");

}  // namespace prevent

// Text checks shared by every reader: UTF-8, BOM, line ends.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace prevent {

// Offset of the first byte that is not valid UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF are invalid), or nullopt.
std::optional<size_t> first_invalid_utf8(std::string_view text);

// Drops a leading UTF-8 BOM and turns CRLF into LF.
std::string normalise_line_ends(std::string_view text);

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

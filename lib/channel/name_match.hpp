// Whether two names could be the same person's (issue 17: `prevent find`,
// and the "possible match" notice of `refer` and `import`). Pure: no store,
// no I/O. The method, its thresholds and its known misses are written up in
// docs/matching.md; the table of true and false pairs that holds it to a
// precision and recall is tests/unit/name_match_test.cpp.
//
// A name is compared as a set of tokens:
//   - case and white space folded as SPEC §4 rule 10 folds them;
//   - the accented Latin letters of European names taken as their base
//     letters (Zoë = Zoe, Łucja = Lucja; æ, œ, ß, þ as ae, oe, ss, th);
//   - apostrophes dropped (O'Neill = ONeill), every other mark a separator
//     (a comma, a full stop, a hyphen: "Wrenfeld, Tobias", "Smith-Jones");
//   - the order of the tokens ignored ("surname, forename" or not).
// Two tokens are alike when they are equal; when one is a single letter
// the other begins with (an initial); when both are given names of the
// table of short forms and spelling variants (Toby/Tobias, Bill/William,
// Kate/Katherine, Sara/Sarah) and share an entry there (two different given
// names of the table are different names, whatever their spelling distance:
// John/Joan, Mark/Mary); otherwise when their optimal-string-alignment
// distance (Damerau: insertions, deletions, substitutions, transpositions
// of adjacent letters) is small for their length, with a phonetic key to
// allow one more edit between tokens that sound alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "date.hpp"

namespace prevent {

// How one name matched another, weakest first. The keys are those `find`
// prints in its `match` column.
enum class NameMatch {
  none,
  similar,     // every token of the shorter name is like one of the other's
  normalised,  // the same tokens once punctuation, accents and order are set aside
  exact,       // equal as SPEC §4 rule 10 compares names (case and space folded)
};
std::string_view name_match_key(NameMatch m);

// The tokens of a name, as the comparison takes them (lower case, base
// letters, no punctuation), in the order written.
std::vector<std::string> name_tokens(std::string_view name);

// How `candidate` matches `query`. Symmetric. A query of fewer tokens than
// the candidate (a surname alone, a name without its middle name) matches
// as `similar` when each of its tokens is like a different token of the
// candidate's, one at least more than an initial.
NameMatch match_names(std::string_view query, std::string_view candidate);

// For the "possible match" notice: names that are alike (any kind but
// none), each of at least two tokens, so a one-word name never matches a
// whole store.
bool names_alike_for_notice(std::string_view a, std::string_view b);

// Two dates of birth that could be one person's, one of them mistyped:
// either unknown, equal, or differing in one of year, month and day only,
// or with day and month swapped.
bool dates_of_birth_compatible(const std::optional<Date>& a, const std::optional<Date>& b);

// The blocking keys of a person for the "possible match" notice: cases
// that share at least two are compared in full (docs/matching.md). One key
// for the phonetic key of each name token of two letters or more, one for
// each entry of the given-name table a token stands in, and, with a date
// of birth, one for each two of its year, month and day and one for its
// year with day and month in either order. Two names alike for the notice
// share a key for each token pair matched as equal, as a short form or
// with the same phonetic key; dates of birth compatible share one.
std::vector<std::string> similarity_blocks(std::string_view name, const std::optional<Date>& dob);
// How many keys two cases must share to be compared in full.
inline constexpr size_t kBlocksShared = 2;

// The parts, for tests and docs/matching.md.
// Optimal string alignment distance (Damerau–Levenshtein without
// substrings edited twice), in bytes.
size_t osa_distance(std::string_view a, std::string_view b);
// A Soundex-like key of a token: its first letter (c, k and q as k, ph as
// f), then the Soundex digits of the rest, runs of one digit collapsed
// (h and w do not break a run, vowels do), vowels dropped, not cut to
// four characters.
std::string phonetic_key(std::string_view token);
// Whether two tokens are given names of the table sharing an entry; nullopt
// when either is not a given name of the table.
std::optional<bool> same_given_name(std::string_view a, std::string_view b);
// Whether two tokens are alike, as above.
bool tokens_alike(std::string_view a, std::string_view b);

}  // namespace prevent

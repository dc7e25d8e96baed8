// The release register (docs/disclosure.md): every FOI answer the store has
// given, kept in releases/NNNN.yaml so that each later answer is proved safe
// against all of them. A release holds counts and [c] only: no personal data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "disclosure.hpp"
#include "foi_request.hpp"  // is_request_reference

namespace prevent {

// releases/NNNN.yaml (four digits: a register holds at most 9999 answers).
std::string release_path(int number);
inline constexpr int kMaxReleases = 9999;

// Canonical text of a release.
std::string write_release(const Release& release);

// Reads one release; Failure(store) naming `where` (and the line) when it
// is not one: the register is the program's, and a damaged one cannot
// protect anything.
Release read_release(std::string_view text, const std::string& where);

}  // namespace prevent

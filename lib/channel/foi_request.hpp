// A Freedom of Information request the coordinator must answer (issue 16,
// docs/foi.md): foi/NNNN.yaml, numbered in the order requests are
// recorded. The file name is never derived from the reference, which is
// the requester's or the council's text and may hold '/'.
//
// No personal data: the record names the request by its reference, never
// by its requester (a requester's name is personal data), and has no free
// text.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "calendar.hpp"
#include "date.hpp"
#include "keyed_enum.hpp"

namespace prevent {

// FOI Act 2000 s.10(1): an answer is due "not later than the twentieth
// working day following the date of receipt".
inline constexpr int kFoiWorkingDays = 20;

// foi/NNNN.yaml holds at most 9999 requests, as releases/ does answers.
inline constexpr int kMaxFoiRequests = 9999;

// An FOI request reference (`--request`): letters, digits, '-', '_', '/',
// '.', 1 to 40 characters, starting with a letter or digit. Never personal
// data: it names a request, not its requester.
bool is_request_reference(std::string_view ref);

// Why a request was closed without an FOI answer of `report --foi`.
enum class FoiCloseReason { refused, withdrawn, answered_elsewhere };

template <>
struct KeyTable<FoiCloseReason> {
  static constexpr std::array<KeyEntry<FoiCloseReason>, 3> entries{{
      {FoiCloseReason::refused, "refused"},
      {FoiCloseReason::withdrawn, "withdrawn"},
      {FoiCloseReason::answered_elsewhere, "answered-elsewhere"},
  }};
};

struct FoiClosure {
  Date date;
  FoiCloseReason reason;
};

struct FoiRequest {
  std::string reference;             // is_request_reference
  Date received;                     // the date of receipt
  Date due;                          // foi_due_date(received) when it was recorded
  std::optional<std::string> period; // the period asked about, as parse_period reads it
  std::optional<FoiClosure> closed;  // `foi close`
};

// The twentieth working day following `received` (weekends and the
// store's holidays skipped; a request received on a day off counts from
// the next working day, as the ICO counts it).
Date foi_due_date(Date received, const HolidayCalendar& calendar);

// foi/NNNN.yaml (four digits).
std::string foi_request_path(int number);
// The number of a foi/ file name ("0007.yaml" → 7); nullopt for any other name.
std::optional<int> foi_request_number(std::string_view file_name);

inline constexpr std::string_view kFoiSchemaComment = "# yaml-language-server: $schema=../schemas/foi.schema.json\n";

// Canonical text of a request.
std::string write_foi_request(const FoiRequest& r);

// Reads one request; Failure(invalid_data) naming `where` and the key
// (schema, a date out of order, a period or reference out of form).
FoiRequest read_foi_request(std::string_view text, const std::string& where);

// open, answered (a release of the register names it), closed (`foi close`).
enum class FoiStatus { open, answered, closed };

template <>
struct KeyTable<FoiStatus> {
  static constexpr std::array<KeyEntry<FoiStatus>, 3> entries{{
      {FoiStatus::open, "open"},
      {FoiStatus::answered, "answered"},
      {FoiStatus::closed, "closed"},
  }};
};

}  // namespace prevent

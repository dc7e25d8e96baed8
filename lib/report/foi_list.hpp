// The FOI requests as the coordinator follows them (docs/foi.md): `foi
// list`, and the `foi` rows of `review due`. Pure values, from the
// requests of foi/ and the answers of the release register.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "disclosure.hpp"
#include "foi_request.hpp"
#include "table.hpp"

namespace prevent {

struct FoiListRow {
  std::string reference;
  Date received;
  Date due;
  std::optional<std::string> period;
  FoiStatus status;
  // answered: the first answer's as-of date; closed: the closing date.
  std::optional<Date> done;
  std::optional<FoiCloseReason> reason;  // closed
  std::vector<int> releases;             // the releases that name it
  // done (else as_of) minus due, in days; negative when not yet due, or
  // answered or closed early.
  long days_overdue;
};

// One row per request, in the order given (foi/ numbers), linked to the
// releases whose `request` is its reference. A request is answered when a
// release names it, whether or not it was also closed; else closed when
// closed; else open.
std::vector<FoiListRow> foi_list(const std::vector<FoiRequest>& requests, const std::vector<Release>& releases,
                                 Date as_of);

// Columns reference, received, due, period, status, done, reason,
// releases (four-digit numbers, space-separated), days_overdue.
Table foi_table(const std::vector<FoiListRow>& rows);

// The `stage` and `item` of a request's row in `review due`.
inline constexpr std::string_view kFoiDueItem = "foi";

// A row of `review due` for an open request: `id` is its reference,
// `stage` and `item` are `foi`.
struct FoiDueRow {
  std::string reference;
  Date due;
  long days_overdue;
};

// The open requests due on or before as_of + within_days, sorted by due
// date, then reference.
std::vector<FoiDueRow> foi_due_rows(const std::vector<FoiListRow>& rows, Date as_of, long within_days);

}  // namespace prevent

// The FOI requests of a store (docs/foi.md): `foi new` and `foi close`,
// each one commit of one file of foi/ under the writer's lock, and the
// reads that `foi list`, `review due` and `report --foi` make of foi/ and
// of the release register.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "date.hpp"
#include "disclosure.hpp"
#include "failure.hpp"
#include "foi_request.hpp"
#include "store.hpp"

namespace prevent {

struct NumberedFoiRequest {
  int number;  // foi/NNNN.yaml
  FoiRequest request;
};

// Every request at HEAD, by number, and each foi/ file that does not read
// as one (Failure(invalid_data) naming the file); a reference recorded
// twice is reported on its later file.
struct FoiRequests {
  std::vector<NumberedFoiRequest> requests;
  std::vector<Failure> unreadable;
};
FoiRequests read_foi_requests(const Store& store);

// The release register at HEAD, in release order; Failure(store) when it
// is damaged (the register is the program's).
std::vector<Release> read_release_register(const Store& store);

// `foi new`: records a request received on `received` (not after
// `as_of`: rule 1), due foi_due_date(received). Failure(invalid_data) when
// a request of that reference is recorded already, or a foi/ file does not
// read (a duplicate could hide in it). Returns what was recorded. Holds the
// lock.
NumberedFoiRequest record_foi_request(Store& store, const std::string& reference, Date received,
                                      const std::optional<std::string>& period, Date as_of);

// `foi close`: closes an open request on `date` (not before it was
// received, not after `as_of`). Failure(not_found) for no such request;
// refused (exit 4) when it is closed already or answered by a release.
// Holds the lock.
NumberedFoiRequest close_foi_request(Store& store, const std::string& reference, Date date, FoiCloseReason reason,
                                     Date as_of);

}  // namespace prevent

// The derived indexes a store keeps warm after each of its commits (the
// log index, then the record cache's side file), registered through the
// store's one seam (DerivedIndex in store.hpp). The store core knows
// nothing of them: the layer that opens a store (the front end's
// open_store, tests) registers them, and without them every write leaves
// them to be brought up to date the long way by the next read.
#pragma once

#include "store.hpp"

namespace prevent {

void keep_derived_indexes(Store& store);

}  // namespace prevent

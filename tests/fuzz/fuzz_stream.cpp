// libFuzzer target: the YAML stream import reader (`read_import` of a
// `---`-separated stream of case documents) on arbitrary bytes.
//
// Every document is read or reported: the records and the problems add up
// to the documents counted. Any exception other than Failure or a sanitizer
// report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "failure.hpp"
#include "intake.hpp"

using namespace prevent;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    IntakeBatch batch = read_import(in, "fuzz.yaml", false);
    if (batch.records.size() + batch.problems.size() != batch.total) std::abort();
  } catch (const Failure&) {
  }
  return 0;
}

// libFuzzer target: the case-file reader (`read_case`) on arbitrary bytes.
//
// A record that reads must also write: its canonical text must read back to
// the same text (SPEC §2.2: reading then writing a canonical file gives the
// same bytes). Any exception other than Failure, a sanitizer report or a
// broken round trip is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "case_record.hpp"
#include "config.hpp"
#include "failure.hpp"

using namespace prevent;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Config config = default_config("Example Borough", "PRV", 2026);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Case c;
  try {
    c = read_case(text, "fuzz.yaml", config);
  } catch (const Failure&) {
    return 0;  // refused: what the reader is for
  }
  std::string once = write_case(c);
  std::string twice;
  try {
    twice = write_case(read_case(once, "canonical.yaml", config));
  } catch (const Failure&) {
    std::abort();  // the program wrote a file it cannot read back
  }
  if (once != twice) std::abort();  // the canonical form is not stable
  return 0;
}

#include "reseal.hpp"

#include "failure.hpp"

namespace prevent {

ResealedCase reseal_case_text(std::string_view text, const std::string& where, const Config& config,
                              const CaseKeysOf& keys_of) {
  ResealedCase out;
  Case c;
  try {
    c = read_case(text, where, config);
  } catch (const Failure& f) {
    out.kept_why = f.what();
    return out;
  }
  if (!has_plain_values(c)) {
    out.text = write_case(c);
    return out;
  }
  const CaseKeys keys = keys_of(c.id);
  if (keys.store_id.empty()) {
    out.kept_why = "the store is not encrypted";
    return out;
  }
  if (!keys.case_key) {
    erase_personal(c);
    out.erased = true;
  } else {
    seal_personal(c, keys);
  }
  out.text = write_case(c);
  return out;
}

ResealedCase reseal_meeting_text(std::string_view text, const std::string& where, const MeetingKeys& keys) {
  ResealedCase out;
  Meeting m;
  try {
    m = read_meeting(text, where);
  } catch (const Failure& f) {
    out.kept_why = f.what();
    return out;
  }
  if (!has_plain_values(m)) return out;
  if (keys.store_id.empty()) {
    out.kept_why = "the store is not encrypted";
    return out;
  }
  seal_meeting_personal(m, keys);
  out.text = write_meeting(m);
  return out;
}

}  // namespace prevent

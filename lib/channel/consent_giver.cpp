#include "consent_giver.hpp"

#include <fmt/format.h>

namespace prevent {

std::string consent_entry_name(const Consent& k) {
  return fmt::format("consent {} by {} on {}", key_of(k.status), key_of(k.by), k.date.str());
}

std::optional<ConsentProblem> consent_giver_problem(const Consent& k, const AgeFacts& age,
                                                    std::string_view case_id) {
  const std::string entry = consent_entry_name(k);
  const bool for_incapacity = k.by == ConsentGiver::attorney_or_deputy || k.by == ConsentGiver::best_interests;
  // A capacity assessment belongs to a decision made for an adult who
  // lacks capacity (Mental Capacity Act 2005 ss.2-4); with anyone else's
  // consent it would say something the record does not mean.
  if (k.capacity_assessed && !for_incapacity)
    return ConsentProblem{
        fmt::format("{}: a capacity assessment goes only with consent by attorney-or-deputy or best-interests", entry),
        "leave out --capacity-assessed, or give --by attorney-or-deputy or --by best-interests"};
  // Who may decide turns on age; without a date of birth it cannot be told.
  const std::optional<bool> adult_that_day = adult_on(age, k.date);
  if (!adult_that_day && age.date_of_birth_hidden && age.age_at_referral)
    return ConsentProblem{
        fmt::format("{}: the date of birth is encrypted, and the age at referral does not tell whether the person "
                    "is 18 that day",
                    entry),
        "record it with the store's key: --identity FILE or PREVENT_IDENTITY (docs/encryption.md)", true};
  if (!adult_that_day)
    return ConsentProblem{
        fmt::format("{}: the person's date of birth is not recorded, so who may consent cannot be told", entry),
        fmt::format("record the date of birth first: prevent correct {} referral.subject.date_of_birth=YYYY-MM-DD "
                    "--reason TEXT",
                    case_id)};
  const bool adult = *adult_that_day;
  switch (k.by) {
    case ConsentGiver::subject:
      // Channel Duty Guidance: a child's consent is given by a parent or
      // guardian.
      if (!adult)
        return ConsentProblem{
            fmt::format("{}: the person is under 18 that day and cannot consent for themselves", entry),
            "a parent or guardian consents for a child: --by parent-guardian"};
      break;
    case ConsentGiver::parent_guardian:
      // An adult decides for themselves, or, lacking capacity, an attorney,
      // a deputy or a best-interests decision decides (MCA 2005).
      if (adult)
        return ConsentProblem{
            fmt::format("{}: the person is 18 or over that day; a parent or guardian consents only for a child",
                        entry),
            "an adult consents for themselves: --by subject; for an adult who lacks capacity: --by "
            "attorney-or-deputy or --by best-interests with --capacity-assessed DATE"};
      break;
    case ConsentGiver::attorney_or_deputy:
    case ConsentGiver::best_interests:
      if (!adult)
        return ConsentProblem{
            fmt::format("{}: the person is under 18 that day; {} is for an adult who lacks capacity (Mental "
                        "Capacity Act 2005)",
                        entry, key_of(k.by)),
            "a parent or guardian consents for a child: --by parent-guardian"};
      // MCA 2005 s.2: capacity is assessed for the decision, before it.
      if (!k.capacity_assessed)
        return ConsentProblem{
            fmt::format("{}: consent for an adult who lacks capacity needs the date their capacity was assessed "
                        "(Mental Capacity Act 2005)",
                        entry),
            fmt::format("give --capacity-assessed DATE, on or before {}", k.date.str())};
      if (*k.capacity_assessed > k.date)
        return ConsentProblem{
            fmt::format("{}: the capacity assessment ({}) is after it; capacity is assessed before the decision "
                        "(Mental Capacity Act 2005)",
                        entry, k.capacity_assessed->str()),
            fmt::format("give --capacity-assessed DATE, on or before {}", k.date.str())};
      break;
  }
  return std::nullopt;
}

}  // namespace prevent

// Working days and the England and Wales bank holidays.
#pragma once

#include <set>
#include <vector>

#include "date.hpp"

namespace prevent {

// The regular England and Wales bank holidays of a year, by the rules of the
// Banking and Financial Dealings Act 1971 and the standing royal
// proclamations: New Year's Day, Good Friday, Easter Monday, early May, spring
// and summer bank holidays, Christmas Day and Boxing Day, with substitute days
// when a fixed holiday falls at a weekend. One-off holidays (a coronation, a
// state funeral) are not predictable: a store adds them to `holidays` by hand.
std::vector<Date> england_wales_bank_holidays(int year);

Date easter_sunday(int year);

// `date` plus `n` working days: weekends and `holidays` are skipped, counting
// starts the day after `date` (Friday + 1 = Monday; Saturday + 5 = Friday).
Date add_working_days(Date date, int n, const std::set<Date>& holidays);

}  // namespace prevent

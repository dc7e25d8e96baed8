// What md and html show for the keys of the record's fixed lists and of the
// program's own lists (stages, due items, months): the human words,
// defined once here. JSON and CSV keep the keys, which scripts rely on; the
// vocabularies of prevent.yaml carry their own labels.
#pragma once

#include <string>
#include <string_view>

#include "config.hpp"
#include "date.hpp"
#include "workflow.hpp"

namespace prevent {

std::string stage_label(Stage stage);
// Post-closure items name their months from prevent.yaml ("6-month …").
std::string due_label(DueKind item, const Config& config);
// "2026-07" → "July 2026"; anything else unchanged.
std::string month_label(std::string_view year_month);
// 2026-07-01 → "1 July 2026".
std::string long_date(Date day);

}  // namespace prevent

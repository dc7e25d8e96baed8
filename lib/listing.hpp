// `prevent list`: a table of cases, never with personal data.
#pragma once

#include <optional>
#include <string>

#include "store.hpp"
#include "table.hpp"
#include "workflow.hpp"

namespace prevent {

struct ListFilter {
  std::optional<Stage> stage;
  std::optional<std::string> sector;
  std::optional<std::string> concern;
  std::optional<Date> received_from;
  std::optional<Date> received_to;
  std::optional<std::string> related_to;  // cases linked to this ID, either way
};

// Columns: id, stage, received, sector, concern, next_due. In ID order.
Table list_cases(const std::vector<Case>& cases, const Config& config, const ListFilter& filter);

// Orders IDs by prefix, year and number (PRV-2026-9999 before PRV-2026-10000).
bool case_id_less(const std::string& a, const std::string& b);

}  // namespace prevent

// `prevent list`: a table of cases, never with personal data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
#include "config.hpp"
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

// `prevent list`'s table, built one case at a time: only the listed columns
// of each case are kept, never the case itself. Columns: id, stage,
// received, sector, concern, next_due. In ID order.
class CaseLister {
 public:
  // Keeps a reference to `config`, which must outlive the lister.
  CaseLister(const Config& config, ListFilter filter) : config_(config), filter_(std::move(filter)) {}
  CaseLister(Config&&, ListFilter) = delete;
  void add(const Case& c);
  Table finish();

 private:
  struct Row {
    std::string id;
    Stage stage;
    Date received;
    std::string sector;
    std::string concern;
    std::optional<Date> next_due;
    bool linked = false;  // with --related-to: the case names the target
  };
  const Config& config_;
  ListFilter filter_;
  std::vector<Row> rows_;
  std::vector<std::string> target_related_;  // the related-to case's own links
};

// Orders IDs by prefix, year and number (PRV-2026-9999 before PRV-2026-10000).
bool case_id_less(const std::string& a, const std::string& b);

}  // namespace prevent

// The JSON Schemas of schemas/, compiled into the binary (SPEC §2.4).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "yaml_doc.hpp"

namespace prevent {

enum class SchemaKind { case_record, meeting, config, foi_request };

struct SchemaFile {
  SchemaKind kind;
  std::string_view file_name;  // e.g. "case.schema.json"
  std::string_view text;       // the file's exact bytes
};

const std::vector<SchemaFile>& schema_files();
const SchemaFile& schema_file(SchemaKind kind);

// Validates a record against its schema. Throws Failure(invalid_data) naming
// the key (dotted path), the problem, and `where` with the key's line.
void validate_against_schema(const YNode& record, SchemaKind kind, const std::string& where);

// The values a schema `enum` allows at a dotted path such as
// "referral.route" or "panel.decision" (list indices are not written).
// Empty when the schema has no enum there.
std::vector<std::string> schema_enum(SchemaKind kind, std::string_view dotted_path);

}  // namespace prevent

# Writes a header holding the exact bytes of the JSON Schemas (SPEC §2.4),
# so the binary validates with the same files it writes into a store.
# Usage: cmake -DSCHEMA_DIR=... -DOUT=... -P embed_schemas.cmake
set(content "// Generated from schemas/ by cmake/embed_schemas.cmake. Do not edit.\n#pragma once\n#include <string_view>\nnamespace prevent::embedded {\n")
foreach(pair "case_schema:case.schema.json" "meeting_schema:meeting.schema.json" "config_schema:config.schema.json" "foi_schema:foi.schema.json")
  string(REPLACE ":" ";" parts "${pair}")
  list(GET parts 0 name)
  list(GET parts 1 file)
  file(READ "${SCHEMA_DIR}/${file}" text)
  string(APPEND content "inline constexpr std::string_view ${name} = R\"prevent_schema(${text})prevent_schema\";\n")
endforeach()
string(APPEND content "}  // namespace prevent::embedded\n")
file(WRITE "${OUT}.tmp" "${content}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)

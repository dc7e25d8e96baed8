// A panel meeting: panels/<YYYY-MM-DD>.yaml. Decisions on cases are kept in
// the case files only; the meeting holds who was there and the agenda.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "date.hpp"
#include "yaml_doc.hpp"

namespace prevent {

struct Member {
  std::string role;
  std::string agency;
  bool police = false;  // attendees only: represents the police (CTSA 2015 s.37)
};

struct Declaration {
  std::string role;
  std::string agency;
  std::string case_id;
};

struct AgendaItem {
  std::string case_id;
  std::string item;  // an item of SPEC §6.1
};

struct Meeting {
  Date date;
  Member chair;
  std::vector<Member> attendees;
  std::vector<Member> apologies;
  std::vector<Declaration> declarations;
  std::vector<AgendaItem> agenda;

  // CTSA 2015 s.37: the police are members of the panel; a decision on a
  // case needs a police representative present.
  bool police_present() const;
};

std::string meeting_path(Date date);  // panels/YYYY-MM-DD.yaml
inline constexpr std::string_view kMeetingSchemaComment =
    "# yaml-language-server: $schema=../schemas/meeting.schema.json\n";

// `ROLE@AGENCY` as given on the command line; Failure(invalid_data) otherwise.
Member parse_member(std::string_view text, std::string_view option);

std::string write_meeting(const Meeting& m);
Meeting read_meeting(std::string_view text, const std::string& where);

}  // namespace prevent

// A panel meeting: panels/<YYYY-MM-DD>.yaml. Decisions on cases are kept in
// the case files only; the meeting holds who was there and the agenda.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_record.hpp"
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
  std::string item;      // an item of SPEC §6.1
  bool by_hand = false;  // put there with `panel agenda --add`: `--fill` keeps it
};

struct Meeting {
  Date date;
  Member chair;
  std::vector<Member> attendees;
  std::vector<Member> apologies;
  std::vector<Declaration> declarations;
  std::vector<AgendaItem> agenda;
  // `prevent edit --meeting`: what was corrected, when, and why. The
  // reason is personal data (written by the YAML mapping only).
  std::vector<Correction> corrections;
  // Left by a merge of two versions of the meeting (docs/merge.md), until
  // `prevent resolve DATE FIELD` resolves each. A side's personal_value
  // is (P), sealed like a correction's reason.
  std::vector<Conflict> conflicts;

  // CTSA 2015 s.37: the police are members of the panel; a decision on a
  // case needs a police representative present.
  bool police_present() const;
};

// Where a person stands at a meeting. Each `panel attend` flag states the
// entry it leaves: --attendee (attending), --police (attending for the
// police), --apology (sent apologies), --remove (not listed).
enum class Presence { attending, police, apology, not_listed };

// The same person: role and agency compared case-insensitively, with runs
// of spaces counted as one (as they are typed, not as they were stored).
bool same_member(const Member& a, const Member& b);

// Where `who` stands at `m`: the chair counts as attending.
Presence presence_of(const Meeting& m, const Member& who);
bool is_chair(const Meeting& m, const Member& who);

// Leaves `who` listed once, as `to` says: a listed entry changes in place
// (attendee to police and back) or moves between attendees and apologies,
// keeping the text it was recorded with; duplicates of it are dropped.
// Returns false when `who` already stood so (nothing changed). The chair
// is not changed here (the caller refuses that first).
bool set_presence(Meeting& m, const Member& who, Presence to);

std::string meeting_path(Date date);  // panels/YYYY-MM-DD.yaml
inline constexpr std::string_view kMeetingSchemaComment =
    "# yaml-language-server: $schema=../schemas/meeting.schema.json\n";

// `ROLE@AGENCY` as given on the command line; Failure(invalid_data) otherwise.
Member parse_member(std::string_view text, std::string_view option);

// The text of a meeting file; a sealed reason is written as it was read.
std::string write_meeting(const Meeting& m);
// A correction's reason of the sealed form ("enc:v1:…") is read as a
// sealed value, any other as plain text.
Meeting read_meeting(std::string_view text, const std::string& where);

// ---------------------------------------------------------------------------
// Sealed values of a meeting (docs/encryption.md, "Meetings"). A meeting's
// one (P) field is the reason of each `corrections` entry. It is about no
// one case, so in an encrypted store it is sealed with the store's own data
// key (as an erasure's reason is), in the sealed form of a case's values,
// under associated data naming the store, the meeting's file and the field
// (`prevent-meeting-value-v1`, the store ID, `panels/DATE.yaml`,
// `corrections.reason`; a conflict's personal value: `conflicts.personal_value`):
// a value copied to another meeting, another field or a case never opens. Erasing a case destroys a case's key, never the
// store's: a meeting's reasons stay readable.

struct MeetingKeys {
  std::string store_id;                        // empty: a plain store, nothing is sealed
  std::optional<crypto::SecretKey> store_key;  // the store's data key, when this run has it
};

// Seals every plain (P) value of `m` (the meeting about to be written). A
// value already sealed stays as it is. Failure(store), exit 6, when a plain
// value is to be sealed and `keys` has no key.
void seal_meeting_personal(Meeting& m, const MeetingKeys& keys);
// Opens every sealed value when `keys` has the key; without it they stay
// sealed. Failure(store), exit 6, when a value does not open (changed, or
// moved from another meeting or field), naming the field and `where`.
void open_meeting_personal(Meeting& m, const MeetingKeys& keys, const std::string& where);
// Whether any (P) value of `m` is sealed (not readable in this run).
bool has_sealed_values(const Meeting& m);
// Whether any (P) value of `m` is in plain text.
bool has_plain_values(const Meeting& m);
// For display only: every sealed value becomes `[encrypted]`
// (kEncryptedShown). Never written back.
void mask_sealed(Meeting& m);

}  // namespace prevent

// The case record of SPEC §3, and its mapping to and from YAML.
//
// Field names follow the record's keys. The fixed lists the workflow decides
// on (triage outcome, decision, consent, action status, review kind and
// outcome, closure reason) are enums (fixed_lists.hpp); the other fixed lists
// (route, method, …) are kept as their keys, which the case schema lists
// (schema_enum); the store's prevent.yaml lists the vocabularies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "crypto.hpp"
#include "date.hpp"
#include "fixed_lists.hpp"
#include "personal_data.hpp"
#include "yaml_doc.hpp"

namespace prevent {

struct Subject {              // (P) all of it, except gender
  PersonalText name;
  PersonalDate date_of_birth;
  std::string gender;         // vocabulary `genders`: a reporting category
  Personal<std::optional<std::string>> postcode_district;
  // Kept by prevent beside a sealed date of birth (case_fields.hpp).
  std::optional<int> age_at_referral;
  // Optional special-category data (UK GDPR Art. 9), each from a vocabulary
  // of prevent.yaml: (P), yet counted by the report (case_fields.hpp,
  // `special_category`).
  Personal<std::optional<std::string>> ethnicity;       // vocabulary `ethnicities`
  Personal<std::optional<std::string>> mental_health;   // vocabulary `mental_health`
  Personal<std::optional<std::string>> neurodiversity;  // vocabulary `neurodiversity`
};

struct Referral {
  Date received;
  std::string route;
  std::optional<std::string> from_area;
  std::string sector;         // source.sector, vocabulary `sectors`
  std::string agency;         // source.agency
  std::string referrer_role;  // source.referrer_role
  Subject subject;
  std::string concern_type;   // vocabulary `concern_types`
  PersonalText concern_summary;
  // Optional: did the person (a parent or guardian for a child) consent to
  // the referral being taken forward? Vocabulary `referral_consent`; a
  // reporting category, not the consent to support of SPEC §3 `consent`.
  std::optional<std::string> consent_to_referral;
};

struct Section36 {
  Date decided;
  std::string by;
};

struct Triage {
  Date completed;
  TriageOutcome outcome{};
  std::vector<std::string> signposted_to;
  std::optional<Section36> section36;
  PersonalNote rationale;
};

struct Assessment {
  Date date;
  std::string framework, engagement, intent, capability;
  PersonalNote notes;
};

struct Hearing {  // one entry of `panel`
  Date meeting;
  PanelDecision decision{};
  std::optional<std::string> method;
  std::vector<std::string> signposted_to;
  PersonalNote rationale;
};

// One dated entry of a consent history (SPEC §3 `consent`, issue 14):
// consent requested, given, declined or withdrawn, by whom, on which day.
// A history only grows: a new entry is appended, an entry recorded in
// error is voided (the latest only), nothing is overwritten.
struct Consent {
  ConsentStatus status{};
  ConsentGiver by{};
  Date date;
  // With `by: attorney-or-deputy` or `best-interests` (Mental Capacity Act
  // 2005): the day the person was assessed as lacking capacity to decide.
  std::optional<Date> capacity_assessed = std::nullopt;
  PersonalNote reason = {};  // (P) why, where given (a refusal, a withdrawal)
};

struct Action {  // one entry of `support_plan`
  std::string id;
  std::string support;
  PersonalText provider;  // (P) can name a person (a private tutor, a mentor)
  Date added;
  Date due;
  ActionStatus status{};
  std::optional<Date> closed;
  // With status `closed`: the action ended because the case closed (the
  // closure's date is `closed`), unless the coordinator kept it open.
  std::optional<ActionClosedWith> closed_with;
};

struct ChronologyEntry {
  Date date;
  std::string kind;
  PersonalText with;  // (P) can name a person (a parent, a teacher)
  PersonalNote text;
};

struct Review {
  Date date;
  ReviewKind kind{};
  std::optional<Date> meeting;
  ReviewOutcome outcome{};
  PersonalNote notes;
};

struct Closure {
  Date date;
  ClosureReason reason{};
};

// `prevent erase` (docs/encryption.md): the case's data key was destroyed
// on `date`; its (P) values read `[erased]` from then on. The reason is
// sealed with the store's own data key, not the case's.
struct Erasure {
  Date date;
  PersonalText reason;
};

struct Correction {
  Date date;
  std::vector<std::string> fields;
  PersonalText reason;
};

// A closed episode moved aside when the case was reopened (SPEC §4 rule 8).
struct Episode {
  std::vector<Consent> consent;  // its consent history, oldest first
  std::vector<Action> support_plan;
  std::vector<Review> reviews;
  std::optional<Closure> closure;
  std::optional<Date> reopened;  // date of the review that reopened the case
};

// An entry recorded in error, moved aside unchanged by `prevent void`
// (nothing is deleted): what it was, the day it was voided and why, and the
// entry itself in the member its kind names. A voided review or consent
// also carries the closure it had made. A whole case voided (a duplicate
// referral, one entered in error) has `what: case` and no entry.
struct VoidedEntry {
  std::string what;  // triage, assessment:DATE, decision:DATE, consent, action:A2, review:DATE, note:DATE, case, …
  Date date;         // the day it was voided
  PersonalText reason;
  std::optional<Triage> triage;
  std::optional<Assessment> assessment;
  std::optional<Hearing> decision;
  std::optional<Consent> consent;
  std::optional<Action> action;
  std::optional<Review> review;
  std::optional<ChronologyEntry> note;
  std::optional<Closure> closure;
};

// A field that two sides of a merge changed two different ways
// (docs/merge.md): the record keeps, in place, what it held before either
// change, and both changes here until a person resolves them.
struct ConflictSide {
  std::string by;  // who made the side's change: the author of its commit
  Date date;       // when: the date of that commit
  // The side's value as YAML text; neither: the side removed it. `value`
  // when the field holds no personal data, else `personal_value`, which is
  // (P) like the field itself.
  std::optional<std::string> value;
  PersonalNote personal_value;
};

struct Conflict {
  std::string field;  // the field's path: `triage.outcome`, `panel[2026-03-04].rationale` (docs/merge.md)
  ConflictSide ours;
  ConflictSide theirs;
};

struct Case {
  std::string id;
  // The IDs the case had before: a case numbered offline on two copies of
  // the store at once is renumbered by `prevent sync` (docs/team.md).
  std::vector<std::string> previous_ids;
  // The cases another copy gave this case's number offline, which a sync
  // renumbered (each one's `previous_ids` holds this case's ID): how
  // `prevent show ID` finds them although this case holds the ID.
  std::vector<std::string> number_also_given_to;
  Referral referral;
  std::vector<std::string> related;
  std::optional<Triage> triage;
  std::vector<Assessment> assessments;
  std::vector<Hearing> panel;
  // The consent history, oldest first; the latest entry is the consent
  // that counts (stage, rules, due dates). A store written before the
  // history was kept holds one entry as a mapping; it reads as a history
  // of one (case_fields.hpp, `one_as_list`).
  std::vector<Consent> consent;
  std::vector<Action> support_plan;
  std::vector<ChronologyEntry> chronology;
  std::vector<Review> reviews;
  std::optional<Closure> closure;
  std::vector<Correction> corrections;
  std::vector<Episode> previous;
  std::vector<VoidedEntry> voided;
  std::optional<Erasure> erasure;
  std::vector<Conflict> conflicts;  // left by a merge, until resolved (docs/merge.md)
};

// The latest entry of a consent history (the one that counts), or nullptr.
inline const Consent* latest_consent(const std::vector<Consent>& history) {
  return history.empty() ? nullptr : &history.back();
}
inline const Consent* latest_consent(const Case& c) { return latest_consent(c.consent); }

// The `what` of a whole case voided (`prevent void ID case`).
inline constexpr std::string_view kVoidedCase = "case";
// Whether the whole case was voided: its stage is `voided`, and it counts
// nowhere but as entered in error.
bool is_voided_case(const Case& c);

// The record as a YAML tree in the key order of SPEC §3; empty lists and
// absent sections are left out.
YNode case_to_node(const Case& c);

// Builds a Case from a tree that passed the case schema. Throws
// Failure(invalid_data) for impossible dates, naming key, `where` and line.
Case case_from_node(const YNode& node, const std::string& where);

// One leaf of a case's YAML tree to set, or to remove (no value): how
// `correct` changes a field. `path` holds map keys; inside a list, a
// 1-based position or, for entries with an `id` (support actions), the ID.
struct FieldEdit {
  std::vector<std::string> path;
  std::optional<YNode> value;
};

// The case with `edits` made on its tree, read back through the schema and
// case_from_node. `changed[i]` says whether edit i changed anything.
// Failure(invalid_data) naming the path when it addresses nothing in this
// record (a missing section or list entry), Failure(not_found) for an
// unknown action ID. Messages never quote a value.
Case edit_case_fields(const Case& c, const std::vector<FieldEdit>& edits, std::vector<bool>& changed,
                      const std::string& where);

// Every vocabulary-valued field against the store's prevent.yaml (exit 5).
void check_case_vocabularies(const Case& c, const Config& config, const std::string& where);

// Path of a case file relative to the store root, e.g. cases/2026/PRV-2026-0014.yaml
std::string case_path(const std::string& id, int year);
// The first line of every case file.
inline constexpr std::string_view kCaseSchemaComment =
    "# yaml-language-server: $schema=../../schemas/case.schema.json\n";

// Full text of a case file in canonical form.
std::string write_case(const Case& c);

// Parses and validates the text of one case file (size, UTF-8, YAML, schema,
// dates, vocabularies). Exit 5 on any defect.
Case read_case(std::string_view text, const std::string& where, const Config& config);

// Whether a field of the record's YAML tree is personal data ((P) in SPEC
// §3). `path` is dotted, with list positions in brackets as the history
// diff names them: `referral.subject.name`, `panel[2].rationale`,
// `previous[1].reviews[3].notes`. Anything below a (P) field is (P) too.
bool is_personal_field(std::string_view path);

// The key of SPEC §4 rule 10: name folded for case and space, and date of
// birth; nullopt without a date of birth (nothing to match on).
std::optional<std::string> person_key(const Case& c);

// The case without its personal data, for whole-store reads (`list`,
// `review due`, `report`, agendas) and their cache: every (P) field is
// emptied, and the date of birth is replaced by the referral date less the
// subject's age on it in whole years, so the age band is unchanged and no
// real date of birth is kept. Such a case is for counting and listing only:
// never write it back or check rules on it.
Case without_personal_data(const Case& c);
// The subject's age on the referral date, or nullopt without a date of
// birth: from the date of birth when it is readable, else from the clear
// `age_at_referral` an encrypted record keeps beside its sealed one.
std::optional<int> age_at_referral(const Case& c);

// What the record tells of the person's age (rule 5, the report's bands):
// the date of birth when this run can read it, else the age at referral.
struct AgeFacts {
  std::optional<Date> date_of_birth;   // readable
  std::optional<int> age_at_referral;  // from the date of birth, or kept in clear
  Date received;
  // The date of birth is recorded but sealed or erased (not readable here).
  bool date_of_birth_hidden = false;
};
AgeFacts age_facts(const Case& c);
// Whether the person is 18 or over on `day`: nullopt when the record does
// not tell (no date of birth; or only the age at referral, and `day` falls
// in the year before or after the 18th birthday it implies).
std::optional<bool> adult_on(const AgeFacts& age, Date day);

// ---------------------------------------------------------------------------
// Sealed values (docs/encryption.md). A (P) value of an encrypted store is
// written as "enc:v1:…", sealed with the case's data key under associated
// data naming the store, the case and the field (by the kind of entry that
// holds it, so an entry may move to `previous` or `voided` and still open,
// but a value moved to another case or field never does). Special-category
// categories stay in clear: the report counts them without a key.

struct CaseKeys {
  std::string store_id;                        // empty: a plain store, nothing is sealed
  std::optional<crypto::SecretKey> case_key;   // the case's data key, when this run has it
  std::optional<crypto::SecretKey> store_key;  // the store's data key (the erasure's reason)
};

// Seals every plain (P) value of `c` (the record about to be written) and
// keeps its age at referral in clear beside a sealed date of birth. A value
// already sealed stays as it is. Failure(store), exit 6, when a plain value
// is to be sealed and `keys` has no key for it.
void seal_personal(Case& c, const CaseKeys& keys);
// Opens every sealed value `keys` has the key for; the others stay sealed.
// Failure(store), exit 6, when a value does not open with the key it
// should (changed, or moved from another case or field), naming the field.
void open_personal(Case& c, const CaseKeys& keys, const std::string& where);
// After a sync's merge of an encrypted store's record (record_merge.hpp):
// each conflict's value that is a field's sealed value, copied as it was,
// opened with the case's key and sealed again as the conflict's own, and
// every plain (P) value sealed (a whole entry's text). Failure(store), exit
// 6, when `keys` has no case key and a conflict holds a sealed value.
void seal_merged_conflicts(Case& c, const CaseKeys& keys);
// Whether any (P) value of `c` is sealed (not readable in this run).
bool has_sealed_values(const Case& c);
// Whether any (P) value of `c` is in plain text (counted by `check` in an
// encrypted store).
bool has_plain_values(const Case& c);
// Replaces every (P) value of `c` by `[erased]` (prevent erase).
void erase_personal(Case& c);
// For display only (`show` without the key): every sealed value becomes
// `[encrypted]`. Never written back.
inline constexpr std::string_view kEncryptedShown = "[encrypted]";
void mask_sealed(Case& c);
// Every (P) value of `c` with a value, sealed or plain, becomes
// `[encrypted]`: for comparing two records but for their personal data.
void mask_personal(Case& c);
// Sets the stand-in date of birth of a case without personal data.
void set_age_at_referral(Case& c, std::optional<int> age);

}  // namespace prevent

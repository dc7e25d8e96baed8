#include "edit.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "failure.hpp"
#include "meetings.hpp"
#include "record_diff.hpp"
#include "record_edit.hpp"
#include "rules.hpp"
#include "schema.hpp"
#include "void_entry.hpp"
#include "yaml_doc.hpp"

namespace prevent {

namespace {

const std::string kWhere(kEditedRecord);

// The edited case, and the corrections that make it from `original`.
struct EditedCase {
  Case edited;
  std::vector<FieldValue> changes;
};

EditedCase read_edit(const Store& store, const Case& original, std::string_view text) {
  EditedCase e{read_case(text, kWhere, store.config()), {}};
  e.changes = edit_as_corrections(original, e.edited, kWhere);
  return e;
}

// The correction must make exactly the edited record (but for its own
// `corrections` entry): anything else would commit what the user did not
// see.
void require_same_record(const Case& edited, const Case& corrected) {
  Case made = corrected;
  if (!made.corrections.empty()) made.corrections.pop_back();
  if (write_case(made) != write_case(edited))
    fail(Exit::invalid_data,
         fmt::format("the edit makes a change that a correction cannot make ({})", kWhere),
         fmt::format("make the change with `prevent correct {} FIELD=VALUE… --reason …`", edited.id));
}

}  // namespace

namespace {

// The buffer holds a record's personal data: when prevent is ended by
// SIGTERM or SIGHUP (a closed terminal) while the editor is open, the
// buffer is removed before prevent ends as the signal would end it. Only
// async-signal-safe calls in the handler; one buffer at a time.
char ending_buffer[4096];
struct sigaction before_term, before_hup;

extern "C" void remove_buffer_and_end(int sig) {
  ::unlink(ending_buffer);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

EditBuffer::EditBuffer(const Store& store, std::string_view name)
    : path_(store.private_file_path(fmt::format("edit-{}-{}", ::getpid(), name))) {
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    fail(Exit::store, fmt::format("cannot create the editing file .git/prevent/{}: {}", path_.filename().string(),
                                  std::strerror(errno)));
  ::fchmod(fd, 0600);
  ::close(fd);
  const std::string& p = path_.native();
  if (p.size() < sizeof ending_buffer) {
    std::memcpy(ending_buffer, p.c_str(), p.size() + 1);
    struct sigaction remove {};
    remove.sa_handler = remove_buffer_and_end;
    sigemptyset(&remove.sa_mask);
    ::sigaction(SIGTERM, &remove, &before_term);
    ::sigaction(SIGHUP, &remove, &before_hup);
  }
}

EditBuffer::~EditBuffer() {
  if (path_.native().size() < sizeof ending_buffer) {
    ::sigaction(SIGTERM, &before_term, nullptr);
    ::sigaction(SIGHUP, &before_hup, nullptr);
  }
  ::unlink(path_.c_str());
}

void EditBuffer::write(std::string_view text) const {
  // The editor may have replaced the file: never follow a link it left.
  ::unlink(path_.c_str());
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    fail(Exit::store, fmt::format("cannot write the editing file .git/prevent/{}: {}", path_.filename().string(),
                                  std::strerror(errno)));
  ::fchmod(fd, 0600);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int err = errno;
      ::close(fd);
      fail(Exit::store, fmt::format("cannot write the editing file .git/prevent/{}: {}", path_.filename().string(),
                                    std::strerror(err)));
    }
    done += static_cast<size_t>(w);
  }
  ::close(fd);
}

std::string EditBuffer::read() const {
  int fd = ::open(path_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {};
    fail(Exit::store, fmt::format("cannot read the editing file .git/prevent/{}: {}", path_.filename().string(),
                                  std::strerror(errno)));
  }
  // Comment lines come on top of the record: allow for them, refuse more.
  const size_t limit = kMaxRecordBytes + 64 * 1024;
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    out.append(buf, static_cast<size_t>(r));
    if (out.size() > limit) {
      ::close(fd);
      fail(Exit::invalid_data, fmt::format("the edited record is larger than a record may be (1 MiB) ({})", kWhere));
    }
  }
  ::close(fd);
  return out;
}

CaseEditStart begin_case_edit(const Store& store, const CaseId& id) {
  CaseEditStart s{store.load_case(id), {}};
  // A case voided as entered in error takes no further change.
  refuse_if_voided(s.original);
  // Nothing sealed goes into the editor: the record is edited opened.
  if (has_sealed_values(s.original))
    fail(Exit::store, fmt::format("{}: the case's personal data is encrypted, and editing it needs the key", id.str()),
         std::string(kNeedsKeyHint));
  s.text = write_case(s.original);
  return s;
}

namespace {

std::string comment_lines(std::string_view text, bool keep_as_empty) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    const bool comment = line.starts_with('#');
    if (!comment) out += line;
    if (end == std::string_view::npos) break;
    if (!comment || keep_as_empty) out += '\n';
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::string without_comment_lines(std::string_view text) { return comment_lines(text, true); }

std::string record_lines(std::string_view text) { return comment_lines(text, false); }

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::vector<std::string> judge_case_edit(const Store& store, const Case& original, std::string_view text, Date as_of) {
  EditedCase e = read_edit(store, original, text);
  if (e.changes.empty()) return {};
  Case c = original;
  // The reason is asked for after the edit is judged; a stand-in here.
  std::vector<std::string> fields = apply_correction(c, e.changes, "(reason)", as_of, store.config());
  require_same_record(e.edited, c);
  validate_against_schema(case_to_node(c), SchemaKind::case_record, kWhere);
  RuleContext ctx{store.config(), as_of, [&](Date d) { return store.meeting(d); }};
  check_case_rules(c, ctx);
  return fields;
}

CorrectionDone commit_case_edit(Store& store, const Case& original, std::string_view text, Date as_of,
                                const std::string& reason) {
  EditedCase e = read_edit(store, original, text);
  CaseId id = require_case_id(original.id, kWhere);
  return correct_case(store, id, as_of, e.changes, reason, "edit", [&](const Case& at_head, const Case& corrected) {
    if (write_case(at_head) != write_case(original))
      fail(Exit::store, fmt::format("the case changed while it was being edited; nothing written ({})", original.id),
           fmt::format("run `prevent edit {}` again", original.id));
    require_same_record(e.edited, corrected);
  });
}

namespace {

bool same_agenda(const std::vector<AgendaItem>& a, const std::vector<AgendaItem>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const AgendaItem& x, const AgendaItem& y) {
    return x.case_id == y.case_id && x.item == y.item && x.by_hand == y.by_hand;
  });
}

bool same_declarations(const std::vector<Declaration>& a, const std::vector<Declaration>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Declaration& x, const Declaration& y) {
    return x.role == y.role && x.agency == y.agency && x.case_id == y.case_id;
  });
}

bool same_corrections(const std::vector<Correction>& a, const std::vector<Correction>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Correction& x, const Correction& y) {
    return x.date == y.date && x.fields == y.fields && x.reason == y.reason;
  });
}

// `attendees[2].agency` → `attendees.2.agency`, as a corrections entry
// names a field.
std::string dotted_field(std::string_view field) {
  std::string out;
  for (char ch : field) {
    if (ch == '[') out += '.';
    else if (ch != ']') out += ch;
  }
  return out;
}

// Each person (role and agency, as same_member compares them) is listed
// once: as the chair, an attendee or an apology.
void listed_once(const Meeting& m) {
  std::vector<std::pair<std::string, const Member*>> all{{"chair", &m.chair}};
  for (size_t i = 0; i < m.attendees.size(); ++i) all.emplace_back(fmt::format("attendees.{}", i + 1), &m.attendees[i]);
  for (size_t i = 0; i < m.apologies.size(); ++i) all.emplace_back(fmt::format("apologies.{}", i + 1), &m.apologies[i]);
  for (size_t i = 0; i < all.size(); ++i)
    for (size_t j = i + 1; j < all.size(); ++j)
      if (same_member(*all[i].second, *all[j].second))
        fail(Exit::invalid_data,
             fmt::format("{} and {} are the same role and agency: each person is listed once ({})", all[i].first,
                         all[j].first, kWhere),
             "correct the role or agency that was misspelt; someone listed twice is taken off with `prevent panel "
             "attend DATE --remove ROLE@AGENCY`");
}

std::vector<std::string> meeting_fields(const Store& store, const Meeting& original, const Meeting& edited) {
  const std::string date = original.date.str();
  if (edited.date != original.date)
    fail(Exit::invalid_data,
         fmt::format("the meeting's date cannot be corrected: a meeting on another date is another meeting ({})", kWhere),
         "record it with `prevent panel new DATE --chair ROLE@AGENCY …` (and its agenda with `prevent panel agenda`)");
  if (!same_corrections(edited.corrections, original.corrections))
    fail(Exit::invalid_data, fmt::format("`corrections` is kept by prevent and cannot be edited ({})", kWhere),
         "leave it as it was; the reason for this edit is asked for when the meeting is saved");
  if (!same_agenda(edited.agenda, original.agenda))
    fail(Exit::invalid_data, fmt::format("the agenda is not changed by edit ({})", kWhere),
         fmt::format("use `prevent panel agenda {} --add ID`, `--drop ID` or `--fill`", date));
  if (!same_declarations(edited.declarations, original.declarations))
    fail(Exit::invalid_data, fmt::format("declarations of interest are not changed by edit ({})", kWhere),
         fmt::format("record one with `prevent panel attend {} --declare ROLE@AGENCY:ID`", date));
  if (edited.attendees.size() != original.attendees.size() || edited.apologies.size() != original.apologies.size())
    fail(Exit::invalid_data,
         fmt::format("who attended or sent apologies is not changed by edit, only the text of a role or agency "
                     "and the police marking ({})",
                     kWhere),
         fmt::format("use `prevent panel attend {} --attendee`, `--police`, `--apology` or `--remove ROLE@AGENCY`",
                     date));
  listed_once(edited);
  // SPEC §4 rule 4: a meeting with case business recorded at it keeps a
  // police representative (the chair is required by the schema).
  if (original.police_present() && !edited.police_present())
    police_stay_while_business_recorded(edited, cases_with_business(store, original.date));
  Meeting a = original, b = edited;
  a.corrections.clear();
  b.corrections.clear();
  const YNode before = parse_yaml(write_meeting(a), kWhere), after = parse_yaml(write_meeting(b), kWhere);
  std::vector<std::string> fields;
  for (const auto& c : diff_meetings(&before, &after, ShowPersonal::no)) fields.push_back(dotted_field(c.field));
  return fields;
}

}  // namespace

namespace {

// The meeting at HEAD as the editor gets it: its correction reasons opened
// (docs/encryption.md). In an encrypted store the reason the edit records
// is sealed with the store's key: without it the edit is refused before the
// editor runs, not after the user has typed their change.
Meeting opened_meeting(const Store& store, Date date) {
  Meeting m = store.require_meeting(date);
  const std::string path = meeting_path(date);
  store.open_meeting(m, path);
  const MeetingKeys keys = store.meeting_keys();
  if (keys.store_id.empty() && has_sealed_values(m))
    fail(Exit::invalid_data,
         fmt::format("the meeting holds sealed values, which prevent never writes in a plain store ({})", path),
         "restore its plain version from the history with git");
  if (has_sealed_values(m) || (!keys.store_id.empty() && !keys.store_key))
    fail(Exit::store,
         fmt::format("meeting {}: this store is encrypted, and the reasons of a meeting's corrections are personal "
                     "data: editing the meeting needs the key ({})",
                     date.str(), path),
         std::string(kNeedsKeyHint));
  return m;
}

}  // namespace

MeetingEditStart begin_meeting_edit(const Store& store, Date date) {
  MeetingEditStart s{opened_meeting(store, date), {}};
  s.text = write_meeting(s.original);
  return s;
}

std::vector<std::string> judge_meeting_edit(const Store& store, const Meeting& original, std::string_view text) {
  return meeting_fields(store, original, read_meeting(text, kWhere));
}

std::vector<std::string> commit_meeting_edit(Store& store, const Meeting& original, std::string_view text, Date as_of,
                                             const std::string& reason) {
  auto lock = store.lock();
  const Meeting at_head = opened_meeting(store, original.date);
  if (write_meeting(at_head) != write_meeting(original))
    fail(Exit::store,
         fmt::format("the meeting changed while it was being edited; nothing written ({})", meeting_path(original.date)),
         fmt::format("run `prevent edit --meeting {}` again", original.date.str()));
  Meeting m = read_meeting(text, kWhere);
  std::vector<std::string> fields = meeting_fields(store, original, m);
  if (fields.empty()) return fields;
  m.corrections.push_back(Correction{as_of, fields, PersonalText(reason)});
  // The reasons sealed in an encrypted store (those read opened, to the
  // same text as before: sealing is deterministic).
  const std::string written = store.meeting_text(m);
  // Every record written is valid against the schema (SPEC §2.4).
  read_meeting(written, kWhere);
  store.commit({{meeting_path(m.date), written}},
               commit_message("edit", fmt::format("{} {}", m.date.str(), fmt::join(fields, " ")), {}, "edit"));
  return fields;
}

}  // namespace prevent

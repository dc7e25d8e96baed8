#include "edit.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "failure.hpp"
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

EditBuffer::EditBuffer(const Store& store, std::string_view name)
    : path_(store.private_file_path(fmt::format("edit-{}-{}", ::getpid(), name))) {
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    fail(Exit::store, fmt::format("cannot create the editing file .git/prevent/{}: {}", path_.filename().string(),
                                  std::strerror(errno)));
  ::fchmod(fd, 0600);
  ::close(fd);
}

EditBuffer::~EditBuffer() { ::unlink(path_.c_str()); }

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

}  // namespace prevent

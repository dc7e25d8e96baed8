#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cli.hpp"
#include "failure.hpp"
#include "history.hpp"
#include "people.hpp"
#include "subject_access.hpp"
#include "text.hpp"

namespace prevent::cli {

namespace {

namespace fs = std::filesystem;

struct ExportOptions {
  std::string id;
  std::string format = "yaml";
  std::optional<std::string> output;
  bool partial = false;
};

// Messages about --output never quote the file's name: a coordinator may
// well name an export after the person.
[[noreturn]] void output_exists() {
  fail(Exit::invalid_data, "--output: the file already exists, and an export never overwrites a file (command line)",
       "give a new file name, or move the old file away first");
}

void refuse_existing_output(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) output_exists();
}

// The export holds personal data: it is not left in the store's work tree,
// where a `git add` would put it into the history for good.
void refuse_output_in_store(const std::string& path, const Store& store) {
  std::error_code e1, e2, e3;
  const fs::path dir = fs::weakly_canonical(fs::absolute(fs::path(path), e1).parent_path(), e2);
  const fs::path root = fs::weakly_canonical(store.root(), e3);
  if (e1 || e2 || e3) return;  // the file's creation reports what is wrong with its directory
  if (std::mismatch(root.begin(), root.end(), dir.begin(), dir.end()).first == root.end())
    fail(Exit::invalid_data, "--output: the file would be inside the store, whose files go into git (command line)",
         "write the export outside the store's directory");
}

// Creates `path` (never an existing file, nor through a symbolic link),
// mode 0600 whatever the umask, with `text`; on any failure removes what
// it made.
void write_new_file(const std::string& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) output_exists();
    fail(Exit::invalid_data, fmt::format("--output: cannot create the file: {} (command line)", std::strerror(errno)));
  }
  auto give_up = [&](int err) {
    ::close(fd);
    ::unlink(path.c_str());
    fail(Exit::invalid_data, fmt::format("--output: cannot write the file: {} (command line)", std::strerror(err)));
  };
  if (::fchmod(fd, 0600) != 0) give_up(errno);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) give_up(n < 0 ? errno : EIO);
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) give_up(errno);
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(path.c_str());
    fail(Exit::invalid_data, fmt::format("--output: cannot write the file: {} (command line)", std::strerror(err)));
  }
}

// Every record the export holds is obtained here: the case asked for and
// each referral linked to it (`prevent person`'s reading), through the
// store's one way of reading a case. A check of what that reading gives
// (a value it could not open) belongs here, before anything is rendered.
// In an encrypted store the export needs the key: an export with
// [encrypted] in place of the person's data would answer the request
// wrongly, so it is refused (exit 6) rather than given.
PersonCases records_for_export(const Store& store, const CaseId& id) {
  const Keyring& keys = store.keyring();
  if (keys.encrypted() && !keys.unlocked())
    fail(Exit::store, "this store is encrypted, and a subject access export needs its key",
         std::string(kNeedsKeyHint));
  PersonCases p = person_cases(store, id);
  for (const auto& c : p.cases)
    if (has_sealed_values(c))
      fail(Exit::store, fmt::format("{}: the record's personal data does not open with this run's key", c.id),
           std::string(kNeedsKeyHint));
  return p;
}

// The commits that changed the case's file, oldest first, with every
// value (`prevent log ID --show-personal`'s reading); the meetings a
// commit changed are left out (their attendance and other cases are
// other people's data).
std::vector<RecordChange> history_of(const Store& store, const Case& c) {
  std::vector<RecordChange> out;
  const auto id = parse_case_id(c.id);
  if (!id) return out;
  for (auto& entry : case_history(store, *id, LogFilter{}, ShowPersonal::yes))
    for (auto& r : entry.records)
      if (r.kind == RecordLog::Kind::case_file && r.key == c.id)
        out.push_back({entry.commit.iso_time(), entry.commit.action ? *entry.commit.action : "hand edit",
                       std::move(r.changes)});
  return out;
}

int run_export_person(const Globals& g, const ExportOptions& o) {
  const CaseId id = case_id_option(o.id);
  const Date as_of = today(g);
  if (o.output) refuse_existing_output(*o.output);
  Store store = open_store(g);
  if (o.output) refuse_output_in_store(*o.output, store);
  PersonCases p = records_for_export(store, id);
  // An export that may have missed a linked referral is given only when
  // asked for (--partial), and then with exit 5.
  if (!p.unreadable.empty() && !o.partial) return print_unless_incomplete("", p.unreadable, false);
  SubjectAccess sa{store.config().area, id.str(), as_of, {}};
  for (auto& c : p.cases) {
    std::vector<RecordChange> history = history_of(store, c);
    // Another person's case, given this case's number offline and
    // renumbered by a sync, is not this person's data: neither its ID nor
    // the change that wrote it goes into the export.
    c.number_also_given_to.clear();
    std::erase_if(history, [](RecordChange& r) {
      const size_t had = r.changes.size();
      std::erase_if(r.changes, [](const FieldChange& f) { return f.field.starts_with("number_also_given_to"); });
      return had > 0 && r.changes.empty();
    });
    sa.referrals.push_back({std::move(c), std::move(history)});
  }
  const std::string text = o.format == "html" ? render_subject_access_html(sa, store.config())
                                              : render_subject_access_yaml(sa, store.config());
  if (!o.output) return print_unless_incomplete(text, p.unreadable, o.partial);
  write_new_file(*o.output, output_safe(text));
  const auto ids = exported_case_ids(sa);
  notice(g, fmt::format("{}: subject access export of {} referral{} ({}) written (--output)", id.str(), ids.size(),
                        ids.size() == 1 ? "" : "s", fmt::join(ids, ", ")));
  return report_unreadable(p.unreadable);
}

}  // namespace

void add_export_person(CLI::App& app, Globals& g, Runner& action) {
  auto o = std::make_shared<ExportOptions>();
  auto* sub = app.add_subcommand(
      "export-person",
      "everything held about the person behind a case, for a subject access request (shows personal data)");
  sub->add_option("id", o->id, "case ID, e.g. PRV-2026-0014")->required();
  sub->add_option("--format", o->format, "yaml (default) or html (one self-contained, printable page)")
      ->check(CLI::IsMember({"yaml", "html"}));
  sub->add_option("--output", o->output, "write to this new file (mode 0600; never overwrites) instead of stdout");
  add_partial_flag(*sub, o->partial);
  sub->footer(
      "Every referral linked to ID (as `prevent person` finds them), each in full with every change made to it, "
      "oldest first, and the panel meetings where it was heard (date and decision only). Nothing about anyone "
      "else; no commit is made.");
  sub->callback([&g, &action, o] { action = [&g, o] { return run_export_person(g, *o); }; });
}

}  // namespace prevent::cli

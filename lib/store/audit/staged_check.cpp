#include "staged_check.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <memory>

#include "foi_request.hpp"
#include "git_handles.hpp"
#include "git_repo.hpp"
#include "rules.hpp"
#include "schema.hpp"

namespace prevent {

namespace fs = std::filesystem;

namespace {

struct Staged {
  std::string path;
  bool deleted = false;
};

class StagedRun {
 public:
  StagedRun(const Store& store, Date as_of) : store_(store), as_of_(as_of) {}

  std::vector<Finding> findings;

  void error(Exit code, std::string message) {
    findings.push_back({Finding::Level::error, code, "staged", std::move(message)});
  }

  void run() {
    open_index();
    if (!index_) return;
    std::vector<Staged> changed = staged_changes();
    if (changed.empty()) return;

    const Config* config = &store_.config();
    std::optional<Config> staged_config;
    bool rejudge_all = false;
    for (const auto& s : changed) {
      if (s.path == "prevent.yaml") {
        rejudge_all = true;
        if (s.deleted) {
          error(Exit::store, "prevent.yaml is deleted; a store cannot work without it (prevent.yaml)");
          return;
        }
        try {
          staged_config = parse_config(blob_text(s.path), "prevent.yaml");
          config = &*staged_config;
        } catch (const Failure& f) {
          error(f.code() == Exit::store ? Exit::invalid_data : f.code(), f.what());
          return;
        }
      } else if (s.path.rfind("schemas/", 0) == 0) {
        bool known = false;
        for (const auto& sf : schema_files()) {
          if (s.path != fmt::format("schemas/{}", sf.file_name)) continue;
          known = true;
          if (s.deleted || blob_text(s.path) != sf.text)
            error(Exit::store, fmt::format("schema file differs from this prevent's own ({})", s.path));
        }
        (void)known;
      } else if (s.path.rfind("foi/", 0) == 0) {
        if (!s.deleted) judge_foi(s.path);
      } else if (s.path.rfind("panels/", 0) == 0) {
        rejudge_all = true;
        if (s.deleted) continue;  // a case that names it is refused below
        judge_meeting(s.path);
      }
    }

    std::vector<std::string> cases;
    if (rejudge_all) {
      for (size_t i = 0, n = git_index_entrycount(index_.get()); i < n; ++i) {
        const git_index_entry* e = git_index_get_byindex(index_.get(), i);
        std::string p = e->path;
        if (p.rfind("cases/", 0) == 0 && p.size() > 5 && p.substr(p.size() - 5) == ".yaml") cases.push_back(p);
      }
    } else {
      for (const auto& s : changed)
        if (s.path.rfind("cases/", 0) == 0 && !s.deleted) cases.push_back(s.path);
    }
    for (const auto& s : changed)
      if (s.path.rfind("cases/", 0) == 0 && s.deleted)
        error(Exit::store, fmt::format("a case file is never deleted; restore it with `git restore --staged --worktree "
                                       "{}` ({})",
                                       s.path, s.path));
    for (const auto& p : cases) judge_case(p, *config);
  }

 private:
  using IndexPtr = std::unique_ptr<git_index, void (*)(git_index*)>;

  void open_index() {
    git_index* raw = nullptr;
    const char* env = std::getenv("GIT_INDEX_FILE");
    int rc;
    if (env && *env) {
      // git points its hooks at a temporary index for `git commit -a` or
      // `git commit PATH`; that is the commit to judge.
      fs::path p = fs::absolute(env);
      rc = git_index_open(&raw, p.c_str());
      if (rc == 0) git_index_set_caps(raw, GIT_INDEX_CAPABILITY_FROM_OWNER);
    } else {
      rc = git_repository_index(&raw, store_.git().raw());
    }
    if (rc < 0) {
      error(Exit::store, fmt::format("cannot read the git index: {}", git_error_text()));
      return;
    }
    index_ = IndexPtr(raw, git_index_free);
  }

  std::vector<Staged> staged_changes() {
    std::vector<Staged> out;
    git_object* obj = nullptr;
    git::Tree head;
    if (git_revparse_single(&obj, store_.git().raw(), "HEAD^{tree}") == 0) head.reset(reinterpret_cast<git_tree*>(obj));
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    const char* specs[] = {"cases", "panels", "foi", "schemas", "prevent.yaml"};
    opts.pathspec = {const_cast<char**>(specs), 5};
    git_diff* diff_raw = nullptr;
    const int rc = git_diff_tree_to_index(&diff_raw, store_.git().raw(), head.get(), index_.get(), &opts);
    git::Diff diff(diff_raw);
    if (rc < 0) {
      error(Exit::store, fmt::format("cannot compare the index with HEAD: {}", git_error_text()));
    } else {
      for (size_t i = 0, n = git_diff_num_deltas(diff.get()); i < n; ++i) {
        const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
        if (d->status == GIT_DELTA_DELETED)
          out.push_back({d->old_file.path, true});
        else
          out.push_back({d->new_file.path, false});
      }
    }
    return out;
  }

  std::optional<std::string> staged_text(const std::string& path) const {
    const git_index_entry* e = git_index_get_bypath(index_.get(), path.c_str(), 0);
    if (!e) return std::nullopt;
    if (!is_plain_file(static_cast<git_filemode_t>(e->mode)))
      fail(Exit::invalid_data, fmt::format("not a file: a directory, submodule or link stands where a file should "
                                           "be; not read ({})",
                                           path));
    return store_.git().read_blob(e->id, path);
  }
  std::string blob_text(const std::string& path) const { return staged_text(path).value_or(""); }

  const Meeting* meeting(Date d) {
    if (auto it = meetings_.find(d); it != meetings_.end()) return it->second.get();
    std::unique_ptr<Meeting> m;
    if (auto text = staged_text(meeting_path(d))) {
      try {
        m = std::make_unique<Meeting>(read_meeting(*text, meeting_path(d)));
      } catch (const Failure&) {
        // Reported by judge_meeting when staged; otherwise as absent.
      }
    }
    return (meetings_[d] = std::move(m)).get();
  }

  void judge_meeting(const std::string& path) {
    try {
      Meeting m = read_meeting(blob_text(path), path);
      if (meeting_path(m.date) != path)
        error(Exit::invalid_data, fmt::format("date: {} does not match the file name ({})", m.date.str(), path));
    } catch (const Failure& f) {
      error(f.code(), f.what());
    }
  }

  // An FOI request (docs/foi.md): a file foi/NNNN.yaml that reads as one.
  void judge_foi(const std::string& path) {
    if (!foi_request_number(std::string_view(path).substr(4))) {
      error(Exit::invalid_data,
            fmt::format("not an FOI request: prevent writes foi/NNNN.yaml files only ({})", path));
      return;
    }
    try {
      read_foi_request(blob_text(path), path);
    } catch (const Failure& f) {
      error(f.code(), f.what());
    }
  }

  void judge_case(const std::string& path, const Config& config) {
    std::optional<Case> read;
    try {
      read = read_case(blob_text(path), path, config);
    } catch (const Failure& f) {
      error(f.code(), f.what());
      return;
    }
    const Case& c = *read;
    try {
      auto id = parse_case_id(c.id);
      if (auto wrong = misplaced_record(c, path)) {
        error(wrong->code(), wrong->what());
        return;
      }
      if (id->prefix != config.prefix) {
        error(Exit::invalid_data, fmt::format("id: the prefix is not the store's ({}) ({})", config.prefix, path));
        return;
      }
      RuleContext ctx{config, as_of_, [&](Date d) { return meeting(d); }};
      check_case_rules(c, ctx);
    } catch (const Failure& f) {
      error(f.code(), fmt::format("{} [{}]", f.what(), path));
    }
  }

  const Store& store_;
  Date as_of_;
  IndexPtr index_{nullptr, git_index_free};
  std::map<Date, std::unique_ptr<Meeting>> meetings_;
};

}  // namespace

std::vector<Finding> check_staged(const Store& store, Date as_of) {
  // The pre-commit hook: a commit of an interrupted write's files would
  // leave a store the repair has to undo.
  if (store.git().has_interrupted_write())
    return {{Finding::Level::error, Exit::store, "interrupted",
             "an earlier write was interrupted and is half done (.git/prevent/journal); run `prevent check "
             "--repair` first, not `git commit`"}};
  StagedRun run(store, as_of);
  run.run();
  return run.findings;
}

}  // namespace prevent

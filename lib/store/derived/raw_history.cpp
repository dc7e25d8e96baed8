#include "raw_history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>

#include "failure.hpp"
#include "git_repo.hpp"
#include "tree_order.hpp"

namespace prevent::derived {

namespace {

constexpr size_t kOid = GIT_OID_RAWSZ;

bool parse_hex_line(std::string_view text, std::string_view field, size_t& at, git_oid& out) {
  if (text.substr(at, field.size()) != field) return false;
  size_t start = at + field.size();
  if (text.size() < start + GIT_OID_HEXSZ + 1 || text[start + GIT_OID_HEXSZ] != '\n') return false;
  if (git_oid_fromstrn(&out, text.data() + start, GIT_OID_HEXSZ) < 0) return false;
  at = start + GIT_OID_HEXSZ + 1;
  return true;
}

// One entry of a raw tree.
struct RawEntry {
  std::string_view name;
  std::string_view bytes;  // the whole entry: mode, name, id
  const unsigned char* id = nullptr;
  bool tree = false;
  bool blob = false;  // a file (regular, executable or a link); not a submodule
  bool odd = false;  // stands_for_a_record (tree_order.hpp)
  bool record_like() const { return blob || odd; }
  bool descend() const { return tree && !odd; }
};

bool next_entry(std::string_view t, size_t& at, RawEntry& e) {
  if (at >= t.size()) return false;
  size_t sp = t.find(' ', at);
  size_t nul = sp == std::string_view::npos ? sp : t.find('\0', sp);
  if (nul == std::string_view::npos || nul + 1 + kOid > t.size()) index_fail("cannot read a directory of the history");
  std::string_view mode = t.substr(at, sp - at);
  e.name = t.substr(sp + 1, nul - sp - 1);
  e.bytes = t.substr(at, nul + 1 + kOid - at);
  e.id = reinterpret_cast<const unsigned char*>(t.data() + nul + 1);
  e.tree = mode == "40000";
  e.blob = !e.tree && mode != "160000";
  e.odd = stands_for_a_record(e.name, e.tree, mode == "160000");
  at = nul + 1 + kOid;
  return true;
}

// Git's order of tree entries: a directory's name compares as if it ended in '/'.
int entry_order(const RawEntry& a, const RawEntry& b) { return git_tree_order(a.name, a.tree, b.name, b.tree); }

git_oid oid_of(const unsigned char* raw) {
  git_oid id;
  std::memcpy(id.id, raw, kOid);
  return id;
}

// One version of a directory: its raw bytes and, once known, where each
// entry starts.
struct TreeVersion {
  git_oid id{};
  std::unique_ptr<RawObject> obj;
  std::vector<std::uint32_t> offsets;
  bool indexed = false;
  std::string_view bytes() const { return obj->bytes(); }
};
using TreeRef = std::shared_ptr<TreeVersion>;

// The end of the entry that starts at `at` (mode and name hold no NUL).
size_t skip_entry(std::string_view t, size_t at) {
  const void* nul = std::memchr(t.data() + at, '\0', t.size() - at);
  if (!nul) index_fail("cannot read a directory of the history");
  size_t end = static_cast<size_t>(static_cast<const char*>(nul) - t.data()) + 1 + kOid;
  if (end > t.size()) index_fail("cannot read a directory of the history");
  return end;
}

void index_entries(TreeVersion& t) {
  if (t.indexed) return;
  std::string_view b = t.bytes();
  t.offsets.clear();
  for (size_t at = 0; at < b.size(); at = skip_entry(b, at)) t.offsets.push_back(static_cast<std::uint32_t>(at));
  t.indexed = true;
}

// How many bytes two buffers share from the start.
size_t common_start(std::string_view a, std::string_view b) {
  constexpr size_t kChunk = 512;
  size_t n = std::min(a.size(), b.size()), i = 0;
  while (i + kChunk <= n && std::memcmp(a.data() + i, b.data() + i, kChunk) == 0) i += kChunk;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

void index_fail(const std::string& what) {
  fail(Exit::store, fmt::format("{}: {} (.git)", what, git_error_text()),
       "the repository may be damaged: `prevent check repository` examines it");
}

// A commit's tree and first parent, from its raw bytes.
Link read_link(git_odb* odb, const git_oid& id, std::optional<git_oid>& parent) {
  RawObject o(odb, id);
  if (o.type() != GIT_OBJECT_COMMIT) index_fail("cannot read a commit of the history");
  std::string_view text = o.bytes();
  Link l;
  l.commit = id;
  size_t at = 0;
  if (!parse_hex_line(text, "tree ", at, l.tree)) index_fail("cannot read a commit of the history");
  git_oid p;
  if (parse_hex_line(text, "parent ", at, p))
    parent = p;
  else
    parent.reset();
  return l;
}

class TreeDiffer::Impl {
 public:
  explicit Impl(git_odb* odb) : odb_(odb) {}

  // The changes between two root trees within `scopes` (directories:
  // "panels", "cases/2026").
  void diff_roots(const std::optional<git_oid>& a, const std::optional<git_oid>& b,
                  const std::vector<std::string>& scopes, std::vector<Change>& out) {
    if (scopes.empty() || (a && b && git_oid_equal(&*a, &*b))) return;
    TreeRef ta = a ? tree("", *a) : nullptr;
    TreeRef tb = b ? tree("", *b) : nullptr;
    bool any_year = false;
    for (const auto& sc : scopes) {
      if (sc.starts_with("cases/")) any_year = true;
      else if (sc == "panels") diff_dir(ta, tb, "panels", out);
    }
    if (!any_year) return;
    std::optional<git_oid> ca = ta ? dir_id(ta->bytes(), "cases") : std::nullopt;
    std::optional<git_oid> cb = tb ? dir_id(tb->bytes(), "cases") : std::nullopt;
    if ((!ca && !cb) || (ca && cb && git_oid_equal(&*ca, &*cb))) return;
    TreeRef xa = ca ? tree("cases", *ca) : nullptr;
    TreeRef xb = cb ? tree("cases", *cb) : nullptr;
    for (const auto& sc : scopes)
      if (sc.starts_with("cases/")) diff_dir(xa, xb, sc, out);
  }

 private:
  // The directory `path` (its last name looked up in `a` and `b`).
  void diff_dir(const TreeRef& a, const TreeRef& b, const std::string& path, std::vector<Change>& out) {
    std::string_view name = std::string_view(path).substr(path.rfind('/') + 1);
    std::optional<git_oid> ea = a ? dir_id(a->bytes(), name) : std::nullopt;
    std::optional<git_oid> eb = b ? dir_id(b->bytes(), name) : std::nullopt;
    if (!ea && !eb) return;
    if (ea && eb && git_oid_equal(&*ea, &*eb)) return;
    // The old version first: it is the one already read.
    TreeRef da = ea ? tree(path, *ea) : nullptr;
    TreeRef db = eb ? tree(path, *eb) : nullptr;
    diff(path, da, db, out);
  }

  static std::optional<git_oid> dir_id(std::string_view t, std::string_view name) {
    size_t at = 0;
    RawEntry e;
    while (next_entry(t, at, e))
      if (e.name == name) return e.tree ? std::optional<git_oid>(oid_of(e.id)) : std::nullopt;
    return std::nullopt;
  }

  TreeRef tree(const std::string& path, const git_oid& id) {
    auto& slot = last_[path];
    if (slot && git_oid_equal(&slot->id, &id)) return slot;
    auto t = std::make_shared<TreeVersion>();
    t->id = id;
    t->obj = std::make_unique<RawObject>(odb_, id);
    if (t->obj->type() != GIT_OBJECT_TREE) index_fail("cannot read a directory of the history");
    slot = t;
    return t;
  }

  void every(const std::string& path, const RawEntry& e, bool added, std::vector<Change>& out) {
    if (e.descend()) {
      if (added)
        diff(path, nullptr, tree(path, oid_of(e.id)), out);
      else
        diff(path, tree(path, oid_of(e.id)), nullptr, out);
    } else if (e.record_like()) {
      Change c{path, {}, {}};
      (added ? c.after : c.before) = oid_of(e.id);
      out.push_back(std::move(c));
    }
  }

  void diff(const std::string& prefix, const TreeRef& a, const TreeRef& b, std::vector<Change>& out) {
    std::string_view ta = a ? a->bytes() : std::string_view(), tb = b ? b->bytes() : std::string_view();
    const bool both = a && b;
    const bool fill = b && !b->indexed;  // b's offsets are worked out on the way
    std::vector<std::uint32_t> B;
    size_t pa = 0, pb = 0, ia = 0;  // the next entry of each; its index in a
    if (both) {
      index_entries(*a);
      const auto& A = a->offsets;
      size_t same = common_start(ta, tb);
      // The entries wholly within the common start are the same in both.
      size_t k = static_cast<size_t>(std::upper_bound(A.begin(), A.end(), same) - A.begin());
      if (k > 0) --k;
      if (k + 1 == A.size() && ta.size() <= same) k = A.size();
      ia = k;
      pa = pb = k < A.size() ? A[k] : ta.size();
      if (fill) B.assign(A.begin(), A.begin() + static_cast<std::ptrdiff_t>(k));
    }
    int tail_checks = 0;
    RawEntry ea, eb;
    while (pa < ta.size() || pb < tb.size()) {
      bool ha = pa < ta.size(), hb = pb < tb.size();
      size_t na = pa, nb = pb;
      if (ha) next_entry(ta, na, ea);
      if (hb) next_entry(tb, nb, eb);
      int order = !ha ? 1 : !hb ? -1 : entry_order(ea, eb);
      bool changed = true;
      if (order < 0) {
        every(prefix + "/" + std::string(ea.name), ea, false, out);
        pa = na, ++ia;
      } else if (order > 0) {
        if (fill) B.push_back(static_cast<std::uint32_t>(pb));
        every(prefix + "/" + std::string(eb.name), eb, true, out);
        pb = nb;
      } else {
        if (fill) B.push_back(static_cast<std::uint32_t>(pb));
        if (ea.bytes == eb.bytes) {
          changed = false;
        } else {
          std::string path = prefix + "/" + std::string(ea.name);
          if (ea.descend() && eb.descend()) {
            TreeRef sa = tree(path, oid_of(ea.id));
            TreeRef sb = tree(path, oid_of(eb.id));
            diff(path, sa, sb, out);
          } else if (!ea.descend() && !eb.descend()) {
            Change c{path, {}, {}};
            if (ea.record_like()) c.before = oid_of(ea.id);
            if (eb.record_like()) c.after = oid_of(eb.id);
            if (c.before || c.after) out.push_back(std::move(c));
          } else {
            every(path, ea, false, out);
            every(path, eb, true, out);
          }
        }
        pa = na, pb = nb, ++ia;
      }
      // After a change, the rest is often the same bytes: then it is done.
      if (changed && both && tail_checks < 8) {
        ++tail_checks;
        size_t rest = ta.size() - pa;
        if (rest == tb.size() - pb && std::memcmp(ta.data() + pa, tb.data() + pb, rest) == 0) {
          if (fill)
            for (size_t x = ia; x < a->offsets.size(); ++x)
              B.push_back(static_cast<std::uint32_t>(a->offsets[x] - pa + pb));
          pa = ta.size();
          pb = tb.size();
        }
      }
    }
    if (fill) {
      b->offsets = std::move(B);
      b->indexed = true;
    }
  }

  git_odb* odb_;
  std::map<std::string, TreeRef> last_;
};

TreeDiffer::TreeDiffer(git_odb* odb) : impl_(std::make_unique<Impl>(odb)) {}
TreeDiffer::~TreeDiffer() = default;

void TreeDiffer::diff_roots(const std::optional<git_oid>& a, const std::optional<git_oid>& b,
                            const std::vector<std::string>& scopes, std::vector<Change>& out) {
  impl_->diff_roots(a, b, scopes, out);
}

}  // namespace prevent::derived

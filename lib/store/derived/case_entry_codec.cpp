#include "case_entry_codec.hpp"

#include <type_traits>
#include <utility>
#include <vector>

namespace prevent {

namespace {

class EntryWriter {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) {
    char b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    out_.append(b, 4);
  }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }

  template <class T>
  void value(const T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
      u32(static_cast<uint32_t>(v.size()));
      out_.append(v);
    } else if constexpr (std::is_same_v<T, int>) {
      i32(static_cast<int32_t>(v));
    } else if constexpr (std::is_same_v<T, Date>) {
      i32(static_cast<int32_t>(v.days()));
    } else if constexpr (KeyedEnum<T>) {
      const auto& entries = KeyTable<T>::entries;
      uint8_t at = 0;
      while (at < entries.size() && !(entries[at].value == v)) ++at;
      u8(at);
    } else if constexpr (is_optional<T>::value) {
      u8(v ? 1 : 0);
      if (v) value(*v);
    } else if constexpr (is_vector<T>::value) {
      u32(static_cast<uint32_t>(v.size()));
      for (const auto& x : v) value(x);
    } else {
      static_assert(RecordStruct<T>, "a record field of a kind the cache codec does not know");
      // (P) fields are left out, but for the special-category ones the
      // report counts (case_fields.hpp).
      visit_fields(v, [&](const auto& fd, const auto& m) {
        if constexpr (!is_personal<std::remove_cvref_t<decltype(m)>>::value) {
          if (!fd.spec.personal) value(m);
        } else {
          if (fd.spec.special_category) value(m.reveal());
        }
      });
    }
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

struct MalformedEntry {};

class EntryReader {
 public:
  explicit EntryReader(std::string_view in) : in_(in) {}
  uint8_t u8() {
    need(1);
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint32_t u32() {
    need(4);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(in_[pos_++])) << (8 * i);
    return v;
  }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  bool flag() {
    uint8_t f = u8();
    if (f > 1) throw MalformedEntry{};
    return f == 1;
  }

  template <class T>
  void value(T& out) {
    if constexpr (std::is_same_v<T, std::string>) {
      uint32_t n = u32();
      need(n);
      out.assign(in_.data() + pos_, n);
      pos_ += n;
    } else if constexpr (std::is_same_v<T, int>) {
      out = i32();
    } else if constexpr (std::is_same_v<T, Date>) {
      out = Date::from_days(i32());
    } else if constexpr (KeyedEnum<T>) {
      const auto& entries = KeyTable<T>::entries;
      uint8_t at = u8();
      if (at >= entries.size()) throw MalformedEntry{};
      out = entries[at].value;
    } else if constexpr (is_optional<T>::value) {
      if (flag()) value(out.emplace());
      else out.reset();
    } else if constexpr (is_vector<T>::value) {
      // A count can be no larger than the bytes left: a damaged length
      // cannot make the reader allocate gigabytes.
      uint32_t n = u32();
      need(n);
      out.clear();
      out.resize(n);
      for (auto& x : out) value(x);
    } else {
      static_assert(RecordStruct<T>, "a record field of a kind the cache codec does not know");
      visit_fields(out, [&](const auto& fd, auto& m) {
        using M = std::remove_cvref_t<decltype(m)>;
        if constexpr (!is_personal<M>::value) {
          if (!fd.spec.personal) value(m);
        } else if (fd.spec.special_category) {
          std::remove_cvref_t<decltype(m.reveal())> sealed;
          value(sealed);
          m = M(std::move(sealed));
        }
      });
    }
  }

  bool done() const { return pos_ == in_.size(); }

 private:
  void need(size_t n) const {
    if (n > in_.size() - pos_) throw MalformedEntry{};
  }
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

std::string encode_case_entry(const Case& c) {
  EntryWriter w;
  w.value(c);
  const auto age = age_at_referral(c);
  w.u8(age ? 1 : 0);
  if (age) w.i32(*age);
  return w.take();
}

std::optional<Case> decode_case_entry(std::string_view bytes) {
  try {
    EntryReader r(bytes);
    Case c;
    r.value(c);
    std::optional<int> age;
    if (r.flag()) age = r.i32();
    set_age_at_referral(c, age);
    if (!r.done()) return std::nullopt;
    return std::optional<Case>(std::move(c));
  } catch (const MalformedEntry&) {
    return std::nullopt;
  }
}

}  // namespace prevent

#include "text.hpp"

#include <cctype>
#include <cstdint>

namespace prevent {

std::optional<size_t> first_invalid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;  // continuation byte, 0xC0/0xC1 overlong lead, or > 0xF4
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::nullopt;
}

namespace {

// Code points that reorder or break what a terminal shows (see text.hpp).
bool unsafe_code_point(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0x2028 || cp == 0x2029;
}

// The code point of the valid UTF-8 sequence at the start of `s` (of
// `len` bytes, as first_invalid_utf8 accepts it).
uint32_t decode_code_point(std::string_view s, size_t len) {
  auto lead = static_cast<unsigned char>(s[0]);
  uint32_t cp = len == 1 ? lead : len == 2 ? (lead & 0x1F) : len == 3 ? (lead & 0x0F) : (lead & 0x07);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[k]) & 0x3F);
  return cp;
}

size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

void append_hex(std::string& out, const char* prefix, uint32_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += prefix;
  for (int d = digits - 1; d >= 0; --d) out += kHex[(value >> (4 * d)) & 0xF];
}

}  // namespace

namespace {

// What terminal_safe and output_safe share; `keep_layout` keeps line ends
// (LF, and CR directly before LF) and tabs.
std::string escape_for_terminal(std::string_view text, bool keep_layout) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      bool layout = keep_layout && (b == '\n' || b == '\t' || (b == '\r' && i + 1 < text.size() && text[i + 1] == '\n'));
      if ((b < 0x20 || b == 0x7F) && !layout)
        append_hex(out, "\\x", b, 2);
      else
        out += static_cast<char>(b);
      ++i;
      continue;
    }
    size_t len = sequence_length(b);
    // One sequence, checked alone: valid, or its first byte is escaped and
    // the rest looked at again.
    if (len == 0 || i + len > text.size() || first_invalid_utf8(text.substr(i, len))) {
      append_hex(out, "\\x", b, 2);
      ++i;
      continue;
    }
    uint32_t cp = decode_code_point(text.substr(i, len), len);
    if (unsafe_code_point(cp))
      append_hex(out, "\\u", cp, 4);
    else
      out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace

std::string terminal_safe(std::string_view text) { return escape_for_terminal(text, false); }

std::string output_safe(std::string_view text) { return escape_for_terminal(text, true); }

bool unsafe_code_point_for_terminal(uint32_t cp) { return unsafe_code_point(cp); }

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string normalise_line_ends(std::string_view s) {
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out.push_back(s[i]);
  }
  return out;
}

int line_of_offset(std::string_view s, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < s.size(); ++i)
    if (s[i] == '\n') ++line;
  return line;
}

namespace {

// Lower-cases the capitals of Latin-1 Supplement (À–Þ but ×) and Latin
// Extended-A (Ā–ž, upper and lower case alternate), the letters of most
// European names. Other scripts are compared as written.
std::string fold_latin_letters(std::string s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    auto b0 = static_cast<unsigned char>(s[i]), b1 = static_cast<unsigned char>(s[i + 1]);
    if ((b0 & 0xE0) != 0xC0 || (b1 & 0xC0) != 0x80) continue;
    unsigned cp = ((b0 & 0x1Fu) << 6) | (b1 & 0x3Fu);
    unsigned lower = cp;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) lower = cp + 0x20;
    else if (cp >= 0x100 && cp <= 0x137 && cp % 2 == 0) lower = cp + 1;
    else if (cp >= 0x139 && cp <= 0x148 && cp % 2 == 1) lower = cp + 1;
    else if (cp >= 0x14A && cp <= 0x177 && cp % 2 == 0) lower = cp + 1;
    else if (cp == 0x178) lower = 0xFF;
    else if ((cp == 0x179 || cp == 0x17B || cp == 0x17D)) lower = cp + 1;
    if (lower != cp) {
      s[i] = static_cast<char>(0xC0 | (lower >> 6));
      s[i + 1] = static_cast<char>(0x80 | (lower & 0x3F));
    }
    ++i;
  }
  return s;
}

}  // namespace

std::string fold_case_and_space(std::string_view s) {
  std::string out;
  bool pending_space = false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c < 0x80 ? static_cast<char>(std::tolower(c)) : ch);
  }
  return fold_latin_letters(out);
}

bool looks_like_key(std::string_view value) {
  if (value.empty() || value.size() > 40) return false;
  for (char c : value)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

std::string quote_if_key(std::string_view value, std::string_view otherwise) {
  if (!looks_like_key(value)) return std::string(otherwise);
  std::string out;
  out.reserve(value.size() + 2);
  out += '\'';
  out += value;
  out += '\'';
  return out;
}

}  // namespace prevent

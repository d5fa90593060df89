// SPDX-License-Identifier: Apache-2.0
// Go-compatible JSON string escaping and RawMessage compaction.
#include "core/wire/go_json.hpp"

#include <cstdint>

namespace eventbus::detail {
namespace {

constexpr char kHex[] = "0123456789abcdef";

unsigned uc(char c) noexcept {
  return static_cast<unsigned char>(c);
}
bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// E2 80 A8 / E2 80 A9: valid in JSON but line terminators in JavaScript, so Go escapes them.
bool is_line_separator(std::string_view s, std::size_t i) noexcept {
  return i + 2 < s.size() && uc(s[i]) == 0xE2 && uc(s[i + 1]) == 0x80 &&
         (uc(s[i + 2]) & ~1u) == 0xA8;
}

void append_u00(std::string& out, unsigned c) {
  const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out.append(esc, sizeof esc);
}

// Go writes \" \\ \b \f \n \r \t in short form and other bytes below 0x20 as \u00xx.
void append_ascii_escape(std::string& out, char c) {
  static constexpr std::string_view kRaw = "\"\\\b\f\n\r\t", kShort = "\"\\bfnrt";
  const std::size_t k = kRaw.find(c);
  if (k == std::string_view::npos) return append_u00(out, uc(c));
  out += '\\';
  out += kShort[k];
}

constexpr JsonBytes make_json_bytes() {
  JsonBytes t{};
  for (unsigned c = 0; c < 256; ++c) {
    const bool ascii_plain = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
    t.plain_in_string[c] = ascii_plain;
    t.go_string_plain[c] = ascii_plain && c != '<' && c != '>' && c != '&';
    // Not plain: whitespace (dropped outside strings), quote and backslash (string state),
    // < > & (escaped), 0xE2 (may start U+2028/U+2029).
    t.compact_plain[c] = !(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' ||
                           c == '\\' || c == '<' || c == '>' || c == '&' || c == 0xE2);
  }
  return t;
}

}  // namespace

constinit const JsonBytes kJsonBytes = make_json_bytes();

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  // 0 is never a continuation byte, so reading past the end fails the checks below.
  const auto at = [&](std::size_t k) { return k < s.size() ? uc(s[k]) : 0u; };
  const unsigned c = at(i);
  if (c < 0x80) return 1;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte (RFC 3629 table 3-7)
  std::size_t n = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    lo = c == 0xE0 ? 0xA0 : lo;  // no overlong forms
    hi = c == 0xED ? 0x9F : hi;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    lo = c == 0xF0 ? 0x90 : lo;  // no overlong forms
    hi = c == 0xF4 ? 0x8F : hi;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((at(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

void append_go_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t start = 0;  // first byte not yet copied
  for (std::size_t i = 0; i < s.size();) {
    while (i < s.size() && kJsonBytes.go_string_plain[uc(s[i])])
      ++i;
    if (i == s.size()) break;
    const unsigned c = uc(s[i]);
    std::size_t n = 1;
    if (c < 0x80) {
      out.append(s.substr(start, i - start));
      append_ascii_escape(out, s[i]);
    } else {
      n = utf8_sequence_length(s, i);
      const bool separator = n != 0 && is_line_separator(s, i);
      if (n != 0 && !separator) {
        i += n;
        continue;
      }
      out.append(s.substr(start, i - start));
      out += separator ? (uc(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029") : "\\ufffd";
      n = separator ? 3 : 1;  // Go replaces each invalid byte on its own
    }
    i += n;
    start = i;
  }
  out.append(s.substr(start));
  out += '"';
}

void append_go_compact(std::string& out, std::string_view json) {
  bool in_string = false;
  std::size_t start = 0;  // first byte not yet copied
  for (std::size_t i = 0; i < json.size(); ++i) {
    while (i < json.size() && kJsonBytes.compact_plain[uc(json[i])])
      ++i;
    if (i == json.size()) break;
    const char c = json[i];
    if (c == '"') {
      in_string = !in_string;
    } else if (c == '\\') {
      ++i;  // in a string (the input is valid JSON): the escaped byte is copied as it is
      continue;
    } else if (is_space(c)) {
      if (in_string) continue;
      out.append(json.substr(start, i - start));
      start = i + 1;
    } else if (c == '<' || c == '>' || c == '&') {
      out.append(json.substr(start, i - start));
      append_u00(out, uc(c));
      start = i + 1;
    } else if (is_line_separator(json, i)) {
      out.append(json.substr(start, i - start));
      out += uc(json[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
      start = i + 1;
    }
  }
  out.append(json.substr(start));
}

}  // namespace eventbus::detail

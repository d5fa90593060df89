// SPDX-License-Identifier: Apache-2.0
// Go's JSON grammar (encoding/json/scanner.go), checked iteratively so that deep nesting cannot
// overflow the stack, plus UTF-8 validation Go does not do.
#include "core/wire/json_scanner.hpp"

#include "core/wire/go_json.hpp"

namespace eventbus::detail {
namespace {

constexpr std::size_t kMaxDepth = 10000;  // Go's maxNestingDepth in encoding/json/scanner.go
constexpr const char* kEnd = "unexpected end of JSON input";

unsigned uc(char c) noexcept {
  return static_cast<unsigned char>(c);
}
bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool hex4(std::string_view s, std::size_t pos, unsigned& value) noexcept {
  if (pos + 4 > s.size()) return false;
  value = 0;
  for (std::size_t k = pos; k < pos + 4; ++k) {
    const char c = s[k];
    const int d = is_digit(c)              ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                           : -1;
    if (d < 0) return false;
    value = value * 16 + static_cast<unsigned>(d);
  }
  return true;
}

// A state machine over the text, iterative so that deep nesting cannot overflow the stack.
class Scanner {
 public:
  Scanner(std::string_view s, std::vector<JsonMember>* members) : s_(s), members_(members) {}
  JsonSyntaxError run();

 private:
  bool fail(const char* reason) {
    error_ = {reason, i_};
    return false;
  }
  bool at(char c) const noexcept { return i_ < s_.size() && s_[i_] == c; }
  void skip_space() noexcept {
    while (i_ < s_.size() && is_space(s_[i_]))
      ++i_;
  }
  bool begin_value();
  bool end_value();
  bool key();
  bool scalar();
  bool string();
  bool escape();
  bool number();
  bool digits();
  bool literal(std::string_view word);

  std::string_view s_;
  std::vector<JsonMember>* members_;
  std::size_t i_ = 0;
  std::string stack_;  // '{' or '[' per open container
  JsonSyntaxError error_;
  std::string_view key_;         // raw key of the current top-level member
  std::size_t value_start_ = 0;  // where its value starts
};

JsonSyntaxError Scanner::run() {
  bool expect_value = true;
  while (!error_) {
    if (expect_value) {
      expect_value = begin_value();
    } else if (stack_.empty()) {
      break;
    } else {
      expect_value = end_value();
    }
  }
  skip_space();
  if (!error_ && i_ != s_.size()) fail("invalid character after top-level value");
  return error_;
}

// Consumes a scalar or opens a container; true when a value must follow.
bool Scanner::begin_value() {
  skip_space();
  if (!at('{') && !at('[')) {
    scalar();  // a scalar is a complete value; failures are recorded in error_
    return false;
  }
  if (stack_.size() >= kMaxDepth) return fail("exceeded max depth");
  const char open = s_[i_++];
  stack_ += open;
  skip_space();
  if (at(open == '{' ? '}' : ']')) {  // empty container: already a complete value
    ++i_;
    stack_.pop_back();
    return false;
  }
  return open == '[' || key();
}

// After a complete value inside a container: a comma or the closing bracket.
bool Scanner::end_value() {
  if (members_ != nullptr && stack_.size() == 1 && stack_[0] == '{') {
    members_->push_back({key_, s_.substr(value_start_, i_ - value_start_)});
  }
  skip_space();
  const bool in_object = stack_.back() == '{';
  if (at(',')) {
    ++i_;
    skip_space();
    return !in_object || key();
  }
  if (at(in_object ? '}' : ']')) {
    ++i_;
    stack_.pop_back();
    return false;
  }
  if (i_ >= s_.size()) return fail(kEnd);
  return fail(in_object ? "expected ',' or '}' after object value"
                        : "expected ',' or ']' after array element");
}

bool Scanner::key() {
  if (!at('"')) return fail(i_ >= s_.size() ? kEnd : "expected a string key");
  const std::size_t start = i_;
  if (!string()) return false;
  const std::string_view raw = s_.substr(start, i_ - start);
  skip_space();
  if (!at(':')) return fail(i_ >= s_.size() ? kEnd : "expected ':' after object key");
  ++i_;
  skip_space();
  if (stack_.size() == 1) {
    key_ = raw;
    value_start_ = i_;
  }
  return true;
}

bool Scanner::scalar() {
  if (at('"')) return string();
  if (at('t')) return literal("true");
  if (at('f')) return literal("false");
  if (at('n')) return literal("null");
  if (at('-') || (i_ < s_.size() && is_digit(s_[i_]))) return number();
  return fail(i_ >= s_.size() ? kEnd : "invalid character looking for beginning of value");
}

bool Scanner::string() {
  ++i_;  // the opening quote
  while (i_ < s_.size()) {
    std::size_t i = i_;  // a local: the plain run is a tight loop over the table
    while (i < s_.size() && kJsonBytes.plain_in_string[uc(s_[i])])
      ++i;
    i_ = i;
    if (i_ >= s_.size()) break;
    const char c = s_[i_];
    if (c == '"') {
      ++i_;
      return true;
    }
    if (c == '\\') {
      if (!escape()) return false;
      continue;
    }
    if (uc(c) < 0x20) return fail("control character in string");
    const std::size_t n = utf8_sequence_length(s_, i_);
    if (n == 0) return fail("invalid UTF-8 in string");
    i_ += n;
  }
  return fail(kEnd);
}

bool Scanner::escape() {
  ++i_;  // the backslash
  if (i_ >= s_.size()) return fail(kEnd);
  const char c = s_[i_];
  if (c != 'u') {
    static constexpr std::string_view kShort = "\"\\/bfnrt";
    if (kShort.find(c) == std::string_view::npos) return fail("invalid escape in string");
    ++i_;
    return true;
  }
  unsigned cp = 0;
  if (!hex4(s_, i_ + 1, cp)) return fail("invalid \\u escape in string");
  i_ += 5;
  if (cp < 0xD800 || cp > 0xDFFF) return true;
  unsigned low = 0;
  const bool paired = cp <= 0xDBFF && at('\\') && i_ + 1 < s_.size() && s_[i_ + 1] == 'u' &&
                      hex4(s_, i_ + 2, low) && low >= 0xDC00 && low <= 0xDFFF;
  if (!paired) return fail("unpaired UTF-16 surrogate escape in string");
  i_ += 6;
  return true;
}

bool Scanner::number() {
  if (at('-')) ++i_;
  if (at('0')) {
    ++i_;
  } else if (!digits()) {
    return fail("invalid number");
  }
  if (at('.')) {
    ++i_;
    if (!digits()) return fail("invalid number: no digits after '.'");
  }
  if (at('e') || at('E')) {
    ++i_;
    if (at('+') || at('-')) ++i_;
    if (!digits()) return fail("invalid number: no digits in exponent");
  }
  return true;
}

bool Scanner::digits() {
  const std::size_t start = i_;
  while (i_ < s_.size() && is_digit(s_[i_]))
    ++i_;
  return i_ > start;
}

bool Scanner::literal(std::string_view word) {
  if (s_.substr(i_, word.size()) != word) return fail("invalid literal");
  i_ += word.size();
  return true;
}

}  // namespace

std::string JsonSyntaxError::describe(std::string_view prefix) const {
  std::string text(prefix);
  text += ": ";
  text += reason;
  text += " at offset ";
  text += std::to_string(offset);
  return text;
}

JsonSyntaxError check_json(std::string_view text, std::vector<JsonMember>* members) {
  return Scanner(text, members).run();
}

}  // namespace eventbus::detail

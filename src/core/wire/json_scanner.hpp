// SPDX-License-Identifier: Apache-2.0
// A validating JSON scanner with Go's grammar, and the raw members of a top-level object.
//
// Why not nlohmann for validation: it rejects numbers that overflow a double (1e400), which Go
// accepts in a json.RawMessage, and it skips a UTF-8 byte order mark, which Go rejects. A payload
// Go accepts must not be poison here, so the grammar is checked by hand, as Go's scanner.go does.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace eventbus::detail {

// Where and why a text is not valid JSON. `reason` is a static string.
struct JsonSyntaxError {
  const char* reason = nullptr;
  std::size_t offset = 0;
  explicit operator bool() const noexcept { return reason != nullptr; }
  std::string describe(std::string_view prefix) const;  // "<prefix>: <reason> at offset <n>"
};

// One member of the top-level object, as raw tokens of the input: `key` includes its quotes,
// `value` is the exact bytes of the value (json.RawMessage semantics).
struct JsonMember {
  std::string_view key;
  std::string_view value;
};

// Checks that `text` is exactly one JSON value, with optional surrounding whitespace, using Go's
// grammar and nesting limit (10000). Stricter than Go on purpose: invalid UTF-8 and unpaired
// \uD800-\uDFFF escapes are errors (Go silently turns them into U+FFFD). When `members` is not
// null and the value is an object, its top-level members are appended in document order.
JsonSyntaxError check_json(std::string_view text, std::vector<JsonMember>* members = nullptr);

}  // namespace eventbus::detail

// SPDX-License-Identifier: Apache-2.0
// JSON helpers that reproduce Go's encoding/json byte for byte (Go >= 1.22, HTML escaping on).
//
// The envelope codec writes JSON by hand on the publish hot path; these are the pieces where
// "valid JSON" is not enough and the exact bytes Go would produce matter.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace eventbus::detail {

// Byte classes for the hot loops below and in the scanner: one table lookup per byte decides
// whether a byte needs any attention, so runs of plain bytes are skipped in a tight loop.
struct JsonBytes {
  bool plain_in_string[256];  // ASCII >= 0x20 other than " and \: taken as is by the scanner
  bool go_string_plain[256];  // plain_in_string minus < > &: written as is by append_go_string
  bool compact_plain[256];    // copied as is by append_go_compact (outside or inside strings)
};
extern const JsonBytes kJsonBytes;

// Length of the well-formed UTF-8 sequence starting at s[i] (1..4), or 0 when it is not
// well formed (overlong, surrogate, above U+10FFFF, truncated): the same set Go's
// utf8.DecodeRune rejects.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;

// Appends `s` as a quoted JSON string, escaped exactly like Go's json.Marshal: \" \\ \b \f \n \r
// \t, other bytes < 0x20 as \u00xx, < > & as \u003c \u003e \u0026, U+2028/U+2029 as \u2028
// \u2029, each byte of invalid UTF-8 as \ufffd; everything else verbatim.
void append_go_string(std::string& out, std::string_view s);

// Appends a valid JSON text compacted like Go does when it marshals a json.RawMessage:
// whitespace outside strings dropped, < > & and U+2028/U+2029 escaped, all else verbatim.
// The input must have passed check_json() (core/wire/json_scanner.hpp); else the result is
// unspecified.
void append_go_compact(std::string& out, std::string_view json);

}  // namespace eventbus::detail

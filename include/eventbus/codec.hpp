// SPDX-License-Identifier: Apache-2.0
/// @file
/// Encodes and decodes the docs/wire-format.md JSON envelope, byte-compatible with the Go SDK.
///
/// encode() writes fields in docs/wire-format.md order with Go's encoding/json string escaping
/// (HTML-safe <, >, &, U+2028/2029 escaped) and the payload compacted as Go does for
/// json.RawMessage, so an envelope decoded from a Go service re-encodes to the same bytes.
#pragma once

#include <string>
#include <string_view>

#include "eventbus/envelope.hpp"

namespace eventbus {

/// What decode() returns: the envelope, or the rule it broke.
struct DecodeResult {
  Envelope envelope;      ///< valid only when !error
  ValidationError error;  ///< names the field that broke a rule
  /// True when the envelope decoded and is valid.
  explicit operator bool() const noexcept { return !error; }
};

/// Validates, then encodes. Returns the ValidationError of an invalid envelope and leaves `out` as
/// is.
ValidationError encode(const Envelope& envelope, std::string& out);

/// Decodes and validates. Unknown fields are ignored; duplicate fields keep the last value.
DecodeResult decode(std::string_view json);

}  // namespace eventbus

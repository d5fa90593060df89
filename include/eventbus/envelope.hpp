// SPDX-License-Identifier: Apache-2.0
/// @file
/// The domain-event envelope shared with the Go SDK (see docs/wire-format.md).
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

#include "eventbus/timestamp.hpp"

namespace eventbus {

/// A domain event with its metadata, as docs/wire-format.md writes it on the wire.
struct Envelope {
  std::string event_id;      ///< required, not blank; new_event_id() makes a UUIDv7
  std::string aggregate_id;  ///< required; 1..256 of A-Z a-z 0-9 : _ - . / after trimming blanks
  std::string event_type;    ///< required, not blank
  std::int64_t event_version = 0;  ///< required, > 0
  Timestamp timestamp;             ///< defaults to the epoch; make_envelope() sets now()
  std::string trace_id;            ///< optional; not written when empty
  std::string correlation_id;      ///< optional; not written when empty
  std::int64_t tenant_id = 0;      ///< optional; not written when 0
  std::string payload;             ///< required; any valid JSON value, embedded raw

  /// Field by field (a timestamp's UTC offset included).
  friend bool operator==(const Envelope&, const Envelope&) = default;
};

/// A validation failure: which rule broke (the code names the field) and a human-readable detail.
struct ValidationError {
  std::error_code code;  ///< an eventbus::errc; empty when no rule broke
  std::string detail;    ///< e.g.\ "aggregate_id: character ' ' at offset 5 is not allowed"
  /// True when a rule broke.
  explicit operator bool() const noexcept { return static_cast<bool>(code); }
};

/// Checks every docs/wire-format.md rule; returns an empty ValidationError when the envelope is
/// valid. The aggregate id is checked after trimming surrounding blanks, as the Go SDK does.
ValidationError validate(const Envelope& envelope);

/// A new envelope with a UUIDv7 event id and the current time.
Envelope make_envelope(std::string aggregate_id, std::string event_type, std::int64_t version,
                       std::string payload);

/// A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits; sortable by creation time.
std::string new_event_id();

}  // namespace eventbus

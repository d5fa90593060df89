// SPDX-License-Identifier: Apache-2.0
/// @file
/// The outbox's own error codes (category "eventbus.outbox") and the error it returns: a code
/// and a detail that names what is wrong. Bad envelopes and topics keep their eventbus::errc.
#pragma once

#include <string>
#include <system_error>

namespace eventbus::outbox {

/// The codes of outbox::category(): what the database or its schema did.
enum class errc {
  database_error = 1,  ///< SQLite (or, later, PostgreSQL) failed; the detail has its message
  schema_too_new,      ///< the database's outbox schema is newer than this library knows
  not_migrated,        ///< the outbox table is missing: call migrate() first
  row_dead,            ///< a row went to the dead state (the detail has its last error)
};

/// The category of outbox::errc, named "eventbus.outbox".
const std::error_category& category() noexcept;

/// An outbox::errc as a std::error_code of category().
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

/// What an outbox call returns: empty when it worked, else a code and a one-line detail.
struct Error {
  /// An outbox::errc, or an eventbus::errc for bad input (invalid_topic, invalid_aggregate_id,
  /// invalid_option, ...); empty when the call worked.
  std::error_code code;
  /// What is wrong, naming the thing: "eventbus_outbox schema version 7 is newer than the
  /// version this library knows (1)".
  std::string detail;
  /// True when the call failed.
  explicit operator bool() const noexcept { return static_cast<bool>(code); }
};

}  // namespace eventbus::outbox

/// Lets an outbox::errc convert to a std::error_code (and compare with one).
template <>
struct std::is_error_code_enum<eventbus::outbox::errc> : std::true_type {};

// SPDX-License-Identifier: Apache-2.0
// Parses the text of one configuration value: Go-style durations, byte sizes, booleans and
// integers. Pure string functions (no YAML), so the fuzzer and the unit tests reach them alone.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eventbus::config {

// A Go time.ParseDuration string ("30s", "1.5h", "1h30m", "500ms", "0") or a plain integer of
// milliseconds. Sets `error` and returns nothing when the text is not one, is negative, is not
// a whole number of milliseconds, or exceeds Go's limit (int64 nanoseconds, about 292 years).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, std::string& error);

// A byte count: a plain integer, or an integer with a unit: B, KB/MB/GB/TB (powers of 1000),
// KiB/MiB/GiB/TiB (powers of 1024); units ignore case. -1 only when `allow_unlimited`.
std::optional<std::int64_t> parse_byte_size(std::string_view text, bool allow_unlimited,
                                            std::string& error);

// true/false, yes/no, on/off, 1/0, in any case.
std::optional<bool> parse_bool(std::string_view text);

// A decimal integer with an optional leading '-', nothing else around it.
std::optional<std::int64_t> parse_int(std::string_view text);

// Lower case with '_' and '-' removed, so "fail_fast", "failFast" and "FAIL-FAST" compare equal.
std::string fold_name(std::string_view text);

}  // namespace eventbus::config

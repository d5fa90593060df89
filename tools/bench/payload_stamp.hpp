// SPDX-License-Identifier: Apache-2.0
// The payload every benchmark message carries, and how senders stamp it and handlers read it:
//   {"seq":"0000000042","sent_ns":"00000000001234567890","pad":"xxxx"}
// Digits are fixed-width inside JSON strings (a JSON number may not have leading zeros), so a
// sender overwrites them in place just before the publish call: no allocation, and the same
// bytes whether they travel in an envelope through the bus or raw through a client library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eventbus::bench {

inline constexpr std::size_t kSeqDigits = 10;
inline constexpr std::size_t kSentDigits = 20;

// A payload with the given number of padding characters and zeroed stamps.
std::string make_payload(std::size_t pad);

// Where the two stamps' digits start in `text` (a payload or a whole envelope holding one).
struct StampOffsets {
  std::size_t seq = std::string::npos;
  std::size_t sent_ns = std::string::npos;
  bool valid() const noexcept { return seq != std::string::npos && sent_ns != std::string::npos; }
};
StampOffsets find_stamps(std::string_view text) noexcept;

// Writes `value` as exactly `width` decimal digits (leading zeros) at `at`.
void write_digits(char* at, std::size_t width, std::uint64_t value) noexcept;

struct Stamp {
  std::uint64_t seq = 0;
  std::int64_t sent_ns = 0;  // steady clock, nanoseconds
};
// Reads both stamps; nullopt when either is missing or not all digits.
std::optional<Stamp> read_stamp(std::string_view text) noexcept;

}  // namespace eventbus::bench

// SPDX-License-Identifier: Apache-2.0
// W3C traceparent, version 00 (https://www.w3.org/TR/trace-context/#traceparent-header).
#include "eventbus/trace_context.hpp"

#include <algorithm>

#include "core/wire/random_bits.hpp"

namespace eventbus {
namespace {

constexpr std::size_t kVersion00Size = 55;  // 2 + 1 + 32 + 1 + 16 + 1 + 2
constexpr char kHex[] = "0123456789abcdef";

bool lower_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool lower_hex(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char c) { return lower_hex(c); });
}

bool all_zero(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '0'; });
}

int hex_value(char c) noexcept {
  return c <= '9' ? c - '0' : c - 'a' + 10;
}

}  // namespace

bool is_valid_trace_id(std::string_view id) {
  return id.size() == 32 && lower_hex(id) && !all_zero(id);
}

std::optional<TraceContext> parse_traceparent(std::string_view header) {
  if (header.size() < kVersion00Size) return std::nullopt;
  const std::string_view version = header.substr(0, 2);
  if (!lower_hex(version) || version == "ff") return std::nullopt;
  // Version 00 is exactly 55 characters; a later one may go on, after a '-'.
  if (version == "00" ? header.size() != kVersion00Size
                      : header.size() > kVersion00Size && header[kVersion00Size] != '-') {
    return std::nullopt;
  }
  if (header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  const std::string_view trace_id = header.substr(3, 32);
  const std::string_view parent_id = header.substr(36, 16);
  const std::string_view flags = header.substr(53, 2);
  if (!is_valid_trace_id(trace_id)) return std::nullopt;
  if (!lower_hex(parent_id) || all_zero(parent_id) || !lower_hex(flags)) return std::nullopt;
  return TraceContext{std::string(trace_id), std::string(parent_id),
                      static_cast<std::uint8_t>(hex_value(flags[0]) * 16 + hex_value(flags[1]))};
}

std::string format_traceparent(const TraceContext& context) {
  std::string out;
  out.reserve(kVersion00Size);
  out += "00-";
  out += context.trace_id;
  out += '-';
  out += context.parent_id;
  out += '-';
  out += kHex[context.flags >> 4];
  out += kHex[context.flags & 0xF];
  return out;
}

std::string new_parent_id() {
  std::uint64_t bits = 0;
  while (bits == 0)
    bits = core::random_u64();  // all zero is invalid; 1 in 2^64
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, bits >>= 4)
    id[static_cast<std::size_t>(i)] = kHex[bits & 0xF];
  return id;
}

std::string new_trace_id() {
  std::string id;
  do {
    id = new_parent_id() + new_parent_id();  // 128 random bits, in two halves
  } while (!is_valid_trace_id(id));          // cannot be all zero: each half is not
  return id;
}

TraceContext root_context(std::uint8_t flags) {
  return TraceContext{new_trace_id(), new_parent_id(), flags};
}

TraceContext child_context(const TraceContext& parent) {
  return TraceContext{parent.trace_id, new_parent_id(), parent.flags};
}

}  // namespace eventbus

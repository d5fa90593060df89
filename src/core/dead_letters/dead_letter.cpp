// SPDX-License-Identifier: Apache-2.0
// A stored message read as a dead letter, and the filter that selects dead letters.
#include <charconv>

#include "core/errc_name.hpp"
#include "eventbus/codec.hpp"
#include "eventbus/dead_letters.hpp"
#include "eventbus/error.hpp"

namespace eventbus {
namespace {

std::uint32_t count_in(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : 0;
}

// "handler_failed" -> "eventbus:24"; anything else stays as written.
std::string as_written(const std::string& code) {
  for (std::size_t index = 1; index < core::kErrcCount; ++index) {
    if (core::errc_name(index) == code) {
      return std::string(category().name()) + ":" + std::to_string(index);
    }
  }
  return code;
}

}  // namespace

DeadLetter dead_letter_from(StoredMessage stored) {
  DeadLetter letter;
  for (const auto& [name, value] : stored.headers) {
    if (name == "X-DLQ-Original-Topic") {
      letter.original_topic = value;
    } else if (name == "X-DLQ-Error") {
      letter.error = value;
    } else if (name == "X-DLQ-Error-Code") {
      letter.error_code = value;
    } else if (name == "X-DLQ-Attempts") {
      letter.attempts = count_in(value);
    } else if (name == kReplayCountHeader) {
      letter.replays = count_in(value);
    } else if (name == "X-Aggregate-ID") {
      letter.aggregate_id = value;
    } else if (name == "X-Event-ID") {
      letter.event_id = value;
    }
  }
  // NATS and memory carry no identity headers: the envelope, when the bytes are one, has it.
  if (letter.aggregate_id.empty() || letter.event_id.empty()) {
    if (const DecodeResult decoded = decode(stored.payload)) {
      if (letter.aggregate_id.empty()) letter.aggregate_id = decoded.envelope.aggregate_id;
      if (letter.event_id.empty()) letter.event_id = decoded.envelope.event_id;
    }
  }
  if (letter.aggregate_id.empty()) letter.aggregate_id = stored.key;
  letter.stored = std::move(stored);
  return letter;
}

bool DeadLetterFilter::matches(const DeadLetter& letter) const {
  if (!error_code.empty() && letter.error_code != as_written(error_code)) return false;
  if (!aggregate_id.empty() && letter.aggregate_id != aggregate_id) return false;
  if (!event_id.empty() && letter.event_id != event_id) return false;
  if (since && letter.stored.stored_at < *since) return false;
  if (until && letter.stored.stored_at >= *until) return false;
  return true;
}

}  // namespace eventbus

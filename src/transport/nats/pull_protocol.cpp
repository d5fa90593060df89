// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/pull_protocol.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

namespace eventbus::nats {
namespace {

constexpr std::int64_t kNanosPerMilli = 1000000;

template <typename Int>
bool parse_number(std::string_view text, Int& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::chrono::milliseconds pull_heartbeat(std::chrono::milliseconds expires) {
  return std::max(expires / 2, std::chrono::milliseconds(1));
}

std::string pull_request_body(int batch, std::chrono::milliseconds expires) {
  return "{\"batch\":" + std::to_string(batch) +
         ",\"expires\":" + std::to_string(expires.count() * kNanosPerMilli) +
         ",\"idle_heartbeat\":" + std::to_string(pull_heartbeat(expires).count() * kNanosPerMilli) +
         "}";
}

PullStatus classify_pull_status(std::string_view code, std::string_view description,
                                std::string_view pending_messages) {
  using Kind = PullStatus::Kind;
  PullStatus status;
  if (code == "100") {
    status.kind = Kind::heartbeat;
    return status;
  }
  // A count of unsent messages ends exactly one request, whatever the words around it.
  if (std::int64_t unfilled = 0; parse_number(pending_messages, unfilled) && unfilled >= 0) {
    status.kind = Kind::request_ended;
    status.unfilled = unfilled;
    return status;
  }
  const bool is_409 = code == "409";
  // Ends without a count: which request ended is unknown, or every request is gone.
  const bool forgets_all = code == "404" || code == "408" ||
                           (is_409 && (starts_with(description, "Leadership Change") ||
                                       starts_with(description, "Server Shutdown")));
  if (forgets_all) {
    status.kind = Kind::requests_forgotten;
  } else if (is_409 && starts_with(description, "Consumer Deleted")) {
    status.kind = Kind::consumer_deleted;
  } else if (is_409 && starts_with(description, "Exceeded MaxWaiting")) {
    status.kind = Kind::max_waiting;
  } else if (constexpr std::string_view kBatch = "Exceeded MaxRequestBatch of ";
             is_409 && starts_with(description, kBatch) &&
             parse_number(description.substr(kBatch.size()), status.limit) && status.limit > 0) {
    status.kind = Kind::batch_limit;
  } else {
    status.kind = Kind::refused;
  }
  return status;
}

std::optional<AckMetadata> parse_ack_subject(std::string_view reply) {
  constexpr std::string_view kPrefix = "$JS.ACK.";
  if (!starts_with(reply, kPrefix)) return std::nullopt;
  reply.remove_prefix(kPrefix.size());
  std::array<std::string_view, 9> tokens;
  std::size_t count = 0;
  while (count < tokens.size()) {
    const std::size_t dot = reply.find('.');
    tokens[count++] = reply.substr(0, dot);
    if (dot == std::string_view::npos) break;
    reply.remove_prefix(dot + 1);
  }
  // v1 has 7 tokens after the prefix; v2 at least 9 (domain and account hash first).
  std::size_t first = 0;
  if (count == 9) {
    first = 2;
  } else if (count != 7) {
    return std::nullopt;
  }
  AckMetadata meta;
  if (!parse_number(tokens[first + 2], meta.delivered) ||
      !parse_number(tokens[first + 3], meta.stream_sequence)) {
    return std::nullopt;
  }
  return meta;
}

ConsumerPresence consumer_presence(std::string_view info_answer) {
  constexpr int kConsumerNotFound = 10014;
  const auto body = nlohmann::json::parse(info_answer, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return ConsumerPresence::unknown;
  if (const auto error = body.find("error"); error != body.end()) {
    return error->is_object() && error->value("err_code", 0) == kConsumerNotFound
               ? ConsumerPresence::missing
               : ConsumerPresence::unknown;
  }
  return body.contains("config") ? ConsumerPresence::present : ConsumerPresence::unknown;
}

std::string nak_with_delay(std::chrono::milliseconds delay) {
  return "-NAK {\"delay\":" +
         std::to_string(std::max<std::int64_t>(0, delay.count()) * kNanosPerMilli) + "}";
}

}  // namespace eventbus::nats

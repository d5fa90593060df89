// SPDX-License-Identifier: Apache-2.0
// The transport-neutral sections: publisher, subscriber (lanes, retry, dead letters, rate
// limits), healthCheck, monitor and memory.
#include "config/config_error.hpp"
#include "config/rate_limit_section.hpp"
#include "config/schema.hpp"
#include "config/value_reader.hpp"

namespace eventbus::config {
namespace {

using Node = YAML::Node;
using Path = std::string;

const Section& retry_section() {
  static const Section section{{
      {"maxAttempts", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().dispatch.retry.max_attempts = static_cast<std::uint32_t>(read_int(v, p, 1));
       }},
      {"initialBackoff", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().dispatch.retry.initial_backoff = read_duration(v, p);
       }},
      {"maxBackoff", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().dispatch.retry.max_backoff = read_duration(v, p);
       }},
      {"multiplier", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().dispatch.retry.multiplier = read_double(v, p, 1.0);
       }},
  }};
  return section;
}

RateLimit& publish_rate(ParseState& s) {
  return s.bus().publish.rate_limit;
}

RateLimit& handle_rate(ParseState& s) {
  return s.bus().dispatch.rate_limit;
}

}  // namespace

const Section& publisher_section() {
  static const Section section{{
      {"maxInFlight", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().publish.max_in_flight = static_cast<std::size_t>(read_int(v, p, 1));
       }},
      {"overflowPolicy", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().publish.on_full = read_enum<OverflowPolicy>(
             v, p, {{"block", OverflowPolicy::block}, {"failFast", OverflowPolicy::fail_fast}});
       }},
      {"blockTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().publish.block_timeout = read_duration(v, p);
       }},
      {"ackTimeout", "publishTimeout", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.claim("publisher.ackTimeout", p);
         s.bus().publish.ack_timeout = read_positive_duration(v, p);
       }},
      {"rateLimit", "", KeyKind::section, nullptr, &rate_limit_section<&publish_rate>()},
  }};
  return section;
}

const Section& subscriber_section() {
  static const Section section{{
      {"group", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.claim("group", p);
         s.bus().group = read_string(v, p);
       }},
      {"lanes", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().dispatch.lanes = static_cast<std::size_t>(read_int(v, p, 1));
       }},
      {"workers", "maxConcurrency", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().dispatch.workers = static_cast<std::size_t>(read_int(v, p, 1));
       }},
      {"laneCapacity", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().dispatch.lane_capacity = static_cast<std::size_t>(read_int(v, p, 1));
       }},
      {"deadLetter", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().dispatch.dead_letter = read_bool(v, p);
       }},
      {"subscribeTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().subscribe_timeout = read_positive_duration(v, p);
       }},
      {"retry", "", KeyKind::section, nullptr, &retry_section()},
      {"rateLimit", "", KeyKind::section, nullptr, &rate_limit_section<&handle_rate>()},
  }};
  return section;
}

// The Go SDK's healthCheck section, onto BusOptions::heartbeat: `enabled` turns on both the
// heartbeat publisher and its watcher; `publish` / `watch` set them one by one.
const Section& health_check_section() {
  static const Section section{{
      {"enabled", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         const bool on = read_bool(v, p);
         s.bus().heartbeat.publish = on;
         s.bus().heartbeat.watch = on;
       }},
      {"publish", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().heartbeat.publish = read_bool(v, p);
       }},
      {"watch", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().heartbeat.watch = read_bool(v, p);
       }},
      {"topic", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().heartbeat.topic = read_string(v, p);
         if (s.bus().heartbeat.topic.empty()) fail(p, "expected a non-empty topic");
       }},
      {"group", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().heartbeat.group = read_string(v, p);
       }},
      {"interval", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().heartbeat.interval = read_positive_duration(v, p);
       }},
      {"timeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().heartbeat.timeout = read_positive_duration(v, p);
       }},
      {"warningMisses", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().heartbeat.warning_misses = static_cast<std::uint32_t>(read_int(v, p, 1));
       }},
      {"errorMisses", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().heartbeat.error_misses = static_cast<std::uint32_t>(read_int(v, p, 1));
       }},
      {"criticalMisses", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().heartbeat.critical_misses = static_cast<std::uint32_t>(read_int(v, p, 1));
       }},
  }};
  return section;
}

const Section& monitor_section() {
  static const Section section{{
      {"interval", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().monitor.interval = read_duration(v, p);
       }},
      {"stallAfter", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().monitor.stall_after = read_positive_duration(v, p);
       }},
      {"lagThreshold", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().monitor.lag_messages = read_int(v, p, 0);
       }},
      {"lagAgeThreshold", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().monitor.lag_age = read_duration(v, p);
       }},
      {"inFlightThreshold", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().monitor.in_flight = static_cast<std::uint64_t>(read_int(v, p, 0));
       }},
      {"ackLatencyThreshold", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().monitor.ack_latency = read_duration(v, p);
       }},
  }};
  return section;
}

const Section& memory_section() {
  static const Section section{{
      {"broker", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().memory.broker = read_string(v, p);
       }},
      {"fetchBatch", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().memory.fetch_batch = static_cast<std::size_t>(read_int(v, p, 1));
       }},
      {"maxMessageSize", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         const auto bytes = read_byte_size(v, p, /*allow_unlimited=*/false);
         if (bytes < 1) fail(p, "expected a size of at least 1 byte, got " + describe(v));
         s.bus().memory.max_message_bytes = static_cast<std::size_t>(bytes);
       }},
  }};
  return section;
}

}  // namespace eventbus::config

// SPDX-License-Identifier: Apache-2.0
// Builds the run's messages: envelopes of about the configured size for the bus, and the same
// bytes as one encoded template for the raw clients, which stamp it in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "eventbus/envelope.hpp"
#include "payload_stamp.hpp"
#include "scenario.hpp"

namespace eventbus::bench {

class MessageFactory {
 public:
  // Pads the payload so an encoded envelope is about `envelope_bytes` long (never shorter than
  // the envelope without padding).
  MessageFactory(const Scenario& scenario, std::size_t envelope_bytes);

  // Aggregate ids have a fixed width, so every envelope of a run has about the same size.
  static std::string aggregate_id(std::size_t aggregate);

  // The envelope of message `seq`, with its seq stamped and sent_ns zero.
  Envelope envelope(std::uint64_t seq) const;
  // Where sent_ns starts in envelope(seq).payload.
  std::size_t payload_sent_offset() const noexcept { return payload_stamps_.sent_ns; }

  // One encoded envelope, for raw clients: stamp seq and sent_ns at raw_stamps() per message.
  const std::string& raw_template() const noexcept { return raw_; }
  StampOffsets raw_stamps() const noexcept { return raw_stamps_; }

  std::size_t envelope_bytes() const noexcept { return raw_.size(); }

 private:
  Scenario scenario_;
  std::string payload_;
  StampOffsets payload_stamps_;
  std::string raw_;
  StampOffsets raw_stamps_;
};

}  // namespace eventbus::bench

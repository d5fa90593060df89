// SPDX-License-Identifier: Apache-2.0
#include "message_factory.hpp"

#include <stdexcept>

#include "eventbus/codec.hpp"

namespace eventbus::bench {
namespace {

std::string encoded(const Envelope& e) {
  std::string out;
  if (auto error = encode(e, out)) throw std::runtime_error("bench envelope: " + error.detail);
  return out;
}

}  // namespace

MessageFactory::MessageFactory(const Scenario& scenario, std::size_t envelope_bytes)
    : scenario_(scenario) {
  payload_ = make_payload(0);
  // The largest aggregate and version of the run, so no envelope ends up bigger than this one.
  const std::uint64_t last = scenario.messages == 0 ? 0 : scenario.messages - 1;
  const std::size_t bare = encoded(envelope(last)).size();
  if (envelope_bytes > bare) payload_ = make_payload(envelope_bytes - bare);
  payload_stamps_ = find_stamps(payload_);
  raw_ = encoded(envelope(last));
  raw_stamps_ = find_stamps(raw_);
}

std::string MessageFactory::aggregate_id(std::size_t aggregate) {
  std::string digits = std::to_string(aggregate);
  return "agg-" + std::string(digits.size() < 6 ? 6 - digits.size() : 0, '0') + digits;
}

Envelope MessageFactory::envelope(std::uint64_t seq) const {
  Envelope e = make_envelope(aggregate_id(scenario_.aggregate_of(seq)), "BenchEvent",
                             scenario_.version_of(seq), payload_);
  const StampOffsets at = find_stamps(e.payload);
  write_digits(e.payload.data() + at.seq, kSeqDigits, seq);
  return e;
}

}  // namespace eventbus::bench

// SPDX-License-Identifier: Apache-2.0
// What a raw baseline's sender thread does per message: stamps its own copy of the raw
// template with the message's sequence and send time, and records the call around `publish`.
// A message the client refused completes as failed at once: the client will never report it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "payload_stamp.hpp"
#include "recorder.hpp"

namespace eventbus::bench {

// `publish(seq, bytes)` sends one message and says whether the client took it. `buffers`
// holds one template copy per sender thread and must outlive the senders.
template <typename Publish>
auto raw_sender(std::vector<std::string>& buffers, const StampOffsets& at, Recorder& recorder,
                Publish publish) {
  return [&buffers, at, &recorder, publish](std::size_t k, std::uint64_t seq) {
    std::string& bytes = buffers[k];
    write_digits(bytes.data() + at.seq, kSeqDigits, seq);
    const std::int64_t start = now_ns();
    write_digits(bytes.data() + at.sent_ns, kSentDigits, static_cast<std::uint64_t>(start));
    recorder.publish_started(seq, start);
    const bool accepted = publish(seq, bytes);
    recorder.publish_returned(start, now_ns());
    if (!accepted) recorder.completed(seq, false);
  };
}

}  // namespace eventbus::bench

// SPDX-License-Identifier: Apache-2.0
// One run of a raw nats.c baseline (see raw_runners.hpp), whichever way it consumes: the
// connection, streams, warm-up, senders and teardown are the same for both, so the runners
// differ only in the consumer they plug in.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "raw_nats_connection.hpp"

namespace eventbus::bench {

// The receiving side of a raw NATS baseline: subscribes to every subject when constructed
// (the streams exist by then), and once destroyed no thread or callback of its own touches the
// recorder or the connection any more.
class RawNatsConsumer {
 public:
  RawNatsConsumer() = default;
  RawNatsConsumer(const RawNatsConsumer&) = delete;
  RawNatsConsumer& operator=(const RawNatsConsumer&) = delete;
  virtual ~RawNatsConsumer() = default;
};

using MakeRawNatsConsumer = std::function<std::unique_ptr<RawNatsConsumer>(
    RawNatsConnection& connection, Recorder& recorder, const std::vector<std::string>& subjects)>;

// Runs one level with fresh subjects and streams, named for the run, consumed by what
// `make_consumer` builds; the metrics carry `client` (kRawClient, kRawPushClient).
RunMetrics run_raw_nats_baseline(RunContext& context, const Level& level, std::size_t repeat,
                                 const std::string& client,
                                 const MakeRawNatsConsumer& make_consumer);

// The same with a `Consumer` built from (connection, recorder, subjects).
template <typename Consumer>
RunMetrics run_raw_nats_with(RunContext& context, const Level& level, std::size_t repeat,
                             const std::string& client) {
  return run_raw_nats_baseline(
      context, level, repeat, client,
      [](RawNatsConnection& connection, Recorder& recorder,
         const std::vector<std::string>& subjects) -> std::unique_ptr<RawNatsConsumer> {
        return std::make_unique<Consumer>(connection, recorder, subjects);
      });
}

}  // namespace eventbus::bench

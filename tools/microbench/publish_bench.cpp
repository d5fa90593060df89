// SPDX-License-Identifier: Apache-2.0
// A whole publish on the memory transport, per message: Bus::publish_envelope validates,
// encodes and counts, waits for an in-flight slot, hands the bytes to the transport's store
// thread, and the completion runs once the in-process broker stored the message. Nothing
// subscribes, so this is the publishing side alone.
#include <benchmark/benchmark.h>

#include <chrono>

#include "countdown.hpp"
#include "eventbus/bus.hpp"
#include "sample_envelope.hpp"

namespace eventbus::microbench {
namespace {

void publish_memory(benchmark::State& state) {
  const Envelope envelope = sample_envelope();
  Countdown done(static_cast<std::int64_t>(state.max_iterations));
  BusOptions options;
  options.transport = "memory";
  // A broker of its own, freed with the bus: with no subscriber every message stays in its log
  // until then, so each run starts empty.
  options.memory.broker = "microbench";
  Bus bus(options);
  const Completion count = [&done](const PublishResult&) { done.count_one(); };
  benchmark::IterationCount sent = 0;
  for (auto _ : state) {
    if (const std::error_code error = bus.publish_envelope("orders", envelope, count)) {
      state.SkipWithError(error.message().c_str());
      break;
    }
    if (++sent == state.max_iterations && !done.wait(std::chrono::seconds(60)))
      state.SkipWithError("publishes did not complete within 60 s");
  }
  state.SetItemsProcessed(state.iterations());
  bus.close(std::chrono::seconds(5));
}
BENCHMARK(publish_memory)->UseRealTime();  // the store and completion threads do part of it

}  // namespace
}  // namespace eventbus::microbench

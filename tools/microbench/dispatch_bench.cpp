// SPDX-License-Identifier: Apache-2.0
// The ordered dispatcher, per message: a fetcher submits a delivery, a lane worker runs a
// no-op handler on it and acks it. With the bus's default lanes and workers, and 64 aggregates
// so that every lane has work, as under a steady stream of many aggregates' events.
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/dispatch/ordered_dispatcher.hpp"
#include "countdown.hpp"
#include "sample_envelope.hpp"

namespace eventbus::microbench {
namespace {

using core::Delivery;
using core::DispatchCounters;
using core::MessageRoute;
using core::OrderedDispatcher;

class CountedDelivery final : public Delivery {
 public:
  explicit CountedDelivery(Countdown& done) : done_(done) {}
  void ack() noexcept override { done_.count_one(); }
  void nack() noexcept override { done_.count_one(); }  // a no-op handler never fails

 private:
  Countdown& done_;
};

class NoOpRoute final : public MessageRoute {
 public:
  HandlerResult handle(const Delivery&, std::uint32_t) noexcept override { return {}; }
  bool dead_letter(const Delivery&, const HandlerResult&, std::uint32_t) noexcept override {
    return false;
  }
  void finished(const Delivery&) noexcept override {}
};

std::vector<std::string> aggregate_ids(std::size_t count) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < count; ++i)
    ids.push_back("order-" + std::to_string(i));
  return ids;
}

void dispatch_no_op_handler(benchmark::State& state) {
  const std::string payload = sample_wire_bytes();
  const std::vector<std::string> aggregates = aggregate_ids(64);
  Countdown done(static_cast<std::int64_t>(state.max_iterations));
  NoOpRoute route;
  DispatchCounters counters;
  OrderedDispatcher dispatcher(DispatchOptions{}, counters);
  benchmark::IterationCount sent = 0;
  for (auto _ : state) {
    // What a transport's fetcher builds per message: the delivery with its bytes and key.
    auto delivery = std::make_unique<CountedDelivery>(done);
    const std::string& aggregate = aggregates[static_cast<std::size_t>(sent) % aggregates.size()];
    delivery->topic = "orders";
    delivery->key = aggregate;
    delivery->lane_key = aggregate;
    delivery->payload = payload;
    delivery->route = &route;
    dispatcher.submit(std::move(delivery));
    if (++sent == state.max_iterations && !done.wait(std::chrono::seconds(60)))
      state.SkipWithError("handlers did not finish within 60 s");
  }
  state.SetItemsProcessed(state.iterations());
  dispatcher.drain(OrderedDispatcher::Clock::now() + std::chrono::seconds(5));
}
BENCHMARK(dispatch_no_op_handler)->UseRealTime();  // the work is on the worker threads

}  // namespace
}  // namespace eventbus::microbench

// SPDX-License-Identifier: Apache-2.0
// Counts heap allocations made on the publishing thread per publish_envelope call, to hold the
// promise "no thread, future or extra allocation per message beyond the message itself".
// Its own binary: it replaces the global operator new, and sanitizers must not be in the way.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "eventbus/eventbus.hpp"

namespace {
thread_local bool t_counting = false;
thread_local std::size_t t_allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (t_counting) ++t_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace eventbus {
namespace {

using namespace std::chrono_literals;

TEST(PublishAllocations, EnvelopePublishAllocatesOnlyTheMessageItself) {
  constexpr int kMessages = 1000;
  BusOptions options;
  options.memory.broker = "allocations";
  options.publish.max_in_flight = kMessages;
  Bus bus(options);
  std::atomic<int> acked{0};
  Envelope e = make_envelope("order-42", "OrderPlaced", 1, R"({"amount":1999})");
  // The completion captures one pointer: it lives in std::function's small buffer.
  const auto on_done = [counter = &acked](const PublishResult& r) {
    if (!r.error) counter->fetch_add(1);
  };
  t_allocations = 0;
  for (int i = 0; i < kMessages; ++i) {
    e.event_version = i + 1;
    t_counting = true;
    ASSERT_FALSE(bus.publish_envelope("orders", e, on_done));
    t_counting = false;
  }
  bus.close(10s);
  EXPECT_EQ(acked.load(), kMessages);
  // The encoded bytes, the PendingPublish record and its copy of the 36-character event id.
  // Topic and key fit in std::string's inline buffer here. The 0.1 is the amortised growth of
  // the transport's queue (a deque block per 64 messages).
  const double per_message = static_cast<double>(t_allocations) / kMessages;
  std::printf("allocations per publish_envelope on the calling thread: %.2f\n", per_message);
  EXPECT_LE(per_message, 3.1);
}

}  // namespace
}  // namespace eventbus

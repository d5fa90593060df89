// SPDX-License-Identifier: Apache-2.0
// Tenant completion routing on a bus over the in-process transport, for its edges: tenant 0
// and an empty callback are refused, a throwing tenant callback disturbs nothing, a refusal
// reaches the tenant after the call's own completion, on the caller's thread.
#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "eventbus/eventbus.hpp"
#include "support/wait.hpp"

namespace {

using namespace std::chrono_literals;
using eventbus::Bus;
using eventbus::BusOptions;
using eventbus::errc;
using eventbus::PublishResult;
using eventbus::testing::Signal;

TEST(MemoryTenantCompletion, TenantZeroAndAnEmptyCallbackAreRefused) {
  BusOptions options;
  options.memory.broker = "tenant-edges";
  Bus bus(options);
  EXPECT_EQ(bus.set_tenant_completion(0, [](const PublishResult&) {}), errc::invalid_option);
  EXPECT_EQ(bus.set_tenant_completion(5, {}), errc::invalid_option);
  EXPECT_FALSE(bus.set_tenant_completion(-5, [](const PublishResult&) {}));
  bus.remove_tenant_completion(-5);
  bus.remove_tenant_completion(6);  // never set: no effect
}

TEST(MemoryTenantCompletion, ARefusalReachesTheTenantAfterTheCallsCompletionOnItsThread) {
  BusOptions options;
  options.memory.broker = "tenant-refusal";
  Bus bus(options);
  std::vector<std::string> order;
  const auto caller = std::this_thread::get_id();
  ASSERT_FALSE(bus.set_tenant_completion(9, [&](const PublishResult& r) {
    order.push_back("tenant:" + std::string(r.event_id));
    EXPECT_EQ(r.error, errc::invalid_aggregate_id);
    EXPECT_EQ(r.tenant_id, 9);
    EXPECT_EQ(std::this_thread::get_id(), caller);
  }));
  eventbus::Envelope bad = eventbus::make_envelope("has space", "T", 1, "{}");
  bad.tenant_id = 9;
  EXPECT_EQ(bus.publish_envelope("t.refused", bad,
                                 [&](const PublishResult& r) {
                                   order.push_back("call:" + std::string(r.event_id));
                                   EXPECT_EQ(r.tenant_id, 9);
                                 }),
            errc::invalid_aggregate_id);
  EXPECT_EQ(order, (std::vector<std::string>{"call:" + bad.event_id, "tenant:" + bad.event_id}));
}

TEST(MemoryTenantCompletion, AThrowingTenantCallbackDisturbsNothing) {
  BusOptions options;
  options.memory.broker = "tenant-throws";
  Signal signal;  // before the bus: its completions use it until the bus is gone
  int acked = 0;
  Bus bus(options);
  ASSERT_FALSE(bus.set_tenant_completion(
      3, [](const PublishResult&) { throw std::runtime_error("tenant sink down"); }));
  for (int i = 1; i <= 3; ++i) {
    eventbus::Envelope e = eventbus::make_envelope("agg", "T", i, "{}");
    e.tenant_id = 3;
    ASSERT_FALSE(bus.publish_envelope("t.throws", e, [&](const PublishResult& r) {
      signal.update([&] { acked += r.error ? 0 : 1; });
    }));
  }
  ASSERT_TRUE(signal.wait_for(10s, [&] { return acked == 3; }));
  const eventbus::OwnedPublishResult sync = [&] {
    eventbus::Envelope e = eventbus::make_envelope("agg", "T", 4, "{}");
    e.tenant_id = 3;
    return bus.publish_envelope_sync("t.throws", e, 10s);
  }();
  EXPECT_FALSE(sync.error) << sync.detail;
  EXPECT_EQ(sync.tenant_id, 3);
  EXPECT_EQ(bus.stats().acked, 4u);
  EXPECT_FALSE(bus.close(5s).error);
}

}  // namespace

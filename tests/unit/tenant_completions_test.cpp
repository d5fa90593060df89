// SPDX-License-Identifier: Apache-2.0
// TenantCompletions: an outcome reaches only its tenant's callback, once; tenant 0 never;
// remove() stops it; set() replaces; a throwing callback is contained; readers and writers
// may run at once (TSan).
#include "core/publish/tenant_completions.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

using eventbus::PublishResult;
using eventbus::core::TenantCompletions;

PublishResult of_tenant(std::int64_t tenant) {
  PublishResult r;
  r.tenant_id = tenant;
  r.event_id = "e";
  return r;
}

TEST(TenantCompletions, AnOutcomeReachesOnlyItsTenantOnce) {
  TenantCompletions tenants{std::make_shared<const eventbus::core::Log>()};
  int one = 0, two = 0;
  tenants.set(1, [&](const PublishResult& r) {
    EXPECT_EQ(r.tenant_id, 1);
    ++one;
  });
  tenants.set(2, [&](const PublishResult&) { ++two; });
  tenants.notify(of_tenant(1));
  tenants.notify(of_tenant(3));
  tenants.notify(of_tenant(0));
  EXPECT_EQ(one, 1);
  EXPECT_EQ(two, 0);
}

TEST(TenantCompletions, TenantZeroIsNoTenant) {
  TenantCompletions tenants{std::make_shared<const eventbus::core::Log>()};
  int calls = 0;
  tenants.set(0, [&](const PublishResult&) { ++calls; });  // Bus refuses this; the core ignores it
  tenants.notify(of_tenant(0));
  EXPECT_EQ(calls, 0);
}

TEST(TenantCompletions, RemoveStopsAndSetReplaces) {
  TenantCompletions tenants{std::make_shared<const eventbus::core::Log>()};
  int first = 0, second = 0;
  tenants.set(7, [&](const PublishResult&) { ++first; });
  tenants.set(7, [&](const PublishResult&) { ++second; });
  tenants.notify(of_tenant(7));
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
  tenants.remove(7);
  tenants.remove(7);  // twice: no effect
  tenants.notify(of_tenant(7));
  EXPECT_EQ(second, 1);
}

TEST(TenantCompletions, AThrowingCallbackIsContained) {
  TenantCompletions tenants{std::make_shared<const eventbus::core::Log>()};
  tenants.set(1, [](const PublishResult&) { throw std::runtime_error("tenant sink down"); });
  tenants.set(2, [](const PublishResult&) { throw 42; });
  EXPECT_NO_THROW(tenants.notify(of_tenant(1)));
  EXPECT_NO_THROW(tenants.notify(of_tenant(2)));
}

TEST(TenantCompletions, ReadersAndWritersRunAtOnce) {
  TenantCompletions tenants{std::make_shared<const eventbus::core::Log>()};
  std::atomic<int> calls{0};
  tenants.set(1, [&](const PublishResult&) { calls.fetch_add(1); });
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) {
      tenants.set(2 + i % 5, [&](const PublishResult&) { calls.fetch_add(1000000); });
      tenants.remove(2 + (i + 2) % 5);
    }
    stop = true;
  });
  std::vector<std::thread> readers;
  std::atomic<int> notified{0};
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        tenants.notify(of_tenant(1));
        notified.fetch_add(1);
      }
    });
  }
  writer.join();
  for (auto& r : readers)
    r.join();
  EXPECT_EQ(calls.load(), notified.load()) << "tenant 1 was set throughout, exactly once each";
}

}  // namespace

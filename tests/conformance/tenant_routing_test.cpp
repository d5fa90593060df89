// SPDX-License-Identifier: Apache-2.0
// Tenant completion routing against the broker: each tenant's callback sees exactly the
// outcomes of its own envelopes (acks and refusals), once each, after the call's own
// completion and on the same thread; envelopes without a tenant reach no tenant.
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "conformance/conformance.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

struct TenantLog {
  std::vector<std::string> event_ids;
  int out_of_turn = 0;  // outcomes seen before the call's own completion, or on another thread
};

TEST_P(Conformance, TenantCallbacksSeeExactlyTheirOwnOutcomesOnce) {
  const std::string topic = unique_name("conf", "t");
  Signal signal;  // before the bus: its completions use it until the bus is gone
  std::map<std::int64_t, TenantLog> tenants;
  std::map<std::string, std::thread::id> completed_on;  // event id -> the call's completion
  int completions = 0;
  auto bus = make_bus();
  for (std::int64_t tenant : {1, 2}) {
    ASSERT_FALSE(bus->set_tenant_completion(tenant, [&, tenant](const PublishResult& r) {
      signal.update([&] {
        TenantLog& log = tenants[tenant];
        log.event_ids.emplace_back(r.event_id);
        const auto it = completed_on.find(std::string(r.event_id));
        if (it == completed_on.end() || it->second != std::this_thread::get_id()) ++log.out_of_turn;
        EXPECT_EQ(r.tenant_id, tenant);
      });
    }));
  }
  const Completion own = [&](const PublishResult& r) {
    signal.update([&] {
      completed_on[std::string(r.event_id)] = std::this_thread::get_id();
      ++completions;
    });
  };
  std::map<std::int64_t, std::set<std::string>> sent;
  for (int i = 0; i < 9; ++i) {
    Envelope e = test_envelope("tenant-" + std::to_string(i % 3), i / 3 + 1);
    e.tenant_id = i % 3;  // 0: no tenant
    sent[e.tenant_id].insert(e.event_id);
    ASSERT_FALSE(bus->publish_envelope(topic, e, own));
  }
  Envelope refused = test_envelope("bad aggregate", 1);  // refused before it is sent
  refused.tenant_id = 2;
  sent[2].insert(refused.event_id);
  EXPECT_EQ(bus->publish_envelope(topic, refused, own), errc::invalid_aggregate_id);

  ASSERT_TRUE(signal.wait_for(30s, [&] { return completions == 10; }));
  EXPECT_FALSE(bus->close(10s).error);  // every completion has run once close returns
  std::lock_guard lock(signal.mutex());
  for (std::int64_t tenant : {1, 2}) {
    const TenantLog& log = tenants[tenant];
    EXPECT_EQ(std::set<std::string>(log.event_ids.begin(), log.event_ids.end()), sent[tenant])
        << "tenant " << tenant;
    EXPECT_EQ(log.event_ids.size(), sent[tenant].size()) << "once each, tenant " << tenant;
    EXPECT_EQ(log.out_of_turn, 0) << "tenant " << tenant;
  }
}

}  // namespace
}  // namespace eventbus::testing

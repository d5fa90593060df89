// SPDX-License-Identifier: Apache-2.0
// A broker that is down when the bus starts: by default the bus refuses to start, within its
// connect timeout and naming the address; with retry_on_failed_connect it starts anyway and
// works once the broker appears, with no action from its user.
#include <gtest/gtest.h>

#include "fault/fault_bus.hpp"
#include "support/threads.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using Clock = std::chrono::steady_clock;

class BrokerDown : public ::testing::TestWithParam<BrokerKind> {
 protected:
  // A broker that was started (so its address is known and free for it) and then killed.
  void SetUp() override {
    broker_ = std::make_unique<BrokerProcess>(GetParam());
    broker_->kill9();
  }
  BusOptions options(std::chrono::milliseconds connect_timeout, bool wait_for_broker) {
    BusOptions o = fault_bus_options(GetParam(), broker_->address());
    if (GetParam() == BrokerKind::nats) {
      o.nats.connect_timeout = connect_timeout;
      o.nats.retry_on_failed_connect = wait_for_broker;
    } else {
      o.kafka.connect_timeout = connect_timeout;
      o.kafka.retry_on_failed_connect = wait_for_broker;
    }
    return o;
  }
  std::unique_ptr<BrokerProcess> broker_;
};

TEST_P(BrokerDown, AtStartTheBusFailsWithinItsConnectTimeoutNamingTheAddress) {
  constexpr auto kConnectTimeout = 1500ms;
  const auto started = Clock::now();
  try {
    Bus bus(options(kConnectTimeout, false));
    FAIL() << "a bus started with its broker down";
  } catch (const std::system_error& e) {
    const auto took = Clock::now() - started;
    EXPECT_EQ(e.code(), make_error_code(errc::transport_error)) << e.what();
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + broker_->port()), std::string::npos)
        << e.what();
    EXPECT_LT(took, kConnectTimeout + 2s) << "no hang: the connect timeout bounds the start";
  }
}

TEST_P(BrokerDown, WithRetryOnFailedConnectTheBusWorksOnceTheBrokerAppears) {
  warm_up_threads();
  const std::size_t threads_before = process_thread_count();
  const std::string topic = unique_name("fault", "t");
  const BusOptions bus_options = options(1500ms, true);
  auto bus = std::make_unique<Bus>(bus_options);
  const unsigned library_kept = library_threads(bus_options);
  broker_->restart();
  // No retry loop here: the bus must have found the broker by itself.
  Signal signal;
  std::vector<std::string> received;
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope& e, const Message&) {
                                         signal.update([&] { received.push_back(e.event_id); });
                                         return HandlerResult::ok();
                                       })
                   .error());
  const Envelope e = make_envelope("order-1", "Placed", 1, "{}");
  const OwnedPublishResult r = bus->publish_envelope_sync(topic, e, 30s);
  ASSERT_FALSE(r.error) << r.detail;
  ASSERT_TRUE(signal.wait_for(30s, [&] { return !received.empty(); }));
  EXPECT_EQ(received.front(), e.event_id);
  EXPECT_FALSE(bus->close(10s).error);
  bus.reset();
  std::size_t threads_after = 0;
  EXPECT_TRUE(threads_back_to_baseline(threads_before, library_kept, threads_after))
      << threads_after << " threads after close, " << threads_before << " before";
}

INSTANTIATE_TEST_SUITE_P(, BrokerDown, ::testing::ValuesIn(built_brokers()),
                         [](const auto& info) { return PrintToString(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BrokerDown);

}  // namespace
}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
// built_transports() reports what CMake was configured with (EVENTBUS_WITH_NATS and
// EVENTBUS_WITH_KAFKA, passed to this test as 1 or 0 by tests/CMakeLists.txt), and a bus asked
// for a transport that was left out fails with unknown_transport, naming it and the option
// that builds it. That test exists only in a build with a transport OFF.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "eventbus/bus.hpp"
#include "eventbus/error.hpp"
#include "eventbus/options.hpp"
#include "eventbus/version.hpp"

#if !defined(EVENTBUS_WITH_NATS) || !defined(EVENTBUS_WITH_KAFKA)
#error "tests/CMakeLists.txt defines EVENTBUS_WITH_NATS and EVENTBUS_WITH_KAFKA (1 or 0)"
#endif

namespace {

using eventbus::built_transports;
using eventbus::transport_built;

TEST(BuiltTransports, AreMemoryAndTheBrokerTransportsConfiguredOn) {
  std::vector<std::string_view> expected{"memory"};
  if (EVENTBUS_WITH_NATS) expected.emplace_back("nats");
  if (EVENTBUS_WITH_KAFKA) expected.emplace_back("kafka");
  const auto built = built_transports();
  EXPECT_EQ(std::vector<std::string_view>(built.begin(), built.end()), expected);

  EXPECT_TRUE(transport_built("memory"));
  EXPECT_EQ(transport_built("nats"), EVENTBUS_WITH_NATS == 1);
  EXPECT_EQ(transport_built("kafka"), EVENTBUS_WITH_KAFKA == 1);
  EXPECT_FALSE(transport_built("rabbitmq"));
  EXPECT_FALSE(transport_built(""));
  EXPECT_FALSE(transport_built("NATS"));  // names are the BusOptions::transport values, exactly
}

TEST(BuiltTransports, AnUnknownTransportIsStillReportedAsNoTransport) {
  eventbus::BusOptions options;
  options.transport = "rabbitmq";
  try {
    eventbus::Bus bus(options);
    FAIL() << "a bus on 'rabbitmq' was built";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), eventbus::errc::unknown_transport);
    EXPECT_EQ(std::string(e.what()).find("not built"), std::string::npos) << e.what();
  }
}

#if !EVENTBUS_WITH_NATS || !EVENTBUS_WITH_KAFKA
TEST(BuiltTransports, ABusOnATransportNotBuiltFailsSayingSo) {
  const std::vector<std::pair<std::string, std::string>> left_out {
#if !EVENTBUS_WITH_NATS
    {"nats", "-DEVENTBUS_WITH_NATS=ON"},
#endif
#if !EVENTBUS_WITH_KAFKA
        {"kafka", "-DEVENTBUS_WITH_KAFKA=ON"},
#endif
  };
  for (const auto& [transport, option] : left_out) {
    SCOPED_TRACE(transport);
    eventbus::BusOptions options;
    options.transport = transport;
    ASSERT_FALSE(options.validate()) << "the options alone are valid: a config stays portable";
    try {
      eventbus::Bus bus(options);
      FAIL() << "a bus on a transport that was not built was constructed";
    } catch (const std::system_error& e) {
      const std::string what = e.what();
      EXPECT_EQ(e.code(), eventbus::errc::unknown_transport) << what;
      EXPECT_NE(what.find("'" + transport + "' was not built"), std::string::npos) << what;
      EXPECT_NE(what.find(option), std::string::npos) << what;
    }
  }
}
#endif

}  // namespace

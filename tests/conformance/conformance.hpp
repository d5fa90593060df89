// SPDX-License-Identifier: Apache-2.0
// The one conformance suite every transport must pass unchanged.
//
// A transport plugs in with one <name>_conformance_test.cpp that instantiates the suite with a
// TransportUnderTest; tests read Features and GTEST_SKIP what does not apply, saying why. Each
// test uses topics of its own (unique_name("conf", ...)), so every transport shares one broker
// across the suite.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "eventbus/eventbus.hpp"
#include "support/unique_name.hpp"

namespace eventbus::testing {

struct TransportUnderTest {
  std::string name;
  // Options for a new bus on this transport (broker addresses and the like).
  std::function<BusOptions()> options;
};

inline std::string PrintToString(const TransportUnderTest& t) {
  return t.name;
}

class Conformance : public ::testing::TestWithParam<TransportUnderTest> {
 protected:
  void SetUp() override;

  // A bus on the transport under test; `tweak` adjusts its options first.
  std::unique_ptr<Bus> make_bus(const std::function<void(BusOptions&)>& tweak = {});

  Features features;
  // The consumer group of this test's buses (unique_name("conf", "group")): tests do not share
  // members, so one test's buses coming and going (a rebalance each on Kafka) do not stall
  // another's. Membership changes on purpose are tests/fault/group_churn_test.cpp's subject.
  std::string group;
  // Threads of this process before its first bus, plus those the client library keeps once
  // started (library_threads() of support/threads.hpp): what a process with no bus open must be
  // back to.
  std::size_t thread_baseline = 0;
};

// An envelope for aggregate `aggregate` at `version`, with a small JSON payload.
Envelope test_envelope(const std::string& aggregate, std::int64_t version);

}  // namespace eventbus::testing

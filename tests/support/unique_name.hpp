// SPDX-License-Identifier: Apache-2.0
// Names (topics, streams, groups, in-process brokers) that no other test, and no other run of
// the same test, uses: every suite makes them here, with a prefix of its own ("nats", "kafka",
// "fault", "conf", ...) so a name left on a broker says which suite made it.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

namespace eventbus::testing {

// "<prefix>.<test>.<suffix>.<random>", where <test> is the running test's name with '/' (from
// TEST_P's "Name/param") written as '-' so the name is a valid Kafka topic and NATS subject.
inline std::string unique_name(std::string_view prefix, std::string_view suffix) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string test = info != nullptr ? info->name() : "no-test";
  for (char& c : test)
    if (c == '/') c = '-';
  std::string name(prefix);
  name += '.';
  name += test;
  name += '.';
  name += suffix;
  name += '.';
  name += std::to_string(random() % 1000000000);
  return name;
}

}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
// What a caller's key and headers must be to travel in a NATS message
// (transport/nats/nats_header_rules.hpp), without a server.
#include "transport/nats/nats_header_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "eventbus/error.hpp"

namespace eventbus {
namespace {

TEST(NatsHeaderRules, HeadersAreTextLines) {
  std::string detail;
  EXPECT_FALSE(nats::check_nats_outgoing({}, {{"X-A", "any value: with colon, é"}}, detail));
  for (const std::string& name : std::vector<std::string>{"a:b", "a b", "caf\xc3\xa9", "\x7f"}) {
    EXPECT_EQ(nats::check_nats_outgoing({}, {{name, "v"}}, detail), errc::invalid_option) << name;
  }
  for (const std::string& value :
       std::vector<std::string>{"a\rb", "a\nb", std::string("a\0b", 3)}) {
    EXPECT_EQ(nats::check_nats_outgoing({}, {{"X-A", value}}, detail), errc::invalid_option);
    EXPECT_NE(detail.find("X-A"), std::string::npos) << detail;
  }
  EXPECT_EQ(nats::check_nats_outgoing("key", {}, detail), errc::not_supported);
}

}  // namespace
}  // namespace eventbus

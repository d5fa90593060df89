// SPDX-License-Identifier: Apache-2.0
// The rules for a caller's key and headers that every transport shares
// (core/publish/call_extras.hpp); NATS's own are in nats_header_rules_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/header_text.hpp"
#include "core/publish/call_extras.hpp"
#include "eventbus/error.hpp"

namespace eventbus {
namespace {

std::error_code shared(const Headers& headers, bool envelope, std::string& detail) {
  PublishCall call;
  call.headers = headers;
  return core::check_call_extras(call, envelope, detail);
}

TEST(PublishCallExtras, SharedRulesNameTheHeader) {
  std::string detail;
  EXPECT_FALSE(shared({{"X-Source", "a"}, {"X-Source", "b"}}, false, detail)) << detail;
  EXPECT_FALSE(shared({{"X-Event-ID", "raw publishes may set it"}}, false, detail)) << detail;
  EXPECT_EQ(shared({{"X-EVENT-TYPE", "t"}}, true, detail), errc::invalid_option);
  EXPECT_NE(detail.find("X-Event-Type"), std::string::npos) << detail;
  EXPECT_EQ(shared({{std::string("a\0b", 3), "v"}}, false, detail), errc::invalid_option);
  EXPECT_NE(detail.find("\"a\\x00b\""), std::string::npos) << detail;
}

TEST(PublishCallExtras, EnvelopeKeyIsRefused) {
  PublishCall call;
  call.key = "k";
  std::string detail;
  EXPECT_FALSE(core::check_call_extras(call, false, detail));
  EXPECT_EQ(core::check_call_extras(call, true, detail), errc::invalid_option);
}

TEST(PublishCallExtras, QuotedHeaderTextIsBoundedAndEscaped) {
  EXPECT_EQ(core::quoted_header_text("a\"b\n"), "\"a\\\"b\\x0a\"");
  EXPECT_EQ(core::quoted_header_text(std::string(100, 'x')), "\"" + std::string(64, 'x') + "...\"");
}

}  // namespace
}  // namespace eventbus

// SPDX-License-Identifier: Apache-2.0
// The eventbus error category: its name, a message for every code, and the retriable / fatal /
// poison classification that callers test with `ec == eventbus::error_class::...`.
#include "eventbus/error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <system_error>

#include "eventbus/message.hpp"

namespace {

using eventbus::errc;
using eventbus::error_class;

constexpr errc kFirst = errc::malformed_json;
constexpr errc kLast = errc::unknown_topic;

TEST(ErrorCategory, IsNamedEventbus) {
  EXPECT_STREQ(eventbus::category().name(), "eventbus");
  EXPECT_EQ(std::error_code(errc::closed).category(), eventbus::category());
}

TEST(ErrorCategory, EveryCodeHasItsOwnMessage) {
  std::set<std::string> seen;
  for (int v = static_cast<int>(kFirst); v <= static_cast<int>(kLast); ++v) {
    const std::error_code ec = make_error_code(static_cast<errc>(v));
    EXPECT_TRUE(ec) << v;
    EXPECT_FALSE(ec.message().empty()) << v;
    EXPECT_NE(ec.message(), "unknown eventbus error") << v;
    EXPECT_TRUE(seen.insert(ec.message()).second) << "duplicate message: " << ec.message();
  }
}

TEST(ErrorCategory, FieldCodesNameTheirField) {
  EXPECT_NE(std::error_code(errc::invalid_aggregate_id).message().find("aggregate_id"),
            std::string::npos);
  EXPECT_NE(std::error_code(errc::invalid_event_version).message().find("event_version"),
            std::string::npos);
  EXPECT_NE(std::error_code(errc::invalid_payload).message().find("payload"), std::string::npos);
  EXPECT_NE(std::error_code(errc::invalid_traceparent).message().find("traceparent"),
            std::string::npos);
}

TEST(ErrorCategory, LaterCodesKeepEarlierNumbersStable) {
  // Appended after handler_failed: a code stored or logged by an older build means the same.
  EXPECT_EQ(static_cast<int>(errc::handler_failed), 24);
  EXPECT_EQ(static_cast<int>(errc::rate_limited), 25);
  EXPECT_EQ(static_cast<int>(errc::invalid_traceparent), 26);
  EXPECT_EQ(static_cast<int>(errc::unknown_topic), 27);
}

TEST(ErrorCategory, UnknownValueGetsAGenericMessage) {
  EXPECT_EQ(std::error_code(999, eventbus::category()).message(), "unknown eventbus error");
}

TEST(ErrorClass, BadInputIsPoison) {
  for (errc e : {errc::malformed_json, errc::invalid_event_id, errc::invalid_aggregate_id,
                 errc::invalid_event_type, errc::invalid_event_version, errc::invalid_timestamp,
                 errc::invalid_trace_id, errc::invalid_correlation_id, errc::invalid_tenant_id,
                 errc::invalid_payload, errc::message_too_large}) {
    const std::error_code ec = e;
    EXPECT_TRUE(ec == error_class::poison) << ec.message();
    EXPECT_FALSE(ec == error_class::retriable) << ec.message();
    EXPECT_FALSE(ec == error_class::fatal) << ec.message();
  }
}

TEST(ErrorClass, TransientFailuresAreRetriable) {
  for (errc e : {errc::in_flight_limit, errc::publish_timeout, errc::cancelled,
                 errc::transport_error, errc::handler_failed, errc::rate_limited}) {
    const std::error_code ec = e;
    EXPECT_TRUE(ec == error_class::retriable) << ec.message();
    EXPECT_FALSE(ec == error_class::poison) << ec.message();
    EXPECT_FALSE(ec == error_class::fatal) << ec.message();
  }
}

TEST(ErrorClass, ConfigurationAndLifecycleErrorsAreFatal) {
  for (errc e : {errc::invalid_option, errc::invalid_topic, errc::unknown_transport, errc::rejected,
                 errc::closed, errc::close_from_handler, errc::close_incomplete,
                 errc::not_supported, errc::invalid_traceparent, errc::unknown_topic}) {
    const std::error_code ec = e;
    EXPECT_TRUE(ec == error_class::fatal) << ec.message();
    EXPECT_FALSE(ec == error_class::retriable) << ec.message();
    EXPECT_FALSE(ec == error_class::poison) << ec.message();
  }
}

TEST(ErrorClass, CodesOfOtherCategoriesBelongToNoClass) {
  const std::error_code timed_out = std::make_error_code(std::errc::timed_out);
  EXPECT_FALSE(timed_out == error_class::retriable);
  EXPECT_FALSE(timed_out == error_class::fatal);
  EXPECT_FALSE(timed_out == error_class::poison);
  const std::error_code none;
  EXPECT_FALSE(none == error_class::fatal);
}

TEST(ErrorClass, ConditionsHaveReadableNames) {
  EXPECT_EQ(std::error_condition(error_class::retriable).message(), "retriable");
  EXPECT_EQ(std::error_condition(error_class::fatal).message(), "fatal");
  EXPECT_EQ(std::error_condition(error_class::poison).message(), "poison");
  EXPECT_STREQ(eventbus::class_category().name(), "eventbus.class");
}

TEST(ErrorClass, FailedHandlerResultIsRetriableWithItsReason) {
  const eventbus::HandlerResult failed = eventbus::HandlerResult::fail("db down");
  EXPECT_FALSE(failed);
  EXPECT_EQ(failed.code, errc::handler_failed);
  EXPECT_TRUE(failed.code == error_class::retriable);
  EXPECT_EQ(failed.reason, "db down");
  EXPECT_TRUE(eventbus::HandlerResult::ok());
}

}  // namespace

// SPDX-License-Identifier: Apache-2.0
// The public API as a user sees it: each test touches a symbol of one header, so a header that
// stops declaring it breaks this file. That each header compiles alone on the standard library
// and includes nothing else is checked by cmake/CheckPublicHeaders.cmake
// (test public_headers_compile_alone).
#include <gtest/gtest.h>

#include <type_traits>

#include "eventbus/bus.hpp"
#include "eventbus/codec.hpp"
#include "eventbus/config.hpp"
#include "eventbus/envelope.hpp"
#include "eventbus/error.hpp"
#include "eventbus/eventbus.hpp"
#include "eventbus/features.hpp"
#include "eventbus/log.hpp"
#include "eventbus/message.hpp"
#include "eventbus/metrics.hpp"
#include "eventbus/metrics_options.hpp"
#include "eventbus/metrics_server.hpp"
#include "eventbus/options.hpp"
#include "eventbus/rate_limit.hpp"
#include "eventbus/stats.hpp"
#include "eventbus/timestamp.hpp"
#include "eventbus/trace_context.hpp"

namespace {

TEST(PublicHeaders, BusIsBuiltFromOptionsAndNeverCopied) {
  static_assert(std::is_constructible_v<eventbus::Bus, eventbus::BusOptions>);
  static_assert(!std::is_copy_constructible_v<eventbus::Bus>);
  static_assert(!std::is_convertible_v<eventbus::BusOptions, eventbus::Bus>);  // explicit
  EXPECT_FALSE(eventbus::CloseReport{}.error);
  EXPECT_EQ(eventbus::PublishCall{}.on_full, eventbus::OverflowPolicy::block);
  EXPECT_TRUE(eventbus::SubscribeOptions{}.group.empty());
  EXPECT_EQ(eventbus::OwnedPublishResult{}.offset, -1);
  EXPECT_TRUE(eventbus::PublishCall{}.traceparent.empty());
  EXPECT_EQ(eventbus::OwnedPublishResult{}.tenant_id, 0);
}

TEST(PublicHeaders, ConfigFileGivesBusOptions) {
  static_assert(std::is_same_v<decltype(eventbus::Config{}.bus), eventbus::BusOptions>);
  EXPECT_FALSE(eventbus::Config{}.bus.heartbeat.publish);
  EXPECT_FALSE(eventbus::Health{}.healthy());
}

TEST(PublicHeaders, MetricsDeclareRegistryServerAndOptions) {
  static_assert(!std::is_copy_constructible_v<eventbus::MetricsServer>);
  static_assert(std::is_copy_constructible_v<eventbus::MetricsRegistry>);  // shares its set
  EXPECT_EQ(eventbus::MetricsServer::kThreads, 3u);
  EXPECT_EQ(eventbus::MetricsServerOptions{}.address, "127.0.0.1");
  EXPECT_EQ(eventbus::MetricsServerOptions{}.port, 9464);
  EXPECT_FALSE(eventbus::MetricsConfig{}.enabled);
  EXPECT_EQ(eventbus::MetricsRegistry{}.size(), 0u);
}

TEST(PublicHeaders, CodecResultIsTrueWithoutError) {
  EXPECT_TRUE(eventbus::DecodeResult{});
  using Encode = eventbus::ValidationError (*)(const eventbus::Envelope&, std::string&);
  static_assert(std::is_same_v<decltype(&eventbus::encode), Encode>);
}

TEST(PublicHeaders, EnvelopesCompareByValue) {
  eventbus::Envelope a;
  a.aggregate_id = "order-1";
  eventbus::Envelope b = a;
  EXPECT_EQ(a, b);
  b.event_version = 2;
  EXPECT_NE(a, b);
  EXPECT_FALSE(eventbus::ValidationError{});
}

TEST(PublicHeaders, ErrorCodesClassify) {
  const std::error_code ec = eventbus::errc::closed;
  EXPECT_TRUE(ec == eventbus::error_class::fatal);
}

TEST(PublicHeaders, FeaturesDefaultToNothing) {
  const eventbus::Features none;
  EXPECT_FALSE(none.persistent || none.redelivery || none.consumer_groups || none.ordered_per_key ||
               none.group_members_keep_key_order);
}

TEST(PublicHeaders, MessageAndResultDefaults) {
  EXPECT_EQ(eventbus::Message{}.attempt, 1u);
  EXPECT_EQ(eventbus::PublishResult{}.partition, -1);
  EXPECT_EQ(eventbus::PublishResult{}.tenant_id, 0);
  EXPECT_TRUE(eventbus::Message{}.traceparent.empty());
  EXPECT_TRUE(eventbus::HandlerResult::ok());
  EXPECT_FALSE(eventbus::HandlerResult(eventbus::errc::handler_failed));
}

TEST(PublicHeaders, DefaultOptionsValidate) {
  EXPECT_FALSE(eventbus::BusOptions{}.validate());
}

TEST(PublicHeaders, StatsStartAtZero) {
  EXPECT_EQ(eventbus::Stats{}.published, 0u);
  EXPECT_EQ(eventbus::Stats{}.rate_limited + eventbus::Stats{}.throttled, 0u);
}

TEST(PublicHeaders, RateLimitsDefaultToUnlimited) {
  EXPECT_FALSE(eventbus::RateLimit{}.limited());
  EXPECT_FALSE(eventbus::PublishOptions{}.rate_limit.limited());
  EXPECT_FALSE(eventbus::DispatchOptions{}.rate_limit.limited());
  EXPECT_FALSE(eventbus::TopicOptions{}.publish_rate_limit.limited());
  EXPECT_FALSE(eventbus::TopicOptions{}.handle_rate_limit.limited());
}

TEST(PublicHeaders, TraceContextParsesAndFormats) {
  EXPECT_EQ(eventbus::TraceContext{}.flags, 0);
  using Parse = std::optional<eventbus::TraceContext> (*)(std::string_view);
  static_assert(std::is_same_v<decltype(&eventbus::parse_traceparent), Parse>);
  EXPECT_FALSE(eventbus::parse_traceparent(""));
}

TEST(PublicHeaders, TimestampsDefaultToTheEpochInUtc) {
  const eventbus::Timestamp epoch;
  EXPECT_EQ(epoch.utc.time_since_epoch().count(), 0);
  EXPECT_EQ(epoch.offset_minutes, 0);
  EXPECT_EQ(epoch, eventbus::Timestamp{});
}

}  // namespace

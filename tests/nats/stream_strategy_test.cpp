// SPDX-License-Identifier: Apache-2.0
// TopicOptions on NATS: each TopicStrategy does to the stream what it promises and no more,
// and storage, age and size limits are applied. Read back from the server.
#include "nats/jetstream_probe.hpp"
#include "nats/nats_test.hpp"
#include "transport/nats/nats_names.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kNanosPerMilli = 1000000;

std::unique_ptr<Bus> bus_with(const std::string& topic, const TopicOptions& t) {
  BusOptions options = nats_bus_options(shared_nats_url());
  options.topics[topic] = t;
  return std::make_unique<Bus>(options);
}

OwnedPublishResult publish_one(Bus& bus, const std::string& topic) {
  return bus.publish_envelope_sync(topic, make_envelope("a-1", "Tested", 1, "{}"), 10s);
}

TopicOptions strategy(TopicStrategy s) {
  TopicOptions t;
  t.strategy = s;
  t.max_age = 10min;
  t.max_messages = 1000;
  return t;
}

TEST(NatsStreams, CreateOnlyLeavesAnExistingStreamAsItIs) {
  const std::string topic = unique_name("nats", "t");
  const std::string stream = nats::new_stream_name(topic, {});
  JetStreamProbe probe(shared_nats_url());
  probe.add_stream(stream, topic, 60000);
  auto bus = bus_with(topic, strategy(TopicStrategy::create_only));
  const OwnedPublishResult r = publish_one(*bus, topic);
  ASSERT_FALSE(r.error) << r.detail;
  EXPECT_EQ(r.stream, stream);
  auto info = probe.stream(stream);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->Config->MaxAge, 60000 * kNanosPerMilli);
  EXPECT_EQ(info->Config->MaxMsgs, -1);
}

TEST(NatsStreams, CreateOnlyCreatesAMissingStreamWithTheOptions) {
  const std::string topic = unique_name("nats", "t");
  auto bus = bus_with(topic, strategy(TopicStrategy::create_only));
  ASSERT_FALSE(publish_one(*bus, topic).error);
  JetStreamProbe probe(shared_nats_url());
  auto info = probe.stream(nats::new_stream_name(topic, {}));
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->Config->MaxAge, 600000 * kNanosPerMilli);
  EXPECT_EQ(info->Config->MaxMsgs, 1000);
}

TEST(NatsStreams, CreateOrUpdateChangesMaxAgeAndMaxMessages) {
  const std::string topic = unique_name("nats", "t");
  const std::string stream = nats::new_stream_name(topic, {});
  JetStreamProbe probe(shared_nats_url());
  probe.add_stream(stream, topic, 60000);
  auto bus = bus_with(topic, strategy(TopicStrategy::create_or_update));
  const OwnedPublishResult r = publish_one(*bus, topic);
  ASSERT_FALSE(r.error) << r.detail;
  auto info = probe.stream(stream);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->Config->MaxAge, 600000 * kNanosPerMilli);
  EXPECT_EQ(info->Config->MaxMsgs, 1000);
}

TEST(NatsStreams, ValidateOnlyFailsNamingTheTopicWhenNoStreamCarriesIt) {
  const std::string topic = unique_name("nats", "t");
  const std::string stream = nats::new_stream_name(topic, {});
  auto bus = bus_with(topic, strategy(TopicStrategy::validate_only));
  const OwnedPublishResult r = publish_one(*bus, topic);
  EXPECT_EQ(r.error, errc::invalid_option);
  EXPECT_NE(r.detail.find(topic), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("no stream carries"), std::string::npos) << r.detail;
  EXPECT_EQ(bus->subscribe(topic, [](const Message&) { return HandlerResult::ok(); }).error(),
            errc::invalid_option);
  JetStreamProbe probe(shared_nats_url());
  EXPECT_EQ(probe.stream(stream), nullptr) << "validate_only must not create the stream";
}

TEST(NatsStreams, ValidateOnlyFailsNamingTheStreamWhenMaxAgeDiffers) {
  const std::string topic = unique_name("nats", "t");
  const std::string stream = nats::new_stream_name(topic, {});
  JetStreamProbe probe(shared_nats_url());
  probe.add_stream(stream, topic, 60000, 1000);
  auto bus = bus_with(topic, strategy(TopicStrategy::validate_only));  // max_age 10 min
  const OwnedPublishResult r = publish_one(*bus, topic);
  EXPECT_EQ(r.error, errc::invalid_option);
  EXPECT_NE(r.detail.find(stream), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("max_age"), std::string::npos) << r.detail;
  auto info = probe.stream(stream);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->Config->MaxAge, 60000 * kNanosPerMilli) << "validate_only changed the stream";
}

TEST(NatsStreams, ValidateOnlyAcceptsAMatchingStream) {
  const std::string topic = unique_name("nats", "t");
  const std::string stream = nats::new_stream_name(topic, {});
  JetStreamProbe probe(shared_nats_url());
  probe.add_stream(stream, topic, 600000, 1000);
  auto bus = bus_with(topic, strategy(TopicStrategy::validate_only));
  const OwnedPublishResult r = publish_one(*bus, topic);
  EXPECT_FALSE(r.error) << r.detail;
}

TEST(NatsStreams, SkipMakesNoStreamApiCall) {
  const std::string topic = unique_name("nats", "t");
  const std::string stream = nats::new_stream_name(topic, {});
  JetStreamProbe probe(shared_nats_url());
  probe.add_stream(stream, topic, 60000);
  // Only this test's streams: other tests create streams on the same server meanwhile.
  probe.watch("$JS.API.STREAM.*." + stream);
  auto bus = bus_with(topic, strategy(TopicStrategy::skip));  // options differ from the stream
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(publish_one(*bus, topic).error);
  EXPECT_EQ(probe.watched_count(), 0);
  EXPECT_EQ(probe.stream(stream)->Config->MaxAge, 60000 * kNanosPerMilli);

  // The same with create_or_update does call the API: the watch can see it.
  const std::string other = unique_name("nats", "u");
  probe.watch("$JS.API.STREAM.*." + nats::new_stream_name(other, {}));
  auto updating = bus_with(other, strategy(TopicStrategy::create_or_update));
  ASSERT_FALSE(publish_one(*updating, other).error);
  EXPECT_GE(probe.watched_count(), 1);
}

TEST(NatsStreams, SkipWithoutAStreamFailsThePublishAsRejectedSayingWhy) {
  const std::string topic = unique_name("nats", "t");
  auto bus = bus_with(topic, strategy(TopicStrategy::skip));
  const OwnedPublishResult r = publish_one(*bus, topic);
  EXPECT_EQ(r.error, errc::rejected);
  EXPECT_NE(r.detail.find(topic), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("no stream"), std::string::npos) << r.detail;
  JetStreamProbe probe(shared_nats_url());
  EXPECT_EQ(probe.stream(nats::new_stream_name(topic, {})), nullptr);
}

TEST(NatsStreams, MemoryStorageAndLimitsAreApplied) {
  const std::string topic = unique_name("nats", "t");
  TopicOptions t;
  t.storage = StorageType::memory;
  t.max_bytes = 1 << 20;
  t.discard = DiscardPolicy::new_messages;
  t.duplicate_window = 30s;
  auto bus = bus_with(topic, t);
  ASSERT_FALSE(publish_one(*bus, topic).error);
  JetStreamProbe probe(shared_nats_url());
  auto info = probe.stream(nats::new_stream_name(topic, {}));
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->Config->Storage, js_MemoryStorage);
  EXPECT_EQ(info->Config->MaxBytes, 1 << 20);
  EXPECT_EQ(info->Config->Discard, js_DiscardNew);
  EXPECT_EQ(info->Config->Duplicates, 30000 * kNanosPerMilli);
  EXPECT_EQ(info->State.Msgs, 1u);
}

TEST(NatsStreams, ANamedStreamIsUsedInsteadOfTheDerivedOne) {
  const std::string topic = unique_name("nats", "t");
  TopicOptions t;
  t.stream = "EBTEST_named_" + std::to_string(std::hash<std::string>{}(topic) % 1000000);
  auto bus = bus_with(topic, t);
  const OwnedPublishResult r = publish_one(*bus, topic);
  ASSERT_FALSE(r.error) << r.detail;
  EXPECT_EQ(r.stream, t.stream);
  JetStreamProbe probe(shared_nats_url());
  EXPECT_NE(probe.stream(t.stream), nullptr);
  EXPECT_EQ(probe.stream(nats::new_stream_name(topic, {})), nullptr);
}

}  // namespace
}  // namespace eventbus::testing

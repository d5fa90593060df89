// SPDX-License-Identifier: Apache-2.0
// Streams the bus did not create (another service's, made its own way) are found by subject and
// used as they are: their subjects and settings change only when the user asks for that exact
// change, and then subjects only ever grow. Read back from the server after each step.
#include "nats/jetstream_probe.hpp"
#include "nats/nats_test.hpp"
#include "support/wait.hpp"
#include "transport/nats/nats_names.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

// A stream name of this test's own ("GO_<n>") and a subject prefix nobody else uses.
struct ForeignStream {
  std::string name;
  std::string prefix;
};

ForeignStream foreign_stream(JetStreamProbe& probe, const std::vector<std::string>& suffixes,
                             nlohmann::json extra = nlohmann::json::object()) {
  const std::string prefix = unique_name("nats", "p");
  ForeignStream s{"GO_" + std::to_string(std::hash<std::string>{}(prefix) % 1000000000), prefix};
  nlohmann::json config = std::move(extra);
  config["name"] = s.name;
  config["subjects"] = nlohmann::json::array();
  for (const auto& suffix : suffixes)
    config["subjects"].push_back(prefix + "." + suffix);
  config["storage"] = "file";
  probe.add_stream_json(config);
  return s;
}

std::vector<std::string> subjects(JetStreamProbe& probe, const std::string& stream) {
  return probe.stream_config(stream)["subjects"].get<std::vector<std::string>>();
}

OwnedPublishResult publish_one(Bus& bus, const std::string& topic) {
  return bus.publish_envelope_sync(topic, make_envelope("a-1", "Tested", 1, "{}"), 10s);
}

// The reported bug: a subscriber with default options looked for "EB_<topic>", found nothing
// and failed; now the server's answer decides, and the message arrives.
TEST(NatsSharedStreams, DefaultOptionsFindAWildcardStreamBySubjectAndLeaveItAsItIs) {
  JetStreamProbe probe(shared_nats_url());
  const ForeignStream go = foreign_stream(probe, {">"});
  const std::string topic = go.prefix + ".created";
  BusOptions options = nats_bus_options(shared_nats_url());
  options.group = "billing";
  Bus bus(options);
  Signal got;
  int received = 0;
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope&, const Message&) {
                                        got.update([&] { ++received; });
                                        return HandlerResult::ok();
                                      })
                   .error());
  const OwnedPublishResult r = publish_one(bus, topic);
  ASSERT_FALSE(r.error) << r.detail;
  EXPECT_EQ(r.stream, go.name);
  EXPECT_TRUE(got.wait_for(10s, [&] { return received == 1; }));
  EXPECT_EQ(subjects(probe, go.name), std::vector<std::string>{go.prefix + ".>"});
  EXPECT_TRUE(probe.stream_config(nats::new_stream_name(topic, {})).is_null());
  // The durable is the Go SDK's name for this group and topic, on the Go service's stream.
  EXPECT_NE(probe.consumer(go.name, nats::consumer_name("billing", topic)), nullptr);
  const Health health = bus.health();  // names the stream the subscription really reads
  ASSERT_EQ(health.lag.size(), 1u);
  EXPECT_EQ(health.lag[0].stream, go.name);
  EXPECT_EQ(health.lag[0].consumer, nats::consumer_name("billing", topic));
  EXPECT_FALSE(bus.close(5s).error);
}

// A dead letter is a message of its own: in a stream that also holds "<topic>.dlq" (the Go
// layout "p.>"), it must not carry the original's Nats-Msg-Id, or the stream takes it for a
// duplicate of the original, acks it without storing it, and the bus acks the original: lost.
TEST(NatsSharedStreams, DeadLetterInTheSameStreamIsStoredNotTakenForADuplicate) {
  JetStreamProbe probe(shared_nats_url());
  const ForeignStream go = foreign_stream(probe, {">"});
  const std::string topic = go.prefix + ".created";
  BusOptions options = nats_bus_options(shared_nats_url());
  options.dispatch.retry.max_attempts = 1;
  Bus bus(options);
  Signal got;
  std::vector<std::string> dead_ids;
  ASSERT_FALSE(
      bus.subscribe_envelope(
             topic, [](const Envelope&, const Message&) { return HandlerResult::fail("poison"); })
          .error());
  ASSERT_FALSE(bus.subscribe(topic + ".dlq",
                             [&](const Message& m) {
                               std::string id;
                               for (const auto& [name, value] : m.headers)
                                 if (name == "Nats-Msg-Id") id = value;
                               got.update([&] { dead_ids.push_back(id); });
                               return HandlerResult::ok();
                             })
                   .error());
  const Envelope poison = make_envelope("a-1", "Tested", 1, "{}");
  ASSERT_FALSE(bus.publish_envelope_sync(topic, poison, 10s).error);
  ASSERT_TRUE(got.wait_for(20s, [&] { return !dead_ids.empty(); })) << "the dead letter was lost";
  // Counted once the broker acked the dead letter, which a subscriber may see before that.
  EXPECT_TRUE(poll_until(10s, [&] { return bus.stats().dead_lettered == 1; }));
  // Closed here, not by the destructor: the handlers use `got` and `dead_ids`, which are
  // destroyed before the bus.
  EXPECT_FALSE(bus.close(5s).error);
  EXPECT_EQ(dead_ids.front(), poison.event_id + ":dlq");
}

// The reported data loss: naming the Go service's stream rewrote its subjects [p.>] to [p.a].
TEST(NatsSharedStreams, NamingAForeignStreamNeverRewritesItsSubjects) {
  JetStreamProbe probe(shared_nats_url());
  const ForeignStream go = foreign_stream(probe, {">"});
  BusOptions options = nats_bus_options(shared_nats_url());
  options.default_topic.stream = go.name;
  for (auto strategy : {TopicStrategy::create_only, TopicStrategy::create_or_update}) {
    options.default_topic.strategy = strategy;
    Bus bus(options);
    const OwnedPublishResult r = publish_one(bus, go.prefix + ".a");
    ASSERT_FALSE(r.error) << r.detail;
    EXPECT_EQ(r.stream, go.name);
    EXPECT_EQ(subjects(probe, go.name), std::vector<std::string>{go.prefix + ".>"});
  }
}

TEST(NatsSharedStreams, CreateOnlyRefusesANamedStreamThatLacksTheSubjectAndChangesNothing) {
  JetStreamProbe probe(shared_nats_url());
  const ForeignStream go = foreign_stream(probe, {"a"});
  BusOptions options = nats_bus_options(shared_nats_url());
  options.default_topic.stream = go.name;
  Bus bus(options);
  const OwnedPublishResult r = publish_one(bus, go.prefix + ".b");
  EXPECT_EQ(r.error, errc::invalid_option);
  for (const std::string& words : std::vector<std::string>{
           go.name, go.prefix + ".b", "does not carry", go.prefix + ".a", "create_or_update"}) {
    EXPECT_NE(r.detail.find(words), std::string::npos) << words << " in: " << r.detail;
  }
  EXPECT_EQ(subjects(probe, go.name), std::vector<std::string>{go.prefix + ".a"});
}

// create_or_update adds the subject and keeps every other one, and every setting it was not
// asked to change, including fields nats.c 3.4 does not know (it would drop them).
TEST(NatsSharedStreams, CreateOrUpdateOnlyAddsTheSubjectAndKeepsTheRest) {
  JetStreamProbe probe(shared_nats_url());
  const ForeignStream go =
      foreign_stream(probe, {"a", "c.*"},
                     {{"description", "owned by the go service"}, {"max_msgs_per_subject", 7}});
  BusOptions options = nats_bus_options(shared_nats_url());
  options.default_topic.stream = go.name;
  options.default_topic.strategy = TopicStrategy::create_or_update;
  Bus bus(options);
  const OwnedPublishResult r = publish_one(bus, go.prefix + ".b");
  ASSERT_FALSE(r.error) << r.detail;
  const nlohmann::json config = probe.stream_config(go.name);
  EXPECT_EQ(config["subjects"],
            (nlohmann::json{go.prefix + ".a", go.prefix + ".c.*", go.prefix + ".b"}));
  EXPECT_EQ(config["description"], "owned by the go service");
  EXPECT_EQ(config["max_msgs_per_subject"], 7);
  EXPECT_EQ(config["max_age"], 0);  // unset here, so left alone
}

TEST(NatsSharedStreams, ANamedStreamOtherThanTheCarrierIsRefused) {
  JetStreamProbe probe(shared_nats_url());
  const ForeignStream go = foreign_stream(probe, {">"});
  BusOptions options = nats_bus_options(shared_nats_url());
  options.default_topic.stream = "SOMETHING_ELSE";
  Bus bus(options);
  const OwnedPublishResult r = publish_one(bus, go.prefix + ".a");
  EXPECT_EQ(r.error, errc::invalid_option);
  EXPECT_NE(r.detail.find(go.name + " carries this subject"), std::string::npos) << r.detail;
  EXPECT_TRUE(probe.stream_config("SOMETHING_ELSE").is_null());
}

// The Go SDK's configuration shape: its one stream with wildcard subjects, and a stream of its
// own ("<name>_<topic>") for a topic outside them. A Go bus configured the same way then finds
// its stream made and starts, instead of failing on overlapping subjects.
TEST(NatsSharedStreams, GoShapedConfigurationCreatesTheStreamsTheGoSdkWould) {
  JetStreamProbe probe(shared_nats_url());
  const std::string prefix = unique_name("nats", "p");
  BusOptions options = nats_bus_options(shared_nats_url());
  options.nats.stream_name = "GOCFG_" + std::to_string(std::hash<std::string>{}(prefix) % 1000000);
  options.nats.stream_subjects = {prefix + ".orders.>", prefix + ".audit"};
  Bus bus(options);
  const OwnedPublishResult in = publish_one(bus, prefix + ".orders.created");
  ASSERT_FALSE(in.error) << in.detail;
  EXPECT_EQ(in.stream, options.nats.stream_name);
  EXPECT_EQ(subjects(probe, options.nats.stream_name), options.nats.stream_subjects);

  const std::string outside = prefix + ".payments.settled";
  const OwnedPublishResult out = publish_one(bus, outside);
  ASSERT_FALSE(out.error) << out.detail;
  const std::string own = options.nats.stream_name + "_" + nats::go_suffix(outside);
  EXPECT_EQ(out.stream, own);
  EXPECT_EQ(subjects(probe, own), std::vector<std::string>{outside});
}

TEST(NatsSharedStreams, ValidateOnlyComparesOnlyTheSettingsSet) {
  JetStreamProbe probe(shared_nats_url());
  const ForeignStream go = foreign_stream(probe, {">"}, {{"max_age", 3600000000000LL}});
  BusOptions options = nats_bus_options(shared_nats_url());
  options.default_topic.strategy = TopicStrategy::validate_only;
  {
    Bus bus(options);  // nothing set: anything the stream has is right
    const OwnedPublishResult r = publish_one(bus, go.prefix + ".x");
    EXPECT_FALSE(r.error) << r.detail;
  }
  options.default_topic.max_age = 2h;
  Bus bus(options);
  const OwnedPublishResult r = publish_one(bus, go.prefix + ".x");
  EXPECT_EQ(r.error, errc::invalid_option);
  EXPECT_NE(r.detail.find("max_age: the stream has 3600000000000 ns, asked 7200000000000 ns"),
            std::string::npos)
      << r.detail;
}

}  // namespace
}  // namespace eventbus::testing

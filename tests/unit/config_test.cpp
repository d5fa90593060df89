// SPDX-License-Identifier: Apache-2.0
// The YAML configuration file: a full file lands in the right options, the documented example
// parses, every rejection names its key path and says what was expected, and EVENTBUS_*
// variables override exactly the keys they name.
#include "eventbus/config.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/value_text.hpp"
#include "eventbus/error.hpp"

#ifndef EVENTBUS_EXAMPLES_DIR
#error "define EVENTBUS_EXAMPLES_DIR as the directory holding eventbus.yaml"
#endif

namespace {

using eventbus::Config;
using eventbus::errc;
using eventbus::parse_config;
using std::chrono::milliseconds;

// The what() of parse_config's exception; fails the test when it does not throw invalid_option.
std::string error_of(std::string_view yaml, const eventbus::Environment& env = {}) {
  try {
    parse_config(yaml, "test.yaml", env);
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), errc::invalid_option) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << yaml;
  return {};
}

constexpr std::string_view kFullFile = R"(
type: kafka
serviceName: billing
closeTimeout: 3s
publisher: {maxInFlight: 100, overflowPolicy: failFast, blockTimeout: 250ms, ackTimeout: 1m}
subscriber:
  lanes: 8
  maxConcurrency: 2
  laneCapacity: 64
  deadLetter: false
  retry: {maxAttempts: 5, initialBackoff: 20ms, maxBackoff: 2s, multiplier: 1.5}
healthCheck: {enabled: true, topic: health-billing, interval: 30s, timeout: 5s}
monitor: {interval: 5s, lagThreshold: 1000, ackLatencyThreshold: 250ms}
memory: {broker: shared, fetchBatch: 32, maxMessageSize: 2MiB}
metrics: {enabled: true, listen: "0.0.0.0:9100", path: /prom}
kafka:
  brokers: [k1:9092, k2:9092]
  adminTimeout: 20s
  connectTimeout: 1500ms
  retryOnFailedConnect: true
  reconnectBackoffMax: 250ms
  producer:
    idempotent: false
    compression: ZSTD
    flushFrequency: 20ms
    batchSize: 64KiB
    timeout: 45s
    properties: {acks: "1"}
  consumer:
    groupId: billing-group
    sessionTimeout: 30s
    heartbeatInterval: 5s
    maxPollInterval: 10m
    commitInterval: 500ms
    revokeTimeout: 2s
    autoOffsetReset: latest
    assignmentStrategy: cooperative-sticky
    fetchQueueSize: 4MiB
    properties: {security.protocol: SASL_SSL}
nats:
  servers: "nats://a:4222, nats://b:4222"
  clientId: billing-nats
  maxReconnects: -1
  reconnectWait: 1s
  reconnectJitter: 50ms
  reconnectBufferSize: 1MB
  pingInterval: 10s
  maxPingsOut: 4
  connectTimeout: 3s
  retryOnFailedConnect: yes
  writeTimeout: 4s
  sendAsap: true
  closeLibraryOnClose: true
  auth: {username: svc, password: secret}
  tls: {enabled: true, caFile: ca.pem, certFile: c.pem, keyFile: k.pem, expectedHostname: nats}
  jetstream:
    domain: hub
    apiTimeout: 7s
    stream: {storage: memory, retention: limits, maxAge: 24h, maxBytes: 1GiB, maxMsgs: 1000,
             replicas: 3, discard: new, duplicates: 5m}
    consumer: {ackWait: 45s, maxDeliver: 10, maxAckPending: 512, backOff: [1s, 5s],
               fetchBatch: 64, fetchWait: 100ms}
topicDefaults: {strategy: validateOnly, partitions: 6, stream: EVENTS, minInsyncReplicas: 2}
topics:
  orders: {partitions: 12, maxAge: 1h30m}
  audit.log: {strategy: skip}
)";

TEST(ConfigFile, FullFileLandsInEveryOption) {
  const Config c = parse_config(kFullFile);
  const auto& b = c.bus;
  EXPECT_EQ(b.transport, "kafka");
  EXPECT_EQ(b.client_name, "billing");
  EXPECT_EQ(b.close_timeout, milliseconds{3000});
  EXPECT_EQ(b.publish.max_in_flight, 100u);
  EXPECT_EQ(b.publish.on_full, eventbus::OverflowPolicy::fail_fast);
  EXPECT_EQ(b.publish.block_timeout, milliseconds{250});
  EXPECT_EQ(b.publish.ack_timeout, milliseconds{60000});
  EXPECT_EQ(b.dispatch.lanes, 8u);
  EXPECT_EQ(b.dispatch.workers, 2u);
  EXPECT_EQ(b.dispatch.lane_capacity, 64u);
  EXPECT_FALSE(b.dispatch.dead_letter);
  EXPECT_EQ(b.dispatch.retry.max_attempts, 5u);
  EXPECT_EQ(b.dispatch.retry.initial_backoff, milliseconds{20});
  EXPECT_EQ(b.dispatch.retry.max_backoff, milliseconds{2000});
  EXPECT_DOUBLE_EQ(b.dispatch.retry.multiplier, 1.5);
  EXPECT_TRUE(c.bus.heartbeat.publish);
  EXPECT_TRUE(c.bus.heartbeat.watch);
  EXPECT_EQ(c.bus.heartbeat.topic, "health-billing");
  EXPECT_EQ(c.bus.heartbeat.interval, milliseconds{30000});
  EXPECT_EQ(c.bus.heartbeat.timeout, milliseconds{5000});
  EXPECT_EQ(c.bus.monitor.interval, milliseconds{5000});
  EXPECT_EQ(c.bus.monitor.lag_messages, 1000);
  EXPECT_EQ(c.bus.monitor.ack_latency, milliseconds{250});
  EXPECT_EQ(b.memory.broker, "shared");
  EXPECT_EQ(b.memory.fetch_batch, 32u);
  EXPECT_EQ(b.memory.max_message_bytes, 2u << 20);
  EXPECT_TRUE(c.metrics.enabled);
  EXPECT_EQ(c.metrics.server.address, "0.0.0.0");
  EXPECT_EQ(c.metrics.server.port, 9100);
  EXPECT_EQ(c.metrics.server.path, "/prom");
}

TEST(ConfigFile, FullFileLandsInKafkaOptions) {
  const auto b = parse_config(kFullFile).bus;
  EXPECT_EQ(b.group, "billing-group");
  EXPECT_EQ(b.kafka.brokers, "k1:9092,k2:9092");
  EXPECT_EQ(b.kafka.admin_timeout, milliseconds{20000});
  EXPECT_EQ(b.kafka.connect_timeout, milliseconds{1500});
  EXPECT_TRUE(b.kafka.retry_on_failed_connect);
  EXPECT_EQ(b.kafka.reconnect_backoff_max, milliseconds{250});
  EXPECT_FALSE(b.kafka.idempotent);
  EXPECT_EQ(b.kafka.compression, "zstd");
  EXPECT_EQ(b.kafka.linger, milliseconds{20});
  EXPECT_EQ(b.kafka.batch_size, 65536);
  EXPECT_EQ(b.kafka.message_timeout, milliseconds{45000});
  EXPECT_EQ(b.kafka.producer_properties.at("acks"), "1");
  EXPECT_EQ(b.kafka.session_timeout, milliseconds{30000});
  EXPECT_EQ(b.kafka.heartbeat_interval, milliseconds{5000});
  EXPECT_EQ(b.kafka.max_poll_interval, milliseconds{600000});
  EXPECT_EQ(b.kafka.commit_interval, milliseconds{500});
  EXPECT_EQ(b.kafka.revoke_timeout, milliseconds{2000});
  EXPECT_EQ(b.kafka.auto_offset_reset, "latest");
  EXPECT_EQ(b.kafka.assignment_strategy, "cooperative-sticky");
  EXPECT_EQ(b.kafka.fetch_queue_kbytes, 4096);
  EXPECT_EQ(b.kafka.consumer_properties.at("security.protocol"), "SASL_SSL");
}

TEST(ConfigFile, FullFileLandsInNatsOptions) {
  const auto n = parse_config(kFullFile).bus.nats;
  EXPECT_EQ(n.servers, (std::vector<std::string>{"nats://a:4222", "nats://b:4222"}));
  EXPECT_EQ(n.name, "billing-nats");
  EXPECT_EQ(n.max_reconnect, -1);
  EXPECT_EQ(n.reconnect_wait, milliseconds{1000});
  EXPECT_EQ(n.reconnect_jitter, milliseconds{50});
  EXPECT_EQ(n.reconnect_buffer_bytes, 1000000);
  EXPECT_EQ(n.ping_interval, milliseconds{10000});
  EXPECT_EQ(n.max_pings_out, 4);
  EXPECT_EQ(n.connect_timeout, milliseconds{3000});
  EXPECT_TRUE(n.retry_on_failed_connect);
  EXPECT_EQ(n.write_timeout, milliseconds{4000});
  EXPECT_TRUE(n.send_asap);
  EXPECT_TRUE(n.close_library_on_close);
  EXPECT_EQ(n.user, "svc");
  EXPECT_EQ(n.password, "secret");
  EXPECT_TRUE(n.tls.enabled);
  EXPECT_EQ(n.tls.ca_file, "ca.pem");
  EXPECT_EQ(n.tls.cert_file, "c.pem");
  EXPECT_EQ(n.tls.key_file, "k.pem");
  EXPECT_EQ(n.tls.expected_hostname, "nats");
  EXPECT_EQ(n.domain, "hub");
  EXPECT_EQ(n.api_timeout, milliseconds{7000});
  EXPECT_EQ(n.ack_wait, milliseconds{45000});
  EXPECT_EQ(n.max_deliver, 10);
  EXPECT_EQ(n.max_ack_pending, 512);
  EXPECT_EQ(n.backoff, (std::vector<milliseconds>{milliseconds{1000}, milliseconds{5000}}));
  EXPECT_EQ(n.fetch_batch, 64);
  EXPECT_EQ(n.fetch_wait, milliseconds{100});
}

// The Go SDK's NATS section, as a Go service of the same deployment has it: its one stream with
// wildcard subjects and its durable name (this bus's group), so both use one stream.
TEST(ConfigFile, GoSdkStreamAndDurableKeysLandInTheirOptions) {
  const auto b = parse_config(R"(
type: nats
logLevel: warning
subscriber: {subscribeTimeout: 5s}
nats:
  urls: [nats://a:4222]
  jetstream:
    enabled: true
    publishTimeout: 12s
    messageId: false
    ackWait: 40s
    maxDeliver: 7
    stream: {name: ORDERS, subjects: ["orders.>", audit], maxAge: 24h, retention: limits}
    consumer:
      durableName: billing
      deliverPolicy: all
      ackPolicy: explicit
      replayPolicy: instant
      maxAckPending: 100
      maxWaiting: 64
      backOff: [1s, 5s]
topicDefaults: {allowPartitionIncrease: true}
)")
                     .bus;
  EXPECT_EQ(b.publish.ack_timeout, milliseconds{12000});
  EXPECT_EQ(b.nats.ack_wait, milliseconds{40000});
  EXPECT_FALSE(b.nats.message_id);
  EXPECT_TRUE(eventbus::BusOptions{}.nats.message_id);
  EXPECT_EQ(b.log.level, eventbus::LogLevel::warning);
  EXPECT_EQ(b.subscribe_timeout, milliseconds{5000});
  EXPECT_EQ(b.nats.max_deliver, 7);
  EXPECT_EQ(b.nats.max_waiting, 64);
  EXPECT_EQ(b.nats.backoff, (std::vector<milliseconds>{milliseconds{1000}, milliseconds{5000}}));
  EXPECT_EQ(b.nats.stream_name, "ORDERS");
  EXPECT_EQ(b.nats.stream_subjects, (std::vector<std::string>{"orders.>", "audit"}));
  EXPECT_EQ(b.group, "billing");
  EXPECT_EQ(b.default_topic.max_age, milliseconds{24 * 3600 * 1000LL});
  EXPECT_TRUE(b.default_topic.allow_partition_increase);
  EXPECT_FALSE(b.default_topic.partitions);
  EXPECT_EQ(b.default_topic.strategy, eventbus::TopicStrategy::create_only);
}

TEST(ConfigFile, GoSdkConsumerPoliciesThisBusDoesNotHaveAreRefusedSayingWhy) {
  EXPECT_NE(error_of("nats: {jetstream: {enabled: false}}").find("eventbus always uses JetStream"),
            std::string::npos);
  EXPECT_NE(error_of("nats: {jetstream: {consumer: {ackPolicy: none}}}")
                .find("nats.jetstream.consumer.ackPolicy: expected one of explicit"),
            std::string::npos);
  EXPECT_NE(error_of("nats: {jetstream: {ackWait: 5s, consumer: {ackWait: 6s}}}")
                .find("give it in one place"),
            std::string::npos);
  EXPECT_NE(error_of("publisher: {ackTimeout: 5s}\nnats: {jetstream: {publishTimeout: 6s}}")
                .find("give it in one place"),
            std::string::npos);
}

TEST(ConfigFile, AStreamSubjectThatIsNoSubjectIsRefused) {
  const std::string text = error_of(R"(
type: nats
nats: {jetstream: {stream: {name: ORDERS, subjects: ["orders.>.x"]}}}
)");
  EXPECT_NE(text.find("nats.stream_subjects: \"orders.>.x\" is no NATS subject"), std::string::npos)
      << text;
}

TEST(ConfigFile, TopicsStartFromTheDefaultsWhereverTheFileSetsThem) {
  const auto b = parse_config(kFullFile).bus;
  const auto& d = b.default_topic;
  EXPECT_EQ(d.strategy, eventbus::TopicStrategy::validate_only);
  EXPECT_EQ(d.storage, eventbus::StorageType::memory);
  EXPECT_EQ(d.max_age, milliseconds{86400000});
  EXPECT_EQ(d.max_bytes, 1LL << 30);
  EXPECT_EQ(d.max_messages, 1000);
  EXPECT_EQ(d.replicas, 3);
  EXPECT_EQ(d.min_insync_replicas, 2);
  EXPECT_EQ(d.discard, eventbus::DiscardPolicy::new_messages);
  EXPECT_EQ(d.duplicate_window, milliseconds{300000});
  EXPECT_EQ(d.partitions, 6);
  EXPECT_EQ(d.stream, "EVENTS");
  const auto& orders = b.topic_options("orders");
  EXPECT_EQ(orders.partitions, 12);
  EXPECT_EQ(orders.max_age, milliseconds{5400000});
  EXPECT_EQ(orders.storage, eventbus::StorageType::memory);  // inherited
  EXPECT_EQ(orders.strategy, eventbus::TopicStrategy::validate_only);
  EXPECT_EQ(b.topic_options("audit.log").strategy, eventbus::TopicStrategy::skip);
  EXPECT_EQ(b.topic_options("audit.log").replicas, 3);
}

TEST(ConfigFile, ExampleFileParsesWithEverySection) {
  const Config c = eventbus::load_config_file(EVENTBUS_EXAMPLES_DIR "/eventbus.yaml", {});
  EXPECT_EQ(c.bus.transport, "nats");
  EXPECT_EQ(c.bus.group, "billing");
  EXPECT_EQ(c.bus.nats.ack_wait, milliseconds{30000});
  EXPECT_EQ(c.bus.kafka.fetch_queue_kbytes, 16384);  // the example states the defaults
  EXPECT_EQ(c.bus.topic_options("orders").partitions, 12);
  EXPECT_EQ(c.bus.topic_options("orders").max_age, milliseconds{168 * 3600 * 1000LL});
  EXPECT_EQ(c.bus.topic_options("audit.log").max_bytes, 1LL << 30);
  EXPECT_FALSE(c.bus.heartbeat.publish);
  EXPECT_FALSE(c.bus.heartbeat.watch);
  EXPECT_FALSE(c.bus.publish.rate_limit.limited());  // the example states the defaults
  EXPECT_DOUBLE_EQ(c.bus.topic_options("orders").handle_rate_limit.per_second, 200);
  EXPECT_FALSE(c.metrics.enabled);  // the example states the defaults
  EXPECT_EQ(c.metrics.server.address, eventbus::MetricsServerOptions{}.address);
  EXPECT_EQ(c.metrics.server.port, eventbus::MetricsServerOptions{}.port);
  EXPECT_EQ(c.metrics.server.path, eventbus::MetricsServerOptions{}.path);
}

TEST(ConfigFile, MetricsListenTakesHostPortAndBracketedIpv6) {
  EXPECT_EQ(parse_config("metrics: {listen: \"[::1]:0\"}").metrics.server.address, "::1");
  EXPECT_EQ(parse_config("metrics: {listen: \"[::1]:0\"}").metrics.server.port, 0);
  EXPECT_EQ(parse_config("metrics: {listen: \"localhost:65535\"}").metrics.server.port, 65535);
  const Config env = parse_config(
      "", "<config>",
      {{"EVENTBUS_METRICS_LISTEN", "10.0.0.1:9200"}, {"EVENTBUS_METRICS_ENABLED", "true"}});
  EXPECT_TRUE(env.metrics.enabled);
  EXPECT_EQ(env.metrics.server.address, "10.0.0.1");
  EXPECT_EQ(env.metrics.server.port, 9200);
}

TEST(ConfigFile, EmptyTextIsTheDefaults) {
  const Config c = parse_config("");
  EXPECT_EQ(c.bus.transport, "memory");
  EXPECT_EQ(c.bus.publish.max_in_flight, eventbus::BusOptions{}.publish.max_in_flight);
  EXPECT_EQ(parse_config("# only a comment\n").bus.group, "eventbus");
}

struct BadValue {
  std::string_view yaml;
  std::string_view message;  // the whole message after "test.yaml: "
};

TEST(ConfigFile, EveryRejectionNamesTheKeyPathAndWhatWasExpected) {
  const BadValue cases[] = {
      {"nats: {jetstream: {consumer: {ackWait: abc}}}",
       R"(nats.jetstream.consumer.ackWait: expected a duration such as "30s" or "500ms", got "abc": not a duration)"},
      {"publisher: {blockTimeout: -5s}",
       R"(publisher.blockTimeout: expected a duration such as "30s" or "500ms", got "-5s": negative)"},
      {"publisher: {blockTimeout: -5}",
       R"(publisher.blockTimeout: expected a duration such as "30s" or "500ms", got "-5": negative)"},
      {"kafka: {producer: {linger: 100us}}",
       R"(kafka.producer.linger: expected a duration such as "30s" or "500ms", got "100us": not a whole number of milliseconds)"},
      {"subscriber: {lanes: 0}",
       "subscriber.lanes: expected an integer from 1 to 2147483647, got \"0\""},
      {"subscriber: {lanes: many}",
       "subscriber.lanes: expected an integer from 1 to 2147483647, got \"many\""},
      {"subscriber: {deadLetter: maybe}",
       "subscriber.deadLetter: expected true or false, got \"maybe\""},
      {"subscriber: {retry: {multiplier: 0.5}}",
       "subscriber.retry.multiplier: expected a number >= 1.0, got \"0.5\""},
      {"type: rabbitmq", "type: expected one of memory, nats, kafka, got \"rabbitmq\""},
      {"kafka: [a, b]", "kafka: expected a mapping, got a list"},
      {"kafka: {brokers: []}", "kafka.brokers: expected at least one item, got an empty list"},
      {"kafka: {brokers: {a: b}}", "kafka.brokers: expected a list of strings, got a mapping"},
      {"kafka: {producer: {batchSize: 3XB}}",
       R"(kafka.producer.batchSize: expected a size such as "8MiB" or 1048576, got "3XB": unknown unit "XB" (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB))"},
      {"nats: {urls: [nats://a:4222, [x]]}", "nats.urls[1]: expected a string, got a list"},
      {"nats: {jetstream: {consumer: {maxDeliver: 0}}}",
       "nats.jetstream.consumer.maxDeliver: expected -1 (unlimited) or a count > 0, got 0"},
      {"nats: {jetstream: {stream: {retention: workqueue}}}",
       "nats.jetstream.stream.retention: expected one of limits, got \"workqueue\""},
      {"topics: {orders: {discard: all}}",
       "topics.orders.discard: expected one of old, new, got \"all\""},
      {"topics: {\"bad topic\": {}}", "topics.bad topic: bad topic name: "},
      {"serviceName:", "serviceName: expected a string, got nothing"},
      {"healthCheck: {interval: 0}", "healthCheck.interval: expected a duration > 0, got \"0\""},
      {"metrics: {listen: \"127.0.0.1\"}",
       R"(metrics.listen: expected host:port such as "127.0.0.1:9464", got "127.0.0.1": no port)"},
      {"metrics: {listen: \"127.0.0.1:70000\"}",
       R"(metrics.listen: expected host:port such as "127.0.0.1:9464", got "127.0.0.1:70000": the port is not a number from 0 to 65535)"},
      {"metrics: {listen: \"::1:9464\"}",
       R"(metrics.listen: expected host:port such as "127.0.0.1:9464", got "::1:9464": an IPv6 address needs brackets)"},
      {"metrics: {listen: \":9464\"}",
       R"(metrics.listen: expected host:port such as "127.0.0.1:9464", got ":9464": no host)"},
      {"metrics: {path: metrics}",
       R"(metrics.path: expected a path starting with '/', got "metrics")"},
      {"metrics: {enabled: sometimes}",
       "metrics.enabled: expected true or false, got \"sometimes\""},
      {"kafka: {brokers: a, Brokers: b}", "kafka.Brokers: given twice (also as \"brokers\")"},
      {"nats: {urls: a, servers: b}", "nats.servers: given twice (also as \"urls\")"},
  };
  for (const auto& c : cases) {
    const std::string what = error_of(c.yaml);
    EXPECT_EQ(what.rfind("test.yaml: " + std::string(c.message), 0), 0u)
        << "yaml: " << c.yaml << "\nwhat: " << what;
  }
}

TEST(ConfigFile, RateLimitKeysLandInTheirOptions) {
  const auto b = parse_config(R"(
publisher: {rateLimit: {perSecond: 250.5, burst: 20}}
subscriber: {rateLimit: {perSecond: 100}}
topicDefaults: {publishRateLimit: {perSecond: 5, burst: 1}}
topics:
  orders: {handleRateLimit: {perSecond: 0.5}}
  audit.log: {publishRateLimit: {perSecond: 0}}
)")
                     .bus;
  EXPECT_DOUBLE_EQ(b.publish.rate_limit.per_second, 250.5);
  EXPECT_EQ(b.publish.rate_limit.burst, 20u);
  EXPECT_DOUBLE_EQ(b.dispatch.rate_limit.per_second, 100);
  EXPECT_EQ(b.dispatch.rate_limit.burst, 0u);
  EXPECT_DOUBLE_EQ(b.default_topic.publish_rate_limit.per_second, 5);
  EXPECT_FALSE(b.default_topic.handle_rate_limit.limited());
  const auto& orders = b.topic_options("orders");
  EXPECT_DOUBLE_EQ(orders.handle_rate_limit.per_second, 0.5);
  EXPECT_DOUBLE_EQ(orders.publish_rate_limit.per_second, 5) << "inherited from topicDefaults";
  EXPECT_FALSE(b.topic_options("audit.log").publish_rate_limit.limited()) << "0: unlimited";
  const auto env = parse_config("", "test.yaml",
                                {{"EVENTBUS_PUBLISHER_RATELIMIT_PERSECOND", "7"},
                                 {"EVENTBUS_SUBSCRIBER_RATELIMIT_BURST", "3"},
                                 {"EVENTBUS_SUBSCRIBER_RATELIMIT_PERSECOND", "9"}})
                       .bus;
  EXPECT_DOUBLE_EQ(env.publish.rate_limit.per_second, 7);
  EXPECT_EQ(env.dispatch.rate_limit.burst, 3u);
}

TEST(ConfigFile, BadRateLimitsNameTheirKey) {
  const BadValue cases[] = {
      {"publisher: {rateLimit: {perSecond: -1}}",
       R"(publisher.rateLimit.perSecond: expected a number >= 0.0, got "-1")"},
      {"subscriber: {rateLimit: {perSecond: fast}}",
       R"(subscriber.rateLimit.perSecond: expected a number >= 0.0, got "fast")"},
      {"topics: {orders: {handleRateLimit: {burst: -1}}}",
       R"(topics.orders.handleRateLimit.burst: expected an integer from 0 to 2147483647, got "-1")"},
      {"topicDefaults: {publishRateLimit: 5}",
       "topicDefaults.publishRateLimit: expected a mapping, got \"5\""},
      {"publisher: {rateLimit: {perSecond: 2e9}}",
       R"(publisher.rateLimit.perSecond: expected a number >= 0.0, got "2e9")"},
  };
  for (const auto& c : cases) {
    const std::string what = error_of(c.yaml);
    EXPECT_EQ(what.rfind("test.yaml: " + std::string(c.message), 0), 0u)
        << "yaml: " << c.yaml << "\nwhat: " << what;
  }
  EXPECT_NE(error_of("nats: {jetstream: {stream: {publishRateLimit: {perSecond: 1}}}}")
                .find("unknown key \"nats.jetstream.stream.publishRateLimit\""),
            std::string::npos)
      << "a rate limit is not a stream setting";
}

TEST(ConfigFile, UnknownKeysAreErrorsListingTheKnownOnes) {
  EXPECT_EQ(error_of("kafka: {brokerz: [a]}"),
            "test.yaml: unknown key \"kafka.brokerz\" (known: brokers, producer, consumer, "
            "security, adminTimeout, connectTimeout, retryOnFailedConnect, reconnectBackoffMax)");
  EXPECT_NE(error_of("nats: {jetstream: {consumer: {filterSubject: a}}}")
                .find("unknown key \"nats.jetstream.consumer.filterSubject\" (known: durableName,"),
            std::string::npos);
  EXPECT_NE(error_of("monitoring: {enabled: true}").find("unknown key \"monitoring\""),
            std::string::npos);
}

TEST(ConfigFile, TwoKeysForOneOptionAreRejectedNamingBoth) {
  EXPECT_EQ(error_of("subscriber: {group: a}\nkafka: {consumer: {groupId: b}}"),
            "test.yaml: kafka.consumer.groupId: sets the same option as subscriber.group; give "
            "it in one place");
  EXPECT_EQ(error_of("nats: {jetstream: {stream: {maxAge: 1h}}}\ntopicDefaults: {maxAge: 2h}"),
            "test.yaml: topicDefaults.maxAge: sets the same option as "
            "nats.jetstream.stream.maxAge; give it in one place");
}

TEST(ConfigFile, ValidateDetailIsSurfaced) {
  try {
    parse_config("type: nats\nnats: {auth: {user: u, token: t}}", "svc.yaml");
    FAIL() << "accepted two NATS auth methods";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), errc::invalid_option);
    EXPECT_STREQ(e.what(),
                 "svc.yaml: invalid options: nats: set at most one of user, token, "
                 "nkey_seed_file, credentials_file");
  }
  EXPECT_NE(error_of("subscriber: {retry: {initialBackoff: 2s, maxBackoff: 1s}}")
                .find("invalid options: dispatch.retry.max_backoff: smaller than initial_backoff"),
            std::string::npos);
}

TEST(ConfigFile, YamlSyntaxErrorsNameTheLine) {
  const std::string what = error_of("type: kafka\nkafka: {brokers: [a\n");
  EXPECT_EQ(what.rfind("test.yaml:", 0), 0u) << what;
  EXPECT_NE(what.find("not valid YAML"), std::string::npos) << what;
  EXPECT_EQ(error_of("type: kafka\n---\ntype: nats\n"),
            "test.yaml: expected one YAML document, found more than one");
  EXPECT_EQ(error_of("just a scalar"),
            "test.yaml: <document>: expected a mapping, got \"just a "
            "scalar\"");
}

// Found by fuzz/config_parse_fuzzer: yaml-cpp 0.7's LoadAll loops forever on a stray tag
// ("!,"); the parser must reject it at once (fuzz/corpus/config/regression-loadall-hang.yaml).
TEST(ConfigFile, InputThatHangsYamlCppLoadAllIsRejectedAtOnce) {
  EXPECT_EQ(error_of("!,"), "test.yaml: expected one YAML document, found more than one");
  EXPECT_EQ(error_of("!,VENTBUS_SUBSC?RIBER_RETRY_MAX"),
            "test.yaml: expected one YAML document, found more than one");
}

TEST(ConfigFile, MissingFileIsNamed) {
  try {
    eventbus::load_config_file("/nonexistent/eventbus.yaml", {});
    FAIL() << "read a missing file";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), errc::invalid_option);
    EXPECT_EQ(std::string(e.what()).rfind("/nonexistent/eventbus.yaml: cannot read", 0), 0u)
        << e.what();
  }
}

TEST(ConfigEnvironment, AVariableNamingAKeyWinsOverTheFile) {
  const eventbus::Environment env = {
      {"EVENTBUS_TYPE", "kafka"},
      {"EVENTBUS_KAFKA_BROKERS", "x:1, y:2"},
      {"EVENTBUS_NATS_URLS", "nats://env:4222"},
      {"EVENTBUS_NATS_JETSTREAM_CONSUMER_ACKWAIT", "45s"},
      {"EVENTBUS_SUBSCRIBER_RETRY_MAXATTEMPTS", "9"},
  };
  const auto b = parse_config(
                     "type: nats\nnats: {servers: [nats://file:4222]}\n"
                     "kafka: {brokers: file:9092}",
                     "test.yaml", env)
                     .bus;
  EXPECT_EQ(b.transport, "kafka");
  EXPECT_EQ(b.kafka.brokers, "x:1,y:2");
  EXPECT_EQ(b.nats.servers, std::vector<std::string>{"nats://env:4222"});  // replaced `servers`
  EXPECT_EQ(b.nats.ack_wait, milliseconds{45000});
  EXPECT_EQ(b.dispatch.retry.max_attempts, 9u);
}

TEST(ConfigEnvironment, VariablesThatNameNoKeyAreIgnored) {
  // The test suites' own variables, a misspelling, a section, a mapping and a topic key.
  const eventbus::Environment env = {
      {"EVENTBUS_NATS_URL", "nats://elsewhere:1"},
      {"EVENTBUS_NATS_STATE", "/tmp/x"},
      {"EVENTBUS_KAFKA_STATE", "/tmp/y"},
      {"EVENTBUS_KAFKA_BROKERZ", "z"},
      {"EVENTBUS_KAFKA", "k"},
      {"EVENTBUS_KAFKA_PRODUCER_PROPERTIES", "p"},
      {"EVENTBUS_TOPICS_ORDERS_PARTITIONS", "99"},
      {"eventbus_type", "kafka"},
      {"EVENTBUS_NATS_SERVERS", "nats://alias:1"},  // aliases have no variable
  };
  const auto b = parse_config("topics: {orders: {}}", "test.yaml", env).bus;
  EXPECT_EQ(b.transport, "memory");
  EXPECT_EQ(b.nats.servers, eventbus::NatsOptions{}.servers);
  EXPECT_EQ(b.kafka.brokers, eventbus::KafkaOptions{}.brokers);
  EXPECT_FALSE(b.topic_options("orders").partitions);  // unset: an existing topic keeps its own
}

TEST(ConfigEnvironment, ABadValueNamesTheVariable) {
  EXPECT_EQ(
      error_of("", {{"EVENTBUS_PUBLISHER_ACKTIMEOUT", "soon"}}),
      R"(test.yaml: publisher.ackTimeout: expected a duration such as "30s" or "500ms", got "soon": not a duration (from environment variable EVENTBUS_PUBLISHER_ACKTIMEOUT))");
  EXPECT_NE(error_of("", {{"EVENTBUS_NATS_JETSTREAM_CONSUMER_BACKOFF", "1s,x"}})
                .find("nats.jetstream.consumer.backoff[1]: expected a duration"),
            std::string::npos);
}

TEST(ConfigEnvironment, AVariableReplacesASectionOfTheWrongType) {
  const auto b = parse_config("kafka: 5", "test.yaml", {{"EVENTBUS_KAFKA_BROKERS", "b:1"}}).bus;
  EXPECT_EQ(b.kafka.brokers, "b:1");
}

TEST(ConfigValueText, DurationsAreGoStyleOrMilliseconds) {
  using eventbus::config::parse_duration;
  const std::pair<std::string_view, long long> good[] = {
      {"0", 0},       {"500", 500},       {"500ms", 500},    {"30s", 30000},
      {"2m", 120000}, {"1h30m", 5400000}, {"1.5s", 1500},    {"1.5h", 5400000},
      {"1000us", 1},  {"2000000ns", 2},   {"1m0.5s", 60500}, {"2562047h", 2562047LL * 3600000}};
  for (const auto& [text, ms] : good) {
    std::string error;
    const auto value = parse_duration(text, error);
    ASSERT_TRUE(value) << text << ": " << error;
    EXPECT_EQ(value->count(), ms) << text;
  }
  const std::pair<std::string_view, std::string_view> bad[] = {
      {"", "empty"},
      {"abc", "not a duration"},
      {"5x", "not a duration"},
      {"-1s", "negative"},
      {"1.5", "not a duration"},
      {"s", "not a duration"},
      {".s", "not a duration"},
      {"100us", "not a whole number of milliseconds"},
      {"2562048h", "more than Go's limit of 2562047h"},
      {"99999999999999999999h", "more than Go's limit of 2562047h"}};
  for (const auto& [text, reason] : bad) {
    std::string error;
    EXPECT_FALSE(parse_duration(text, error)) << text;
    EXPECT_EQ(error, reason) << text;
  }
}

TEST(ConfigValueText, SizesTakeDecimalAndBinaryUnits) {
  using eventbus::config::parse_byte_size;
  std::string error;
  EXPECT_EQ(parse_byte_size("8MiB", false, error), 8 << 20);
  EXPECT_EQ(parse_byte_size("1kb", false, error), 1000);
  EXPECT_EQ(parse_byte_size("2 GB", false, error), 2000000000);
  EXPECT_EQ(parse_byte_size("1TiB", false, error), 1LL << 40);
  EXPECT_EQ(parse_byte_size("-1", true, error), -1);
  EXPECT_FALSE(parse_byte_size("-1", false, error));
  EXPECT_FALSE(parse_byte_size("-2", true, error));
  EXPECT_FALSE(parse_byte_size("-1KiB", true, error));
  EXPECT_FALSE(parse_byte_size("9999999TiB", false, error));
  EXPECT_EQ(error, "too large");
}

// An application's own YAML with the eventbus section inside it: only that section is read
// (siblings may hold anything), errors name keys by their path in the file, and environment
// variables name keys relative to the section.
TEST(ConfigSection, OnlyTheNamedSectionOfAnApplicationsFileIsRead) {
  constexpr std::string_view kAppFile = R"(
database: {url: "postgres://x", pool: [1, 2]}
listen: ":8080"
services:
  orders:
    eventbus:
      type: kafka
      kafka: {brokers: "a:1"}
eventbus:
  type: nats
  nats: {servers: [nats://app:4222]}
)";
  const auto top = eventbus::parse_config_section(kAppFile, "eventbus", "app.yaml").bus;
  EXPECT_EQ(top.transport, "nats");
  EXPECT_EQ(top.nats.servers, std::vector<std::string>{"nats://app:4222"});
  const auto nested =
      eventbus::parse_config_section(kAppFile, "services.orders.eventbus", "app.yaml").bus;
  EXPECT_EQ(nested.transport, "kafka");
  EXPECT_EQ(nested.kafka.brokers, "a:1");
  // The same file read whole is refused: `database` is no eventbus key.
  EXPECT_NE(error_of(kAppFile).find("database"), std::string::npos);
  const auto overridden =
      eventbus::parse_config_section(kAppFile, "services.orders.eventbus", "app.yaml",
                                     {{"EVENTBUS_KAFKA_BROKERS", "env:2"}})
          .bus;
  EXPECT_EQ(overridden.kafka.brokers, "env:2");
  EXPECT_EQ(eventbus::parse_config_section("eventbus:\nother: 1\n", "eventbus").bus.transport,
            eventbus::BusOptions{}.transport);  // nothing under it: the defaults
}

TEST(ConfigSection, ErrorsNameTheSectionAndTheKeyByTheirPathInTheFile) {
  const auto error = [](std::string_view yaml, std::string_view section) -> std::string {
    try {
      eventbus::parse_config_section(yaml, section, "app.yaml");
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), errc::invalid_option) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "accepted section " << section << " of:\n" << yaml;
    return {};
  };
  EXPECT_EQ(
      error("app: {eventbus: {nats: {jetstream: {consumer: {ackWait: abc}}}}}", "app.eventbus"),
      R"(app.yaml: app.eventbus.nats.jetstream.consumer.ackWait: expected a duration such as "30s" or "500ms", got "abc": not a duration)");
  EXPECT_EQ(error("listen: 1\n", "eventbus"), "app.yaml: section eventbus not found");
  EXPECT_EQ(error("services: {orders: 5}\n", "services.orders.eventbus"),
            R"(app.yaml: services.orders: expected a mapping holding "eventbus")");
  EXPECT_EQ(error("eventbus: {}\n", "eventbus..x"),
            R"(app.yaml: section "eventbus..x": empty key)");
}

TEST(ConfigSection, AFileIsReadBySection) {
  EXPECT_THROW(eventbus::load_config_section("/nonexistent/app.yaml", "eventbus", {}),
               std::system_error);
  // The example file read as the section of nothing: the whole document.
  EXPECT_EQ(eventbus::load_config_section(EVENTBUS_EXAMPLES_DIR "/eventbus.yaml", "", {}).bus.group,
            eventbus::load_config_file(EVENTBUS_EXAMPLES_DIR "/eventbus.yaml", {}).bus.group);
}

}  // namespace

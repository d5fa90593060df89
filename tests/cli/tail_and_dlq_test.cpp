// SPDX-License-Identifier: Apache-2.0
// `eventbus tail` and `eventbus dlq` against the real brokers: what publish wrote comes back
// decoded (and bytes that are no envelope with their decode error); a poison message a
// service dead-lettered is listed, replayed once the service is fixed, handled exactly once
// and settled; bad input fails with status 2 naming it, a missing topic with status 1.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "cli/cli_run.hpp"
#include "eventbus/eventbus.hpp"
#include "kafka/kafka_test.hpp"
#include "nats/nats_test.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

struct Broker {
  BusOptions options;
  std::vector<std::string> flags;  // how the command line reaches it
};

Broker nats_broker() {
  return {nats_bus_options(shared_nats_url()),
          {"--transport", "nats", "--nats-url", shared_nats_url()}};
}

Broker kafka_broker() {
  return {kafka_bus_options(fixture_brokers()),
          {"--transport", "kafka", "--brokers", fixture_brokers()}};
}

CliRun run_with(const Broker& broker, std::vector<std::string> args) {
  args.insert(args.end(), broker.flags.begin(), broker.flags.end());
  return run_cli(args);
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

void expect_tail_round_trip(const Broker& broker) {
  const std::string topic = unique_name("cli", "t");
  ASSERT_EQ(run_with(broker, {"publish", topic, "--aggregate", "order-9", "--type", "Placed",
                              "--payload", R"({"n":1})", "--count", "2"})
                .status,
            0);
  const CliRun raw = run_with(broker, {"publish", topic, "--raw", "--payload", "not an envelope",
                                       "--header", "X-Note=kept"});
  ASSERT_EQ(raw.status, 0) << raw.err;

  const CliRun tail = run_with(
      broker, {"tail", topic, "--from-beginning", "--format", "json", "--timeout", "20000"});
  ASSERT_EQ(tail.status, 0) << tail.err;
  const std::vector<nlohmann::json> lines = json_lines(tail.out);
  ASSERT_EQ(lines.size(), 3u) << tail.out;
  int envelopes = 0;
  for (const nlohmann::json& line : lines) {
    EXPECT_EQ(line["topic"], topic);
    if (line.contains("envelope")) {
      ++envelopes;
      EXPECT_EQ(line["envelope"]["aggregate_id"], "order-9");
      EXPECT_EQ(line["envelope"]["payload"], nlohmann::json::parse(R"({"n":1})"));
    } else {
      EXPECT_EQ(line["payload"], "not an envelope");
      EXPECT_NE(line["decode_error"].get<std::string>(), "") << line.dump();
      EXPECT_NE(line["headers"].dump().find("X-Note"), std::string::npos) << line.dump();
    }
  }
  EXPECT_EQ(envelopes, 2);

  // --count 1 with a group: one printed and committed, so the group's next tail starts after it.
  const std::string group = unique_name("cli", "g");
  const CliRun first = run_with(broker, {"tail", topic, "--group", group, "--count", "1",
                                         "--format", "json", "--timeout", "20000"});
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(json_lines(first.out).size(), 1u) << first.out;
  const CliRun rest =
      run_with(broker, {"tail", topic, "--group", group, "--format", "json", "--timeout", "20000"});
  ASSERT_EQ(rest.status, 0) << rest.err;
  EXPECT_EQ(json_lines(rest.out).size(), 2u) << rest.out;
}

// A service that fails every envelope until fixed.
struct Service {
  Signal signal;
  bool fixed = false;
  std::vector<std::string> handled;  // event ids
};

void expect_poison_replayed_once(const Broker& broker) {
  const std::string topic = unique_name("cli", "t");
  Service service;
  BusOptions options = broker.options;
  options.dispatch.retry.max_attempts = 1;
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope& e, const Message&) {
                                        HandlerResult result;
                                        service.signal.update([&] {
                                          if (service.fixed) {
                                            service.handled.push_back(e.event_id);
                                          } else {
                                            result = HandlerResult::fail("cannot parse amount");
                                          }
                                        });
                                        return result;
                                      })
                   .error());
  const Envelope poison = make_envelope("order-3", "Placed", 1, R"({"amount":"x"})");
  ASSERT_FALSE(bus.publish_envelope_sync(topic, poison, 20s).error);
  ASSERT_TRUE(poll_until(30s, [&] { return bus.stats().dead_lettered == 1; }));

  const CliRun listed = run_with(broker, {"dlq", "list", topic, "--format", "json"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  const std::vector<nlohmann::json> letters = json_lines(listed.out);
  ASSERT_EQ(letters.size(), 1u) << listed.out;
  EXPECT_EQ(letters[0]["dead_letter"]["event_id"], poison.event_id);
  EXPECT_EQ(letters[0]["dead_letter"]["error"], "cannot parse amount");
  EXPECT_EQ(letters[0]["dead_letter"]["original_topic"], topic);

  const CliRun dry = run_with(broker, {"dlq", "replay", topic, "--dry-run"});
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_NE(dry.out.find("1 of 1 unsettled dead letters would be replayed"), std::string::npos)
      << dry.out;

  service.signal.update([&] { service.fixed = true; });
  const CliRun replayed = run_with(broker, {"dlq", "replay", topic, "--event", poison.event_id});
  ASSERT_EQ(replayed.status, 0) << replayed.err;
  EXPECT_NE(replayed.out.find("replayed 1, kept 0"), std::string::npos) << replayed.out;
  ASSERT_TRUE(service.signal.wait_for(30s, [&] { return !service.handled.empty(); }));

  const CliRun after = run_with(broker, {"dlq", "list", topic});
  ASSERT_EQ(after.status, 0) << after.err;
  EXPECT_NE(after.out.find("0 of 0 unsettled"), std::string::npos) << after.out;
  ASSERT_FALSE(bus.close(20s).error);
  EXPECT_EQ(service.handled, std::vector<std::string>{poison.event_id}) << "exactly once";
}

TEST(CliNats, TailShowsEnvelopesAndUndecodableBytes) {
  expect_tail_round_trip(nats_broker());
}
TEST(CliKafka, TailShowsEnvelopesAndUndecodableBytes) {
  expect_tail_round_trip(kafka_broker());
}
TEST(CliNats, PoisonIsListedReplayedOnceFixedAndSettled) {
  expect_poison_replayed_once(nats_broker());
}
TEST(CliKafka, PoisonIsListedReplayedOnceFixedAndSettled) {
  expect_poison_replayed_once(kafka_broker());
}

TEST(CliKafka, AMissingTopicFailsWithStatusOneNamingIt) {
  const std::string topic = unique_name("cli", "absent");
  const CliRun tail = run_with(kafka_broker(), {"tail", topic, "--from-beginning"});
  EXPECT_EQ(tail.status, 1);
  EXPECT_NE(tail.err.find(topic), std::string::npos) << tail.err;
  const CliRun dlq = run_with(kafka_broker(), {"dlq", "list", topic});
  EXPECT_EQ(dlq.status, 1);
  EXPECT_NE(dlq.err.find(topic + ".dlq"), std::string::npos) << dlq.err;
}

TEST(CliNats, BadArgumentsFailWithStatusTwoNamingThem) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"tail", "t", "--since", "yesterday"}, "'yesterday': expected an age"},
      {{"tail", "t", "--since", "10m", "--from-beginning"}, "two different starts"},
      {{"tail", "t", "--format", "xml"}, "xml"},
      {{"dlq", "replay", "t", "--until", "soon"}, "--until 'soon'"},
      {{"dlq", "list"}, "topic"},
      {{"dlq"}, "subcommand"},
  };
  for (const Case& c : cases) {
    const CliRun run = run_cli(c.args, "EVENTBUS_TYPE=memory");
    EXPECT_EQ(run.status, 2) << c.args[0] << " " << run.err;
    EXPECT_NE(run.err.find(c.says), std::string::npos) << run.err;
  }
}

TEST(CliNats, HealthSaysConnectedAsJson) {
  const CliRun run = run_with(nats_broker(), {"health"});
  ASSERT_EQ(run.status, 0) << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["transport"], "nats");
  EXPECT_EQ(report["connected"], true);
}

}  // namespace
}  // namespace eventbus::testing

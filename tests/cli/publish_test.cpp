// SPDX-License-Identifier: Apache-2.0
// `eventbus publish` against the real brokers: what it publishes arrives as it was given, each
// result is printed, and bad input fails with status 2 and words that name what is wrong.
#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "cli/cli_run.hpp"
#include "eventbus/eventbus.hpp"
#include "kafka/kafka_test.hpp"
#include "nats/nats_test.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

int count_lines_starting(const std::string& text, const std::string& prefix) {
  int n = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    if (text.compare(at, prefix.size(), prefix) == 0) ++n;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return n;
}

struct Received {
  Signal signal;
  std::vector<Envelope> envelopes;
  std::vector<std::pair<std::string, Headers>> raw;  // key, headers
};

void expect_envelopes_published(const BusOptions& options, const std::vector<std::string>& where) {
  const std::string topic = unique_name("cli", "t");
  Received got;
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope& e, const Message&) {
                                        got.signal.update([&] { got.envelopes.push_back(e); });
                                        return HandlerResult::ok();
                                      })
                   .error());
  std::vector<std::string> args{
      "publish", topic,       "--aggregate",        "order-7", "--type", "OrderPlaced", "--version",
      "4",       "--payload", R"({"amount":1999})", "--count", "3"};
  args.insert(args.end(), where.begin(), where.end());
  const CliRun run = run_cli(args);
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(count_lines_starting(run.out, "published " + topic), 3) << run.out;
  ASSERT_TRUE(got.signal.wait_for(30s, [&] { return got.envelopes.size() >= 3; }));
  std::lock_guard lock(got.signal.mutex());
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(got.envelopes[i].aggregate_id, "order-7");
    EXPECT_EQ(got.envelopes[i].event_type, "OrderPlaced");
    EXPECT_EQ(got.envelopes[i].event_version, static_cast<std::int64_t>(4 + i)) << "in order";
    EXPECT_EQ(got.envelopes[i].payload, R"({"amount":1999})");
  }
}

TEST(CliPublish, EnvelopesArriveOnNats) {
  expect_envelopes_published(nats_bus_options(shared_nats_url()),
                             {"--transport", "nats", "--nats-url", shared_nats_url()});
}

TEST(CliPublishKafka, EnvelopesArrive) {
  expect_envelopes_published(kafka_bus_options(fixture_brokers()),
                             {"--transport", "kafka", "--brokers", fixture_brokers()});
}

TEST(CliPublishKafka, RawBytesWithKeyAndHeadersArrive) {
  const std::string topic = unique_name("cli", "t");
  Received got;
  Bus bus(kafka_bus_options(fixture_brokers()));
  ASSERT_FALSE(bus.subscribe(topic,
                             [&](const Message& m) {
                               Headers headers(m.headers.begin(), m.headers.end());
                               got.signal.update(
                                   [&] { got.raw.emplace_back(std::string(m.key), headers); });
                               return HandlerResult::ok();
                             })
                   .error());
  const CliRun run =
      run_cli({"publish", topic, "--raw", "--payload", "not json at all", "--key", "k-1",
               "--header", "X-Source=cli", "--transport", "kafka", "--brokers", fixture_brokers()});
  ASSERT_EQ(run.status, 0) << run.err;
  ASSERT_TRUE(got.signal.wait_for(30s, [&] { return !got.raw.empty(); }));
  std::lock_guard lock(got.signal.mutex());
  EXPECT_EQ(got.raw[0].first, "k-1");
  EXPECT_EQ(got.raw[0].second, (Headers{{"X-Source", "cli"}}));
}

// The eventbus section of an application's YAML, and the environment over it.
TEST(CliPublish, ConfigurationSectionAndEnvironment) {
  const std::string path = "/tmp/" + unique_name("cli", "yaml") + ".yaml";
  std::ofstream(path) << "app:\n  name: billing\n  eventbus:\n    type: kafka\n";
  // The file says kafka; the environment says memory: no broker is needed.
  const CliRun run = run_cli({"publish", "orders", "--aggregate", "a-1", "--type", "T", "--config",
                              path, "--config-section", "app.eventbus"},
                             "EVENTBUS_TYPE=memory");
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(count_lines_starting(run.out, "published orders"), 1) << run.out;
  std::ofstream(path) << "app:\n  eventbus:\n    type: memory\n    nats:\n      urlz: x\n";
  const CliRun bad = run_cli({"publish", "orders", "--aggregate", "a-1", "--type", "T", "--config",
                              path, "--config-section", "app.eventbus"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("urlz"), std::string::npos) << bad.err;
  std::remove(path.c_str());
}

TEST(CliPublish, BadInputFailsWithStatusTwoNamingIt) {
  struct Case {
    std::vector<std::string> args;
    std::string named;
  };
  const std::vector<Case> cases{
      {{"publish", "t", "--aggregate", "a", "--type", "T", "--payload", R"({"a":})"},
       "invalid JSON at byte"},
      {{"publish", "t", "--type", "T"}, "--aggregate"},
      {{"publish", "t", "--aggregate", "a", "--type", "T", "--transport", "rabbit"}, "rabbit"},
      {{"publish", "t", "--raw", "--header", "no-equals"}, "NAME=VALUE"},
      {{"publish", "t", "--raw", "--payload", "@/nonexistent/payload.json"}, "/nonexistent"},
      {{"frobnicate"}, "frobnicate"},
      {{}, "a command is required"},
      {{"publish"}, "topic"},
  };
  for (const Case& c : cases) {
    const CliRun run = run_cli(c.args, "EVENTBUS_TYPE=memory");
    EXPECT_EQ(run.status, 2) << c.named << "\n" << run.err;
    EXPECT_NE((run.err + run.out).find(c.named), std::string::npos)
        << "should name " << c.named << ", said: " << run.err;
  }
  const CliRun help = run_cli({"publish", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--aggregate"), std::string::npos) << help.out;
}

// A key NATS cannot carry: the publish is refused, the words name it, the status is 1.
TEST(CliPublish, RefusedPublishFailsNamingWhy) {
  const CliRun run = run_cli({"publish", unique_name("cli", "t"), "--raw", "--key", "k",
                              "--transport", "nats", "--nats-url", shared_nats_url()});
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_NE(run.err.find("no key"), std::string::npos) << run.err;
}

TEST(CliPublish, ABrokerThatDoesNotAnswerFailsWithinTheConnectTimeout) {
  const CliRun run = run_cli({"publish", "t", "--aggregate", "a", "--type", "T", "--transport",
                              "nats", "--nats-url", "nats://127.0.0.1:1"},
                             "EVENTBUS_NATS_CONNECTIONTIMEOUT=1s");
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_NE(run.err.find("127.0.0.1:1"), std::string::npos) << run.err;
  EXPECT_LT(run.took, 10s);
}

}  // namespace
}  // namespace eventbus::testing

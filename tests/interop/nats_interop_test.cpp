// SPDX-License-Identifier: Apache-2.0
// A C++ service on this bus and a Go service on the Go SDK's client library (nats.go v1.45.0,
// tests/interop/goservice) share NATS subjects on a real JetStream server, in both directions:
// the Go service's stream (made its own way, with a wildcard) is found and left as it is, every
// envelope field arrives as sent and each aggregate keeps its order.
#include <mutex>
#include <set>

#include "interop/go_service.hpp"
#include "nats/nats_test.hpp"
#include "support/order_tracker.hpp"
#include "support/wait.hpp"
#include "transport/nats/nats_names.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kMessages = 10000;
constexpr int kAggregates = 200;

// A stream the Go service creates with nats.go, carrying "<prefix>.>".
struct GoStream {
  std::string name;
  std::string prefix;
};

GoStream go_stream(const std::string& url) {
  const std::string prefix = unique_name("nats", "p");
  GoStream s{"GO_" + std::to_string(std::hash<std::string>{}(prefix) % 1000000000), prefix};
  const GoRun run =
      run_go({"nats-create-stream", "--url", url, "--stream", s.name, "--subjects", prefix + ".>"});
  if (run.exit_status != 0) throw std::runtime_error("go could not create stream " + s.name);
  return s;
}

nlohmann::json go_stream_info(const std::string& url, const std::string& stream) {
  const GoRun run = run_go({"nats-stream-info", "--url", url, "--stream", stream});
  return run.exit_status == 0 && !run.lines.empty() ? run.lines[0] : nlohmann::json();
}

BusOptions default_options(const std::string& url, const std::string& group) {
  BusOptions options = nats_bus_options(url);  // TopicOptions left as they come
  options.group = group;
  return options;
}

TEST(NatsInterop, GoProducedEnvelopesArriveWholeAndInOrderFromTheGoStream) {
  const std::string url = shared_nats_url();
  const GoStream go = go_stream(url);
  const std::string topic = go.prefix + ".orders";
  const GoRun sent =
      run_go({"nats-publish", "--url", url, "--subject", topic, "--run", "n1", "--count",
              std::to_string(kMessages), "--aggregates", std::to_string(kAggregates)});
  ASSERT_EQ(sent.exit_status, 0);
  ASSERT_EQ(sent.lines.size(), static_cast<std::size_t>(kMessages));

  Signal signal;
  std::map<std::string, std::pair<std::string, Envelope>> received;  // event id -> bytes, envelope
  OrderTracker order;
  Bus bus(default_options(url, "billing"));
  ASSERT_FALSE(
      bus.subscribe_envelope(topic,
                             [&](const Envelope& e, const Message& m) {
                               order.record(e.aggregate_id, e.event_version, e.event_id);
                               signal.update([&] {
                                 received.emplace(e.event_id, std::pair{std::string(m.payload), e});
                               });
                               return HandlerResult::ok();
                             })
          .error());
  ASSERT_TRUE(signal.wait_for(120s, [&] { return received.size() == kMessages; }))
      << received.size() << " of " << kMessages;
  EXPECT_FALSE(bus.close(10s).error);

  for (const auto& line : sent.lines) {
    const auto it = received.find(line["event_id"].get<std::string>());
    ASSERT_NE(it, received.end()) << line.dump();
    EXPECT_EQ(line["stream"], go.name);
    const std::string value = line["value"].get<std::string>();
    EXPECT_EQ(it->second.first, value);
    const DecodeResult decoded = decode(value);
    ASSERT_TRUE(decoded) << decoded.error.detail;
    EXPECT_EQ(it->second.second, decoded.envelope);
  }
  EXPECT_EQ(order.order_violations(), 0u);
  EXPECT_EQ(order.duplicates(), 0u);
  const nlohmann::json info = go_stream_info(url, go.name);
  EXPECT_EQ(info["subjects"], nlohmann::json::array({go.prefix + ".>"}));
  EXPECT_TRUE(go_stream_info(url, nats::new_stream_name(topic, {})).is_null())
      << "the bus made a stream of its own beside the Go service's";
}

TEST(NatsInterop, CppPublishedEnvelopesReachTheGoConsumerWholeAndInOrder) {
  const std::string url = shared_nats_url();
  const GoStream go = go_stream(url);
  const std::string topic = go.prefix + ".orders";
  std::vector<Envelope> envelopes;
  for (int i = 0; i < kMessages; ++i)
    envelopes.push_back(cpp_envelope("n2", i, kAggregates));
  Signal signal;
  int done = 0, failed = 0, elsewhere = 0;
  {
    Bus bus(default_options(url, "billing"));
    for (const Envelope& e : envelopes) {
      ASSERT_FALSE(bus.publish_envelope(topic, e, [&](const PublishResult& r) {
        signal.update([&] {
          ++done;
          failed += r.error ? 1 : 0;
          elsewhere += r.stream == go.name ? 0 : 1;
        });
      }));
    }
    ASSERT_TRUE(signal.wait_for(60s, [&] { return done == kMessages; }));
    EXPECT_FALSE(bus.close(10s).error);
  }
  ASSERT_EQ(failed, 0);
  EXPECT_EQ(elsewhere, 0) << "stored in a stream other than the Go service's";

  // The Go SDK's durable for group "billing" on this topic.
  const GoRun got = run_go({"nats-consume", "--url", url, "--subject", topic, "--durable",
                            nats::consumer_name("billing", topic), "--count",
                            std::to_string(kMessages), "--timeout-ms", "60000"});
  ASSERT_EQ(got.exit_status, 0);
  ASSERT_EQ(got.lines.size(), static_cast<std::size_t>(kMessages));
  OrderTracker order;
  std::set<std::string> seen;
  for (const auto& line : got.lines) {
    const nlohmann::json& d = line["decoded"];
    ASSERT_TRUE(d.value("ok", false)) << line.dump();
    const std::string id = d["event_id"];
    const Envelope& e = envelopes.at(std::stoul(id.substr(id.rfind('-') + 1)));
    expect_go_decoded(d, e);
    order.record(e.aggregate_id, e.event_version, id);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kMessages));
  EXPECT_EQ(order.order_violations(), 0u);
  EXPECT_EQ(go_stream_info(url, go.name)["subjects"], nlohmann::json::array({go.prefix + ".>"}));
}

// Configured alike (the Go SDK's stream name and wildcard subjects), the C++ bus makes the
// stream the Go service would make, so the Go service finds it and both publish into it.
TEST(NatsInterop, ASharedConfigurationPutsBothServicesOnOneStream) {
  const std::string url = shared_nats_url();
  const std::string prefix = unique_name("nats", "p");
  BusOptions options = default_options(url, "billing");
  options.nats.stream_name = "SHARED_" + std::to_string(std::hash<std::string>{}(prefix) % 1000000);
  options.nats.stream_subjects = {prefix + ".>"};
  Bus bus(options);
  const auto r = bus.publish_envelope_sync(prefix + ".created", cpp_envelope("n3", 0, 1), 10s);
  ASSERT_FALSE(r.error) << r.detail;
  EXPECT_EQ(r.stream, options.nats.stream_name);
  EXPECT_EQ(go_stream_info(url, options.nats.stream_name)["subjects"],
            nlohmann::json::array({prefix + ".>"}));
  const GoRun sent = run_go({"nats-publish", "--url", url, "--subject", prefix + ".updated",
                             "--run", "n3", "--count", "10", "--aggregates", "2"});
  ASSERT_EQ(sent.exit_status, 0);
  for (const auto& line : sent.lines)
    EXPECT_EQ(line["stream"], options.nats.stream_name);
  EXPECT_FALSE(bus.close(10s).error);
}

}  // namespace
}  // namespace eventbus::testing

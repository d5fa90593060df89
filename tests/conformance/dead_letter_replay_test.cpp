// SPDX-License-Identifier: Apache-2.0
// Dead letters on every transport: a poison message is listed with its reason, replayed once
// its handler is fixed (handled exactly once more, in its aggregate's order) and settled; a
// filter replays only what it selects and keeps the rest for later; a dry run moves nothing.
#include <algorithm>
#include <map>
#include <vector>

#include "conformance/conformance.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

// A subscription whose handler fails every envelope until fixed, then records each one.
struct PoisonedService {
  Signal signal;
  bool fixed = false;
  std::vector<std::string> handled;              // "<aggregate>/<version>", in handling order
  std::map<std::string, std::string> replay_of;  // same key -> X-Replay-Count

  HandlerResult handle(const Envelope& e, const Message& m) {
    HandlerResult result;
    signal.update([&] {
      if (!fixed) {
        result = HandlerResult::fail("poison: the handler cannot read it yet");
        return;
      }
      const std::string key = e.aggregate_id + "/" + std::to_string(e.event_version);
      handled.push_back(key);
      for (const auto& [name, value] : m.headers)
        if (name == kReplayCountHeader) replay_of[key] = value;
    });
    return result;
  }
};

void dead_letter(Bus& bus, const std::string& topic, const std::vector<Envelope>& events) {
  const std::uint64_t before = bus.stats().dead_lettered;
  for (const Envelope& e : events)
    ASSERT_FALSE(bus.publish_envelope_sync(topic, e, 20s).error);
  ASSERT_TRUE(poll_until(30s, [&] { return bus.stats().dead_lettered == before + events.size(); }))
      << "dead-lettered " << bus.stats().dead_lettered - before << " of " << events.size();
}

std::vector<std::string> keys_of(const std::vector<DeadLetter>& letters) {
  std::vector<std::string> keys;
  for (const DeadLetter& letter : letters) {
    const DecodeResult decoded = decode(letter.stored.payload);
    keys.push_back(letter.aggregate_id + "/" +
                   (decoded ? std::to_string(decoded.envelope.event_version) : "?"));
  }
  return keys;
}

TEST_P(Conformance, DeadLetterIsListedThenReplayedOnceFixedAndSettled) {
  const std::string topic = unique_name("conf", "t");
  PoisonedService service;
  auto bus = make_bus([](BusOptions& o) { o.dispatch.retry.max_attempts = 1; });
  ASSERT_FALSE(
      bus->subscribe_envelope(
             topic, [&](const Envelope& e, const Message& m) { return service.handle(e, m); })
          .error());
  const std::vector<Envelope> events = {test_envelope("order-1", 1), test_envelope("order-1", 2),
                                        test_envelope("order-2", 1)};
  ASSERT_NO_FATAL_FAILURE(dead_letter(*bus, topic, events));

  const DeadLetterReport listed = bus->list_dead_letters(topic);
  ASSERT_FALSE(listed.error) << listed.detail;
  ASSERT_EQ(listed.selected.size(), 3u);
  EXPECT_EQ(listed.read, 3u);
  std::map<std::string, const DeadLetter*> by_event;
  for (const DeadLetter& letter : listed.selected) {
    by_event[letter.event_id] = &letter;
    EXPECT_EQ(letter.original_topic, topic);
    EXPECT_EQ(letter.error, "poison: the handler cannot read it yet");
    EXPECT_EQ(letter.error_code,
              "eventbus:" + std::to_string(static_cast<int>(errc::handler_failed)));
    EXPECT_EQ(letter.attempts, 1u);
    EXPECT_EQ(letter.replays, 0u);
  }
  for (const Envelope& e : events) {
    ASSERT_EQ(by_event.count(e.event_id), 1u) << e.event_id;
    EXPECT_EQ(by_event[e.event_id]->aggregate_id, e.aggregate_id);
  }

  service.signal.update([&] { service.fixed = true; });
  const DeadLetterReport replayed = bus->replay_dead_letters(topic);
  ASSERT_FALSE(replayed.error) << replayed.detail;
  EXPECT_EQ(replayed.replayed, 3u);
  EXPECT_EQ(replayed.kept, 0u);
  ASSERT_TRUE(service.signal.wait_for(30s, [&] { return service.handled.size() >= 3; }));
  {
    std::lock_guard lock(service.signal.mutex());
    std::vector<std::string> order_1;
    for (const std::string& key : service.handled)
      if (key.rfind("order-1/", 0) == 0) order_1.push_back(key);
    EXPECT_EQ(order_1, (std::vector<std::string>{"order-1/1", "order-1/2"})) << "in its order";
    EXPECT_EQ(service.replay_of["order-2/1"], "1");
  }
  // Settled: nothing is left to list or replay, and a second replay publishes nothing.
  const DeadLetterReport after = bus->list_dead_letters(topic);
  ASSERT_FALSE(after.error) << after.detail;
  EXPECT_TRUE(after.selected.empty());
  EXPECT_EQ(bus->replay_dead_letters(topic).replayed, 0u);
  ASSERT_FALSE(bus->close(20s).error);
  EXPECT_EQ(service.handled.size(), 3u) << "each handled exactly once";
  EXPECT_EQ(bus->stats().dead_lettered, 3u);
}

TEST_P(Conformance, FilteredReplayKeepsWhatItLeavesOutForLater) {
  const std::string topic = unique_name("conf", "t");
  PoisonedService service;
  auto bus = make_bus([](BusOptions& o) { o.dispatch.retry.max_attempts = 1; });
  ASSERT_FALSE(
      bus->subscribe_envelope(
             topic, [&](const Envelope& e, const Message& m) { return service.handle(e, m); })
          .error());
  ASSERT_NO_FATAL_FAILURE(dead_letter(*bus, topic,
                                      {test_envelope("a-1", 1), test_envelope("b-1", 1),
                                       test_envelope("a-1", 2), test_envelope("c-1", 1)}));
  service.signal.update([&] { service.fixed = true; });

  DeadLetterOptions dry;
  dry.filter.aggregate_id = "b-1";
  dry.dry_run = true;
  const DeadLetterReport would = bus->replay_dead_letters(topic, dry);
  ASSERT_FALSE(would.error) << would.detail;
  EXPECT_EQ(keys_of(would.selected), (std::vector<std::string>{"b-1/1"}));
  EXPECT_EQ(would.replayed, 0u);
  EXPECT_EQ(bus->list_dead_letters(topic).selected.size(), 4u) << "a dry run moves nothing";

  DeadLetterOptions only_b = dry;
  only_b.dry_run = false;
  const DeadLetterReport first = bus->replay_dead_letters(topic, only_b);
  ASSERT_FALSE(first.error) << first.detail;
  EXPECT_EQ(first.replayed, 1u);
  EXPECT_EQ(first.kept, 3u);
  ASSERT_TRUE(service.signal.wait_for(30s, [&] { return service.handled.size() == 1; }));

  const DeadLetterReport left = bus->list_dead_letters(topic);
  ASSERT_FALSE(left.error) << left.detail;
  std::vector<std::string> left_keys = keys_of(left.selected);
  std::sort(left_keys.begin(), left_keys.end());
  EXPECT_EQ(left_keys, (std::vector<std::string>{"a-1/1", "a-1/2", "c-1/1"}));

  DeadLetterOptions by_code;
  by_code.filter.error_code = "handler_failed";  // the errc name selects "eventbus:24"
  const DeadLetterReport rest = bus->replay_dead_letters(topic, by_code);
  ASSERT_FALSE(rest.error) << rest.detail;
  EXPECT_EQ(rest.replayed, 3u);
  EXPECT_EQ(rest.kept, 0u);
  ASSERT_TRUE(service.signal.wait_for(30s, [&] { return service.handled.size() == 4; }));
  std::lock_guard lock(service.signal.mutex());
  std::vector<std::string> a_1;
  for (const std::string& key : service.handled)
    if (key.rfind("a-1/", 0) == 0) a_1.push_back(key);
  EXPECT_EQ(a_1, (std::vector<std::string>{"a-1/1", "a-1/2"})) << "kept copies keep their order";
}

TEST_P(Conformance, DeadLettersOfATopicWithoutAnyAreAnUnknownTopic) {
  auto bus = make_bus();
  const std::string topic = unique_name("conf", "clean");
  const DeadLetterReport report = bus->list_dead_letters(topic);
  EXPECT_EQ(report.error, errc::unknown_topic);
  EXPECT_NE(report.detail.find(topic + ".dlq"), std::string::npos) << report.detail;
}

}  // namespace
}  // namespace eventbus::testing

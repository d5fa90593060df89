// SPDX-License-Identifier: Apache-2.0
// Bus::read on every transport: from the beginning to the end as it was, from a time, from a
// group's position (settling only what the callback took), following new messages until asked
// to stop; an unknown topic and a bad option are named.
#include <optional>
#include <set>
#include <stop_token>
#include <thread>
#include <vector>

#include "conformance/conformance.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

// Stores `count` envelopes of one aggregate (one Kafka partition: one order), each acked.
void store(Bus& bus, const std::string& topic, int first, int count) {
  for (int v = first; v < first + count; ++v)
    ASSERT_FALSE(bus.publish_envelope_sync(topic, test_envelope("reader-1", v), 20s).error);
}

// The versions read, in order, and the read's outcome; stops after `take` when it is set.
struct Taken {
  ReadResult result;
  std::vector<std::int64_t> versions;
};

Taken read_versions(Bus& bus, const std::string& topic, const ReadOptions& options,
                    std::size_t take = SIZE_MAX) {
  Taken taken;
  taken.result = bus.read(topic, options, [&](const StoredMessage& m) {
    if (taken.versions.size() == take) return ReadStep::stop;
    const DecodeResult decoded = decode(m.payload);
    taken.versions.push_back(decoded ? decoded.envelope.event_version : -1);
    return ReadStep::next;
  });
  return taken;
}

TEST_P(Conformance, ReadFromTheBeginningStopsAtTheEndItFound) {
  const std::string topic = unique_name("conf", "t");
  auto bus = make_bus();
  const auto before = std::chrono::system_clock::now();
  store(*bus, topic, 1, 3);
  std::vector<StoredMessage> seen;
  const ReadResult result = bus->read(topic, {}, [&](const StoredMessage& m) {
    seen.push_back(m);
    if (seen.size() == 1) store(*bus, topic, 4, 1);  // after the start: not read
    return ReadStep::next;
  });
  ASSERT_FALSE(result.error) << result.detail;
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(result.read, 3u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].topic, topic);
    const DecodeResult decoded = decode(seen[i].payload);
    ASSERT_TRUE(decoded) << seen[i].payload;
    EXPECT_EQ(decoded.envelope.event_version, static_cast<std::int64_t>(i + 1));
    if (i > 0) {
      EXPECT_GT(seen[i].offset, seen[i - 1].offset);
    }
    // Broker clocks keep milliseconds: compare at that grain.
    EXPECT_GE(seen[i].stored_at, before - 1ms);
    EXPECT_LE(seen[i].stored_at, std::chrono::system_clock::now());
  }
}

TEST_P(Conformance, ReadGivesTheHeadersAsStored) {
  const std::string topic = unique_name("conf", "t");
  auto bus = make_bus();
  PublishCall call;
  call.headers = {{"X-Note", "first"}, {"X-Note-2", "second"}};
  Signal signal;
  std::optional<std::error_code> acked;
  ASSERT_FALSE(bus->publish(
      topic, "raw", [&](const PublishResult& r) { signal.update([&] { acked = r.error; }); },
      call));
  ASSERT_TRUE(signal.wait_for(20s, [&] { return acked.has_value(); }));
  ASSERT_FALSE(*acked) << acked->message();
  std::vector<StoredMessage> seen;
  ASSERT_FALSE(bus->read(topic, {},
                         [&](const StoredMessage& m) {
                           seen.push_back(m);
                           return ReadStep::next;
                         })
                   .error);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].payload, "raw");
  // As a set: nats.c sends a message's headers in the order of its hash table, not the
  // caller's (the read gives them in the order the server stored them).
  std::set<Header> ours;
  for (const auto& header : seen[0].headers)
    if (header.first.rfind("X-Note", 0) == 0) ours.insert(header);
  EXPECT_EQ(ours, std::set<Header>(call.headers.begin(), call.headers.end()));
  ASSERT_FALSE(bus->close(10s).error);  // before `signal`, which its completion used, goes
}

TEST_P(Conformance, ReadFromTimeSkipsWhatWasStoredBefore) {
  const std::string topic = unique_name("conf", "t");
  auto bus = make_bus();
  store(*bus, topic, 1, 2);
  // A millisecond apart at least: brokers stamp with milliseconds.
  const auto since = std::chrono::system_clock::now() + 2ms;
  ASSERT_TRUE(poll_until(1s, [&] { return std::chrono::system_clock::now() > since + 1ms; }));
  store(*bus, topic, 3, 2);
  ReadOptions options;
  options.from = ReadFrom::time;
  options.since = since;
  const Taken taken = read_versions(*bus, topic, options);
  ASSERT_FALSE(taken.result.error) << taken.result.detail;
  EXPECT_EQ(taken.versions, (std::vector<std::int64_t>{3, 4}));
  options.from = ReadFrom::end;
  EXPECT_TRUE(read_versions(*bus, topic, options).versions.empty()) << "nothing after the end";
}

TEST_P(Conformance, ReadOfAGroupSettlesOnlyWhatTheCallbackTook) {
  const std::string topic = unique_name("conf", "t");
  auto bus = make_bus();
  store(*bus, topic, 1, 5);
  ReadOptions look;
  look.group = unique_name("conf", "reader");
  // Without commit, twice the same: the group's position does not move.
  EXPECT_EQ(read_versions(*bus, topic, look).versions, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(read_versions(*bus, topic, look).versions, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  ReadOptions settle = look;
  settle.commit = true;
  const Taken first = read_versions(*bus, topic, settle, 3);  // stops at the 4th
  ASSERT_FALSE(first.result.error) << first.result.detail;
  EXPECT_EQ(first.versions, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(read_versions(*bus, topic, look).versions, (std::vector<std::int64_t>{4, 5}))
      << "the 4th was not taken: it is read again";
  EXPECT_EQ(read_versions(*bus, topic, settle).versions, (std::vector<std::int64_t>{4, 5}));
  EXPECT_TRUE(read_versions(*bus, topic, look).versions.empty());
}

TEST_P(Conformance, FollowingReadSeesNewMessagesAndStopsWhenAsked) {
  const std::string topic = unique_name("conf", "t");
  auto bus = make_bus();
  store(*bus, topic, 1, 1);
  Signal signal;
  std::vector<std::int64_t> versions;
  std::stop_source stop;
  ReadResult result;
  bool returned = false;
  std::thread reader([&] {
    ReadOptions options;
    options.follow = true;
    const ReadResult r = bus->read(
        topic, options,
        [&](const StoredMessage& m) {
          const DecodeResult decoded = decode(m.payload);
          signal.update([&] { versions.push_back(decoded ? decoded.envelope.event_version : -1); });
          return ReadStep::next;
        },
        stop.get_token());
    signal.update([&] {
      result = r;
      returned = true;
    });
  });
  EXPECT_TRUE(signal.wait_for(20s, [&] { return versions.size() == 1; }));
  store(*bus, topic, 2, 1);
  EXPECT_TRUE(signal.wait_for(20s, [&] { return versions.size() == 2; }));
  stop.request_stop();
  EXPECT_TRUE(signal.wait_for(5s, [&] { return returned; })) << "a stop ends a following read";
  reader.join();
  EXPECT_FALSE(result.error) << result.detail;
  EXPECT_EQ(versions, (std::vector<std::int64_t>{1, 2}));
}

TEST_P(Conformance, ReadNamesAnUnknownTopicAndRefusesBadOptions) {
  const std::string topic = unique_name("conf", "never");
  auto bus = make_bus();
  int calls = 0;
  const auto count = [&](const StoredMessage&) {
    ++calls;
    return ReadStep::next;
  };
  const ReadResult unknown = bus->read(topic, {}, count);
  EXPECT_EQ(unknown.error, errc::unknown_topic) << unknown.detail;
  EXPECT_NE(unknown.detail.find(topic), std::string::npos) << unknown.detail;
  ReadOptions commit_alone;
  commit_alone.commit = true;
  const ReadResult refused = bus->read(topic, commit_alone, count);
  EXPECT_EQ(refused.error, errc::invalid_option);
  EXPECT_NE(refused.detail.find("group"), std::string::npos) << refused.detail;
  EXPECT_EQ(bus->read("bad topic*", {}, count).error, errc::invalid_topic);
  EXPECT_EQ(calls, 0);
  ASSERT_FALSE(bus->close(10s).error);
  EXPECT_EQ(bus->read(topic, {}, count).error, errc::closed);
}

}  // namespace
}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
// Bus::read on NATS against the real server: an anonymous read through an ephemeral consumer
// that is gone once the read returns, from the start, a time or the end; a group's durable,
// moved only by a committing read; the end as it was at the start; the deadline, also against
// a frozen server; and dead letters listed and replayed end to end.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <stop_token>
#include <thread>
#include <vector>

#include "nats/jetstream_probe.hpp"
#include "nats/nats_test.hpp"
#include "support/broker_process.hpp"
#include "support/wait.hpp"
#include "transport/nats/nats_names.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

// Stores raw `payload` with `headers` and returns its stream sequence.
std::int64_t store(Bus& bus, const std::string& topic, const std::string& payload,
                   const Headers& headers = {}) {
  Signal signal;
  std::optional<OwnedPublishResult> done;
  PublishCall call;
  call.headers = headers;
  const std::error_code refused = bus.publish(
      topic, payload,
      [&](const PublishResult& r) {
        signal.update([&] {
          done.emplace();
          done->error = r.error;
          done->detail = std::string(r.detail);
          done->offset = r.offset;
        });
      },
      call);
  EXPECT_FALSE(refused) << refused.message();
  if (refused) return -1;
  EXPECT_TRUE(signal.wait_for(20s, [&] { return done.has_value(); }));
  std::lock_guard lock(signal.mutex());
  if (!done) return -1;
  EXPECT_FALSE(done->error) << done->detail;
  return done->offset;
}

void store_many(Bus& bus, const std::string& topic, int first, int count) {
  for (int i = first; i < first + count; ++i)
    store(bus, topic, "m" + std::to_string(i));
}

struct Taken {
  ReadResult result;
  std::vector<std::string> payloads;
};

// Reads `topic`, stopping at the message after `take` when it is set.
Taken read_payloads(Bus& bus, const std::string& topic, const ReadOptions& options,
                    std::size_t take = SIZE_MAX) {
  Taken taken;
  taken.result = bus.read(topic, options, [&](const StoredMessage& m) {
    if (taken.payloads.size() == take) return ReadStep::stop;
    taken.payloads.push_back(m.payload);
    return ReadStep::next;
  });
  return taken;
}

std::vector<std::string> payloads(int first, int last) {
  std::vector<std::string> out;
  for (int i = first; i <= last; ++i)
    out.push_back("m" + std::to_string(i));
  return out;
}

std::string stream_of(const std::string& topic) {
  return nats::new_stream_name(topic, {});
}

int consumer_count(JetStreamProbe& probe, const std::string& stream) {
  return probe.api("STREAM.INFO." + stream)["state"].value("consumer_count", -1);
}

TEST(NatsRead, FromTheBeginningGivesEveryMessageAsStoredAndLeavesNoConsumer) {
  const std::string topic = unique_name("nats", "t");
  Bus bus(nats_bus_options(shared_nats_url()));
  // Not in name order, a name twice: nats.c's own header table would lose that order.
  // nats.c sends headers in the order of its hash table; the order itself is checked below.
  const Headers headers = {{"X-Zeta", "z"}, {"X-Alpha", "a"}, {"X-Mid", "1"}, {"X-Mid", "2"}};
  const auto before = std::chrono::system_clock::now();
  std::vector<std::int64_t> offsets;
  for (int i = 1; i <= 5; ++i)
    offsets.push_back(store(bus, topic, "m" + std::to_string(i), headers));
  std::vector<StoredMessage> seen;
  const ReadResult result = bus.read(topic, {}, [&](const StoredMessage& m) {
    seen.push_back(m);
    return ReadStep::next;
  });
  ASSERT_FALSE(result.error) << result.detail;
  EXPECT_EQ(result.read, 5u);
  ASSERT_EQ(seen.size(), 5u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].topic, topic);
    EXPECT_EQ(seen[i].payload, "m" + std::to_string(i + 1));
    EXPECT_TRUE(seen[i].key.empty());
    EXPECT_EQ(seen[i].partition, -1);
    EXPECT_EQ(seen[i].offset, offsets[i]) << "the stream sequence the publish was acked with";
    Headers sorted = seen[i].headers;
    std::sort(sorted.begin(), sorted.end());
    Headers expected = headers;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(sorted, expected);
    EXPECT_GE(seen[i].stored_at, before - 1ms);
    EXPECT_LE(seen[i].stored_at, std::chrono::system_clock::now());
  }
  JetStreamProbe probe(shared_nats_url());
  EXPECT_EQ(consumer_count(probe, stream_of(topic)), 0) << "the ephemeral consumer was deleted";
}

// Publishes with headers in exactly this order, as the NATS protocol's HPUB carries them (a
// nats.c publish would send them in its hash table's order), and waits for the server's PONG.
void publish_in_order(const std::string& url, const std::string& subject, const Headers& headers,
                      const std::string& payload) {
  const std::string hostport = url.substr(url.find("//") + 2);
  const auto colon = hostport.find(':');
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(std::stoi(hostport.substr(colon + 1))));
  ASSERT_EQ(inet_pton(AF_INET, hostport.substr(0, colon).c_str(), &address.sin_addr), 1);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  const timeval limit{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  std::string block = "NATS/1.0\r\n";
  for (const auto& [name, value] : headers)
    block += name + ": " + value + "\r\n";
  block += "\r\n";
  const std::string out = "CONNECT {\"verbose\":false,\"headers\":true}\r\nHPUB " + subject + " " +
                          std::to_string(block.size()) + " " +
                          std::to_string(block.size() + payload.size()) + "\r\n" + block + payload +
                          "\r\nPING\r\n";
  ASSERT_EQ(::send(fd, out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
  std::string in;
  char buffer[4096];
  while (in.find("PONG") == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    in.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  ASSERT_NE(in.find("PONG"), std::string::npos) << in;
  ASSERT_EQ(in.find("-ERR"), std::string::npos) << in;
}

TEST(NatsRead, HeadersComeInTheOrderStored) {
  const std::string topic = unique_name("nats", "t");
  Bus bus(nats_bus_options(shared_nats_url()));
  store(bus, topic, "first");  // makes the stream
  const Headers headers = {{"X-Zeta", "z"}, {"X-Alpha", "a"}, {"X-Mid", "1"},
                           {"X-Beta", "b"}, {"X-Mid", "2"},   {"X-Gamma", " spaced "}};
  publish_in_order(shared_nats_url(), topic, headers, "ordered");
  std::vector<StoredMessage> seen;
  ASSERT_TRUE(poll_until(
      5s,
      [&] {
        seen.clear();
        bus.read(topic, {}, [&](const StoredMessage& m) {
          seen.push_back(m);
          return ReadStep::next;
        });
        return seen.size() == 2;
      },
      10ms));
  EXPECT_EQ(seen[1].payload, "ordered");
  Headers expected = headers;
  expected.back().second = "spaced";  // blanks around a value are not part of it
  EXPECT_EQ(seen[1].headers, expected);
}

TEST(NatsRead, FromATimeSkipsWhatWasStoredBeforeAndFromTheEndReadsNothing) {
  const std::string topic = unique_name("nats", "t");
  Bus bus(nats_bus_options(shared_nats_url()));
  store_many(bus, topic, 1, 2);
  const auto since = std::chrono::system_clock::now() + 2ms;
  ASSERT_TRUE(poll_until(1s, [&] { return std::chrono::system_clock::now() > since + 1ms; }));
  store_many(bus, topic, 3, 2);
  ReadOptions options;
  options.from = ReadFrom::time;
  options.since = since;
  const Taken taken = read_payloads(bus, topic, options);
  ASSERT_FALSE(taken.result.error) << taken.result.detail;
  EXPECT_EQ(taken.payloads, payloads(3, 4));
  options.from = ReadFrom::end;
  const Taken none = read_payloads(bus, topic, options);
  EXPECT_FALSE(none.result.error) << none.result.detail;
  EXPECT_TRUE(none.payloads.empty());
  JetStreamProbe probe(shared_nats_url());
  EXPECT_EQ(consumer_count(probe, stream_of(topic)), 0);
}

TEST(NatsRead, FollowingFromTheEndSeesOnlyNewMessagesAndStopsPromptly) {
  const std::string topic = unique_name("nats", "t");
  Bus bus(nats_bus_options(shared_nats_url()));
  store_many(bus, topic, 1, 2);
  JetStreamProbe probe(shared_nats_url());
  Signal signal;
  std::vector<std::string> seen;
  std::optional<ReadResult> result;
  std::stop_source stop;
  std::thread reader([&] {
    ReadOptions options;
    options.from = ReadFrom::end;
    options.follow = true;
    const ReadResult r = bus.read(
        topic, options,
        [&](const StoredMessage& m) {
          signal.update([&] { seen.push_back(m.payload); });
          return ReadStep::next;
        },
        stop.get_token());
    signal.update([&] { result = r; });
  });
  // Its consumer is there: what is stored from now on is new to it.
  EXPECT_TRUE(poll_until(
      10s, [&] { return consumer_count(probe, stream_of(topic)) == 1; }, 10ms));
  store_many(bus, topic, 3, 2);
  EXPECT_TRUE(signal.wait_for(10s, [&] { return seen.size() == 2; }));
  const auto asked = std::chrono::steady_clock::now();
  stop.request_stop();
  EXPECT_TRUE(signal.wait_for(5s, [&] { return result.has_value(); }));
  const auto took = std::chrono::steady_clock::now() - asked;
  reader.join();
  EXPECT_LT(took, 1s) << "a stop ends a following read at once";
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->error) << result->detail;
  EXPECT_EQ(result->read, 2u);
  EXPECT_EQ(seen, payloads(3, 4));
  EXPECT_EQ(consumer_count(probe, stream_of(topic)), 0);
}

TEST(NatsRead, ACommittingGroupResumesAtTheMessageItStoppedAt) {
  const std::string topic = unique_name("nats", "t");
  Bus bus(nats_bus_options(shared_nats_url()));
  store_many(bus, topic, 1, 5);
  ReadOptions settle;
  settle.group = unique_name("nats", "reader");
  settle.commit = true;
  const Taken first = read_payloads(bus, topic, settle, 3);  // stops at the 4th
  ASSERT_FALSE(first.result.error) << first.result.detail;
  EXPECT_EQ(first.payloads, payloads(1, 3));
  EXPECT_EQ(first.result.read, 4u) << "the 4th was handed to the callback, which stopped";
  // The 4th and the 5th were given back at once: well within AckWait (30 s), read again.
  settle.timeout = 5s;
  const Taken second = read_payloads(bus, topic, settle);
  ASSERT_FALSE(second.result.error) << second.result.detail;
  EXPECT_EQ(second.payloads, payloads(4, 5));
  const Taken third = read_payloads(bus, topic, settle);
  EXPECT_FALSE(third.result.error) << third.result.detail;
  EXPECT_TRUE(third.payloads.empty());
  JetStreamProbe probe(shared_nats_url());
  const auto info = probe.api("CONSUMER.INFO." + stream_of(topic) + "." +
                              nats::consumer_name(settle.group, topic));
  EXPECT_EQ(info["ack_floor"].value("stream_seq", 0), 5);
  EXPECT_EQ(info.value("num_ack_pending", -1), 0);
}

TEST(NatsRead, AGroupWithoutCommitDoesNotMoveItsPosition) {
  const std::string topic = unique_name("nats", "t");
  Bus bus(nats_bus_options(shared_nats_url()));
  store_many(bus, topic, 1, 3);
  ReadOptions look;
  look.group = unique_name("nats", "reader");
  EXPECT_EQ(read_payloads(bus, topic, look).payloads, payloads(1, 3));
  EXPECT_EQ(read_payloads(bus, topic, look).payloads, payloads(1, 3));
  ReadOptions settle = look;
  settle.commit = true;
  EXPECT_EQ(read_payloads(bus, topic, settle, 1).payloads, payloads(1, 1));
  JetStreamProbe probe(shared_nats_url());
  const std::string info_of =
      "CONSUMER.INFO." + stream_of(topic) + "." + nats::consumer_name(look.group, topic);
  const auto before = probe.api(info_of);
  EXPECT_EQ(read_payloads(bus, topic, look).payloads, payloads(2, 3));
  EXPECT_EQ(read_payloads(bus, topic, look).payloads, payloads(2, 3));
  const auto after = probe.api(info_of);
  EXPECT_EQ(after["delivered"], before["delivered"]) << after.dump();
  EXPECT_EQ(after["ack_floor"], before["ack_floor"]) << after.dump();
  EXPECT_EQ(after.value("num_redelivered", -1), before.value("num_redelivered", -2));
  EXPECT_EQ(consumer_count(probe, stream_of(topic)), 1) << "the durable, and no reader left";
}

TEST(NatsRead, AnUnknownSubjectIsNamedAndNoStreamIsMade) {
  const std::string topic = unique_name("nats", "never");
  Bus bus(nats_bus_options(shared_nats_url()));
  int calls = 0;
  const ReadResult result = bus.read(topic, {}, [&](const StoredMessage&) {
    ++calls;
    return ReadStep::next;
  });
  EXPECT_EQ(result.error, errc::unknown_topic) << result.detail;
  EXPECT_NE(result.detail.find("no stream holds subject '" + topic + "'"), std::string::npos)
      << result.detail;
  ReadOptions group;
  group.group = "g";
  group.commit = true;
  EXPECT_EQ(bus.read(topic, group, [&](const StoredMessage&) { return ReadStep::next; }).error,
            errc::unknown_topic);
  EXPECT_EQ(calls, 0);
  JetStreamProbe probe(shared_nats_url());
  EXPECT_EQ(probe.stream(stream_of(topic)), nullptr);
}

TEST(NatsRead, AMessageStoredDuringTheReadIsNotRead) {
  const std::string topic = unique_name("nats", "t");
  Bus bus(nats_bus_options(shared_nats_url()));
  store_many(bus, topic, 1, 3);
  std::vector<std::string> seen;
  const ReadResult result = bus.read(topic, {}, [&](const StoredMessage& m) {
    seen.push_back(m.payload);
    if (seen.size() == 1) store(bus, topic, "late");
    return ReadStep::next;
  });
  ASSERT_FALSE(result.error) << result.detail;
  EXPECT_EQ(seen, payloads(1, 3));
  // A committing group stops there too, and the late one stays for its next read.
  ReadOptions settle;
  settle.group = unique_name("nats", "reader");
  settle.commit = true;
  EXPECT_EQ(read_payloads(bus, topic, settle, 1).payloads, payloads(1, 1));
  std::vector<std::string> rest;
  ASSERT_FALSE(bus.read(topic, settle,
                        [&](const StoredMessage& m) {
                          rest.push_back(m.payload);
                          if (rest.size() == 1) store(bus, topic, "later");
                          return ReadStep::next;
                        })
                   .error);
  EXPECT_EQ(rest, (std::vector<std::string>{"m2", "m3", "late"}));
}

TEST(NatsRead, BadOptionsAreRefusedBeforeTheServerIsAsked) {
  const std::string topic = unique_name("nats", "t");
  Bus bus(nats_bus_options(shared_nats_url()));
  const auto any = [](const StoredMessage&) { return ReadStep::next; };
  ReadOptions commit_alone;
  commit_alone.commit = true;
  const ReadResult refused = bus.read(topic, commit_alone, any);
  EXPECT_EQ(refused.error, errc::invalid_option);
  EXPECT_NE(refused.detail.find("group"), std::string::npos) << refused.detail;
  ReadOptions no_time;
  no_time.timeout = 0ms;
  EXPECT_EQ(bus.read(topic, no_time, any).error, errc::invalid_option);
  EXPECT_EQ(bus.read("bad topic*", {}, any).error, errc::invalid_topic);
}

TEST(NatsRead, TheDeadlineEndsAReadSayingHowFarItGot) {
  const std::string topic = unique_name("nats", "t");
  Bus bus(nats_bus_options(shared_nats_url()));
  store_many(bus, topic, 1, 3);
  ReadOptions options;
  options.timeout = 300ms;
  int calls = 0;
  const auto start = std::chrono::steady_clock::now();
  const ReadResult result = bus.read(topic, options, [&](const StoredMessage&) {
    ++calls;  // the first one outlasts the read's timeout
    poll_until(2s, [&] { return std::chrono::steady_clock::now() > start + 400ms; });
    return ReadStep::next;
  });
  EXPECT_EQ(result.error, errc::transport_error);
  EXPECT_EQ(result.read, 1u);
  EXPECT_EQ(calls, 1);
  EXPECT_NE(result.detail.find("after 1 messages"), std::string::npos) << result.detail;
  JetStreamProbe probe(shared_nats_url());
  EXPECT_EQ(consumer_count(probe, stream_of(topic)), 0);
}

TEST(NatsOwnServerRead, AFrozenServerEndsTheReadByItsDeadline) {
  BrokerProcess server(BrokerProcess::Kind::nats);
  const std::string topic = unique_name("nats", "t");
  Bus bus(nats_bus_options(server.address()));
  store_many(bus, topic, 1, 2);
  FrozenBroker frozen(server);
  ReadOptions options;
  options.timeout = 500ms;
  const auto start = std::chrono::steady_clock::now();
  const ReadResult result = read_payloads(bus, topic, options).result;
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.error, errc::transport_error) << result.detail;
  EXPECT_GE(took, 450ms);
  EXPECT_LT(took, 1500ms) << "no call outlasts the deadline by more than a few hundred ms";
  EXPECT_EQ(result.detail.find("nats://"), std::string::npos) << result.detail;
}

// The whole way on NATS: a handler gives up on a message, list shows it, and once the handler
// is fixed a replay hands it to the handler once more, as a replay.
TEST(NatsReadDeadLetters, ListedThenReplayedOnceToTheFixedHandler) {
  const std::string topic = unique_name("nats", "t");
  BusOptions options = nats_bus_options(shared_nats_url());
  options.dispatch.retry.max_attempts = 1;
  Signal signal;  // before the bus: its handler uses these until the bus is gone
  std::atomic<bool> fixed{false};
  int failures = 0;
  std::vector<std::string> replayed_ids;   // Nats-Msg-Id of what the fixed handler got
  std::vector<std::string> replay_counts;  // X-Replay-Count
  int marker_seen = 0;
  Bus bus(options);
  const Envelope broken = make_envelope("order-7", "OrderPlaced", 1, R"({"n":1})");
  const Envelope marker = make_envelope("order-7", "OrderPlaced", 2, R"({"n":2})");
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope& e, const Message& m) {
                                        if (e.event_id == marker.event_id) {
                                          signal.update([&] { ++marker_seen; });
                                          return HandlerResult::ok();
                                        }
                                        if (!fixed.load()) {
                                          signal.update([&] { ++failures; });
                                          return HandlerResult::fail("not yet");
                                        }
                                        std::string id, count;
                                        for (const auto& [name, value] : m.headers) {
                                          if (name == "Nats-Msg-Id") id = value;
                                          if (name == kReplayCountHeader) count = value;
                                        }
                                        signal.update([&] {
                                          replayed_ids.push_back(id);
                                          replay_counts.push_back(count);
                                        });
                                        return HandlerResult::ok();
                                      })
                   .error());
  ASSERT_FALSE(bus.publish_envelope_sync(topic, broken, 10s).error);
  ASSERT_TRUE(signal.wait_for(20s, [&] { return failures == 1; }));
  ASSERT_TRUE(poll_until(20s, [&] { return bus.stats().dead_lettered == 1; }));

  const DeadLetterReport listed = bus.list_dead_letters(topic);
  ASSERT_FALSE(listed.error) << listed.detail;
  ASSERT_EQ(listed.selected.size(), 1u);
  const DeadLetter& letter = listed.selected[0];
  EXPECT_EQ(letter.original_topic, topic);
  EXPECT_NE(letter.error.find("not yet"), std::string::npos) << letter.error;
  EXPECT_EQ(letter.attempts, 1u);
  EXPECT_EQ(letter.aggregate_id, "order-7");
  EXPECT_EQ(letter.event_id, broken.event_id);
  EXPECT_EQ(letter.replays, 0u);
  EXPECT_EQ(bus.list_dead_letters(topic).selected.size(), 1u) << "listing settles nothing";

  fixed = true;
  const DeadLetterReport report = bus.replay_dead_letters(topic);
  ASSERT_FALSE(report.error) << report.detail;
  EXPECT_EQ(report.replayed, 1u);
  EXPECT_EQ(report.read, 1u);
  // The marker shares the aggregate's lane: once it is handled, so is every replay before it.
  ASSERT_FALSE(bus.publish_envelope_sync(topic, marker, 10s).error);
  ASSERT_TRUE(signal.wait_for(20s, [&] { return marker_seen == 1; }));
  {
    std::lock_guard lock(signal.mutex());
    ASSERT_EQ(replayed_ids.size(), 1u) << "handled exactly once more";
    EXPECT_EQ(replayed_ids[0], broken.event_id + ":replay:1");
    EXPECT_EQ(replay_counts[0], "1");
  }
  const DeadLetterReport after = bus.list_dead_letters(topic);
  EXPECT_FALSE(after.error) << after.detail;
  EXPECT_TRUE(after.selected.empty()) << "the replayed dead letter is settled";
  EXPECT_EQ(bus.replay_dead_letters(topic).replayed, 0u);
  ASSERT_FALSE(bus.close(10s).error);
}

}  // namespace
}  // namespace eventbus::testing

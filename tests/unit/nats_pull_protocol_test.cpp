// SPDX-License-Identifier: Apache-2.0
// The pull protocol's words (requests, status messages, ack subjects, naks) and the window of
// messages owed, without a server: the statuses are the ones nats-server writes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "transport/nats/pull_protocol.hpp"
#include "transport/nats/pull_window.hpp"

namespace eventbus::nats {
namespace {

using namespace std::chrono_literals;
using Kind = PullStatus::Kind;

TEST(NatsPullRequest, AsksForABatchWithExpiryAndAHeartbeatOfHalfOfIt) {
  const auto body = nlohmann::json::parse(pull_request_body(256, 5000ms));
  EXPECT_EQ(body["batch"], 256);
  EXPECT_EQ(body["expires"], 5'000'000'000LL);
  EXPECT_EQ(body["idle_heartbeat"], 2'500'000'000LL);  // the server refuses more than half
  EXPECT_FALSE(body.contains("no_wait"));
  EXPECT_EQ(pull_heartbeat(1ms), 1ms);  // never 0, which would turn heartbeats off
}

TEST(NatsPullStatus, HeartbeatIsOnlyALifeSign) {
  EXPECT_EQ(classify_pull_status("100", "Idle Heartbeat", "").kind, Kind::heartbeat);
}

TEST(NatsPullStatus, ACountOfUnsentMessagesEndsOneRequest) {
  for (const char* words : {"Request Timeout", "Interest Expired"}) {
    const PullStatus s = classify_pull_status("408", words, "17");
    EXPECT_EQ(s.kind, Kind::request_ended) << words;
    EXPECT_EQ(s.unfilled, 17);
  }
  EXPECT_EQ(classify_pull_status("409", "Message Size Exceeds MaxBytes", "3").kind,
            Kind::request_ended);
  EXPECT_EQ(classify_pull_status("409", "Batch Completed", "0").unfilled, 0);
  EXPECT_EQ(classify_pull_status("423", "Nats-Wrong-Pin-Id", "256").kind, Kind::request_ended);
}

TEST(NatsPullStatus, EndsWithoutACountForgetEveryRequest) {
  EXPECT_EQ(classify_pull_status("404", "No Messages", "").kind, Kind::requests_forgotten);
  EXPECT_EQ(classify_pull_status("408", "Requests Pending", "").kind, Kind::requests_forgotten);
  EXPECT_EQ(classify_pull_status("409", "Leadership Change", "").kind, Kind::requests_forgotten);
  EXPECT_EQ(classify_pull_status("409", "Server Shutdown", "").kind, Kind::requests_forgotten);
}

TEST(NatsPullStatus, ConflictsSayWhatWasRefused) {
  EXPECT_EQ(classify_pull_status("409", "Consumer Deleted", "").kind, Kind::consumer_deleted);
  EXPECT_EQ(classify_pull_status("409", "Exceeded MaxWaiting", "").kind, Kind::max_waiting);
  const PullStatus batch = classify_pull_status("409", "Exceeded MaxRequestBatch of 100", "");
  EXPECT_EQ(batch.kind, Kind::batch_limit);
  EXPECT_EQ(batch.limit, 100);
  EXPECT_EQ(classify_pull_status("409", "Exceeded MaxRequestBatch of x", "").kind, Kind::refused);
  EXPECT_EQ(classify_pull_status("409", "Consumer is push based", "").kind, Kind::refused);
  EXPECT_EQ(classify_pull_status("409", "Exceeded MaxRequestExpires of 1s", "").kind,
            Kind::refused);
  EXPECT_EQ(classify_pull_status("400", "Bad Request - heartbeat value too large", "").kind,
            Kind::refused);
  EXPECT_EQ(classify_pull_status("418", "", "").kind, Kind::refused);
  EXPECT_EQ(classify_pull_status("408", "Request Timeout", "many").kind,
            Kind::requests_forgotten);  // an unreadable count is no count
}

TEST(NatsAckSubject, ReadsDeliveriesAndStreamSequenceInBothLayouts) {
  const auto v1 = parse_ack_subject("$JS.ACK.EB_orders.g-unified_orders.3.1042.977.1700000000.5");
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->delivered, 3u);
  EXPECT_EQ(v1->stream_sequence, 1042u);
  const auto v2 = parse_ack_subject("$JS.ACK.hub.ACCHASH.S.C.1.7.7.1700000000.0.tok");
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->delivered, 1u);
  EXPECT_EQ(v2->stream_sequence, 7u);
  EXPECT_TRUE(parse_ack_subject("$JS.ACK.hub.ACCHASH.S.C.1.7.7.1700000000.0"));
}

TEST(NatsAckSubject, RefusesWhatIsNotAnAckSubject) {
  EXPECT_FALSE(parse_ack_subject("_INBOX.abc"));
  EXPECT_FALSE(parse_ack_subject("$JS.ACK.S.C.1.2.3.4"));      // 6 tokens
  EXPECT_FALSE(parse_ack_subject("$JS.ACK.a.b.S.C.1.2.3.4"));  // 8 tokens
  EXPECT_FALSE(parse_ack_subject("$JS.ACK.S.C.x.2.3.4.5"));    // not a number
  EXPECT_FALSE(parse_ack_subject("$JS.ACK.S.C.1..3.4.5"));     // empty sequence
}

TEST(NatsConsumerPresence, TheInfoAnswerSaysWhetherTheConsumerIsThere) {
  EXPECT_EQ(consumer_presence(R"({"type":"io.nats.jetstream.api.v1.consumer_info_response",
      "stream_name":"S","name":"C","config":{"durable_name":"C"}})"),
            ConsumerPresence::present);
  EXPECT_EQ(consumer_presence(R"({"type":"io.nats.jetstream.api.v1.consumer_info_response",
      "error":{"code":404,"err_code":10014,"description":"consumer not found"}})"),
            ConsumerPresence::missing);
  EXPECT_EQ(consumer_presence(R"({"error":{"code":503,"err_code":10039,
      "description":"jetstream not enabled for account"}})"),
            ConsumerPresence::unknown);
  EXPECT_EQ(consumer_presence("not json"), ConsumerPresence::unknown);
  EXPECT_EQ(consumer_presence(""), ConsumerPresence::unknown);
}

TEST(NatsAck, NakCarriesItsDelayInNanoseconds) {
  EXPECT_EQ(nak_with_delay(1500ms), "-NAK {\"delay\":1500000000}");
  EXPECT_EQ(kAck, "+ACK");
  EXPECT_EQ(kInProgress, "+WPI");
}

TEST(NatsPullWindow, AsksWhileNoMoreThanHalfABatchIsOwed) {
  PullWindow w(10);
  EXPECT_TRUE(w.wants_request());
  w.requested();
  EXPECT_FALSE(w.wants_request());
  for (int i = 0; i < 4; ++i)
    w.received();
  EXPECT_FALSE(w.wants_request());  // 6 owed
  w.received();
  EXPECT_TRUE(w.wants_request());  // 5 owed: the second request goes out
  w.requested();
  EXPECT_EQ(w.owed(), 15);  // never more than one and a half batches
}

TEST(NatsPullWindow, EndsRefusalsAndForgettingTakeBackWhatWillNotCome) {
  PullWindow w(10);
  w.requested();
  w.requested();
  w.ended(7);
  EXPECT_EQ(w.owed(), 13);
  w.refused();
  EXPECT_EQ(w.owed(), 3);
  w.ended(50);
  EXPECT_EQ(w.owed(), 0);  // never below nothing
  w.received();
  EXPECT_EQ(w.owed(), 0);
  w.requested();
  w.forget();
  EXPECT_EQ(w.owed(), 0);
}

TEST(NatsPullWindow, ABatchLimitOnlyLowersTheBatch) {
  PullWindow w(256);
  w.limit_batch(100);
  EXPECT_EQ(w.batch(), 100);
  w.limit_batch(500);
  EXPECT_EQ(w.batch(), 100);
  w.limit_batch(0);
  EXPECT_EQ(w.batch(), 1);
}

}  // namespace
}  // namespace eventbus::nats

// SPDX-License-Identifier: Apache-2.0
// A stored message read as a dead letter, and what a filter selects.
#include <gtest/gtest.h>

#include "eventbus/codec.hpp"
#include "eventbus/dead_letters.hpp"

namespace eventbus {
namespace {

using namespace std::chrono_literals;

StoredMessage stored_dead_letter(Headers extra = {}) {
  StoredMessage m;
  m.topic = "orders.dlq";
  m.key = "order-7";
  m.payload = "not an envelope";
  m.headers = {{"X-DLQ-Original-Topic", "orders"},
               {"X-DLQ-Error", "poison"},
               {"X-DLQ-Error-Code", "eventbus:24"},
               {"X-DLQ-Attempts", "3"}};
  m.headers.insert(m.headers.end(), extra.begin(), extra.end());
  m.stored_at = std::chrono::system_clock::time_point(1000s);
  return m;
}

TEST(DeadLetter, HeadersSayWhatHappened) {
  const DeadLetter letter =
      dead_letter_from(stored_dead_letter({{"X-Replay-Count", "2"}, {"X-Event-ID", "e-1"}}));
  EXPECT_EQ(letter.original_topic, "orders");
  EXPECT_EQ(letter.error, "poison");
  EXPECT_EQ(letter.error_code, "eventbus:24");
  EXPECT_EQ(letter.attempts, 3u);
  EXPECT_EQ(letter.replays, 2u);
  EXPECT_EQ(letter.event_id, "e-1");
  EXPECT_EQ(letter.aggregate_id, "order-7") << "no X-Aggregate-ID, no envelope: the key";
  EXPECT_EQ(letter.stored.payload, "not an envelope");
}

TEST(DeadLetter, IdentityComesFromTheEnvelopeWhenNoHeaderCarriesIt) {
  StoredMessage m = stored_dead_letter();
  const Envelope e = make_envelope("customer-3", "Created", 1, "{}");
  m.payload.clear();
  ASSERT_FALSE(encode(e, m.payload));
  m.key.clear();
  const DeadLetter letter = dead_letter_from(m);
  EXPECT_EQ(letter.aggregate_id, "customer-3");
  EXPECT_EQ(letter.event_id, e.event_id);
}

TEST(DeadLetter, ACountThatIsNotANumberReadsAsZero) {
  const DeadLetter letter = dead_letter_from(stored_dead_letter({{"X-Replay-Count", "2x"}}));
  EXPECT_EQ(letter.replays, 0u);
  EXPECT_EQ(dead_letter_from(StoredMessage{}).original_topic, "") << "kept, never dropped";
}

TEST(DeadLetterFilter, EachSetFieldMustMatch) {
  const DeadLetter letter = dead_letter_from(stored_dead_letter({{"X-Event-ID", "e-1"}}));
  EXPECT_TRUE(DeadLetterFilter{}.matches(letter));
  DeadLetterFilter f;
  f.error_code = "eventbus:24";
  EXPECT_TRUE(f.matches(letter));
  f.error_code = "handler_failed";  // the errc name of eventbus:24
  EXPECT_TRUE(f.matches(letter));
  f.error_code = "malformed_json";
  EXPECT_FALSE(f.matches(letter));
  f = {};
  f.aggregate_id = "order-7";
  f.event_id = "e-1";
  EXPECT_TRUE(f.matches(letter));
  f.event_id = "e-2";
  EXPECT_FALSE(f.matches(letter));
}

TEST(DeadLetterFilter, TimeRangeIncludesSinceAndExcludesUntil) {
  const DeadLetter letter = dead_letter_from(stored_dead_letter());
  DeadLetterFilter f;
  f.since = letter.stored.stored_at;
  EXPECT_TRUE(f.matches(letter));
  f.until = letter.stored.stored_at;
  EXPECT_FALSE(f.matches(letter));
  f.since.reset();
  f.until = letter.stored.stored_at + 1ms;
  EXPECT_TRUE(f.matches(letter));
}

}  // namespace
}  // namespace eventbus

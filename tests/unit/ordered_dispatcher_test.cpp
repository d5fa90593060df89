// SPDX-License-Identifier: Apache-2.0
// OrderedDispatcher: order within a key, parallelism across keys, retries inside the lane,
// dead letters, push-back on a full lane, and bounded draining, with exactly one ack or nack
// per delivery. Every wait is bounded and fails the test when it expires.
#include "core/dispatch/ordered_dispatcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "eventbus/error.hpp"
#include "support/threads.hpp"
#include "support/wait.hpp"

namespace {

using namespace std::chrono_literals;
using eventbus::DispatchOptions;
using eventbus::errc;
using eventbus::HandlerResult;
using eventbus::core::Delivery;
using eventbus::core::DispatchCounters;
using eventbus::core::MessageRoute;
using eventbus::core::OrderedDispatcher;
using eventbus::testing::Signal;
using Clock = std::chrono::steady_clock;
using Events = std::vector<std::string>;

constexpr std::chrono::milliseconds kBound = 5s;  // how long a test waits for what must happen

// Every handler run, dead letter, ack and nack, in the order they happened, and per delivery
// how many verdicts it got.
class Journal {
 public:
  struct DeadLetter {
    std::string name;
    std::error_code code;
    std::string reason;
    std::uint32_t attempts = 0;
  };

  std::size_t add(std::string name) {
    std::size_t id = 0;
    signal_.update([&] {
      id = entries_.size();
      entries_.push_back({std::move(name)});
    });
    return id;
  }
  void note(std::string event) {
    signal_.update([&] { events_.push_back(std::move(event)); });
  }
  void verdict(std::size_t id, bool ack) {
    signal_.update([&] {
      Entry& e = entries_[id];
      (ack ? e.acks : e.nacks) += 1;
      if (e.acks + e.nacks == 1) ++settled_;
      events_.push_back((ack ? "ack " : "nack ") + e.name);
    });
  }
  void destroyed(std::size_t id) {
    signal_.update([&] {
      if (entries_[id].acks + entries_[id].nacks == 0) dropped_.push_back(entries_[id].name);
    });
  }
  void dead_letter(DeadLetter letter) {
    signal_.update([&] {
      events_.push_back("dlq " + letter.name);
      dead_letters_.push_back(std::move(letter));
    });
  }

  bool wait_settled(std::size_t count, std::chrono::milliseconds bound = kBound) {
    return signal_.wait_for(bound, [&] { return settled_ >= count; });
  }
  bool wait_for_event(const std::string& event) {
    return signal_.wait_for(kBound, [&] { return count_locked(event) > 0; });
  }
  // Waits until `count` events start with `prefix`.
  bool wait_for_events(const std::string& prefix, std::size_t count) {
    return signal_.wait_for(kBound, [&] { return count_locked(prefix) >= count; });
  }

  int acks(const std::string& name) {
    return locked([&] { return entry(name).acks; });
  }
  int nacks(const std::string& name) {
    return locked([&] { return entry(name).nacks; });
  }
  std::size_t total(bool acked) {
    return locked([&] {
      std::size_t n = 0;
      for (const Entry& e : entries_)
        n += acked ? e.acks : e.nacks;
      return n;
    });
  }
  // Deliveries with no verdict or several.
  Events not_settled_once() {
    return locked([&] {
      Events out;
      for (const Entry& e : entries_) {
        if (e.acks + e.nacks != 1) out.push_back(e.name + " x" + std::to_string(e.acks + e.nacks));
      }
      return out;
    });
  }
  // Deliveries the dispatcher destroyed before giving them a verdict: lost messages.
  Events dropped() {
    return locked([&] { return dropped_; });
  }
  // The events about the deliveries of `key` ("run k#0 a1", "dlq k#0", "ack k#0", ...).
  Events events_of(const std::string& key) {
    return locked([&] {
      Events out;
      for (const std::string& event : events_) {
        const std::size_t name = event.find(' ') + 1;
        if (event.compare(name, key.size() + 1, key + "#") == 0) out.push_back(event);
      }
      return out;
    });
  }
  std::vector<DeadLetter> dead_letters() {
    return locked([&] { return dead_letters_; });
  }

 private:
  struct Entry {
    std::string name;
    int acks = 0;
    int nacks = 0;
  };
  template <typename F>
  auto locked(F f) -> decltype(f()) {
    std::lock_guard lock(signal_.mutex());
    return f();
  }
  std::size_t count_locked(const std::string& prefix) const {
    return std::count_if(events_.begin(), events_.end(),
                         [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
  }
  Entry& entry(const std::string& name) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const Entry& e) { return e.name == name; });
    if (it == entries_.end()) throw std::logic_error("no delivery " + name);
    return *it;
  }

  Signal signal_;
  std::vector<Entry> entries_;
  Events events_, dropped_;
  std::vector<DeadLetter> dead_letters_;
  std::size_t settled_ = 0;
};

// A delivery named "<key>#<seq>" that reports its verdicts and its destruction to the journal.
class FakeDelivery final : public Delivery {
 public:
  FakeDelivery(Journal& journal, const std::string& aggregate, int sequence, std::size_t index)
      : seq(sequence), tag(index), journal_(journal) {
    topic = "orders";
    key = lane_key = aggregate;
    payload = aggregate + "#" + std::to_string(sequence);
    id_ = journal_.add(payload);
  }
  ~FakeDelivery() override { journal_.destroyed(id_); }
  void ack() noexcept override { journal_.verdict(id_, true); }
  void nack() noexcept override { journal_.verdict(id_, false); }
  const std::string& name() const { return payload; }

  const int seq;
  const std::size_t tag;  // free for the test, e.g. the key's index

 private:
  Journal& journal_;
  std::size_t id_ = 0;
};

// Runs the test's script as the handler; records dead letters, which can be told to fail.
class FakeRoute final : public MessageRoute {
 public:
  using Script = std::function<HandlerResult(const FakeDelivery&, std::uint32_t attempt)>;
  explicit FakeRoute(Journal& journal) : journal_(journal) {}

  HandlerResult handle(const Delivery& delivery, std::uint32_t attempt) noexcept override {
    const auto& fake = static_cast<const FakeDelivery&>(delivery);
    if (log_runs) journal_.note("run " + fake.name() + " a" + std::to_string(attempt));
    return script(fake, attempt);
  }
  bool dead_letter(const Delivery& delivery, const HandlerResult& why,
                   std::uint32_t attempts) noexcept override {
    const auto& fake = static_cast<const FakeDelivery&>(delivery);
    journal_.dead_letter({fake.name(), why.code, why.reason, attempts});
    return dead_letter_works.load();
  }
  void finished(const Delivery&) noexcept override { finished_count.fetch_add(1); }

  Script script = [](const FakeDelivery&, std::uint32_t) { return HandlerResult::ok(); };
  bool log_runs = true;
  std::atomic<bool> dead_letter_works{true};
  std::atomic<int> finished_count{0};  // what health()'s in_progress counts out

 private:
  Journal& journal_;
};

// A handler parks on a gate until the test opens it; bounded, so a broken test cannot hang.
class Gate {
 public:
  void open() {
    signal_.update([&] { open_ = true; });
  }
  bool is_open() {
    std::lock_guard lock(signal_.mutex());
    return open_;
  }
  HandlerResult pass() {
    if (signal_.wait_for(kBound, [&] { return open_; })) return HandlerResult::ok();
    ADD_FAILURE() << "the gate was never opened";
    return HandlerResult::fail("gate timeout");
  }

 private:
  Signal signal_;
  bool open_ = false;
};

std::unique_ptr<FakeDelivery> make_delivery(Journal& journal, FakeRoute& route,
                                            const std::string& key, int seq,
                                            std::uint32_t delivery_count = 1, std::size_t tag = 0) {
  auto delivery = std::make_unique<FakeDelivery>(journal, key, seq, tag);
  delivery->route = &route;
  delivery->delivery_count = delivery_count;
  return delivery;
}

// The dispatcher and everything it uses, declared so that the dispatcher stops first.
struct Harness {
  explicit Harness(const DispatchOptions& options) : dispatcher(options, counters) {}

  bool submit(const std::string& key, int seq, std::uint32_t delivery_count = 1,
              std::size_t tag = 0) {
    return dispatcher.submit(make_delivery(journal, route, key, seq, delivery_count, tag));
  }
  // A key "<prefix><n>" on a lane not in `taken`; adds its lane to `taken`.
  std::string key_on_new_lane(const std::string& prefix, std::set<std::size_t>& taken) {
    for (int n = 0;; ++n) {
      std::string key = prefix + std::to_string(n);
      if (taken.insert(dispatcher.lane_of(key)).second) return key;
    }
  }
  void expect_every_delivery_settled_once() {
    EXPECT_EQ(journal.not_settled_once(), Events{});
    EXPECT_EQ(journal.dropped(), Events{});
  }

  Journal journal;
  Gate gate;
  FakeRoute route{journal};
  DispatchCounters counters;
  OrderedDispatcher dispatcher;
};

DispatchOptions options(std::size_t lanes, std::size_t workers, std::uint32_t max_attempts = 3,
                        std::chrono::milliseconds backoff = 1ms) {
  DispatchOptions o;
  o.lanes = lanes;
  o.workers = workers;
  o.retry.max_attempts = max_attempts;
  o.retry.initial_backoff = backoff;
  o.retry.max_backoff = 100 * backoff;
  return o;
}

struct Count {
  std::uint64_t delivered, handled, retried, dead_lettered, abandoned;
  friend bool operator==(const Count&, const Count&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Count& c) {
    return os << "{delivered " << c.delivered << ", handled " << c.handled << ", retried "
              << c.retried << ", dead_lettered " << c.dead_lettered << ", abandoned " << c.abandoned
              << "}";
  }
};
Count count(const DispatchCounters& c) {
  return {c.delivered.load(), c.handled.load(), c.retried.load(), c.dead_lettered.load(),
          c.abandoned.load()};
}

// Warms up once, then lets the warm-up thread leave /proc: a thread joined just before a count
// can still be listed there. (Under TSan its background thread stays, counted in every figure.)
std::size_t thread_count() {
  static const bool warmed = [] {
    const std::size_t before = eventbus::testing::process_thread_count();
    eventbus::testing::warm_up_threads();
    eventbus::testing::thread_count_settling_at(before, std::chrono::milliseconds(100));
    return true;
  }();
  (void)warmed;
  return eventbus::testing::process_thread_count();
}
bool thread_count_becomes(std::size_t expected) {
  return eventbus::testing::thread_count_settling_at(expected, kBound) == expected;
}

// Gives a thread that is about to block in submit() the chance to get there. Not
// synchronisation: the assertions hold whatever the timing; this only makes it likely that a
// submit() which fails to block is caught.
void let_it_block() {
  std::this_thread::sleep_for(50ms);
}

TEST(OrderedDispatcher, EachKeyIsHandledInSubmitOrderUnderParallelLoad) {
  constexpr int kKeys = 200, kPerKey = 50, kSubmitters = 4;
  std::vector<std::atomic<int>> next(kKeys), inside(kKeys);
  std::atomic<int> order_violations{0}, overlaps{0};
  DispatchOptions o = options(16, 4);
  o.lane_capacity = 4;  // small, so submitters are pushed back too
  Harness h(o);
  h.route.log_runs = false;
  h.route.script = [&](const FakeDelivery& d, std::uint32_t) {
    if (inside[d.tag].fetch_add(1) != 0) ++overlaps;
    if (next[d.tag].exchange(d.seq + 1) != d.seq) ++order_violations;
    inside[d.tag].fetch_sub(1);
    return HandlerResult::ok();
  };
  std::vector<std::thread> submitters;
  std::atomic<int> refused{0};
  for (int t = 0; t < kSubmitters; ++t) {
    submitters.emplace_back([&, t] {
      for (int seq = 0; seq < kPerKey; ++seq) {
        for (int k = t; k < kKeys; k += kSubmitters) {
          if (!h.submit("agg-" + std::to_string(k), seq, 1, k)) ++refused;
        }
      }
    });
  }
  for (auto& s : submitters)
    s.join();
  constexpr std::size_t kTotal = kKeys * kPerKey;
  ASSERT_TRUE(h.journal.wait_settled(kTotal, 4 * kBound));
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(order_violations.load(), 0);
  EXPECT_EQ(overlaps.load(), 0) << "two messages of one key ran at the same time";
  for (int k = 0; k < kKeys; ++k)
    EXPECT_EQ(next[k].load(), kPerKey) << k;
  EXPECT_EQ(h.journal.total(true), kTotal);
  EXPECT_EQ(h.journal.total(false), 0u);
  EXPECT_EQ(count(h.counters), (Count{kTotal, kTotal, 0, 0, 0}));
  EXPECT_EQ(h.dispatcher.drain(Clock::now() + kBound).stuck_handlers, 0u);
  h.expect_every_delivery_settled_once();
}

TEST(OrderedDispatcher, KeysOnDifferentLanesRunAtTheSameTime) {
  Harness h(options(16, 2));
  std::set<std::size_t> lanes;
  const std::string a = h.key_on_new_lane("a", lanes), b = h.key_on_new_lane("b", lanes);
  std::atomic<int> met{0};
  // Each handler waits until the other has started: this only passes when they overlap.
  h.route.script = [&](const FakeDelivery& d, std::uint32_t) {
    const std::string other = d.key == a ? b : a;
    if (h.journal.wait_for_event("run " + other + "#0")) ++met;
    return HandlerResult::ok();
  };
  ASSERT_TRUE(h.submit(a, 0));
  ASSERT_TRUE(h.submit(b, 0));
  ASSERT_TRUE(h.journal.wait_settled(2, 2 * kBound));
  EXPECT_EQ(met.load(), 2) << "the two lanes ran one after the other";
  EXPECT_EQ(h.journal.acks(a + "#0"), 1);
  EXPECT_EQ(h.journal.acks(b + "#0"), 1);
}

TEST(OrderedDispatcher, EmptyKeysAreSpreadRoundRobinOverTheLanes) {
  DispatchCounters counters;
  OrderedDispatcher dispatcher(options(5, 1), counters);
  std::vector<int> per_lane(5);
  std::size_t previous = dispatcher.lane_of("");
  ++per_lane[previous];
  for (int i = 1; i < 10; ++i) {
    const std::size_t lane = dispatcher.lane_of("");
    EXPECT_EQ(lane, (previous + 1) % 5);
    ++per_lane[lane];
    previous = lane;
  }
  EXPECT_EQ(per_lane, (std::vector<int>{2, 2, 2, 2, 2}));
  EXPECT_EQ(dispatcher.lane_of("order-7"), dispatcher.lane_of("order-7")) << "keys are stable";
}

TEST(OrderedDispatcher, MessagesWithoutKeyRunInParallelOnSeparateLanes) {
  Harness h(options(4, 4));
  std::atomic<int> met{0};
  // Four key-less messages on four workers: each waits until all four have started, which can
  // only happen when round robin put them on four different lanes.
  h.route.script = [&](const FakeDelivery&, std::uint32_t) {
    if (h.journal.wait_for_events("run #", 4)) ++met;
    return HandlerResult::ok();
  };
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(h.submit("", i));
  ASSERT_TRUE(h.journal.wait_settled(4, 5 * kBound));
  EXPECT_EQ(met.load(), 4);
  EXPECT_EQ(h.journal.total(true), 4u);
}

TEST(OrderedDispatcher, RetriesInLaneKeepLaterEventsOfTheAggregateWaitingWhileOtherKeysProceed) {
  constexpr auto kBackoff = 100ms;
  Signal first_failure;
  bool failed_once = false;
  std::atomic<std::uint32_t> f_attempts{0};
  std::atomic<int> ran_during_backoff{0};
  std::vector<Clock::time_point> starts(4), ends(4);
  Harness h(options(8, 1, 3, kBackoff));  // one worker: it must not sleep through a backoff
  std::set<std::size_t> lanes;
  const std::string f = h.key_on_new_lane("failing", lanes), o = h.key_on_new_lane("other", lanes);
  h.route.script = [&](const FakeDelivery& d, std::uint32_t attempt) {
    if (d.key == o) {
      if (f_attempts.load() == 1) ++ran_during_backoff;
      return HandlerResult::ok();
    }
    if (d.seq != 0) return HandlerResult::ok();
    f_attempts = attempt;
    starts[attempt] = Clock::now();
    HandlerResult result = attempt < 3 ? HandlerResult::fail("not yet") : HandlerResult::ok();
    ends[attempt] = Clock::now();
    if (attempt == 1) first_failure.update([&] { failed_once = true; });
    return result;
  };
  ASSERT_TRUE(h.submit(f, 0));
  ASSERT_TRUE(h.submit(f, 1));
  ASSERT_TRUE(first_failure.wait_for(kBound, [&] { return failed_once; }));
  // Five empty handlers take far less than the 100 ms backoff: they must all run inside it.
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(h.submit(o, i));
  ASSERT_TRUE(h.journal.wait_settled(7));
  EXPECT_EQ(h.journal.events_of(f),
            (Events{"run " + f + "#0 a1", "run " + f + "#0 a2", "run " + f + "#0 a3",
                    "ack " + f + "#0", "run " + f + "#1 a1", "ack " + f + "#1"}));
  EXPECT_EQ(ran_during_backoff.load(), 5) << "other keys waited for the failing key's backoff";
  EXPECT_GE(starts[2] - ends[1], kBackoff);
  EXPECT_GE(starts[3] - ends[2], 2 * kBackoff);
  EXPECT_EQ(count(h.counters), (Count{7, 7, 2, 0, 0}));
  h.expect_every_delivery_settled_once();
}

// Many lanes backing off at once, on several workers: each timer fires once and every message
// ends acked. (Under ASan this also catches a worker waiting on a timer that another worker's
// push has moved.)
TEST(OrderedDispatcher, ManyLanesRetryingAtOnceEachGetTheirRetry) {
  constexpr int kRounds = 30, kKeys = 64;
  for (int round = 0; round < kRounds; ++round) {
    Harness h(options(64, 4, 4, 1ms));
    h.route.log_runs = false;
    h.route.script = [](const FakeDelivery&, std::uint32_t attempt) {
      return attempt < 3 ? HandlerResult::fail("again") : HandlerResult::ok();
    };
    for (int k = 0; k < kKeys; ++k)
      ASSERT_TRUE(h.submit("r" + std::to_string(k), 0));
    ASSERT_TRUE(h.journal.wait_settled(kKeys)) << "round " << round;
    ASSERT_EQ(count(h.counters), (Count{kKeys, kKeys, 2 * kKeys, 0, 0})) << "round " << round;
  }
}

TEST(OrderedDispatcher, HandlerAttemptCountsEarlierBrokerDeliveries) {
  Harness h(options(4, 1, 2));
  h.route.script = [](const FakeDelivery&, std::uint32_t) { return HandlerResult::fail("no"); };
  ASSERT_TRUE(h.submit("k", 0, /*delivery_count=*/3));
  ASSERT_TRUE(h.journal.wait_settled(1));
  EXPECT_EQ(h.journal.events_of("k"), (Events{"run k#0 a3", "run k#0 a4", "dlq k#0", "ack k#0"}));
  ASSERT_EQ(h.journal.dead_letters().size(), 1u);
  EXPECT_EQ(h.journal.dead_letters()[0].attempts, 2u) << "attempts in this lane";
}

TEST(OrderedDispatcher, AfterMaxAttemptsTheMessageIsDeadLetteredThenAckedAndTheKeyMovesOn) {
  Harness h(options(4, 2, 3));
  h.route.script = [](const FakeDelivery& d, std::uint32_t) {
    return d.seq == 0 ? HandlerResult::fail("boom") : HandlerResult::ok();
  };
  ASSERT_TRUE(h.submit("k", 0));
  ASSERT_TRUE(h.submit("k", 1));
  ASSERT_TRUE(h.journal.wait_settled(2));
  EXPECT_EQ(h.journal.events_of("k"), (Events{"run k#0 a1", "run k#0 a2", "run k#0 a3", "dlq k#0",
                                              "ack k#0", "run k#1 a1", "ack k#1"}));
  const auto letters = h.journal.dead_letters();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].attempts, 3u);
  EXPECT_EQ(letters[0].code, errc::handler_failed);
  EXPECT_EQ(letters[0].reason, "boom");
  EXPECT_EQ(count(h.counters), (Count{2, 1, 2, 1, 0}));
  h.expect_every_delivery_settled_once();
}

TEST(OrderedDispatcher, PoisonResultIsDeadLetteredAtOnceWithoutRetries) {
  Harness h(options(4, 1, 5));
  h.route.script = [](const FakeDelivery& d, std::uint32_t) -> HandlerResult {
    if (d.seq == 0) return make_error_code(errc::invalid_aggregate_id);
    return HandlerResult::ok();
  };
  ASSERT_TRUE(h.submit("k", 0));
  ASSERT_TRUE(h.submit("k", 1));
  ASSERT_TRUE(h.journal.wait_settled(2));
  EXPECT_EQ(h.journal.events_of("k"),
            (Events{"run k#0 a1", "dlq k#0", "ack k#0", "run k#1 a1", "ack k#1"}));
  const auto letters = h.journal.dead_letters();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].attempts, 1u);
  EXPECT_EQ(letters[0].code, errc::invalid_aggregate_id);
  EXPECT_EQ(count(h.counters), (Count{2, 1, 0, 1, 0}));
}

TEST(OrderedDispatcher, FailedDeadLetterNacksInsteadOfAcking) {
  Harness h(options(4, 1, 2));
  h.route.dead_letter_works = false;
  h.route.script = [](const FakeDelivery& d, std::uint32_t) {
    return d.seq == 0 ? HandlerResult::fail("boom") : HandlerResult::ok();
  };
  ASSERT_TRUE(h.submit("k", 0));
  ASSERT_TRUE(h.submit("k", 1));
  ASSERT_TRUE(h.journal.wait_settled(2));
  EXPECT_EQ(h.journal.events_of("k"),
            (Events{"run k#0 a1", "run k#0 a2", "dlq k#0", "nack k#0", "run k#1 a1", "ack k#1"}));
  EXPECT_EQ(count(h.counters), (Count{2, 1, 1, 0, 0}));
  h.expect_every_delivery_settled_once();
}

TEST(OrderedDispatcher, DeadLetteringOffNacksAfterTheLastAttempt) {
  DispatchOptions o = options(4, 1, 2);
  o.dead_letter = false;
  Harness h(o);
  h.route.script = [](const FakeDelivery& d, std::uint32_t) -> HandlerResult {
    if (d.seq == 0) return HandlerResult::fail("boom");
    if (d.seq == 1) return make_error_code(errc::malformed_json);  // poison: no retry either
    return HandlerResult::ok();
  };
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(h.submit("k", i));
  ASSERT_TRUE(h.journal.wait_settled(3));
  EXPECT_EQ(h.journal.events_of("k"), (Events{"run k#0 a1", "run k#0 a2", "nack k#0", "run k#1 a1",
                                              "nack k#1", "run k#2 a1", "ack k#2"}));
  EXPECT_TRUE(h.journal.dead_letters().empty());
  EXPECT_EQ(count(h.counters), (Count{3, 1, 1, 0, 0}));
}

TEST(OrderedDispatcher, CountersAddUpOverAMixOfOutcomes) {
  Harness h(options(8, 3, 2));
  // Per key i: 0 succeeds, 1 is poison, 2 always fails, 3 fails once then succeeds.
  h.route.script = [](const FakeDelivery& d, std::uint32_t attempt) -> HandlerResult {
    switch (d.tag % 4) {
      case 1:
        return make_error_code(errc::invalid_payload);
      case 2:
        return HandlerResult::fail("always");
      case 3:
        return attempt == 1 ? HandlerResult::fail("once") : HandlerResult::ok();
      default:
        return HandlerResult::ok();
    }
  };
  for (std::size_t i = 0; i < 40; ++i)
    ASSERT_TRUE(h.submit("m" + std::to_string(i), 0, 1, i));
  ASSERT_TRUE(h.journal.wait_settled(40));
  EXPECT_EQ(count(h.counters), (Count{40, 20, 20, 20, 0}));
  EXPECT_EQ(h.journal.total(true), 40u);
  EXPECT_EQ(h.journal.dead_letters().size(), 20u);
  EXPECT_EQ(h.dispatcher.drain(Clock::now() + kBound).abandoned, 0u);
  EXPECT_EQ(h.dispatcher.queued(), 0u);
  EXPECT_EQ(h.dispatcher.lanes_busy(), 0u);
  h.expect_every_delivery_settled_once();
}

TEST(OrderedDispatcher, FullLanePushesBackTheSubmitterUntilAHandlerFinishes) {
  DispatchOptions o = options(1, 1);
  o.lane_capacity = 2;  // the running head counts
  Harness h(o);
  h.route.script = [&](const FakeDelivery& d, std::uint32_t) {
    return d.seq == 0 ? h.gate.pass() : HandlerResult::ok();
  };
  ASSERT_TRUE(h.submit("k", 0));
  ASSERT_TRUE(h.journal.wait_for_event("run k#0 a1"));
  ASSERT_TRUE(h.submit("k", 1));  // the lane is full now
  std::thread opener([&] {
    let_it_block();
    h.gate.open();
  });
  EXPECT_TRUE(h.submit("k", 2));  // blocks until k#0 is finished
  const int head_acks_at_return = h.journal.acks("k#0");
  opener.join();
  EXPECT_EQ(head_acks_at_return, 1) << "submit() did not wait for room in the full lane";
  ASSERT_TRUE(h.journal.wait_settled(3));
  EXPECT_EQ(h.journal.events_of("k"),
            (Events{"run k#0 a1", "ack k#0", "run k#1 a1", "ack k#1", "run k#2 a1", "ack k#2"}));
}

TEST(OrderedDispatcher, StopIntakeUnblocksABlockedSubmitterAndNacks) {
  DispatchOptions o = options(1, 1);
  o.lane_capacity = 2;
  Harness h(o);
  h.route.script = [&](const FakeDelivery& d, std::uint32_t) {
    return d.seq == 0 ? h.gate.pass() : HandlerResult::ok();
  };
  ASSERT_TRUE(h.submit("k", 0));
  ASSERT_TRUE(h.journal.wait_for_event("run k#0 a1"));
  ASSERT_TRUE(h.submit("k", 1));
  auto blocked = std::async(std::launch::async, [&] { return h.submit("k", 2); });
  let_it_block();
  h.dispatcher.stop_intake();
  if (blocked.wait_for(kBound) != std::future_status::ready) {
    h.gate.open();  // makes room, so the submitter returns and the test can end
    FAIL() << "stop_intake() left the submitter blocked";
  }
  EXPECT_FALSE(blocked.get());
  EXPECT_EQ(h.journal.nacks("k#2"), 1);
  EXPECT_FALSE(h.gate.is_open());
  EXPECT_EQ(h.journal.acks("k#0") + h.journal.nacks("k#0"), 0) << "k#0 is still running";
  EXPECT_FALSE(h.submit("k", 3)) << "submit() after stop_intake() must refuse";
  EXPECT_EQ(h.journal.nacks("k#3"), 1);
  h.gate.open();
  const auto report = h.dispatcher.drain(Clock::now() + kBound);
  EXPECT_EQ(report.stuck_handlers, 0u);
  EXPECT_EQ(report.abandoned, 0u) << "stop_intake() must not abandon what is queued";
  EXPECT_EQ(h.journal.acks("k#0"), 1);
  EXPECT_EQ(h.journal.acks("k#1"), 1);
  h.expect_every_delivery_settled_once();
}

TEST(OrderedDispatcher, DrainRunsEverythingQueuedWhenThereIsTime) {
  const std::size_t threads_before = thread_count();
  Harness h(options(8, 2, 3, 20ms));
  h.route.script = [](const FakeDelivery& d, std::uint32_t attempt) {
    return d.seq % 5 == 0 && attempt == 1 ? HandlerResult::fail("once") : HandlerResult::ok();
  };
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(h.submit("k" + std::to_string(i % 10), i));
  const auto report = h.dispatcher.drain(Clock::now() + kBound);
  EXPECT_EQ(report.stuck_handlers, 0u);
  EXPECT_EQ(report.abandoned, 0u);
  EXPECT_EQ(h.journal.total(true), 50u) << "drain returned before the queue ran";
  EXPECT_EQ(count(h.counters), (Count{50, 50, 10, 0, 0}));
  EXPECT_EQ(h.dispatcher.queued(), 0u);
  EXPECT_TRUE(thread_count_becomes(threads_before)) << "drain did not join the workers";
  EXPECT_FALSE(h.submit("late", 0));
  h.expect_every_delivery_settled_once();
}

TEST(OrderedDispatcher, DrainGivesBackMessagesWhoseBackoffOutlastsTheDeadline) {
  Harness h(options(4, 1, 3, 30s));
  h.route.script = [](const FakeDelivery& d, std::uint32_t) {
    return d.key == "f" ? HandlerResult::fail("down") : HandlerResult::ok();
  };
  ASSERT_TRUE(h.submit("f", 0));
  ASSERT_TRUE(h.submit("f", 1));
  ASSERT_TRUE(h.journal.wait_for_event("run f#0 a1"));
  const auto start = Clock::now();
  // The deadline leaves the worker time to finish f#0's first attempt, not to wait 30 s.
  const auto report = h.dispatcher.drain(start + 500ms);
  EXPECT_LT(Clock::now() - start, kBound);
  EXPECT_EQ(report.stuck_handlers, 0u);
  EXPECT_EQ(report.abandoned, 2u);
  EXPECT_EQ(h.journal.events_of("f"), (Events{"run f#0 a1", "nack f#0", "nack f#1"}));
  EXPECT_EQ(count(h.counters), (Count{1, 0, 1, 0, 2}));
  h.expect_every_delivery_settled_once();
}

// KNOWN BUG (reported, not fixed here): when every worker is inside a stuck handler, drain()
// leaves the nacking of other lanes to "free workers" that do not exist, so the deliveries
// queued on other lanes stay unacked until the stuck handler returns, and report.abandoned
// says 0. DrainReport promises "queued deliveries nacked at the deadline".
TEST(OrderedDispatcher, DrainPastDeadlineWithAStuckHandlerNacksWhatWaitsOnOtherLanes) {
  Harness h(options(4, 1));
  std::set<std::size_t> lanes;
  const std::string stuck = h.key_on_new_lane("stuck", lanes);
  std::vector<std::string> others;
  for (int i = 0; i < 3; ++i)
    others.push_back(h.key_on_new_lane("other", lanes));
  h.route.script = [&](const FakeDelivery& d, std::uint32_t) {
    return d.name() == stuck + "#0" ? h.gate.pass() : HandlerResult::ok();
  };
  ASSERT_TRUE(h.submit(stuck, 0));
  ASSERT_TRUE(h.journal.wait_for_event("run " + stuck + "#0 a1"));
  ASSERT_TRUE(h.submit(stuck, 1));
  for (const std::string& key : others)
    ASSERT_TRUE(h.submit(key, 0));
  const auto report = h.dispatcher.drain(Clock::now() - 1ms);
  EXPECT_EQ(report.stuck_handlers, 1u);
  EXPECT_EQ(report.abandoned, others.size());
  for (const std::string& key : others)
    EXPECT_EQ(h.journal.nacks(key + "#0"), 1) << key;
  h.gate.open();
  h.dispatcher.join();
  EXPECT_EQ(h.journal.acks(stuck + "#0"), 1) << "a handler that finishes late is still acked";
  EXPECT_EQ(h.journal.nacks(stuck + "#1"), 1);
  for (const std::string& key : others)
    EXPECT_EQ(h.journal.nacks(key + "#0"), 1) << key;
  EXPECT_EQ(h.counters.abandoned.load(), 1 + others.size());
  h.expect_every_delivery_settled_once();
}

TEST(OrderedDispatcher, DrainWithAStuckHandlerLetsFreeWorkersGiveBackOtherLanes) {
  Harness h(options(8, 2, 3, 30s));
  std::set<std::size_t> lanes;
  const std::string stuck = h.key_on_new_lane("stuck", lanes);
  const std::string waiting = h.key_on_new_lane("backoff", lanes);
  h.route.script = [&](const FakeDelivery& d, std::uint32_t) {
    if (d.key == waiting) return HandlerResult::fail("down");
    return d.seq == 0 ? h.gate.pass() : HandlerResult::ok();
  };
  ASSERT_TRUE(h.submit(stuck, 0));
  ASSERT_TRUE(h.submit(stuck, 1));
  ASSERT_TRUE(h.submit(waiting, 0));
  ASSERT_TRUE(h.submit(waiting, 1));
  ASSERT_TRUE(h.journal.wait_for_event("run " + stuck + "#0 a1"));
  ASSERT_TRUE(h.journal.wait_for_event("run " + waiting + "#0 a1"));
  // The deadline passes while stuck#0 runs and waiting#0 backs off for 30 s.
  const auto report = h.dispatcher.drain(Clock::now() + 300ms);
  EXPECT_EQ(report.stuck_handlers, 1u);
  ASSERT_TRUE(h.journal.wait_for_event("nack " + waiting + "#1"))
      << "the free worker did not give back the lane in backoff";
  EXPECT_EQ(h.journal.nacks(waiting + "#0"), 1);
  EXPECT_FALSE(h.gate.is_open());
  h.gate.open();
  h.dispatcher.join();
  EXPECT_EQ(h.journal.acks(stuck + "#0"), 1);
  EXPECT_EQ(h.journal.nacks(stuck + "#1"), 1);
  EXPECT_EQ(h.counters.abandoned.load(), 3u);
  h.expect_every_delivery_settled_once();
}

TEST(OrderedDispatcher, OnWorkerThreadIsTrueOnlyInsideItsOwnHandlers) {
  DispatchCounters other_counters;
  OrderedDispatcher other(options(2, 1), other_counters);
  std::atomic<int> inside_own{-1}, inside_other{-1};
  Harness h(options(2, 1));
  h.route.script = [&](const FakeDelivery&, std::uint32_t) {
    inside_own = h.dispatcher.on_worker_thread();
    inside_other = other.on_worker_thread();
    return HandlerResult::ok();
  };
  EXPECT_FALSE(h.dispatcher.on_worker_thread());
  ASSERT_TRUE(h.submit("k", 0));
  ASSERT_TRUE(h.journal.wait_settled(1));
  EXPECT_EQ(inside_own.load(), 1);
  EXPECT_EQ(inside_other.load(), 0);
  EXPECT_FALSE(h.dispatcher.on_worker_thread());
}

TEST(OrderedDispatcher, WorkersAreClampedToLanes) {
  const std::size_t before = thread_count();
  {
    DispatchCounters counters;
    OrderedDispatcher dispatcher(options(2, 8), counters);
    EXPECT_EQ(thread_count(), before + 2);
  }
  EXPECT_TRUE(thread_count_becomes(before));
}

TEST(OrderedDispatcher, ThreadCountReturnsToItsValueBeforeConstructionOver20Cycles) {
  const std::size_t before = thread_count();
  for (int cycle = 0; cycle < 20; ++cycle) {
    {
      Harness h(options(8, 4));
      EXPECT_EQ(thread_count(), before + 4) << cycle;
      for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(h.submit("k" + std::to_string(i % 6), i));
      if (cycle % 2 == 0) {  // half drain explicitly, half leave it to the destructor
        const auto report = h.dispatcher.drain(Clock::now() + kBound);
        EXPECT_EQ(report.stuck_handlers, 0u) << cycle;
        EXPECT_EQ(h.journal.total(true), 20u) << cycle;
        EXPECT_TRUE(thread_count_becomes(before)) << cycle;
      }
    }
    ASSERT_TRUE(thread_count_becomes(before)) << "cycle " << cycle << " leaked a thread";
  }
}

TEST(OrderedDispatcher, DestructorSettlesEveryDeliveryExactlyOnce) {
  Journal journal;  // outlives the dispatcher, to be checked after its destructor ran
  FakeRoute route(journal);
  route.script = [](const FakeDelivery& d, std::uint32_t) {
    return d.seq % 3 == 0 ? HandlerResult::fail("retry later") : HandlerResult::ok();
  };
  DispatchCounters counters;
  {
    OrderedDispatcher dispatcher(options(4, 2, 3, 10s), counters);
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(dispatcher.submit(make_delivery(journal, route, "k" + std::to_string(i % 5), i)));
    }
    ASSERT_TRUE(journal.wait_for_events("run ", 1));
  }  // the destructor drains with a deadline of now, then joins
  EXPECT_EQ(journal.not_settled_once(), Events{});
  EXPECT_EQ(journal.dropped(), Events{});
  EXPECT_EQ(journal.total(true) + journal.total(false), 30u);
}

}  // namespace

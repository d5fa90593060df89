// SPDX-License-Identifier: Apache-2.0
// Retries and dead letters: a handler that fails is called again in the message's lane with
// exponential backoff (Message::attempt counts the calls), and the aggregate's later events
// wait meanwhile; after retry.max_attempts the message goes to "<topic>.dlq" with its raw bytes
// and X-DLQ-* headers saying why, and the lane moves on. A subscriber on the .dlq topic reads
// it. The program checks that this is what happened and exits 1 otherwise.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <eventbus/eventbus.hpp>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t kMaxAttempts = 4;
constexpr std::uint32_t kAlways = UINT32_MAX;

// What the handler is made to do with each event: fail its first `failures` attempts.
struct Scripted {
  const char* aggregate_id;
  std::int64_t version;
  std::uint32_t failures;
};
constexpr Scripted kEvents[] = {
    {"order-1", 1, 2},        // the payment gateway is down twice, then it works
    {"order-1", 2, 0},        // waits in order-1's lane until version 1 is done
    {"order-2", 1, 0},        // another lane: goes on while order-1 retries
    {"order-3", 1, kAlways},  // poison: can never be handled, ends up on payments.dlq
    {"order-3", 2, 0},        // handled once the poison message has been dead-lettered
};

std::uint32_t failures_of(const eventbus::Envelope& e) {
  for (const Scripted& s : kEvents) {
    if (e.aggregate_id == s.aggregate_id && e.event_version == s.version) return s.failures;
  }
  return 0;
}

// Every handler call in the order it happened, and the dead letters.
struct Journal {
  struct Call {
    std::string aggregate_id;
    std::int64_t version;
    std::uint32_t attempt;
    bool ok;
  };
  struct DeadLetter {
    std::string original_topic, error, error_code, attempts, aggregate_id;
    std::int64_t version = 0;
  };
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Call> calls;
  std::vector<DeadLetter> dead_letters;

  std::size_t successes() const {
    return std::count_if(calls.begin(), calls.end(), [](const Call& c) { return c.ok; });
  }
  // The position of a call in `calls`, or calls.size() when there is none.
  std::size_t find(const char* aggregate_id, std::int64_t version, std::uint32_t attempt) const {
    auto it = std::find_if(calls.begin(), calls.end(), [&](const Call& c) {
      return c.aggregate_id == aggregate_id && c.version == version && c.attempt == attempt;
    });
    return static_cast<std::size_t>(it - calls.begin());
  }
};

std::string header(const eventbus::Message& m, std::string_view name) {
  for (const auto& [key, value] : m.headers) {
    if (key == name) return value;
  }
  return "";
}

bool check(bool condition, const char* what) {
  std::printf("%s %s\n", condition ? "ok  " : "FAIL", what);
  return condition;
}

}  // namespace

int main() {
  Journal journal;  // before the bus: the handlers use it until the bus is gone

  eventbus::BusOptions options;
  options.client_name = "retries-example";
  // Small backoffs so the example runs fast: 1 ms before the 2nd attempt, then 2 ms, 4 ms.
  options.dispatch.retry.max_attempts = kMaxAttempts;
  options.dispatch.retry.initial_backoff = 1ms;
  options.dispatch.retry.max_backoff = 10ms;
  options.dispatch.retry.multiplier = 2.0;
  options.dispatch.dead_letter = true;  // the default; false nacks a given-up message instead
  eventbus::Bus bus(options);

  auto handle = [&](const eventbus::Envelope& e, const eventbus::Message& m) {
    const bool ok = m.attempt > failures_of(e);
    std::printf("payments: %s v%lld attempt %u: %s\n", e.aggregate_id.c_str(),
                static_cast<long long>(e.event_version), m.attempt, ok ? "handled" : "failed");
    {
      std::lock_guard lock(journal.mutex);
      journal.calls.push_back({e.aggregate_id, e.event_version, m.attempt, ok});
    }
    journal.changed.notify_all();
    if (ok) return eventbus::HandlerResult::ok();
    // The reason travels in the dead letter's X-DLQ-Error header.
    return eventbus::HandlerResult::fail(failures_of(e) == kAlways ? "card number missing"
                                                                   : "payment gateway unavailable");
  };
  // The dead-letter topic is an ordinary raw topic: its payload is the original bytes.
  auto handle_dead_letter = [&](const eventbus::Message& m) {
    Journal::DeadLetter d;
    d.original_topic = header(m, "X-DLQ-Original-Topic");  // "payments"
    d.error = header(m, "X-DLQ-Error");                    // the handler's reason
    d.error_code = header(m, "X-DLQ-Error-Code");          // "<category>:<value>"
    d.attempts = header(m, "X-DLQ-Attempts");              // handler calls made
    if (eventbus::DecodeResult decoded = eventbus::decode(m.payload)) {
      d.aggregate_id = decoded.envelope.aggregate_id;
      d.version = decoded.envelope.event_version;
    }
    std::printf("payments.dlq: %s v%lld from %s after %s attempts: %s (%s)\n",
                d.aggregate_id.c_str(), static_cast<long long>(d.version), d.original_topic.c_str(),
                d.attempts.c_str(), d.error.c_str(), d.error_code.c_str());
    {
      std::lock_guard lock(journal.mutex);
      journal.dead_letters.push_back(std::move(d));
    }
    journal.changed.notify_all();
    return eventbus::HandlerResult::ok();
  };
  for (std::error_code ec : {bus.subscribe_envelope("payments", handle).error(),
                             bus.subscribe("payments.dlq", handle_dead_letter).error()}) {
    if (ec) {
      std::printf("subscribe failed: %s\n", ec.message().c_str());
      return 1;
    }
  }

  for (const Scripted& s : kEvents) {
    auto e = eventbus::make_envelope(s.aggregate_id, "PaymentRequested", s.version,
                                     R"({"amount":1999})");
    bus.publish_envelope("payments", e, [](const eventbus::PublishResult& r) {
      if (r.error) std::printf("publish failed: %s\n", r.error.message().c_str());
    });
  }

  const std::size_t expected_successes =
      std::count_if(std::begin(kEvents), std::end(kEvents),
                    [](const Scripted& s) { return s.failures != kAlways; });
  {
    std::unique_lock lock(journal.mutex);
    journal.changed.wait_for(lock, 10s, [&] {
      return journal.successes() == expected_successes && !journal.dead_letters.empty();
    });
  }
  const eventbus::CloseReport report = bus.close(5s);
  const eventbus::Stats stats = bus.stats();

  // After close no handler runs any more: the journal is final.
  std::lock_guard lock(journal.mutex);
  const std::size_t end = journal.calls.size();
  const std::size_t order1_v1 = journal.find("order-1", 1, 3);
  const std::size_t order1_v2 = journal.find("order-1", 2, 1);
  const std::size_t poison_last = journal.find("order-3", 1, kMaxAttempts);
  const std::size_t order3_v2 = journal.find("order-3", 2, 1);
  bool ok = true;
  ok &= check(journal.successes() == expected_successes, "every other event handled once");
  ok &= check(order1_v1 < end && journal.calls[order1_v1].ok, "order-1 v1 handled on attempt 3");
  ok &= check(order1_v1 < order1_v2 && order1_v2 < end, "order-1 v2 handled after v1, in order");
  ok &= check(poison_last < end && journal.find("order-3", 1, kMaxAttempts + 1) == end,
              "the poison message tried max_attempts times, no more");
  ok &= check(poison_last < order3_v2 && order3_v2 < end,
              "order-3 v2 waited in its lane until the poison message was given up");
  ok &= check(journal.dead_letters.size() == 1, "one dead letter");
  if (journal.dead_letters.size() == 1) {
    const Journal::DeadLetter& d = journal.dead_letters.front();
    ok &= check(d.aggregate_id == "order-3" && d.version == 1, "it is order-3 v1, bytes intact");
    ok &= check(d.original_topic == "payments", "X-DLQ-Original-Topic: payments");
    ok &= check(d.attempts == std::to_string(kMaxAttempts), "X-DLQ-Attempts: 4");
    ok &= check(d.error == "card number missing", "X-DLQ-Error: the handler's reason");
  }
  ok &= check(stats.retried == 2 + (kMaxAttempts - 1) && stats.dead_lettered == 1,
              "stats: 5 retries, 1 dead letter");
  ok &= check(!report.error, "closed cleanly");
  return ok ? 0 : 1;
}

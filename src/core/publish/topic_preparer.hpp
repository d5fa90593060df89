// SPDX-License-Identifier: Apache-2.0
// Gets each topic ready on the broker (found, created or checked per its strategy) on a thread
// of its own, so that no publish ever waits for a broker round trip on the caller's thread.
//
// A publish to a ready topic goes to the client on the caller's thread. One to a topic not
// ready yet waits here, counted in flight like any other, until
//   - the topic is ready: it is sent from the preparer's thread, in the order it came;
//   - the preparation failed for good (a refused option, a refusing broker): it completes with
//     that error, whose detail names the topic and the cause;
//   - its ack deadline passed while the broker did not answer: publish_timeout, with the last
//     cause; the broker is asked again, with backoff, as long as publishes wait;
//   - close(): cancelled.
// A subscription waits here for its topic too, up to its own deadline (await_ready).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/pending_publish.hpp"

namespace eventbus::core {

class TopicPreparer {
 public:
  using Clock = std::chrono::steady_clock;
  struct Hooks {
    // The broker work for one topic; blocking, on the preparer's thread, giving up by
    // `deadline`. `for_subscribe`: a subscription needs more than a publisher (NATS: the
    // stream's name even when publishing makes no admin call).
    std::function<std::error_code(const std::string& topic, bool for_subscribe,
                                  Clock::time_point deadline, std::string& detail)>
        prepare;
    // Hands a publish of a ready topic to the client.
    std::function<void(std::unique_ptr<PendingPublish>)> send;
    // On the caller's thread, before a publish waits: keeps what is valid only during the call
    // (Kafka copies the envelope's headers). May be empty.
    std::function<void(PendingPublish&)> hold;
  };

  // `attempt_timeout`: the deadline of one prepare call; `publish_wait`: how long a publish
  // waits for its topic (counted from its acceptance: publish.ack_timeout).
  TopicPreparer(Hooks hooks, std::chrono::milliseconds attempt_timeout,
                std::chrono::milliseconds publish_wait);
  ~TopicPreparer();
  TopicPreparer(const TopicPreparer&) = delete;
  TopicPreparer& operator=(const TopicPreparer&) = delete;

  void publish(std::unique_ptr<PendingPublish> message);

  // Waits until `topic` is ready for a subscription, its preparation failed for good, close(),
  // or `deadline` (then transport_error with the last cause). Thread-safe.
  std::error_code await_ready(const std::string& topic, Clock::time_point deadline,
                              std::string& detail);

  // Completes every waiting publish as cancelled and returns how many; wakes await_ready with
  // `closed`; returns once no publish is being handed to `send` any more (the transport may
  // then take its client apart); the thread stops once any prepare call under way returned.
  std::uint64_t close();
  // True while a prepare call is under way (joining the thread would wait for it).
  bool busy() const;
  // The thread, for the owner to join after close(), or to hand to a background close.
  std::thread release_thread() { return std::move(thread_); }

 private:
  struct Waiting {
    std::unique_ptr<PendingPublish> publish;
    Clock::time_point expires;
  };
  struct Topic {
    bool ready = false;  // for publishing
    bool ready_to_subscribe = false;
    bool subscriber_waits = false;  // await_ready is waiting
    bool refused = false;           // the last attempt failed for good
    std::deque<Waiting> waiting;
    std::error_code last_error;
    std::string last_detail;
    std::uint32_t failures = 0;      // in a row, for the backoff
    Clock::time_point next_attempt;  // not before
    std::uint64_t attempts = 0;
  };
  struct Failed {
    std::unique_ptr<PendingPublish> publish;
    std::error_code error;
    std::string detail;
  };

  void run();
  Topic* next_work_locked(Clock::time_point now, bool& for_subscribe, std::string& name);
  Clock::time_point next_wake_locked() const;
  void expire_locked(Clock::time_point now, std::vector<Failed>& failed);
  void attempt(std::unique_lock<std::mutex>& lock, Topic& topic, const std::string& name,
               bool for_subscribe);
  void drain_and_mark_ready(std::unique_lock<std::mutex>& lock, Topic& topic,
                            const std::string& name);
  static void fail(std::vector<Failed>& failed);

  const Hooks hooks_;
  const std::chrono::milliseconds attempt_timeout_;
  const std::chrono::milliseconds publish_wait_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;      // the thread: new work, close
  std::condition_variable answered_;  // await_ready: an attempt ended, close
  std::unordered_map<std::string, Topic> topics_;
  bool closing_ = false;
  bool busy_ = false;
  bool sending_ = false;          // a batch of waiting publishes is being sent
  std::condition_variable sent_;  // close(): the batch went

  // The fast path of publish(): topics ready and drained, read under a shared lock.
  mutable std::shared_mutex ready_mutex_;
  std::unordered_set<std::string> ready_;

  std::thread thread_;  // last: started once everything above exists
};

}  // namespace eventbus::core

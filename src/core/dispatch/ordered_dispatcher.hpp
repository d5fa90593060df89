// SPDX-License-Identifier: Apache-2.0
// Runs handlers in parallel across aggregates and strictly in order within one.
//
// An aggregate id hashes onto one of a fixed set of lanes; a lane runs one message at a time,
// first in first out; a fixed pool of workers runs whichever lanes have work. A failed message
// stays at the head of its lane and is retried there after a backoff, so the aggregate's later
// events wait behind it and order holds; the worker does not sleep through the backoff but
// runs other lanes meanwhile. After the last attempt the message is dead-lettered, then acked.
// Lane queues are bounded: submit() blocks the fetcher while its lane is full.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <queue>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "core/delivery.hpp"
#include "eventbus/options.hpp"

namespace eventbus::core {

// Bus-wide counts. Each is raised with release after the delivery's per-subscription metric
// (Delivery::metrics), so whoever reads one here with acquire finds that one counted too.
struct DispatchCounters {
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> handled{0};
  std::atomic<std::uint64_t> retried{0};
  std::atomic<std::uint64_t> dead_lettered{0};
  std::atomic<std::uint64_t> abandoned{0};
};

struct DrainReport {
  std::uint64_t abandoned = 0;       // queued deliveries nacked at the deadline
  std::uint64_t stuck_handlers = 0;  // handlers still running at the deadline
};

class OrderedDispatcher {
 public:
  using Clock = std::chrono::steady_clock;

  OrderedDispatcher(const DispatchOptions& options, DispatchCounters& counters);
  ~OrderedDispatcher();
  OrderedDispatcher(const OrderedDispatcher&) = delete;
  OrderedDispatcher& operator=(const OrderedDispatcher&) = delete;

  // Queues a delivery on its lane; blocks while that lane is full. After stop_intake() the
  // delivery is nacked instead and false is returned.
  bool submit(DeliveryPtr delivery);
  // Never blocks: for fetchers that pause a source (a Kafka partition) instead of waiting.
  SubmitResult try_submit(DeliveryPtr& delivery);
  // try_submit() for the front of `queue` under one lock, up to the first full lane; returns
  // how many it queued. When intake is closed it nacks and drops them all (`closed`).
  std::size_t try_submit_all(std::deque<DeliveryPtr>& queue, bool& closed);
  // Counts the times a lane got room (a head finished) or intake stopped. A fetcher takes it
  // before try_submit(); after a `full`, wait_for_room(since) returns at once if room came
  // meanwhile, else at the next room, at `until`, or when `stop` is requested.
  std::uint64_t room_epoch() const noexcept { return room_epoch_.load(std::memory_order_acquire); }
  void wait_for_room(std::uint64_t since, Clock::time_point until, std::stop_token stop);
  // Refuses no delivery; unblocks waiting submitters and nacks what comes later.
  void stop_intake();
  // Runs what is queued until `deadline`, then nacks what is still queued. Waits for running
  // handlers until the deadline too; joins the workers if they all finished.
  DrainReport drain(Clock::time_point deadline);
  // Joins the workers, however long a stuck handler takes. Called by the destructor.
  void join();

  std::size_t lane_of(std::string_view key) noexcept;
  std::size_t lanes_busy() const noexcept { return busy_lanes_.load(std::memory_order_relaxed); }
  std::size_t queued() const noexcept { return queued_.load(std::memory_order_relaxed); }
  // True on a worker thread of this dispatcher (a handler calling close() must not wait).
  bool on_worker_thread() const noexcept;

 private:
  struct Lane {
    std::deque<DeliveryPtr> queue;  // the head is running, backing off or next
    std::uint32_t attempt = 1;      // attempt number of the head
    bool scheduled = false;         // in ready_, running or backing off
    bool running = false;           // a worker runs its head now
  };
  using Timer = std::pair<Clock::time_point, std::size_t>;

  void enqueue_locked(std::size_t lane_index, DeliveryPtr delivery);
  void wake_worker_if_needed_locked();
  void worker_loop();
  void run_head_locked(std::size_t lane_index, std::unique_lock<std::mutex>& lock);
  void finish_head_locked(Lane& lane, std::size_t lane_index);
  void promote_due_timers_locked(Clock::time_point now);
  std::vector<DeliveryPtr> take_idle_lanes_locked();
  bool settle(Delivery& delivery, const HandlerResult& result, std::uint32_t attempt) noexcept;

  const DispatchOptions options_;
  DispatchCounters& counters_;
  std::vector<Lane> lanes_;
  std::deque<std::size_t> ready_;  // lanes with a head ready to run
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> backoffs_;
  std::mutex mutex_;
  std::condition_variable work_;      // workers: a lane became ready, or stopping
  std::condition_variable_any room_;  // submitters and room waiters: a lane has room again
  std::condition_variable idle_;      // drain: queue empty or handlers finished
  std::size_t room_waiters_ = 0;
  std::atomic<std::uint64_t> room_epoch_{0};  // raised under mutex_, read without it too
  std::size_t running_ = 0;   // workers running a handler (or a nack), the lock let go
  std::size_t sleeping_ = 0;  // workers waiting on work_
  bool intake_closed_ = false;
  bool abandoning_ = false;  // deadline passed: no more retries, nack instead
  bool stopping_ = false;    // workers exit when idle
  std::atomic<std::size_t> queued_{0};
  std::atomic<std::size_t> busy_lanes_{0};
  std::atomic<std::size_t> round_robin_{0};
  std::vector<std::thread> workers_;
};

}  // namespace eventbus::core

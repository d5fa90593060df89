// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/ordered_dispatcher.hpp"

#include <algorithm>

#include "core/metrics/bus_metrics.hpp"
#include "eventbus/error.hpp"

namespace eventbus::core {
namespace {

thread_local const OrderedDispatcher* t_current_dispatcher = nullptr;

// FNV-1a: stable across processes and runs, so an aggregate keeps its lane between restarts
// (useful when reading logs); std::hash makes no such promise.
std::uint64_t fnv1a(std::string_view key) noexcept {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

OrderedDispatcher::OrderedDispatcher(const DispatchOptions& options, DispatchCounters& counters)
    : options_(options), counters_(counters), lanes_(options.lanes) {
  const std::size_t workers = std::max<std::size_t>(1, std::min(options.workers, options.lanes));
  workers_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i)
    workers_.emplace_back([this] { worker_loop(); });
}

OrderedDispatcher::~OrderedDispatcher() {
  stop_intake();
  drain(Clock::now());
  join();
}

bool OrderedDispatcher::on_worker_thread() const noexcept {
  return t_current_dispatcher == this;
}

std::size_t OrderedDispatcher::lane_of(std::string_view key) noexcept {
  if (key.empty()) return round_robin_.fetch_add(1, std::memory_order_relaxed) % lanes_.size();
  return fnv1a(key) % lanes_.size();
}

bool OrderedDispatcher::submit(DeliveryPtr delivery) {
  const std::size_t index = lane_of(delivery->lane_key);
  std::unique_lock lock(mutex_);
  Lane& lane = lanes_[index];
  if (lane.queue.size() >= options_.lane_capacity && !intake_closed_) {
    ++room_waiters_;
    room_.wait(lock, [&] { return lane.queue.size() < options_.lane_capacity || intake_closed_; });
    --room_waiters_;
  }
  if (intake_closed_) {
    lock.unlock();
    delivery->nack();
    return false;
  }
  enqueue_locked(index, std::move(delivery));
  return true;
}

SubmitResult OrderedDispatcher::try_submit(DeliveryPtr& delivery) {
  const std::size_t index = lane_of(delivery->lane_key);
  std::unique_lock lock(mutex_);
  if (intake_closed_) {
    lock.unlock();
    delivery->nack();
    delivery.reset();
    return SubmitResult::closed;
  }
  if (lanes_[index].queue.size() >= options_.lane_capacity) return SubmitResult::full;
  enqueue_locked(index, std::move(delivery));
  return SubmitResult::accepted;
}

std::size_t OrderedDispatcher::try_submit_all(std::deque<DeliveryPtr>& queue, bool& closed) {
  std::unique_lock lock(mutex_);
  closed = intake_closed_;
  if (closed) {
    lock.unlock();
    for (auto& delivery : queue)
      delivery->nack();
    queue.clear();
    return 0;
  }
  std::size_t taken = 0;
  for (; taken < queue.size(); ++taken) {
    const std::size_t index = lane_of(queue[taken]->lane_key);
    if (lanes_[index].queue.size() >= options_.lane_capacity) break;
    enqueue_locked(index, std::move(queue[taken]));
  }
  lock.unlock();
  queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(taken));
  return taken;
}

void OrderedDispatcher::wait_for_room(std::uint64_t since, Clock::time_point until,
                                      std::stop_token stop) {
  std::unique_lock lock(mutex_);
  ++room_waiters_;
  room_.wait_until(lock, stop, until,
                   [&] { return room_epoch_.load() != since || intake_closed_; });
  --room_waiters_;
}

void OrderedDispatcher::enqueue_locked(std::size_t index, DeliveryPtr delivery) {
  Lane& lane = lanes_[index];
  lane.queue.push_back(std::move(delivery));
  queued_.fetch_add(1, std::memory_order_relaxed);
  if (!lane.scheduled) {
    lane.scheduled = true;
    busy_lanes_.fetch_add(1, std::memory_order_relaxed);
    ready_.push_back(index);
    wake_worker_if_needed_locked();
  }
}

// A ready lane needs a sleeping worker only when the awake ones that are not inside a handler
// (they take ready lanes before they sleep) are fewer than the ready lanes: a worker in a
// long handler must not keep other lanes waiting, and a wake-up nobody needs costs two
// context switches per message under load.
void OrderedDispatcher::wake_worker_if_needed_locked() {
  if (sleeping_ == 0) return;
  const std::size_t free_awake = workers_.size() - sleeping_ - running_;
  if (ready_.size() > free_awake) work_.notify_one();
}

void OrderedDispatcher::stop_intake() {
  std::lock_guard lock(mutex_);
  intake_closed_ = true;
  room_.notify_all();
}

void OrderedDispatcher::worker_loop() {
  t_current_dispatcher = this;
  std::unique_lock lock(mutex_);
  for (;;) {
    promote_due_timers_locked(Clock::now());
    if (!ready_.empty()) {
      const std::size_t index = ready_.front();
      ready_.pop_front();
      run_head_locked(index, lock);
      continue;
    }
    if (stopping_ && (queued_.load() == 0 || abandoning_)) break;
    ++sleeping_;
    if (!backoffs_.empty()) {
      const Clock::time_point wake = backoffs_.top().first;  // a copy: top() moves while we wait
      work_.wait_until(lock, wake);
    } else {
      work_.wait(lock);
    }
    --sleeping_;
  }
  t_current_dispatcher = nullptr;
}

void OrderedDispatcher::promote_due_timers_locked(Clock::time_point now) {
  while (!backoffs_.empty() && (backoffs_.top().first <= now || abandoning_)) {
    ready_.push_back(backoffs_.top().second);
    backoffs_.pop();
  }
}

// Runs the head of a lane once, without the lock held while the handler works.
void OrderedDispatcher::run_head_locked(std::size_t index, std::unique_lock<std::mutex>& lock) {
  Lane& lane = lanes_[index];
  Delivery& delivery = *lane.queue.front();
  const std::uint32_t attempt = lane.attempt;
  if (abandoning_) {  // the deadline passed while it waited: give it back to the broker
    lock.unlock();
    delivery.nack();
    counters_.abandoned.fetch_add(1, std::memory_order_relaxed);
    lock.lock();
    finish_head_locked(lane, index);
    return;
  }
  ++running_;
  lane.running = true;
  lock.unlock();
  const std::uint32_t seen = delivery.delivery_count - 1 + attempt;
  if (attempt == 1) {
    if (delivery.metrics != nullptr) delivery.metrics->delivered.add();
    counters_.delivered.fetch_add(1, std::memory_order_release);
  }
  const HandlerResult result = delivery.route->handle(delivery, seen);
  const bool last = result.code == error_class::poison || attempt >= options_.retry.max_attempts;
  const bool retry = !result && !last;
  if (!retry) settle(delivery, result, attempt);
  lock.lock();
  --running_;
  if (retry && !abandoning_) {
    if (delivery.metrics != nullptr) delivery.metrics->retries.add();
    counters_.retried.fetch_add(1, std::memory_order_release);
    lane.attempt = attempt + 1;
    backoffs_.emplace(Clock::now() + options_.retry.backoff_after(attempt), index);
    work_.notify_one();  // a sleeping worker may need an earlier wake-up for this timer
  } else {
    if (retry) {  // abandoning: no more attempts; the broker redelivers it later
      lock.unlock();
      delivery.nack();
      counters_.abandoned.fetch_add(1, std::memory_order_relaxed);
      lock.lock();
    }
    finish_head_locked(lane, index);
  }
  lane.running = false;  // only now: the nack above ran unlocked on this lane's head
  if (running_ == 0) idle_.notify_all();
}

// Success acks; failure dead-letters and then acks, or nacks when the dead letter failed or
// dead-lettering is off, so nothing is ever dropped.
bool OrderedDispatcher::settle(Delivery& delivery, const HandlerResult& result,
                               std::uint32_t attempt) noexcept {
  if (result) {
    if (delivery.metrics != nullptr) delivery.metrics->handled.add();
    counters_.handled.fetch_add(1, std::memory_order_release);
    delivery.ack();
    return true;
  }
  if (options_.dead_letter && delivery.route->dead_letter(delivery, result, attempt)) {
    if (delivery.metrics != nullptr) delivery.metrics->dead_letters.add();
    counters_.dead_lettered.fetch_add(1, std::memory_order_release);
    delivery.ack();
    return true;
  }
  // Not now: the broker waits the retry backoff first, so a dead letter that keeps failing
  // (its topic refused, the broker busy) does not turn into a hot loop of redeliveries.
  delivery.nack_after(options_.retry.backoff_after(attempt));
  return false;
}

void OrderedDispatcher::finish_head_locked(Lane& lane, std::size_t index) {
  DeliveryPtr done = std::move(lane.queue.front());
  lane.queue.pop_front();
  if (done->route != nullptr) done->route->finished(*done);
  lane.attempt = 1;
  queued_.fetch_sub(1, std::memory_order_relaxed);
  if (!lane.queue.empty()) {
    ready_.push_back(index);  // to the back: other lanes get their turn first
  } else {
    lane.scheduled = false;
    busy_lanes_.fetch_sub(1, std::memory_order_relaxed);
  }
  room_epoch_.fetch_add(1, std::memory_order_release);
  if (room_waiters_ > 0) room_.notify_all();
  if (queued_.load() == 0) idle_.notify_all();
}

DrainReport OrderedDispatcher::drain(Clock::time_point deadline) {
  DrainReport report;
  const std::uint64_t abandoned_before = counters_.abandoned.load();
  std::unique_lock lock(mutex_);
  intake_closed_ = true;
  room_.notify_all();
  stopping_ = true;
  work_.notify_all();
  idle_.wait_until(lock, deadline, [&] { return queued_.load() == 0 && running_ == 0; });
  report.stuck_handlers = running_;
  if (report.stuck_handlers > 0) {  // free workers give back what is not behind a stuck handler
    abandoning_ = true;
    std::vector<DeliveryPtr> give_back = take_idle_lanes_locked();
    lock.unlock();
    for (DeliveryPtr& delivery : give_back) {
      delivery->nack();
      counters_.abandoned.fetch_add(1, std::memory_order_relaxed);
    }
    lock.lock();
    work_.notify_all();
  }
  lock.unlock();
  // Past the deadline join() makes the workers nack whatever is still queued; it returns at
  // once unless a handler is stuck, and then only the destructor waits for it.
  if (report.stuck_handlers == 0) join();
  report.abandoned = counters_.abandoned.load() - abandoned_before;
  return report;
}

// Empties every lane whose head is not running: with the lock held, nothing else touches them.
std::vector<DeliveryPtr> OrderedDispatcher::take_idle_lanes_locked() {
  std::vector<DeliveryPtr> taken;
  for (Lane& lane : lanes_) {
    if (lane.running || lane.queue.empty()) continue;
    for (DeliveryPtr& delivery : lane.queue) {
      if (delivery->route != nullptr) delivery->route->finished(*delivery);
      taken.push_back(std::move(delivery));
    }
    queued_.fetch_sub(lane.queue.size(), std::memory_order_relaxed);
    lane.queue.clear();
    lane.attempt = 1;
    lane.scheduled = false;
    busy_lanes_.fetch_sub(1, std::memory_order_relaxed);
  }
  ready_.clear();  // only idle lanes are ready or backing off
  backoffs_ = {};
  return taken;
}

void OrderedDispatcher::join() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    abandoning_ = true;
    intake_closed_ = true;
    promote_due_timers_locked(Clock::now());
    work_.notify_all();
    room_.notify_all();
  }
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

}  // namespace eventbus::core

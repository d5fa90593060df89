// SPDX-License-Identifier: Apache-2.0
#include "core/publish/topic_preparer.hpp"

#include <algorithm>

#include "eventbus/error.hpp"

namespace eventbus::core {
namespace {

// After a failure the broker is asked again 100 ms later, doubling to 2 s: often enough to
// catch a broker that comes back, rarely enough not to flood one that does not.
std::chrono::milliseconds backoff(std::uint32_t failures) {
  const auto shift = std::min<std::uint32_t>(failures - 1, 5);
  return std::min(std::chrono::milliseconds(100 << shift), std::chrono::milliseconds(2000));
}

// A refusal (bad options, a broker that says no) is remembered this long: publishes meanwhile
// fail at once with it instead of asking the broker again for each.
constexpr std::chrono::milliseconds kRefusalKept{1000};

bool retriable(std::error_code ec) {
  return ec == error_class::retriable;
}

}  // namespace

TopicPreparer::TopicPreparer(Hooks hooks, std::chrono::milliseconds attempt_timeout,
                             std::chrono::milliseconds publish_wait)
    : hooks_(std::move(hooks)), attempt_timeout_(attempt_timeout), publish_wait_(publish_wait) {
  thread_ = std::thread([this] { run(); });
}

TopicPreparer::~TopicPreparer() {
  close();
  if (thread_.joinable()) thread_.join();
}

void TopicPreparer::publish(std::unique_ptr<PendingPublish> message) {
  {
    std::shared_lock ready(ready_mutex_);
    if (ready_.count(message->topic) != 0) {
      ready.unlock();
      hooks_.send(std::move(message));
      return;
    }
  }
  if (hooks_.hold) hooks_.hold(*message);
  std::unique_lock lock(mutex_);
  if (closing_) {
    lock.unlock();
    PendingPublish::finish(std::move(message), make_error_code(errc::cancelled), {},
                           "closed before the topic was ready");
    return;
  }
  Topic& topic = topics_[message->topic];
  if (topic.refused && Clock::now() < topic.next_attempt) {
    const std::error_code error = topic.last_error;
    const std::string detail = topic.last_detail;
    lock.unlock();
    PendingPublish::finish(std::move(message), error, {}, detail);
    return;
  }
  if (topic.ready) {  // ready since the fast path looked: nothing older waits any more
    lock.unlock();
    hooks_.send(std::move(message));
    return;
  }
  const Clock::time_point expires = message->accepted_at + publish_wait_;
  topic.waiting.push_back({std::move(message), expires});
  wake_.notify_one();
}

std::error_code TopicPreparer::await_ready(const std::string& name, Clock::time_point deadline,
                                           std::string& detail) {
  std::unique_lock lock(mutex_);
  if (closing_) return make_error_code(errc::closed);
  Topic& topic = topics_[name];
  if (topic.ready_to_subscribe) return {};
  topic.subscriber_waits = true;
  topic.refused = false;  // a subscriber asks anew
  topic.next_attempt = Clock::now();
  const std::uint64_t before = topic.attempts;
  wake_.notify_one();
  answered_.wait_until(lock, deadline, [&] {
    return closing_ || topic.ready_to_subscribe || (topic.attempts > before && topic.refused);
  });
  if (topic.ready_to_subscribe) return {};
  if (closing_) return make_error_code(errc::closed);
  detail = topic.last_detail;
  if (topic.refused) return topic.last_error;
  detail = "topic " + name + ": not ready within the subscribe timeout" +
           (detail.empty() ? std::string(" (the broker did not answer)") : ": " + detail);
  return make_error_code(errc::transport_error);
}

std::uint64_t TopicPreparer::close() {
  std::vector<Failed> cancelled;
  {
    std::lock_guard lock(mutex_);
    if (closing_) return 0;
    closing_ = true;
    for (auto& [name, topic] : topics_) {
      for (auto& w : topic.waiting) {
        cancelled.push_back({std::move(w.publish), make_error_code(errc::cancelled),
                             "closed before topic " + name + " was ready"});
      }
      topic.waiting.clear();
    }
  }
  wake_.notify_all();
  answered_.notify_all();
  fail(cancelled);
  std::unique_lock lock(mutex_);
  sent_.wait(lock, [&] { return !sending_; });  // hands nothing to `send` from now on
  return cancelled.size();
}

bool TopicPreparer::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

void TopicPreparer::run() {
  std::unique_lock lock(mutex_);
  while (!closing_) {
    const Clock::time_point now = Clock::now();
    std::vector<Failed> expired;
    expire_locked(now, expired);
    if (!expired.empty()) {
      lock.unlock();
      fail(expired);
      lock.lock();
      continue;
    }
    bool for_subscribe = false;
    std::string name;
    if (Topic* topic = next_work_locked(now, for_subscribe, name)) {
      attempt(lock, *topic, name, for_subscribe);
      continue;
    }
    wake_.wait_until(lock, next_wake_locked());
  }
}

// A topic someone waits for whose next attempt is due. Subscriptions first: they block a caller.
TopicPreparer::Topic* TopicPreparer::next_work_locked(Clock::time_point now, bool& for_subscribe,
                                                      std::string& name) {
  Topic* publish_work = nullptr;
  for (auto& [topic_name, topic] : topics_) {
    if (topic.next_attempt > now) continue;
    if (topic.subscriber_waits && !topic.ready_to_subscribe) {
      for_subscribe = true;
      name = topic_name;
      return &topic;
    }
    if (publish_work == nullptr && !topic.waiting.empty() && !topic.refused) {
      publish_work = &topic;
      name = topic_name;
    }
  }
  return publish_work;
}

TopicPreparer::Clock::time_point TopicPreparer::next_wake_locked() const {
  Clock::time_point wake = Clock::time_point::max();
  for (const auto& [name, topic] : topics_) {
    if (!topic.waiting.empty()) {
      wake = std::min(wake, topic.waiting.front().expires);
      if (!topic.refused) wake = std::min(wake, topic.next_attempt);
    }
    if (topic.subscriber_waits && !topic.ready_to_subscribe) {
      wake = std::min(wake, topic.next_attempt);
    }
  }
  return wake;
}

// Publishes whose ack deadline passed while their topic was not ready. They wait in arrival
// order with one wait each, so the expired ones are at the front.
void TopicPreparer::expire_locked(Clock::time_point now, std::vector<Failed>& failed) {
  for (auto& [name, topic] : topics_) {
    while (!topic.waiting.empty() && topic.waiting.front().expires <= now) {
      std::string detail = "topic " + name + ": not ready within publish.ack_timeout";
      if (!topic.last_detail.empty()) detail += ": " + topic.last_detail;
      failed.push_back({std::move(topic.waiting.front().publish),
                        make_error_code(errc::publish_timeout), std::move(detail)});
      topic.waiting.pop_front();
    }
  }
}

void TopicPreparer::attempt(std::unique_lock<std::mutex>& lock, Topic& topic,
                            const std::string& name, bool for_subscribe) {
  busy_ = true;
  lock.unlock();
  std::string detail;
  const std::error_code ec =
      hooks_.prepare(name, for_subscribe, Clock::now() + attempt_timeout_, detail);
  lock.lock();
  busy_ = false;
  ++topic.attempts;
  if (closing_) return;
  if (!ec) {
    topic.failures = 0;
    topic.refused = false;
    topic.last_detail.clear();
    if (for_subscribe) {
      topic.ready_to_subscribe = true;
      topic.subscriber_waits = false;
    }
    answered_.notify_all();
    drain_and_mark_ready(lock, topic, name);
    return;
  }
  topic.last_error = ec;
  topic.last_detail = detail;
  ++topic.failures;
  if (retriable(ec)) {
    topic.next_attempt = Clock::now() + backoff(topic.failures);
    return;  // publishes keep waiting (until their deadline); so does a subscriber
  }
  topic.refused = true;
  topic.subscriber_waits = false;
  topic.next_attempt = Clock::now() + kRefusalKept;
  answered_.notify_all();
  std::vector<Failed> failed;
  for (auto& w : topic.waiting)
    failed.push_back({std::move(w.publish), ec, detail});
  topic.waiting.clear();
  lock.unlock();
  fail(failed);
  lock.lock();
}

// Sends what waits, in order, in batches taken under the lock; publishes that arrive meanwhile
// join the queue. Only when it is empty does the topic take the fast path.
void TopicPreparer::drain_and_mark_ready(std::unique_lock<std::mutex>& lock, Topic& topic,
                                         const std::string& name) {
  while (!topic.waiting.empty() && !closing_) {
    std::deque<Waiting> batch;
    batch.swap(topic.waiting);
    sending_ = true;
    lock.unlock();
    for (auto& w : batch)
      hooks_.send(std::move(w.publish));
    lock.lock();
    sending_ = false;
    sent_.notify_all();
  }
  if (closing_) return;
  topic.ready = true;
  std::unique_lock ready(ready_mutex_);
  ready_.insert(name);
}

void TopicPreparer::fail(std::vector<Failed>& failed) {
  for (auto& f : failed)
    PendingPublish::finish(std::move(f.publish), f.error, {}, f.detail);
}

}  // namespace eventbus::core

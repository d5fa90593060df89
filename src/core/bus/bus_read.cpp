// SPDX-License-Identifier: Apache-2.0
// Reading a topic as an operator's tool does (Bus::read), and publishing stored bytes with
// their headers as they are (the replay of dead letters): the parts of Bus::Impl that serve
// the command line rather than a service's subscriptions.
#include <stop_token>

#include "core/bus/bus_impl.hpp"
#include "core/bus/completion_waiter.hpp"
#include "core/topic_name.hpp"
#include "eventbus/error.hpp"

namespace eventbus {
namespace {

// How many reads the calling thread is inside: close() from a read's callback would wait for
// the read that calls it.
thread_local int reads_on_this_thread = 0;

struct ReadScope {
  ReadScope() noexcept { ++reads_on_this_thread; }
  ~ReadScope() { --reads_on_this_thread; }
  ReadScope(const ReadScope&) = delete;
  ReadScope& operator=(const ReadScope&) = delete;
};

ReadResult refused(errc code, std::string detail) {
  return {make_error_code(code), std::move(detail), 0};
}

}  // namespace

bool Bus::Impl::on_read_thread() noexcept {
  return reads_on_this_thread > 0;
}

ReadResult Bus::Impl::read(std::string_view topic, const ReadOptions& options,
                           const core::ReadCallback& fn, std::stop_token stop) {
  std::string detail;
  if (std::error_code ec = core::validate_topic(topic, &detail)) return {ec, detail, 0};
  if (options.commit && options.group.empty()) {
    return refused(errc::invalid_option, "read: commit needs a group to commit for");
  }
  if (options.timeout <= milliseconds::zero()) {
    return refused(errc::invalid_option, "read: timeout must be positive");
  }
  if (!fn) return refused(errc::invalid_option, "read: no callback");
  const core::Deadline deadline = core::Clock::now() + options.timeout;
  // Ends with the caller's stop or with close(), whichever comes first.
  std::stop_source either;
  const std::stop_callback by_caller(stop, [&] { either.request_stop(); });
  const std::stop_callback by_close(reads_end_.get_token(), [&] { either.request_stop(); });
  std::shared_lock lock(consumption_);
  if (consumption_stopped_ || !open()) return refused(errc::closed, "read: the bus is closed");
  const ReadScope scope;
  ReadResult result = transport_->read(topic, options, deadline, fn, either.get_token());
  if (result.error) log_->warn("bus", "read: {}", result.detail);
  return result;
}

// Publishes as a dead letter does: the headers go out as they are (none of the checks of a
// caller's headers, which refuse the ones a bus writes), and the caller waits for the ack.
OwnedPublishResult Bus::Impl::publish_stored(std::string_view topic, std::string key,
                                             Headers headers, std::string payload) {
  core::CompletionWaiter waiter;
  auto message = std::make_unique<core::PendingPublish>(
      *this, [&waiter](const PublishResult& r) { waiter.set(r); });
  message->topic.assign(topic);
  message->key = std::move(key);
  message->headers = std::move(headers);
  message->payload = std::move(payload);
  const core::Clock::time_point called_at = core::Clock::now();
  if (std::error_code ec = limiter_.acquire(called_at + options_.publish.block_timeout)) {
    OwnedPublishResult result;
    result.error = ec;
    result.topic.assign(topic);
    result.detail = "no room among the publishes in flight";
    return result;
  }
  send(std::move(message), metrics_.publishing_any(topic), called_at);
  // No timeout here: the transport fires every completion, by its ack timeout at the latest.
  std::unique_lock lock(waiter.mutex);
  waiter.fired.wait(lock, [&] { return waiter.done; });
  return waiter.result;
}

}  // namespace eventbus

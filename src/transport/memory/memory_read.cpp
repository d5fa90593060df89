// SPDX-License-Identifier: Apache-2.0
// MemoryTransport::read: walks a topic's log on the caller's thread (Bus::read).
#include <algorithm>

#include "eventbus/error.hpp"
#include "transport/memory/memory_transport.hpp"

namespace eventbus::memory {
namespace {

// How long a following read waits before it looks at its stop token again; the wait also
// ends at once when a message arrives or the stop is requested.
constexpr std::chrono::milliseconds kFollowSlice{200};

eventbus::StoredMessage copy_of(const memory::StoredMessage& stored, const std::string& topic) {
  eventbus::StoredMessage m;
  m.topic = topic;
  m.key = stored.key;
  m.headers = stored.headers;
  m.payload = stored.payload;
  m.offset = static_cast<std::int64_t>(stored.sequence);
  m.stored_at = stored.stored_at;
  return m;
}

}  // namespace

ReadResult MemoryTransport::read(std::string_view topic_name, const ReadOptions& options,
                                 core::Deadline deadline, const core::ReadCallback& fn,
                                 std::stop_token stop) {
  const std::string name(topic_name);
  const std::shared_ptr<MemoryTopic> topic = broker_->find(name);
  ReadResult result;
  if (!topic) {
    result.error = make_error_code(errc::unknown_topic);
    result.detail = "no topic '" + name + "': nothing was published to it";
    return result;
  }
  const bool grouped = !options.group.empty();
  // Without a group a read starts at the oldest message held, or after the newest one.
  std::uint64_t after = !grouped && options.from == ReadFrom::end ? topic->last_sequence() : 0;
  const std::uint64_t end = topic->last_sequence();  // without `follow`, nothing past it
  while (!stop.stop_requested()) {
    std::shared_ptr<const StoredMessage> next =
        grouped ? topic->unsettled_after(options.group, after) : topic->held_after(after);
    if (next && !options.follow && next->sequence > end) next = nullptr;
    if (!next) {
      if (!options.follow) break;
      topic->wait_after(after, stop, core::Clock::now() + kFollowSlice);
      continue;
    }
    if (!options.follow && core::Clock::now() >= deadline) {
      result.error = make_error_code(errc::transport_error);
      result.detail =
          "read '" + name + "': deadline passed after " + std::to_string(result.read) + " messages";
      return result;
    }
    after = next->sequence;
    if (!grouped && options.from == ReadFrom::time && next->stored_at < options.since) continue;
    eventbus::StoredMessage message = copy_of(*next, name);
    ++result.read;
    if (fn(message) == ReadStep::stop) break;
    if (grouped && options.commit) topic->settle(options.group, after);
  }
  return result;
}

}  // namespace eventbus::memory

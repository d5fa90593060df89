// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/kafka_consumer_close.hpp"

#include <algorithm>
#include <utility>

#include "core/background_closes.hpp"

namespace eventbus::kafka {
namespace {

// Serves the close's queue until librdkafka says the consumer is closed (true) or `until`
// passed. A rebalance event must be answered or the close never ends; a consumer that joined
// no group gets at most the unassign of its own assignment.
bool serve_close(rd_kafka_t* rk, rd_kafka_queue_t* queue, core::Deadline until) {
  while (rd_kafka_consumer_closed(rk) == 0) {
    const int left = core::ms_left(until);
    EventPtr event(rd_kafka_queue_poll(queue, std::min(left, 100)));
    if (event && rd_kafka_event_type(event.get()) == RD_KAFKA_EVENT_REBALANCE)
      rd_kafka_assign(rk, nullptr);
    if (left == 0 && !event) return false;
  }
  return true;
}

}  // namespace

void close_unjoined_consumer(HandlePtr consumer, ClientContextPtr context, core::Deadline by,
                             core::Deadline cap) {
  QueuePtr queue(rd_kafka_queue_new(consumer.get()));
  const ErrorPtr refused(rd_kafka_consumer_close_queue(consumer.get(), queue.get()));
  if (!refused && serve_close(consumer.get(), queue.get(), by)) {
    queue.reset();
    consumer.reset();  // closed: rd_kafka_destroy does not wait for the broker
    return;
  }
  const bool closing = !refused;
  // Raw pointers: std::function needs a copyable callable; the work runs once and frees both.
  core::close_in_background([rk = consumer.release(), close_queue = queue.release(),
                             context = std::move(context), cap, closing] {
    const bool closed = closing && serve_close(rk, close_queue, cap);
    rd_kafka_queue_destroy(close_queue);
    rd_kafka_destroy_flags(rk, closed ? 0 : RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  });
}

}  // namespace eventbus::kafka

// SPDX-License-Identifier: Apache-2.0
// Asking a broker again within a deadline, for the calls an operator's tool makes on a
// short-lived client of its own (a read's plan, topics and group lag): a new client's first
// call meets a connection still being made, a leader or coordinator being elected.
#pragma once

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <stop_token>

#include "core/deadline.hpp"

namespace eventbus::kafka {

// The longest one broker call waits before it is asked again: a stop requested meanwhile
// (Bus::close ends every read and query) waits no longer than this.
inline constexpr int kSliceMs = 1000;
// A call that failed at once is asked again after this pause, not in a busy loop.
inline constexpr std::chrono::milliseconds kRetryPause{100};

// Errors a broker or librdkafka gets over by itself: a connection being made, a leader or
// coordinator being elected, a new topic's partitions still on their way to their leader.
inline bool passing(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
    case RD_KAFKA_RESP_ERR__IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return true;
    default:
      return false;
  }
}

// Calls `call(timeout_ms)` until it gives an answer that is not a passing error, the deadline
// passes, or `stop` is requested; returns its last error.
template <typename Call>
rd_kafka_resp_err_t within(core::Deadline deadline, const std::stop_token& stop, Call&& call) {
  for (;;) {
    const core::Clock::time_point asked = core::Clock::now();
    const rd_kafka_resp_err_t err = call(std::min(core::ms_left(deadline), kSliceMs));
    if (!passing(err) || stop.stop_requested() || core::ms_left(deadline) == 0) return err;
    if (core::Clock::now() - asked < kRetryPause) core::pause_unless_stopped(stop, kRetryPause);
  }
}

}  // namespace eventbus::kafka

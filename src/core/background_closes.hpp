// SPDX-License-Identifier: Apache-2.0
// Work close() hands on when a client library cannot finish it by the caller's deadline.
//
// close(deadline) returns by its deadline whatever a broker does. Two things in the client
// libraries cannot be cut short: librdkafka destroys a consumer only once its last commit and
// its LeaveGroup are answered or time out (socket.timeout.ms, up to ~10 s against a frozen
// broker), and its metadata calls block for their timeout. Such work goes here: one thread for
// the whole process, started when there is work and gone when there is none, runs it in order.
// The work owns everything it touches (handles, their callback contexts, the thread it joins),
// never the Bus. eventbus::await_background_closes() waits for it.
#pragma once

#include <functional>

namespace eventbus::core {

// Runs `work` on the background-close thread, after the work queued before it. Never blocks.
void close_in_background(std::function<void()> work);

}  // namespace eventbus::core

// SPDX-License-Identifier: Apache-2.0
// Baselines: the same messages (same count, size, aggregates and topics) moved by the client
// libraries used directly, without the bus, in the same process. bus / raw throughput is what
// the bus's ordering, envelopes and bookkeeping cost; for NATS, bus / raw push adds what
// consuming by Fetch costs against nats.c's fastest path.
//   raw nats.c (client "raw"):           js_PublishAsync with an ack handler; a durable pull
//                                        subscription per topic, natsSubscription_Fetch(256) and
//                                        natsMsg_Ack per message: how the bus consumes.
//   raw nats.c push (client "raw-push"): the same publishing; a durable push consumer per topic
//                                        (js_Subscribe callback, flow control, idle heartbeat),
//                                        natsMsg_Ack per message: nats.c's fastest consumer,
//                                        the ceiling for NATS.
//   raw librdkafka (client "raw"):       rd_kafka_producev with a delivery-report poll thread;
//                                        one consumer-group member polling all topics.
#pragma once

#include <chrono>
#include <cstdint>

#include "run_frame.hpp"
#include "scenario.hpp"

namespace eventbus::bench {

// Unacked messages the server lets each raw NATS consumer hold (the bus's default too).
inline constexpr std::int64_t kRawMaxAckPending = 4096;
// The push consumer's idle heartbeat: the server refuses flow control without one. nats.c's
// ordered consumers use 5 s.
inline constexpr std::chrono::seconds kRawPushHeartbeat{5};

// Each defined only when its transport is built (EVENTBUS_WITH_NATS / EVENTBUS_WITH_KAFKA).
RunMetrics run_raw_nats(RunContext& context, const Level& level, std::size_t repeat);
RunMetrics run_raw_nats_push(RunContext& context, const Level& level, std::size_t repeat);
RunMetrics run_raw_kafka(RunContext& context, const Level& level, std::size_t repeat);

}  // namespace eventbus::bench

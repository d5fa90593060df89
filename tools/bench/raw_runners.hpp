// Baselines: the same messages (same count, size, aggregates and topics) moved by the client
// libraries used directly, without the bus, in the same process. bus / raw throughput is what
// the bus's ordering, envelopes and bookkeeping cost.
//   raw nats.c:     js_PublishAsync with an ack handler; a pull subscription per topic,
//                   natsSubscription_Fetch(256) and natsMsg_Ack per message.
//   raw librdkafka: rd_kafka_producev with a delivery-report poll thread; one consumer-group
//                   member polling all topics.
#pragma once

#include "run_frame.hpp"
#include "scenario.hpp"

namespace eventbus::bench {

RunMetrics run_raw_nats(RunContext& context, const Level& level, std::size_t repeat);
RunMetrics run_raw_kafka(RunContext& context, const Level& level, std::size_t repeat);

}  // namespace eventbus::bench

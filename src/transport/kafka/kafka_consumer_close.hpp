// SPDX-License-Identifier: Apache-2.0
// Closing a consumer that joined no group (a read's: assign() only) within a deadline.
//
// Such a consumer has no group to leave, so librdkafka usually lets it go at once; but
// rd_kafka_destroy of a consumer that is not closed runs the close itself and waits as long as
// the broker does not answer. So the close is served for a short while here, and what is left
// goes to the background-close thread (core/background_closes.hpp), as KafkaConsumer does.
#pragma once

#include "core/deadline.hpp"
#include "transport/kafka/client_context.hpp"
#include "transport/kafka/kafka_handles.hpp"

namespace eventbus::kafka {

// Closes and destroys `consumer`: on this thread when librdkafka lets it go by `by`, else in
// the background, which gives up waiting at `cap` and destroys it anyway. `context` (the
// handle's opaque) stays alive until the handle is gone.
void close_unjoined_consumer(HandlePtr consumer, ClientContextPtr context, core::Deadline by,
                             core::Deadline cap);

}  // namespace eventbus::kafka

// SPDX-License-Identifier: Apache-2.0
// What a librdkafka handle's callbacks reach through its opaque pointer.
//
// librdkafka calls its log callback from its own threads at any time until the handle is
// destroyed, and a handle may be destroyed after its owner is gone (in the background, when a
// broker does not answer: see core/background_closes.hpp). So the opaque is not the owner but
// this context, which whoever destroys the handle keeps alive: the log callback needs only the
// log; the other callbacks (delivery reports, rebalances, commit results, statistics) are
// served by our own poll calls and reach the owner here, or nothing once the owner let go.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <memory>

#include "core/log.hpp"

namespace eventbus::kafka {

struct ClientContext {
  core::LogPtr log;
  std::atomic<void*> owner{nullptr};  // the KafkaProducer or KafkaConsumer; null once it let go

  // The owner, or null once it let go of the handle (a callback then does nothing).
  template <typename Owner>
  static Owner* owner_of(void* opaque) noexcept {
    return static_cast<Owner*>(static_cast<ClientContext*>(opaque)->owner.load());
  }
};

using ClientContextPtr = std::shared_ptr<ClientContext>;

// Makes the conf's opaque `context` and sends librdkafka's own log lines to its log, at our
// levels (syslog 0-3: error, 4: warning, 5-6: info, 7: debug), component "librdkafka".
void attach_context(rd_kafka_conf_t* conf, ClientContext& context);

}  // namespace eventbus::kafka

// What a librdkafka handle's callbacks reach through its opaque pointer.
//
// librdkafka calls its log callback from its own threads at any time until the handle is
// destroyed, and a handle may be destroyed after its owner is gone (in the background, when a
// broker does not answer: see core/background_closes.hpp). So the opaque is not the owner but
// this context, which whoever destroys the handle keeps alive: the log callback needs only the
// log; the other callbacks (delivery reports, rebalances, commit results, statistics) are
// served by our own poll calls, which end before the owner lets go, and reach the owner here.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>

#include "core/log.hpp"

namespace eventbus::kafka {

struct ClientContext {
  core::LogPtr log;
  void* owner = nullptr;  // the KafkaProducer or KafkaConsumer; only its own polls read it

  template <typename Owner>
  static Owner& owner_of(void* opaque) noexcept {
    return *static_cast<Owner*>(static_cast<ClientContext*>(opaque)->owner);
  }
};

using ClientContextPtr = std::shared_ptr<ClientContext>;

// Makes the conf's opaque `context` and sends librdkafka's own log lines to its log, at our
// levels (syslog 0-3: error, 4: warning, 5-6: info, 7: debug), component "librdkafka".
void attach_context(rd_kafka_conf_t* conf, ClientContext& context);

}  // namespace eventbus::kafka

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
#include <mutex>
#include <string>

#include "core/log.hpp"

namespace eventbus::kafka {

struct ClientContext {
  core::LogPtr log;
  std::atomic<void*> owner{nullptr};  // the KafkaProducer or KafkaConsumer; null once it let go

  // The last error of librdkafka that no retry cures (authentication refused, TLS handshake
  // failed), or "": the connect check ends with it instead of waiting for a timeout that would
  // only say no broker answered. librdkafka's texts name the mechanism, never the password.
  std::string lasting_error() const {
    std::lock_guard lock(mutex_);
    return lasting_error_;
  }
  void set_lasting_error(std::string text) {
    std::lock_guard lock(mutex_);
    lasting_error_ = std::move(text);
  }

  // The owner, or null once it let go of the handle (a callback then does nothing).
  template <typename Owner>
  static Owner* owner_of(void* opaque) noexcept {
    return static_cast<Owner*>(static_cast<ClientContext*>(opaque)->owner.load());
  }

 private:
  mutable std::mutex mutex_;
  std::string lasting_error_;
};

using ClientContextPtr = std::shared_ptr<ClientContext>;

// Makes the conf's opaque `context` and sends librdkafka's own log lines to its log, at our
// levels (syslog 0-3: error, 4: warning, 5-6: info, 7: debug), component "librdkafka". Its
// error events (served by the handle's polls) are logged as errors, as librdkafka itself does
// without an error callback, and authentication and TLS failures are kept for lasting_error().
void attach_context(rd_kafka_conf_t* conf, ClientContext& context);

}  // namespace eventbus::kafka

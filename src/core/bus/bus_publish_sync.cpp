// SPDX-License-Identifier: Apache-2.0
// The blocking publish, built on the asynchronous one.
#include "core/bus/bus_impl.hpp"
#include "core/bus/completion_waiter.hpp"
#include "eventbus/error.hpp"

namespace eventbus {

OwnedPublishResult Bus::Impl::publish_envelope_sync(std::string_view topic,
                                                    const Envelope& envelope,
                                                    milliseconds timeout) {
  // Shared: when we time out, the completion may still fire later and must find it alive.
  auto waiter = std::make_shared<core::CompletionWaiter>();
  const PublishCall call{OverflowPolicy::block, timeout, {}, {}, {}};
  publish_envelope(
      topic, envelope, [waiter](const PublishResult& r) { waiter->set(r); }, call);
  std::unique_lock lock(waiter->mutex);
  if (!waiter->fired.wait_for(lock, timeout, [&] { return waiter->done; })) {
    OwnedPublishResult late;
    late.error = make_error_code(errc::publish_timeout);
    late.topic = topic;
    late.event_id = envelope.event_id;
    late.aggregate_id = envelope.aggregate_id;
    late.tenant_id = envelope.tenant_id;
    late.detail = "no broker answer within the timeout; the message may still be stored";
    return late;
  }
  return waiter->result;
}

}  // namespace eventbus

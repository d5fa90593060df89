// SPDX-License-Identifier: Apache-2.0
// The public Bus: a thin handle over Bus::Impl.
#include "eventbus/bus.hpp"

#include "core/bus/bus_impl.hpp"
#include "eventbus/error.hpp"
#include "eventbus/metrics.hpp"

namespace eventbus {
namespace {

PublishCall default_call(const BusOptions& options) {
  return PublishCall{options.publish.on_full, options.publish.block_timeout, {}, {}, {}};
}

}  // namespace

Bus::Bus(BusOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Bus::~Bus() = default;

std::error_code Bus::publish(std::string_view topic, std::string payload, Completion done) {
  return impl_->publish(topic, std::move(payload), std::move(done), default_call(impl_->options()));
}

std::error_code Bus::publish(std::string_view topic, std::string payload, Completion done,
                             const PublishCall& call) {
  return impl_->publish(topic, std::move(payload), std::move(done), call);
}

std::error_code Bus::publish_envelope(std::string_view topic, const Envelope& envelope,
                                      Completion done) {
  return impl_->publish_envelope(topic, envelope, std::move(done), default_call(impl_->options()));
}

std::error_code Bus::publish_envelope(std::string_view topic, const Envelope& envelope,
                                      Completion done, const PublishCall& call) {
  return impl_->publish_envelope(topic, envelope, std::move(done), call);
}

OwnedPublishResult Bus::publish_envelope_sync(std::string_view topic, const Envelope& envelope,
                                              milliseconds timeout) {
  return impl_->publish_envelope_sync(topic, envelope, timeout);
}

std::error_code Bus::set_tenant_completion(std::int64_t tenant_id, Completion done) {
  if (tenant_id == 0 || !done) return make_error_code(errc::invalid_option);
  impl_->tenants().set(tenant_id, std::move(done));
  return {};
}

void Bus::remove_tenant_completion(std::int64_t tenant_id) {
  impl_->tenants().remove(tenant_id);
}

Subscription Bus::subscribe(std::string_view topic, RawHandler handler,
                            const SubscribeOptions& options) {
  return impl_->subscribe(topic, std::move(handler), options);
}

Subscription Bus::subscribe_envelope(std::string_view topic, EnvelopeHandler handler,
                                     const SubscribeOptions& options) {
  return impl_->subscribe(topic, std::move(handler), options);
}

ReadResult Bus::read(std::string_view topic, const ReadOptions& options,
                     const std::function<ReadStep(const StoredMessage&)>& fn,
                     std::stop_token stop) {
  core::ReadCallback callback;
  if (fn) callback = [&fn](StoredMessage& m) { return fn(m); };
  return impl_->read(topic, options, callback, std::move(stop));
}

CloseReport Bus::close(milliseconds timeout) {
  return impl_->close(timeout);
}
Stats Bus::stats() const {
  return impl_->stats();
}
Health Bus::health() const {
  return impl_->health();
}
void Bus::set_alert_handler(AlertHandler handler) {
  impl_->set_alert_handler(std::move(handler));
}
std::string Bus::metrics_text() const {
  const Bus* self = this;
  return prometheus_text(std::span<const Bus* const>(&self, 1));
}
Features Bus::features() const {
  return impl_->transport().features();
}
std::string_view Bus::transport_name() const {
  return impl_->transport().name();
}

}  // namespace eventbus

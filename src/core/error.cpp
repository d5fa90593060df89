// SPDX-License-Identifier: Apache-2.0
// The eventbus error category, and the classification of its codes (retriable/fatal/poison).
#include "eventbus/error.hpp"

namespace eventbus {
namespace {

const char* describe(errc e) noexcept {
  switch (e) {
    case errc::malformed_json:
      return "not a well-formed UTF-8 JSON object";
    case errc::invalid_event_id:
      return "event_id: required, not blank";
    case errc::invalid_aggregate_id:
      return "aggregate_id: 1..256 characters from A-Z a-z 0-9 : _ - . /";
    case errc::invalid_event_type:
      return "event_type: required, not blank";
    case errc::invalid_event_version:
      return "event_version: an integer > 0 is required";
    case errc::invalid_timestamp:
      return "timestamp: RFC 3339 with a zone is required";
    case errc::invalid_trace_id:
      return "trace_id: must be a string";
    case errc::invalid_correlation_id:
      return "correlation_id: must be a string";
    case errc::invalid_tenant_id:
      return "tenant_id: must be an integer";
    case errc::invalid_payload:
      return "payload: valid JSON is required";
    case errc::invalid_option:
      return "invalid option";
    case errc::invalid_topic:
      return "invalid topic name";
    case errc::unknown_transport:
      return "unknown transport";
    case errc::in_flight_limit:
      return "too many publishes in flight";
    case errc::publish_timeout:
      return "publish timed out";
    case errc::cancelled:
      return "cancelled by close";
    case errc::rejected:
      return "rejected by the broker";
    case errc::message_too_large:
      return "message too large";
    case errc::closed:
      return "the bus is closed";
    case errc::close_from_handler:
      return "close() called from a handler";
    case errc::close_incomplete:
      return "close() reached its deadline with work left";
    case errc::transport_error:
      return "transport error";
    case errc::not_supported:
      return "not supported by this transport";
    case errc::handler_failed:
      return "handler failed";
    case errc::rate_limited:
      return "publish rate limit reached";
    case errc::invalid_traceparent:
      return "traceparent: expected 00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>";
    case errc::unknown_topic:
      return "no such topic";
  }
  return "unknown eventbus error";
}

error_class classify(errc e) noexcept {
  switch (e) {
    case errc::malformed_json:
    case errc::invalid_event_id:
    case errc::invalid_aggregate_id:
    case errc::invalid_event_type:
    case errc::invalid_event_version:
    case errc::invalid_timestamp:
    case errc::invalid_trace_id:
    case errc::invalid_correlation_id:
    case errc::invalid_tenant_id:
    case errc::invalid_payload:
    case errc::message_too_large:
      return error_class::poison;
    case errc::in_flight_limit:
    case errc::publish_timeout:
    case errc::cancelled:
    case errc::transport_error:
    case errc::handler_failed:
    case errc::rate_limited:
      return error_class::retriable;
    default:
      return error_class::fatal;
  }
}

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "eventbus"; }
  std::string message(int code) const override { return describe(static_cast<errc>(code)); }
};

class ClassCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "eventbus.class"; }
  std::string message(int c) const override {
    switch (static_cast<error_class>(c)) {
      case error_class::retriable:
        return "retriable";
      case error_class::fatal:
        return "fatal";
      case error_class::poison:
        return "poison";
    }
    return "unknown";
  }
  bool equivalent(const std::error_code& code, int condition) const noexcept override {
    if (code.category() != category()) return false;
    return static_cast<int>(classify(static_cast<errc>(code.value()))) == condition;
  }
};

}  // namespace

const std::error_category& category() noexcept {
  static const Category instance;
  return instance;
}

const std::error_category& class_category() noexcept {
  static const ClassCategory instance;
  return instance;
}

}  // namespace eventbus

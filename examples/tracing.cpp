// SPDX-License-Identifier: Apache-2.0
// W3C Trace Context through the bus, without a tracing SDK: a request's `traceparent` goes
// with the event it causes (PublishCall::traceparent), a handler reads it back
// (Message::traceparent) and passes the trace on to the next event; an envelope's trace_id
// alone also starts a traceparent. Checks that the trace id arrives everywhere and exits 1
// otherwise.
//
//   HTTP request (traceparent) -> orders: OrderPlaced -> payments: PaymentRequested
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <eventbus/eventbus.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace {

using namespace std::chrono_literals;

// As a request from an upstream service would carry it (the W3C specification's example).
constexpr const char* kIncoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// What a handler saw: the event and the trace context of its message.
struct Seen {
  std::string topic, event_type, envelope_trace_id;
  std::optional<eventbus::TraceContext> context;
};

bool check(bool condition, const std::string& what) {
  std::printf("%s %s\n", condition ? "ok  " : "FAIL", what.c_str());
  return condition;
}

}  // namespace

int main() {
  std::mutex mutex;  // before the bus: the handlers use them until the bus is gone
  std::condition_variable cv;
  std::vector<Seen> seen;

  eventbus::BusOptions options;
  options.client_name = "tracing-example";
  eventbus::Bus bus(options);

  auto record = [&](const eventbus::Envelope& e, const eventbus::Message& m) {
    // Empty or not a valid traceparent: nullopt.
    std::optional<eventbus::TraceContext> context = eventbus::parse_traceparent(m.traceparent);
    std::printf("%s: %s, traceparent \"%s\", trace_id \"%s\"\n", std::string(m.topic).c_str(),
                e.event_type.c_str(), std::string(m.traceparent).c_str(), e.trace_id.c_str());
    std::lock_guard lock(mutex);
    seen.push_back({std::string(m.topic), e.event_type, e.trace_id, context});
    cv.notify_one();
    return context;
  };
  auto on_order = [&](const eventbus::Envelope& e, const eventbus::Message& m) {
    const std::optional<eventbus::TraceContext> context = record(e, m);
    if (e.event_type != "OrderPlaced" || !context) return eventbus::HandlerResult::ok();
    // This handler's work is a span of the trace: the event it publishes names it as parent.
    eventbus::PublishCall call;
    call.traceparent = eventbus::format_traceparent(eventbus::child_context(*context));
    auto payment = eventbus::make_envelope(e.aggregate_id, "PaymentRequested", 1, e.payload);
    // The completion runs on the transport's thread; a refusal is returned at once.
    if (std::error_code ec = bus.publish_envelope("payments", payment, {}, call)) {
      return eventbus::HandlerResult::fail("publish PaymentRequested: " + ec.message());
    }
    return eventbus::HandlerResult::ok();
  };
  auto on_payment = [&](const eventbus::Envelope& e, const eventbus::Message& m) {
    record(e, m);
    return eventbus::HandlerResult::ok();
  };
  for (std::error_code ec : {bus.subscribe_envelope("orders", on_order).error(),
                             bus.subscribe_envelope("payments", on_payment).error()}) {
    if (ec) {
      std::printf("subscribe failed: %s\n", ec.message().c_str());
      return 1;
    }
  }

  // 1. The request's context goes on as a child: same trace id, this service's new parent id.
  //    The envelope's trace_id is left empty; the receiver gets it from the header.
  const eventbus::TraceContext request = *eventbus::parse_traceparent(kIncoming);
  const eventbus::TraceContext sent = eventbus::child_context(request);
  eventbus::PublishCall call;
  call.traceparent = eventbus::format_traceparent(sent);
  auto placed = eventbus::make_envelope("order-42", "OrderPlaced", 1, R"({"amount":1999})");
  std::error_code refused = bus.publish_envelope("orders", placed, {}, call);

  // 2. No traceparent in the call, but the envelope's trace_id is a W3C trace id: the bus sends
  //    a traceparent with that trace id and a new parent id.
  auto shipped = eventbus::make_envelope("order-42", "OrderShipped", 2, "{}");
  shipped.trace_id = request.trace_id;
  if (!refused) refused = bus.publish_envelope("orders", shipped);

  // 3. An invalid traceparent (uppercase hex) is refused before anything is sent.
  eventbus::PublishCall bad;
  bad.traceparent = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01";
  const std::error_code invalid = bus.publish_envelope(
      "orders", eventbus::make_envelope("order-43", "OrderPlaced", 1, "{}"), {}, bad);

  {
    std::unique_lock lock(mutex);
    cv.wait_for(lock, 10s, [&] { return seen.size() == 3; });
  }
  const eventbus::CloseReport report = bus.close(5s);

  std::lock_guard lock(mutex);  // after close no handler runs: `seen` is final
  bool ok = check(!refused, "publishes accepted");
  ok &= check(invalid == eventbus::errc::invalid_traceparent,
              "an invalid traceparent is refused: " + invalid.message());
  ok &= check(seen.size() == 3, "three events handled, the invalid one never sent");
  for (const Seen& s : seen) {
    const std::string what = s.topic + " " + s.event_type;
    ok &= check(s.context && s.context->trace_id == request.trace_id,
                what + ": the request's trace id in its traceparent");
    ok &= check(s.envelope_trace_id == request.trace_id, what + ": and in its envelope's trace_id");
    if (!s.context) continue;
    if (s.event_type == "OrderPlaced") {
      ok &= check(s.context->parent_id == sent.parent_id && s.context->flags == request.flags,
                  what + ": the parent id and flags the publisher sent");
    } else {  // a new span: neither the request's nor the first publish's parent id
      ok &=
          check(s.context->parent_id != request.parent_id && s.context->parent_id != sent.parent_id,
                what + ": a new parent id");
    }
  }
  ok &= check(!report.error, "closed cleanly");
  return ok ? 0 : 1;
}

// SPDX-License-Identifier: Apache-2.0
#include "prometheus/bus_collector.hpp"

#include "core/bus/bus_impl.hpp"
#include "core/health/thread_count.hpp"
#include "prometheus/health_metrics.hpp"

namespace eventbus::metrics {
namespace {

using core::LatencyHistogram;

void add_histogram(Exposition& out, std::string_view name, std::string_view help,
                   const Labels& labels, const LatencyHistogram& histogram) {
  const LatencyHistogram::Snapshot s = histogram.snapshot();
  out.histogram(name, help, labels, LatencyHistogram::kUpperBoundsSeconds, s.cumulative,
                s.sum_seconds);
}

// Counters by error: only the errors that happened, so a topic does not carry 25 zero series.
void add_by_error(Exposition& out, std::string_view name, std::string_view help,
                  const Labels& labels, const std::array<core::Counter, core::kErrcCount>& by) {
  for (std::size_t i = 0; i < by.size(); ++i) {
    const std::uint64_t value = by[i].get();
    if (value == 0) continue;
    Labels with_error = labels;
    with_error.emplace_back("error", std::string(core::errc_name(i)));
    out.counter(name, help, with_error, value);
  }
}

Labels with(const Labels& base, std::initializer_list<std::pair<std::string, std::string>> more) {
  Labels out = base;
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

void collect_publishing(const core::PublishMetrics& m, const Labels& bus, Exposition& out) {
  const Labels labels = with(bus, {{"topic", m.topic}});
  out.counter("eventbus_published_total", "Publish calls handed to the transport.", labels,
              m.published.get());
  out.counter("eventbus_acked_total", "Publishes the broker acknowledged.", labels, m.acked.get());
  add_by_error(out, "eventbus_publish_failed_total",
               "Publishes that completed with an error (cancelled by close included), by error.",
               labels, m.failed);
  add_by_error(out, "eventbus_rejected_total",
               "Publish calls refused before reaching the transport, by error.", labels,
               m.rejected);
  add_histogram(out, "eventbus_publish_call_seconds",
                "Time inside a publish call, waiting for in-flight room included.", labels, m.call);
  add_histogram(out, "eventbus_publish_ack_seconds",
                "Time from an accepted publish to its broker acknowledgement.", labels, m.ack);
}

void collect_consuming(const core::ConsumeMetrics& m, const Labels& bus, Exposition& out) {
  const Labels labels = with(bus, {{"topic", m.topic}, {"group", m.group}});
  out.counter("eventbus_delivered_total", "Messages handed to a handler (first attempts).", labels,
              m.delivered.get());
  out.counter("eventbus_handled_total", "Messages a handler finished successfully.", labels,
              m.handled.get());
  out.counter("eventbus_handler_failures_total", "Handler runs that failed or threw.", labels,
              m.handler_failures.get());
  out.counter("eventbus_retries_total", "Handler re-runs scheduled after a failure.", labels,
              m.retries.get());
  out.counter("eventbus_dead_letters_total", "Messages stored on the dead-letter topic.", labels,
              m.dead_letters.get());
  out.counter("eventbus_decode_errors_total",
              "Messages of an envelope subscription that did not decode.", labels,
              m.decode_errors.get());
  add_histogram(out, "eventbus_handler_seconds", "Time of one handler run.", labels, m.handler);
}

// From Bus::health(): for NATS a consumer-info round trip per subscription, once per scrape.
HealthSamples health_samples(const Bus::Impl& bus) {
  const Health health = bus.health();
  HealthSamples out;
  out.reconnects = health.reconnects;
  for (const PartitionLag& p : health.lag)
    out.lag.push_back({p.topic, p.group, p.partition, p.lag()});
  return out;
}

}  // namespace

void collect_bus(const Bus::Impl& bus, Exposition& out) {
  const Labels labels{{"transport", std::string(bus.transport().name())},
                      {"client", bus.options().client_name}};
  const Stats stats = bus.stats();
  out.gauge("eventbus_up", "1 while the bus is open, 0 once close() has begun.", labels,
            bus.open() ? 1 : 0);
  out.gauge("eventbus_in_flight_publishes", "Publishes awaiting their broker acknowledgement.",
            labels, static_cast<double>(stats.in_flight));
  out.gauge("eventbus_lanes_busy", "Dispatcher lanes with queued or running messages.", labels,
            static_cast<double>(stats.lanes_busy));
  out.gauge("eventbus_queued_messages", "Messages waiting in dispatcher lanes.", labels,
            static_cast<double>(stats.queued));
  bus.metrics().for_each_publishing(
      [&](const core::PublishMetrics& m) { collect_publishing(m, labels, out); });
  bus.metrics().for_each_consuming(
      [&](const core::ConsumeMetrics& m) { collect_consuming(m, labels, out); });
  append_health_metrics(health_samples(bus), labels, out);
}

void collect_process(Exposition& out) {
  out.gauge("eventbus_process_threads", "Threads of this process.", {},
            static_cast<double>(core::process_thread_count()));
}

}  // namespace eventbus::metrics

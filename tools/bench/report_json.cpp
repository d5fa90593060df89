// SPDX-License-Identifier: Apache-2.0
// The JSON form of the report: one file per invocation, every run with every metric.
#include "report_json.hpp"

#include "reports.hpp"

namespace eventbus::bench {
namespace {

ordered_json latency(const LatencySummary& l) {
  return {{"count", l.count}, {"mean_ns", l.mean}, {"p50_ns", l.p50}, {"p90_ns", l.p90},
          {"p99_ns", l.p99},  {"p999_ns", l.p999}, {"max_ns", l.max}};
}

}  // namespace

ordered_json run_json(const RunMetrics& r) {
  return {
      {"transport", r.transport},
      {"client", r.client},
      {"level", r.level},
      {"repeat", r.repeat},
      {"messages", r.messages},
      {"aggregates", r.aggregates},
      {"error", r.error},
      {"seconds", r.seconds},
      {"throughput_msg_s", r.throughput},
      {"warmup_ms", r.warmup_ms},
      {"close_ms", r.close_ms},
      {"publish_call", latency(r.publish_call)},
      {"send_latency", latency(r.send)},
      {"end_to_end_latency", latency(r.end_to_end)},
      {"handler_time", latency(r.handler)},
      {"acked", r.acked},
      {"publish_failed", r.publish_failed},
      {"distinct_delivered", r.distinct},
      {"success_rate", r.success_rate},
      {"duplicates", r.duplicates},
      {"redelivered_duplicates", r.redelivered_duplicates},
      {"order_violations", r.order_violations},
      {"unknown_messages", r.unknown},
      {"threads",
       {{"before", r.threads_before},
        {"peak", r.peak_threads},
        {"after_close", r.threads_after},
        {"expected_after_close", r.threads_expected},
        {"leaked", r.leaked_threads}}},
      {"rss_bytes",
       {{"before", r.rss_before}, {"peak", r.peak_rss}, {"after_close_trimmed", r.rss_after}}},
      {"heap_in_use_bytes", {{"before", r.heap_before}, {"after_close", r.heap_after}}},
  };
}

ordered_json facts_json(const Facts& f) {
  ordered_json out = ordered_json::object();
  for (const auto& [k, v] : f)
    out[k] = v;
  return out;
}

namespace {

ordered_json summaries(const Results& results) {
  ordered_json out = ordered_json::array();
  for (const auto& level : results.settings.levels) {
    for (const auto& transport : results.settings.transports) {
      for (const char* client : {kBusClient, kRawClient, kRawPushClient}) {
        const Summary s = results.summary(level.name, transport, client);
        if (!s.present()) continue;
        // The ratios belong to the bus's summary; 0 where the baseline did not run.
        const bool bus = client == std::string(kBusClient);
        out.push_back(
            {{"level", level.name},
             {"transport", transport},
             {"client", client},
             {"repeats", s.repeats},
             {"throughput_min", s.throughput_min},
             {"throughput_median", s.throughput_median},
             {"throughput_max", s.throughput_max},
             {"bus_over_raw", bus ? results.ratio(level.name, transport, kRawClient) : 0.0},
             {"bus_over_raw_push",
              bus ? results.ratio(level.name, transport, kRawPushClient) : 0.0}});
      }
    }
  }
  return out;
}

}  // namespace

std::string json_report(const Results& results) {
  const Settings& s = results.settings;
  ordered_json levels = ordered_json::array();
  for (const auto& l : s.levels)
    levels.push_back({{"name", l.name}, {"messages", l.messages}});
  ordered_json runs = ordered_json::array();
  for (const auto& r : results.runs)
    runs.push_back(run_json(r));
  const auto failures = results.failures();
  ordered_json doc = {
      {"tool", "eventbus-bench"},
      {"settings",
       {{"levels", levels},
        {"transports", s.transports},
        {"baselines", s.baselines},
        {"repeats", s.repeats},
        {"senders", s.senders},
        {"topics", s.topics},
        {"envelope_bytes", s.envelope_bytes},
        {"max_in_flight", s.max_in_flight},
        {"heap_after_close_limit_mb", s.heap_after_close_limit_mb},
        {"idle_timeout_ms", s.idle_timeout.count()}}},
      {"environment", facts_json(results.environment)},
      {"configuration", facts_json(results.configuration)},
      {"runs", runs},
      {"summaries", summaries(results)},
      {"unsteady", results.unsteady()},
      {"verdict", {{"ok", failures.empty()}, {"failures", failures}}},
  };
  return doc.dump(2) + "\n";
}

}  // namespace eventbus::bench

// SPDX-License-Identifier: Apache-2.0
#include "report_rows.hpp"

#include <cmath>
#include <cstdio>

#include "message_factory.hpp"
#include "scenario.hpp"

namespace eventbus::bench {
namespace {

using Cell = std::function<std::string(const RunMetrics&, const Summary&)>;

// A cell from the runs of one client (see RunMetrics::client) at a level and transport; "-"
// where that client did not run (the raw push baseline exists for NATS only).
Row client_row(const char* client, std::string label, Cell cell) {
  return {std::move(label),
          [client, cell](const Results& r, const std::string& level,
                         const std::string& transport) -> std::string {
            const Summary s = r.summary(level, transport, client);
            return s.present() ? cell(*s.median, s) : "-";
          }};
}

Row bus_row(std::string label, Cell cell) {
  return client_row(kBusClient, std::move(label), std::move(cell));
}

// bus / `baseline` median throughput.
Row ratio_row(const char* baseline, std::string label) {
  return {std::move(label),
          [baseline](const Results& r, const std::string& level, const std::string& transport) {
            const double ratio = r.ratio(level, transport, baseline);
            return ratio > 0 ? fixed(ratio, 2) : std::string("-");
          }};
}

std::string pair(const std::string& a, const std::string& b) {
  return a + " / " + b;
}

using Latency = LatencySummary RunMetrics::*;

// A latency cell; "-" when nothing was measured (a run that failed before it published).
Cell latency(Latency which, std::string (*format)(const LatencySummary&)) {
  return [which, format](const RunMetrics& m, const Summary&) {
    return (m.*which).count == 0 ? std::string("-") : format(m.*which);
  };
}

std::string avg_p99_max_us(const LatencySummary& l) {
  return pair(pair(micros(l.mean), micros(static_cast<double>(l.p99))),
              micros(static_cast<double>(l.max)));
}
std::string avg_ms(const LatencySummary& l) {
  return millis(l.mean);
}
std::string p50_p99_ms(const LatencySummary& l) {
  return pair(millis(static_cast<double>(l.p50)), millis(static_cast<double>(l.p99)));
}
std::string max_ms(const LatencySummary& l) {
  return millis(static_cast<double>(l.max));
}
std::string p50_p99_us(const LatencySummary& l) {
  return pair(micros(static_cast<double>(l.p50)), micros(static_cast<double>(l.p99)));
}

std::string after_and_change(std::uint64_t after, std::uint64_t before) {
  const double change = static_cast<double>(after) - static_cast<double>(before);
  return megabytes(static_cast<double>(after)) + " (" + (change >= 0 ? "+" : "") +
         megabytes(change) + ")";
}

std::string throughput(const RunMetrics& m, const Summary& s) {
  if (m.throughput <= 0) return "failed";
  std::string text = with_commas(s.throughput_median);
  if (s.repeats > 1) {
    text += " (" + with_commas(s.throughput_min) + "-" + with_commas(s.throughput_max) + ")";
  }
  if (s.unsteady()) text += " unsteady " + fixed(s.spread(), 1) + "x";
  return text;
}

std::string send_e2e_p99(const RunMetrics& m, const Summary&) {
  if (m.end_to_end.count == 0) return "-";
  return pair(millis(static_cast<double>(m.send.p99)),
              millis(static_cast<double>(m.end_to_end.p99)));
}

std::vector<Row> make_rows() {
  std::vector<Row> rows;
  rows.push_back(bus_row("throughput (msg/s)", throughput));
  rows.push_back(bus_row("publish call avg / p99 / max (us)",
                         latency(&RunMetrics::publish_call, avg_p99_max_us)));
  rows.push_back(bus_row("send latency avg (ms)", latency(&RunMetrics::send, avg_ms)));
  rows.push_back(bus_row("send latency p50 / p99 (ms)", latency(&RunMetrics::send, p50_p99_ms)));
  rows.push_back(bus_row("send latency max (ms)", latency(&RunMetrics::send, max_ms)));
  rows.push_back(
      bus_row("end-to-end p50 / p99 (ms)", latency(&RunMetrics::end_to_end, p50_p99_ms)));
  rows.push_back(bus_row("end-to-end max (ms)", latency(&RunMetrics::end_to_end, max_ms)));
  rows.push_back(bus_row("handler p50 / p99 (us)", latency(&RunMetrics::handler, p50_p99_us)));
  rows.push_back(bus_row("success rate", [](const RunMetrics&, const Summary& s) {
    const double worst = 1.0 - static_cast<double>(s.lost) / s.median->messages;
    return fixed(100.0 * worst, 2) + "%";
  }));
  rows.push_back(bus_row("duplicates", [](const RunMetrics&, const Summary& s) {
    return with_commas(static_cast<double>(s.duplicates));
  }));
  rows.push_back(bus_row("order violations", [](const RunMetrics&, const Summary& s) {
    return with_commas(static_cast<double>(s.order_violations));
  }));
  rows.push_back(bus_row("peak threads (before)", [](const RunMetrics& m, const Summary&) {
    return std::to_string(m.peak_threads) + " (" + std::to_string(m.threads_before) + ")";
  }));
  rows.push_back(bus_row("peak RSS (MB)", [](const RunMetrics& m, const Summary&) {
    return megabytes(static_cast<double>(m.peak_rss));
  }));
  rows.push_back(bus_row("RSS growth (MB)", [](const RunMetrics& m, const Summary&) {
    return megabytes(static_cast<double>(m.peak_rss) - static_cast<double>(m.rss_before));
  }));
  rows.push_back(bus_row("threads after close (leaked)", [](const RunMetrics& m, const Summary& s) {
    return std::to_string(m.threads_after) + " (" + std::to_string(s.leaked_threads) + ")";
  }));
  rows.push_back(
      bus_row("RSS after close, trimmed (MB, change)", [](const RunMetrics& m, const Summary&) {
        return after_and_change(m.rss_after, m.rss_before);
      }));
  rows.push_back(
      bus_row("heap in use after close (MB, change)", [](const RunMetrics& m, const Summary&) {
        return after_and_change(m.heap_after, m.heap_before);
      }));
  rows.push_back(
      bus_row("subscribe + warm-up / close (ms)", [](const RunMetrics& m, const Summary&) {
        return pair(fixed(m.warmup_ms, 0), fixed(m.close_ms, 0));
      }));
  rows.push_back(client_row(kRawClient, "raw client throughput (msg/s)", throughput));
  rows.push_back(client_row(kRawClient, "raw send p99 / e2e p99 (ms)", send_e2e_p99));
  rows.push_back(client_row(kRawPushClient, "raw push throughput (msg/s)", throughput));
  rows.push_back(client_row(kRawPushClient, "raw push send p99 / e2e p99 (ms)", send_e2e_p99));
  rows.push_back(ratio_row(kRawClient, "bus / raw throughput"));
  rows.push_back(ratio_row(kRawPushClient, "bus / raw push throughput"));
  return rows;
}

}  // namespace

const std::vector<Row>& report_rows() {
  static const std::vector<Row> rows = make_rows();
  return rows;
}

std::string level_heading(const Results& results, const Level& level) {
  const Scenario s = Scenario::for_messages(level.messages, results.settings.topics);
  return level.name + ": " + with_commas(static_cast<double>(s.messages)) + " messages, " +
         with_commas(static_cast<double>(s.aggregates)) + " aggregates x " +
         std::to_string(s.max_version) + " versions, " + std::to_string(s.topics) + " topics, " +
         std::to_string(results.settings.senders) + " sender threads, " +
         std::to_string(MessageFactory(s, results.settings.envelope_bytes).envelope_bytes()) +
         "-byte envelopes";
}

std::string with_commas(double value) {
  const auto n = static_cast<long long>(std::llround(value));
  std::string digits = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(static_cast<std::size_t>(i), ",");
  return n < 0 ? "-" + digits : digits;
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string millis(double nanos) {
  const double ms = nanos / 1e6;
  return fixed(ms, ms >= 100 ? 0 : 2);
}

std::string micros(double nanos) {
  const double us = nanos / 1e3;
  return fixed(us, us >= 1000 ? 0 : 1);
}

std::string megabytes(double bytes) {
  return fixed(bytes / (1024.0 * 1024.0), 1);
}

}  // namespace eventbus::bench

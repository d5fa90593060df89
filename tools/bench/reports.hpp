// SPDX-License-Identifier: Apache-2.0
// The report of an invocation in its three forms, plus its chart.
#pragma once

#include <string>

#include "results.hpp"

namespace eventbus::bench {

// Rows are metrics, columns Kafka, NATS, memory; one block per level; then the bus/raw ratios
// (for NATS also bus/raw push) and the verdict.
std::string terminal_report(const Results& results);
// The same tables in Markdown, with the environment and a link to `chart_file`.
std::string markdown_report(const Results& results, const std::string& chart_file);
// Everything: settings, environment, every run with every metric, summaries, verdict.
std::string json_report(const Results& results);
// Throughput and p99 latency per level and transport (bus solid, raw client dashed, raw push
// dotted).
std::string svg_chart(const Results& results);

}  // namespace eventbus::bench

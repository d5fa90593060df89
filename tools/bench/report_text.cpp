// SPDX-License-Identifier: Apache-2.0
// The terminal and Markdown forms of the report.
#include <algorithm>
#include <sstream>

#include "report_rows.hpp"
#include "reports.hpp"

namespace eventbus::bench {
namespace {

using Table = std::vector<std::vector<std::string>>;  // first row: the header

Table level_table(const Results& results, const Level& level) {
  Table t;
  std::vector<std::string> header{"metric"};
  for (const auto& transport : results.settings.transports)
    header.push_back(display_name(transport));
  t.push_back(header);
  for (const Row& row : report_rows()) {
    std::vector<std::string> line{row.label};
    for (const auto& transport : results.settings.transports)
      line.push_back(row.cell(results, level.name, transport));
    t.push_back(line);
  }
  return t;
}

bool ran(const Results& results, const std::string& transport, const char* client) {
  for (const auto& r : results.runs)
    if (r.transport == transport && r.client == client) return true;
  return false;
}

// A row per transport with a baseline: bus / raw client; then, for NATS, bus / raw push.
Table ratio_table(const Results& results) {
  Table t;
  std::vector<std::string> header{"bus / raw throughput"};
  for (const auto& level : results.settings.levels)
    header.push_back(level.name);
  t.push_back(header);
  for (const auto& transport : results.settings.transports) {
    if (transport == "memory") continue;
    for (const char* baseline : {kRawClient, kRawPushClient}) {
      const bool push = baseline == std::string(kRawPushClient);
      if (push && !ran(results, transport, baseline)) continue;
      std::vector<std::string> line{display_name(transport) + (push ? " (bus / raw push)" : "")};
      for (const auto& level : results.settings.levels) {
        const double r = results.ratio(level.name, transport, baseline);
        line.push_back(r > 0 ? fixed(r, 2) : "-");
      }
      t.push_back(line);
    }
  }
  return t;
}

std::string aligned(const Table& t) {
  std::vector<std::size_t> width(t.front().size(), 0);
  for (const auto& line : t)
    for (std::size_t c = 0; c < line.size(); ++c)
      width[c] = std::max(width[c], line[c].size());
  std::ostringstream out;
  for (const auto& line : t) {
    for (std::size_t c = 0; c < line.size(); ++c) {
      const std::size_t pad = width[c] - line[c].size() + (c + 1 < line.size() ? 3 : 0);
      if (c == 0) {
        out << line[c] << std::string(pad, ' ');
      } else {  // numbers read best right-aligned
        out << std::string(width[c] - line[c].size(), ' ') << line[c]
            << std::string(pad - (width[c] - line[c].size()), ' ');
      }
    }
    out << '\n';
  }
  return out.str();
}

std::string markdown(const Table& t) {
  std::ostringstream out;
  for (std::size_t r = 0; r < t.size(); ++r) {
    out << '|';
    for (const auto& cell : t[r])
      out << ' ' << cell << " |";
    out << '\n';
    if (r == 0) {
      out << '|';
      for (std::size_t c = 0; c < t[r].size(); ++c)
        out << (c == 0 ? "---|" : "---:|");
      out << '\n';
    }
  }
  return out.str();
}

std::string fact(const Facts& facts, const std::string& key) {
  for (const auto& [k, v] : facts)
    if (k == key) return v;
  return "?";
}

bool has_ratios(const Results& results) {
  for (const auto& t : results.settings.transports)
    if (t != "memory" && results.settings.baselines) return true;
  return false;
}

}  // namespace

std::string terminal_report(const Results& results) {
  std::ostringstream out;
  const Facts& e = results.environment;
  out << "eventbus-bench " << fact(e, "date") << ", " << fact(e, "cpus") << " CPUs ("
      << fact(e, "cpu_model") << "), load " << fact(e, "load_at_start") << " at start\n";
  for (const auto& [key, value] : e) {
    if (key.rfind("broker_", 0) == 0) out << "  " << key.substr(7) << ": " << value << '\n';
  }
  for (const auto& level : results.settings.levels) {
    out << "\n== " << level_heading(results, level) << " ==\n";
    out << aligned(level_table(results, level));
  }
  if (has_ratios(results)) out << '\n' << aligned(ratio_table(results));
  const auto failures = results.failures();
  out << '\n';
  if (const auto unsteady = results.unsteady(); !unsteady.empty()) {
    out << "UNSTEADY (max/min throughput over " << fixed(kUnsteadySpread, 0)
        << "x: weak medians; a quieter machine or more --repeats):\n";
    for (const auto& u : unsteady)
      out << "  - " << u << '\n';
  }
  if (failures.empty()) {
    out << "RESULT: ok - no message lost or reordered, no thread leaked, memory given back at "
           "close\n";
  } else {
    out << "RESULT: FAILED\n";
    for (const auto& f : failures)
      out << "  - " << f << '\n';
  }
  return out.str();
}

std::string markdown_report(const Results& results, const std::string& chart_file) {
  std::ostringstream out;
  out << "# eventbus-bench report\n\n";
  out << "Throughput is messages / (last handled - first sent); latencies are in the units of each "
         "row; the bus columns come from the repeat with the median throughput, correctness rows "
         "from the worst repeat. Raw rows are the client library used directly (nats.c, "
         "librdkafka) with the same messages in the same process; for NATS, \"raw\" consumes "
         "with Fetch as the bus does, \"raw push\" with nats.c's push consumer (its fastest, "
         "the ceiling).\n\n";
  if (!chart_file.empty()) out << "![throughput and p99 latency](" << chart_file << ")\n\n";
  for (const auto& level : results.settings.levels) {
    out << "## " << level_heading(results, level) << "\n\n";
    out << markdown(level_table(results, level)) << '\n';
  }
  if (has_ratios(results))
    out << "## bus / raw client throughput\n\n" << markdown(ratio_table(results)) << '\n';
  if (const auto unsteady = results.unsteady(); !unsteady.empty()) {
    out << "## Unsteady\n\nThroughput more than " << fixed(kUnsteadySpread, 0)
        << "x apart between the repeats of a level: these medians are weak evidence.\n\n";
    for (const auto& u : unsteady)
      out << "- " << u << '\n';
    out << '\n';
  }
  out << "## Verdict\n\n";
  const auto failures = results.failures();
  if (failures.empty()) {
    out << "ok: no message lost or reordered, no thread leaked, memory given back at close.\n";
  }
  for (const auto& f : failures)
    out << "- FAILED: " << f << '\n';
  out << "\n## Environment\n\n| | |\n|---|---|\n";
  for (const auto& [k, v] : results.environment)
    out << "| " << k << " | " << v << " |\n";
  out << "\n## Configuration\n\n| | |\n|---|---|\n";
  for (const auto& [k, v] : results.configuration)
    out << "| " << k << " | " << v << " |\n";
  return out.str();
}

}  // namespace eventbus::bench

// SPDX-License-Identifier: Apache-2.0
// The Go service of the interop tests (tests/interop/goservice, built with the Go SDK's client
// libraries at the SDK's versions) run as a subprocess: its JSON lines, and the envelopes both
// sides produce, compared field by field.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "eventbus/eventbus.hpp"

namespace eventbus::testing {

struct GoRun {
  int exit_status = -1;
  std::vector<nlohmann::json> lines;
};

// Runs `goservice <args...>` and reads its stdout to the end (its own --timeout-ms bounds it,
// and a watchdog of its own ends it shortly after). Its stderr goes to the test's output.
inline GoRun run_go(const std::vector<std::string>& args) {
  std::string command = EVENTBUS_GOSERVICE;
  for (const auto& a : args) {
    command += " '";
    for (char c : a)
      command += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += "'";
  }
  FILE* out = popen(command.c_str(), "r");
  if (out == nullptr) throw std::runtime_error("cannot run " + command);
  GoRun run;
  std::string line;
  for (int c = std::fgetc(out); c != EOF; c = std::fgetc(out)) {
    if (c != '\n') {
      line += static_cast<char>(c);
      continue;
    }
    run.lines.push_back(nlohmann::json::parse(line));
    line.clear();
  }
  const int status = pclose(out);
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// Message i of `count` over `aggregates`, with every field set: a timestamp with nanoseconds
// and a zone, trace, correlation and tenant ids, a payload of every JSON kind. Versions count
// 1, 2, 3... per aggregate, so a receiver can check each aggregate's order.
inline Envelope cpp_envelope(const std::string& run, int i, int aggregates) {
  Envelope e;
  e.event_id = "cpp-" + run + "-" + std::to_string(i);
  e.aggregate_id = "cpp-agg-" + std::to_string(i % aggregates);
  e.event_type = "CppOrderPlaced";
  e.event_version = i / aggregates + 1;
  e.timestamp = *Timestamp::parse("2026-11-24T21:05:33.987654321-05:30");
  e.timestamp.utc += std::chrono::nanoseconds(i);
  e.trace_id = "cpp-trace-" + std::to_string(i);
  e.correlation_id = "cpp-corr-" + std::to_string(i);
  e.tenant_id = i % 5 + 1;
  e.payload = R"({"seq":)" + std::to_string(i) +
              R"(,"note":"h\u00e9llo","nested":{"a":[1,2.5,true,null]}})";
  return e;
}

// How the Go side described an envelope it decoded ("decoded" of kafka-consume / nats-consume)
// against the envelope we sent.
inline void expect_go_decoded(const nlohmann::json& d, const Envelope& e) {
  ASSERT_TRUE(d.value("ok", false)) << d.dump();
  EXPECT_EQ(d["event_id"], e.event_id);
  EXPECT_EQ(d["aggregate_id"], e.aggregate_id);
  EXPECT_EQ(d["event_type"], e.event_type);
  EXPECT_EQ(d["event_version"], e.event_version);
  EXPECT_EQ(d["timestamp_unix_nano"], e.timestamp.utc.time_since_epoch().count());
  EXPECT_EQ(d["timestamp_offset_seconds"], e.timestamp.offset_minutes * 60);
  EXPECT_EQ(d["trace_id"], e.trace_id);
  EXPECT_EQ(d["correlation_id"], e.correlation_id);
  EXPECT_EQ(d["tenant_id"], e.tenant_id);
  EXPECT_EQ(d["payload"], e.payload);
}

}  // namespace eventbus::testing

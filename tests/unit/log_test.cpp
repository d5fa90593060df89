// SPDX-License-Identifier: Apache-2.0
// LogOptions: a bus's handler gets every record at or above its level, the process default
// serves buses without one, and a handler that throws costs the record, not the caller.
#include "core/log.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/log_capture.hpp"

namespace eventbus::core {
namespace {

TEST(Log, TheHandlerGetsRecordsAtOrAboveItsLevelWithTheirComponent) {
  std::vector<std::string> lines;
  LogOptions options;
  options.level = LogLevel::warning;
  options.handler = [&](const LogRecord& r) {
    lines.push_back(std::string(to_string(r.level)) + "|" + std::string(r.component) + "|" +
                    std::string(r.message));
  };
  const Log log(options);
  log.info("nats", "not {}", "shown");
  log.warn("nats", "topic {}: {} partitions", "orders", 3);
  log.error("librdkafka", "down");
  EXPECT_EQ(lines, (std::vector<std::string>{"warning|nats|topic orders: 3 partitions",
                                             "error|librdkafka|down"}));
  EXPECT_FALSE(log.enabled(LogLevel::debug));
}

TEST(Log, BusesWithoutAHandlerUseTheProcessDefault) {
  testing::LogCapture capture;
  Log().warn("kafka", "commit: {}", "timed out");
  EXPECT_EQ(capture.text(), "warning kafka: commit: timed out\n");
}

TEST(Log, AThrowingHandlerLosesTheRecordNotTheCaller) {
  LogOptions options;
  options.handler = [](const LogRecord&) { throw std::runtime_error("full disk"); };
  const Log log(options);
  EXPECT_NO_THROW(log.error("bus", "x {}", 1));
}

}  // namespace
}  // namespace eventbus::core

// SPDX-License-Identifier: Apache-2.0
// Makes a topic ready for a producer: created or checked per its strategy (kafka_topics.hpp),
// then in every broker's metadata with a leader that answers for each partition. Runs on the
// TopicPreparer's thread; shares the producer's handle, and owns copies of what it reads, so a
// preparation a frozen broker holds up can finish in the background after the producer is gone.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <system_error>

#include "core/log.hpp"
#include "eventbus/options.hpp"

namespace eventbus::kafka {

class KafkaTopicReadiness {
 public:
  KafkaTopicReadiness(std::shared_ptr<rd_kafka_t> handle, BusOptions options, core::LogPtr log)
      : handle_(std::move(handle)), options_(std::move(options)), log_(std::move(log)) {}

  // Blocking: admin and metadata round trips of up to kafka.admin_timeout each; the wait for
  // leaders ends at `deadline`.
  // First a broker must answer a short metadata request, asked again every 100 ms until the
  // deadline or stop(): librdkafka's calls cannot be cut short, and against a frozen broker the
  // admin calls would each wait their whole timeout.
  std::error_code prepare(const std::string& topic, std::chrono::steady_clock::time_point deadline,
                          std::string& detail) const;
  // A prepare() under way gives up within 100 ms (close()).
  void stop() noexcept { stopping_.store(true); }

 private:
  bool broker_answers(std::chrono::steady_clock::time_point deadline) const;

  std::shared_ptr<rd_kafka_t> handle_;
  const BusOptions options_;
  const core::LogPtr log_;
  std::atomic<bool> stopping_{false};
};

}  // namespace eventbus::kafka

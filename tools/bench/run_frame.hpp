// SPDX-License-Identifier: Apache-2.0
// What every runner does around its client: take the baseline, watch the process while the run
// lasts, and judge threads and memory once the client is gone.
#pragma once

#include <cstddef>
#include <string>

#include "process_sampler.hpp"
#include "progress.hpp"
#include "recorder.hpp"
#include "run_metrics.hpp"
#include "sender_pool.hpp"
#include "settings.hpp"
#include "thread_ledger.hpp"

namespace eventbus::bench {

struct RunContext {
  const Settings& settings;
  ProcessSampler& sampler;
  ThreadLedger& ledger;
  std::string run_id;  // unique per run: names its topics, streams and groups
};

class RunFrame {
 public:
  // Waits for the process to be idle, then records the baseline and opens a sampling window.
  RunFrame(RunContext& context, RunMetrics& metrics);

  // Waits until one warm-up message per topic was handled; throws after the warm-up timeout.
  // Records how long subscribing and warming up took.
  void wait_for_warmup(const Recorder& recorder, std::size_t topics);

  // Waits for every message (or until nothing moves for the idle timeout) with a progress
  // bar, then for the senders; records an error in the metrics when messages are missing.
  void wait_for_messages(Recorder& recorder, SenderPool& senders);

  // Around the close of the client (or its teardown): records the close time.
  void closing();
  void closed();

  // After the client was closed and destroyed: peaks, RSS after, and the leak verdict.
  void client_gone(const std::string& library, std::size_t library_threads);

 private:
  RunContext& context_;
  RunMetrics& metrics_;
  std::chrono::steady_clock::time_point started_, closing_;
};

}  // namespace eventbus::bench

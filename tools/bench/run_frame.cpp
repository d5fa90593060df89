// SPDX-License-Identifier: Apache-2.0
#include "run_frame.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <stdexcept>
#include <thread>

namespace eventbus::bench {

RunFrame::RunFrame(RunContext& context, RunMetrics& metrics)
    : context_(context), metrics_(metrics) {
  metrics_.threads_before = context_.ledger.before_run();
  context_.sampler.begin_window();
  metrics_.rss_before = resident_bytes();
  metrics_.heap_before = heap_in_use();
  started_ = std::chrono::steady_clock::now();
}

void RunFrame::wait_for_warmup(const Recorder& recorder, std::size_t topics) {
  const auto deadline = std::chrono::steady_clock::now() + context_.settings.warmup_timeout;
  while (recorder.warmups_handled() < topics) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("warm-up: " + std::to_string(recorder.warmups_handled()) + " of " +
                               std::to_string(topics) + " topics delivered within " +
                               std::to_string(context_.settings.warmup_timeout.count() / 1000) +
                               " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  metrics_.warmup_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
          .count();
}

void RunFrame::closing() {
  closing_ = std::chrono::steady_clock::now();
}

void RunFrame::closed() {
  metrics_.close_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - closing_)
          .count();
}

void RunFrame::wait_for_messages(Recorder& recorder, SenderPool& senders) {
  Progress bar(metrics_.transport + " " + metrics_.client + " " + metrics_.level, metrics_.messages,
               context_.settings.progress);
  const bool done = recorder.wait(context_.settings.idle_timeout,
                                  [&](std::uint64_t handled) { bar.update(handled); });
  bar.finish();
  if (!done) senders.stop();  // each finishes the call it is in (bounded by its block timeout)
  senders.join();
  if (!done && metrics_.error.empty()) {
    metrics_.error = "gave up after " +
                     std::to_string(context_.settings.idle_timeout.count() / 1000) +
                     " s without progress";
  }
}

void RunFrame::client_gone(const std::string& library, std::size_t library_threads) {
  const SampleWindow w = context_.sampler.window();
  metrics_.peak_threads = w.peak.threads;
  metrics_.peak_rss = w.peak.rss_bytes;
  const ThreadLedger::Verdict v = context_.ledger.after_run(library, library_threads);
  metrics_.threads_after = v.after;
  metrics_.threads_expected = v.expected;
  metrics_.leaked_threads = v.leaked;
  metrics_.heap_after = heap_in_use();  // what someone still holds: the verdict's measure
#if defined(__GLIBC__)
  // Free pages the allocator keeps for reuse are handed back first; what RSS still shows beyond
  // the heap in use is the allocator's high-water mark (the tops of per-thread arenas, which
  // malloc_trim leaves), reported but not judged.
  malloc_trim(0);
#endif
  metrics_.rss_after = resident_bytes();
}

}  // namespace eventbus::bench

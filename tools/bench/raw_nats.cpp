// SPDX-License-Identifier: Apache-2.0
// The raw nats.c Fetch baseline (see raw_runners.hpp): the way the bus's NATS transport
// consumes, without the bus.
#include <atomic>
#include <chrono>
#include <thread>

#include "broker_admin.hpp"
#include "raw_nats_run.hpp"
#include "raw_runners.hpp"

namespace eventbus::bench {
namespace {

constexpr int kFetchBatch = 256;
constexpr int kFetchWaitMs = 250;

// A durable pull subscription per subject, each drained by a thread of its own.
class FetchConsumer final : public RawNatsConsumer {
 public:
  FetchConsumer(RawNatsConnection& connection, Recorder& recorder,
                const std::vector<std::string>& subjects)
      : recorder_(recorder) {
    try {
      for (const auto& subject : subjects)
        subscribe(connection.js(), subject);
      for (auto* sub : subs_)
        fetchers_.emplace_back([this, sub] { fetch_loop(sub); });
    } catch (...) {
      stop_and_free();  // the destructor does not run for a constructor that threw
      throw;
    }
  }

  ~FetchConsumer() override { stop_and_free(); }

 private:
  void subscribe(jsCtx* js, const std::string& subject) {
    const std::string stream = nats_stream_name(subject);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = stream.c_str();
    so.Config.AckPolicy = js_AckExplicit;
    so.Config.MaxAckPending = kRawMaxAckPending;
    natsSubscription* sub = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    check_nats(js_PullSubscribe(&sub, js, subject.c_str(), "raw", nullptr, &so, &jerr),
               "pull subscribe " + subject);
    subs_.push_back(sub);
  }

  void fetch_loop(natsSubscription* sub) {
    while (!stop_.load()) {
      natsMsgList list{};
      const natsStatus s = natsSubscription_Fetch(&list, sub, kFetchBatch, kFetchWaitMs, nullptr);
      if (s != NATS_OK) {  // a timeout means nothing there yet; anything else, do not spin
        if (s != NATS_TIMEOUT) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      for (int i = 0; i < list.Count; ++i)
        handle_and_ack(recorder_, list.Msgs[i]);
      natsMsgList_Destroy(&list);
    }
  }

  void stop_and_free() {
    stop_.store(true);
    for (auto& t : fetchers_)
      t.join();
    fetchers_.clear();
    for (auto* sub : subs_)
      natsSubscription_Destroy(sub);
    subs_.clear();
  }

  Recorder& recorder_;
  std::vector<natsSubscription*> subs_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> fetchers_;
};

}  // namespace

RunMetrics run_raw_nats(RunContext& context, const Level& level, std::size_t repeat) {
  return run_raw_nats_with<FetchConsumer>(context, level, repeat, kRawClient);
}

}  // namespace eventbus::bench

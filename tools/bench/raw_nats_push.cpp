// SPDX-License-Identifier: Apache-2.0
// The raw nats.c push baseline (see raw_runners.hpp): nats.c's fastest way to consume, a push
// consumer whose messages nats.c hands to a callback on a delivery thread of the subscription's
// own. Not how the bus consumes (it fetches, to bound what it holds); it shows the ceiling.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "broker_admin.hpp"
#include "raw_nats_run.hpp"
#include "raw_runners.hpp"

namespace eventbus::bench {
namespace {

// How long closing waits for the delivery threads to leave the callback; it waits for nothing
// of the benchmark's, so this bounds a stuck nats.c only.
constexpr std::chrono::seconds kCloseWait{5};

// Counts subscriptions whose callback will not run again: nats.c calls the completion
// callback on the delivery thread once the subscription is closed and the callback returned.
class Completions {
 public:
  void one_done() {
    const std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    changed_.notify_all();
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t done_ = 0;
};

// A durable push consumer per subject with explicit acks: nats.c makes the deliver subject,
// starts one delivery thread per subscription, answers flow control and watches heartbeats.
class PushConsumer final : public RawNatsConsumer {
 public:
  PushConsumer(RawNatsConnection& connection, Recorder& recorder,
               const std::vector<std::string>& subjects)
      : recorder_(recorder) {
    try {
      for (const auto& subject : subjects)
        subscribe(connection.js(), subject);
    } catch (...) {
      stop_and_free();  // the destructor does not run for a constructor that threw
      throw;
    }
  }

  ~PushConsumer() override { stop_and_free(); }

 private:
  // On the subscription's delivery thread, one message at a time: per subject in stream order.
  static void on_message(natsConnection*, natsSubscription*, natsMsg* m, void* closure) {
    handle_and_ack(*static_cast<Recorder*>(closure), m);
    natsMsg_Destroy(m);
  }
  static void on_complete(void* closure) { static_cast<Completions*>(closure)->one_done(); }

  void subscribe(jsCtx* js, const std::string& subject) {
    const std::string stream = nats_stream_name(subject);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = stream.c_str();
    so.ManualAck = true;  // handle_and_ack acks; nats.c would ack again after the callback
    so.Config.Durable = "raw-push";
    so.Config.AckPolicy = js_AckExplicit;
    so.Config.MaxAckPending = kRawMaxAckPending;
    // Flow control lets the server pace what it pushes by what nats.c has taken in, so a burst
    // never piles up in the client until it is cut off as a slow consumer.
    so.Config.FlowControl = true;
    so.Config.Heartbeat =
        std::chrono::duration_cast<std::chrono::nanoseconds>(kRawPushHeartbeat).count();
    natsSubscription* sub = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    check_nats(
        js_Subscribe(&sub, js, subject.c_str(), &on_message, &recorder_, nullptr, &so, &jerr),
        "push subscribe " + subject);
    subs_.push_back(sub);
    check_nats(natsSubscription_SetOnCompleteCB(sub, &on_complete, &completions_),
               "completion callback " + subject);
    ++armed_;
  }

  // Unsubscribing closes a subscription (and deletes the consumer nats.c created for it); its
  // delivery thread then finishes the callback it is in, calls on_complete and ends. Only then
  // may the recorder and the connection go.
  void stop_and_free() {
    for (auto* sub : subs_)
      natsSubscription_Unsubscribe(sub);
    if (!completions_.wait_for(armed_, kCloseWait)) {
      std::fprintf(stderr, "raw push: a delivery thread was still in its callback after %lld s\n",
                   static_cast<long long>(kCloseWait.count()));
    }
    for (auto* sub : subs_)
      natsSubscription_Destroy(sub);
    subs_.clear();
  }

  Recorder& recorder_;
  Completions completions_;
  std::size_t armed_ = 0;  // subscriptions whose completion callback is set
  std::vector<natsSubscription*> subs_;
};

}  // namespace

RunMetrics run_raw_nats_push(RunContext& context, const Level& level, std::size_t repeat) {
  return run_raw_nats_with<PushConsumer>(context, level, repeat, kRawPushClient);
}

}  // namespace eventbus::bench

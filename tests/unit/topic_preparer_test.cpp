// SPDX-License-Identifier: Apache-2.0
// The TopicPreparer without a broker: publishes wait for their topic and leave in the order they
// came, a refusal fails them at once (and is remembered a moment), a broker that does not answer
// times them out at their ack deadline with the last cause, close() cancels what waits, and a
// subscriber waits for its topic up to its own deadline.
#include "core/publish/topic_preparer.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "eventbus/error.hpp"
#include "support/wait.hpp"

namespace eventbus::core {
namespace {

using namespace std::chrono_literals;
using testing::Signal;

struct Outcome {
  std::string event_id;
  std::error_code error;
  std::string detail;
};

class Recorder final : public PublishTracker {
 public:
  void on_finished(PendingPublish& p, const PublishResult& r) noexcept override {
    signal.update([&] { finished.push_back({p.event_id, r.error, std::string(r.detail)}); });
  }
  std::unique_ptr<PendingPublish> make(const std::string& topic, const std::string& id) {
    auto p = std::make_unique<PendingPublish>(*this, Completion{});
    p->topic = topic;
    p->event_id = id;
    p->accepted_at = std::chrono::steady_clock::now();
    return p;
  }
  Signal signal;
  std::vector<Outcome> finished;
};

// A broker stand-in: prepare() answers what the test says, when the test says.
struct FakeBroker {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;  // prepare() blocks until open, then answers `answer`
  std::error_code answer;
  std::string words;
  int calls = 0;
  std::vector<std::string> sent;

  TopicPreparer::Hooks hooks(Recorder& recorder) {
    TopicPreparer::Hooks h;
    h.prepare = [this](const std::string&, bool, TopicPreparer::Clock::time_point deadline,
                       std::string& detail) {
      std::unique_lock lock(mutex);
      ++calls;
      changed.notify_all();
      if (!changed.wait_until(lock, deadline, [&] { return open; })) {
        detail = "no answer";
        return make_error_code(errc::transport_error);
      }
      detail = words;
      return answer;
    };
    h.send = [this, &recorder](std::unique_ptr<PendingPublish> p) {
      {
        std::lock_guard lock(mutex);
        sent.push_back(p->event_id);
      }
      PendingPublish::finish(std::move(p), {});
      (void)recorder;
    };
    return h;
  }
  void answer_with(std::error_code ec, std::string text = {}) {
    std::lock_guard lock(mutex);
    open = true;
    answer = ec;
    words = std::move(text);
    changed.notify_all();
  }
};

TEST(TopicPreparer, PublishesWaitForTheirTopicAndLeaveInTheOrderTheyCame) {
  Recorder recorder;
  FakeBroker broker;
  TopicPreparer preparer(broker.hooks(recorder), 5s, 10s);
  for (int i = 0; i < 100; ++i)
    preparer.publish(recorder.make("orders", std::to_string(i)));
  EXPECT_TRUE(broker.sent.empty());
  broker.answer_with({});
  ASSERT_TRUE(recorder.signal.wait_for(5s, [&] { return recorder.finished.size() == 100; }));
  std::vector<std::string> expected;
  for (int i = 0; i < 100; ++i)
    expected.push_back(std::to_string(i));
  std::lock_guard lock(broker.mutex);
  EXPECT_EQ(broker.sent, expected);
  EXPECT_EQ(broker.calls, 1);
}

TEST(TopicPreparer, ARefusalFailsTheWaitingPublishesWithItsWordsAndIsRemembered) {
  Recorder recorder;
  FakeBroker broker;
  TopicPreparer preparer(broker.hooks(recorder), 5s, 10s);
  preparer.publish(recorder.make("orders", "a"));
  broker.answer_with(make_error_code(errc::invalid_option), "topic orders: 3 partitions, asked 4");
  ASSERT_TRUE(recorder.signal.wait_for(5s, [&] { return recorder.finished.size() == 1; }));
  preparer.publish(recorder.make("orders", "b"));  // at once, without asking again
  ASSERT_TRUE(recorder.signal.wait_for(5s, [&] { return recorder.finished.size() == 2; }));
  for (const auto& o : recorder.finished) {
    EXPECT_EQ(o.error, errc::invalid_option);
    EXPECT_EQ(o.detail, "topic orders: 3 partitions, asked 4");
  }
  std::lock_guard lock(broker.mutex);
  EXPECT_EQ(broker.calls, 1);
}

TEST(TopicPreparer, ABrokerThatDoesNotAnswerTimesThePublishOutWithTheLastCause) {
  Recorder recorder;
  FakeBroker broker;  // never opens
  TopicPreparer preparer(broker.hooks(recorder), 50ms, 300ms);
  const auto started = std::chrono::steady_clock::now();
  preparer.publish(recorder.make("orders", "a"));
  ASSERT_TRUE(recorder.signal.wait_for(5s, [&] { return recorder.finished.size() == 1; }));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  EXPECT_EQ(recorder.finished[0].error, errc::publish_timeout);
  EXPECT_NE(recorder.finished[0].detail.find("topic orders: not ready within publish.ack_timeout"),
            std::string::npos)
      << recorder.finished[0].detail;
  EXPECT_NE(recorder.finished[0].detail.find("no answer"), std::string::npos);
  std::lock_guard lock(broker.mutex);
  EXPECT_GE(broker.calls, 2) << "asked again while the publish waited";
}

TEST(TopicPreparer, CloseCancelsWhatWaitsAndWakesASubscriber) {
  Recorder recorder;
  FakeBroker broker;
  auto preparer = std::make_unique<TopicPreparer>(broker.hooks(recorder), 10s, 10s);
  for (int i = 0; i < 3; ++i)
    preparer->publish(recorder.make("orders", std::to_string(i)));
  std::error_code subscribed;
  std::thread subscriber([&] {
    std::string detail;
    subscribed = preparer->await_ready("orders", std::chrono::steady_clock::now() + 10s, detail);
  });
  {
    std::unique_lock lock(broker.mutex);  // the preparer is inside prepare()
    broker.changed.wait_for(lock, 5s, [&] { return broker.calls > 0; });
  }
  EXPECT_EQ(preparer->close(), 3u);
  subscriber.join();
  EXPECT_EQ(subscribed, errc::closed);
  for (const auto& o : recorder.finished)
    EXPECT_EQ(o.error, errc::cancelled);
  EXPECT_TRUE(preparer->busy());
  broker.answer_with({});  // the prepare call under way returns; nothing is sent after close
  std::thread thread = preparer->release_thread();
  thread.join();
  std::lock_guard lock(broker.mutex);
  EXPECT_TRUE(broker.sent.empty());
}

TEST(TopicPreparer, ASubscriberWaitsUpToItsDeadlineWithTheLastCause) {
  Recorder recorder;
  FakeBroker broker;  // never opens
  TopicPreparer preparer(broker.hooks(recorder), 20ms, 10s);
  std::string detail;
  const auto ec = preparer.await_ready("orders", std::chrono::steady_clock::now() + 200ms, detail);
  EXPECT_EQ(ec, errc::transport_error);
  EXPECT_NE(detail.find("not ready within the subscribe timeout"), std::string::npos) << detail;
  broker.answer_with({});
  EXPECT_FALSE(preparer.await_ready("orders", std::chrono::steady_clock::now() + 5s, detail));
}

}  // namespace
}  // namespace eventbus::core

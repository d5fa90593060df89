// The raw nats.c baseline (see raw_runners.hpp).
#include <nats/nats.h>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "broker_admin.hpp"
#include "message_factory.hpp"
#include "raw_runners.hpp"
#include "sender_pool.hpp"

namespace eventbus::bench {
namespace {

constexpr int kFetchBatch = 256;
constexpr int kFetchWaitMs = 250;

void check(natsStatus s, const std::string& what) {
  if (s != NATS_OK) throw std::runtime_error("nats: " + what + ": " + natsStatus_GetText(s));
}

// nats.c hands every publish result to this one handler; it owns the message.
void on_ack(jsCtx*, natsMsg* msg, jsPubAck*, jsPubAckErr* error, void* closure) {
  auto* recorder = static_cast<Recorder*>(closure);
  const std::string_view data(natsMsg_GetData(msg),
                              static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
  if (const auto stamp = read_stamp(data)) recorder->completed(stamp->seq, error == nullptr);
  natsMsg_Destroy(msg);
}

class RawNats {
 public:
  RawNats(const RunContext& c, Recorder& recorder, const std::vector<std::string>& subjects)
      : recorder_(recorder) {
    try {
      start(c, subjects);
    } catch (...) {
      stop_and_free();  // the destructor does not run for a constructor that threw
      throw;
    }
  }

  RawNats(const RawNats&) = delete;
  RawNats& operator=(const RawNats&) = delete;

  // Stops the fetchers, waits (bounded) for outstanding acks, and frees everything; the
  // streams stay for delete_nats_streams().
  ~RawNats() { stop_and_free(); }

  // Returns false when nats.c refused the message (then it never completes).
  bool publish(const std::string& subject, const std::string& bytes) {
    return js_PublishAsync(js_, subject.c_str(), bytes.data(), static_cast<int>(bytes.size()),
                           nullptr) == NATS_OK;
  }

 private:
  void start(const RunContext& c, const std::vector<std::string>& subjects) {
    check(natsConnection_ConnectTo(&nc_, c.settings.nats_url.c_str()), "connect");
    jsOptions o;
    jsOptions_Init(&o);
    o.PublishAsync.MaxPending = static_cast<int64_t>(c.settings.max_in_flight);
    o.PublishAsync.AckHandler = &on_ack;
    o.PublishAsync.AckHandlerClosure = &recorder_;
    o.PublishAsync.StallWait = 5000;
    check(natsConnection_JetStream(&js_, nc_, &o), "JetStream context");
    for (const auto& subject : subjects) {
      const std::string stream = nats_stream_name(subject);
      add_stream(stream, subject);
      subscribe(stream, subject);
    }
    for (auto* sub : subs_)
      fetchers_.emplace_back([this, sub] { fetch_loop(sub); });
  }

  void stop_and_free() {
    stop_.store(true);
    for (auto& t : fetchers_)
      t.join();
    fetchers_.clear();
    for (auto* sub : subs_)
      natsSubscription_Destroy(sub);
    subs_.clear();
    if (js_ != nullptr) {
      jsPubOptions po;
      jsPubOptions_Init(&po);
      po.MaxWait = 5000;
      js_PublishAsyncComplete(js_, &po);
    }
    jsCtx_Destroy(js_);
    js_ = nullptr;
    natsConnection_Destroy(nc_);
    nc_ = nullptr;
  }

  void add_stream(const std::string& name, const std::string& subject) {
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = name.c_str();
    const char* subjects[] = {subject.c_str()};
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    jsStreamInfo* info = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    check(js_AddStream(&info, js_, &cfg, nullptr, &jerr), "add stream " + name);
    jsStreamInfo_Destroy(info);
  }

  void subscribe(const std::string& stream, const std::string& subject) {
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = stream.c_str();
    so.Config.AckPolicy = js_AckExplicit;
    so.Config.MaxAckPending = 4096;
    natsSubscription* sub = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    check(js_PullSubscribe(&sub, js_, subject.c_str(), "raw", nullptr, &so, &jerr),
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
      for (int i = 0; i < list.Count; ++i) {
        natsMsg* m = list.Msgs[i];
        const std::int64_t start = now_ns();
        recorder_.handled({natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m))},
                          start);
        natsMsg_Ack(m, nullptr);
      }
      natsMsgList_Destroy(&list);
    }
  }

  Recorder& recorder_;
  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
  std::vector<natsSubscription*> subs_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> fetchers_;
};

}  // namespace

RunMetrics run_raw_nats(RunContext& context, const Level& level, std::size_t repeat) {
  const Settings& settings = context.settings;
  const Scenario s = Scenario::for_messages(level.messages, settings.topics);
  RunMetrics m = new_run("nats", "raw", level.name, s.messages, s.aggregates, repeat);
  const MessageFactory factory(s, settings.envelope_bytes);
  std::vector<std::string> subjects, streams;
  for (std::size_t t = 0; t < s.topics; ++t) {
    subjects.push_back("raw-" + context.run_id + "-t" + std::to_string(t));
    streams.push_back(nats_stream_name(subjects.back()));
  }
  Recorder recorder(s);
  RunFrame frame(context, m);
  try {
    std::optional<RawNats> client;
    client.emplace(context, recorder, subjects);
    const StampOffsets at = factory.raw_stamps();
    std::string warm = factory.raw_template();
    for (std::size_t t = 0; t < subjects.size(); ++t) {
      write_digits(warm.data() + at.seq, kSeqDigits, s.messages + t);
      if (!client->publish(subjects[t], warm)) throw std::runtime_error("nats: warm-up publish");
    }
    frame.wait_for_warmup(recorder, subjects.size());
    std::vector<std::string> buffers(settings.senders, factory.raw_template());
    SenderPool senders(s, settings.senders, [&](std::size_t k, std::uint64_t seq) {
      std::string& bytes = buffers[k];
      write_digits(bytes.data() + at.seq, kSeqDigits, seq);
      const std::int64_t start = now_ns();
      write_digits(bytes.data() + at.sent_ns, kSentDigits, static_cast<std::uint64_t>(start));
      recorder.publish_started(seq, start);
      const bool accepted = client->publish(subjects[s.topic_of(seq)], bytes);
      recorder.publish_returned(start, now_ns());
      if (!accepted) recorder.completed(seq, false);
    });
    frame.wait_for_messages(recorder, senders);
    frame.closing();
    client.reset();
    frame.closed();
  } catch (const std::exception& e) {
    m.error = e.what();
  }
  recorder.summarize(m);
  frame.client_gone("nats.c", kNatsProcessThreads);
  delete_nats_streams(settings.nats_url, streams);
  return m;
}

}  // namespace eventbus::bench

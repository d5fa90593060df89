// SPDX-License-Identifier: Apache-2.0
#include "bus_runner.hpp"

#include <stdexcept>
#include <thread>
#include <vector>

#include "broker_admin.hpp"
#include "eventbus/eventbus.hpp"
#include "message_factory.hpp"
#include "sender_pool.hpp"

namespace eventbus::bench {
namespace {

BusOptions bus_options(const RunContext& c, const std::string& transport,
                       const std::vector<std::string>& topics) {
  BusOptions o = c.settings.base_options;
  o.transport = transport;
  o.group = "bench-" + c.run_id;
  o.client_name = "eventbus-bench";
  o.publish.max_in_flight = c.settings.max_in_flight;
  o.memory.broker = "bench-" + c.run_id;
  if (!c.settings.nats_url.empty()) o.nats.servers = {c.settings.nats_url};
  if (!c.settings.kafka_brokers.empty()) o.kafka.brokers = c.settings.kafka_brokers;
  for (const auto& t : topics) {  // stream names we know, so the run can delete its streams
    o.topics.emplace(t, o.default_topic).first->second.stream = nats_stream_name(t);
  }
  return o;
}

// Threads the client library of a bus with `options` keeps once per process after the bus is
// gone: nats.c's, unless the bus ends the library on close (nats.close_library_on_close).
std::size_t library_threads_of(const BusOptions& options) {
  return options.transport == "nats" && !options.nats.close_library_on_close ? kNatsProcessThreads
                                                                             : 0;
}

// Sends one message per topic: once each came back, subscriptions are live, topics and streams
// exist and the Kafka group has its partitions. Not part of the measured interval.
void send_warmups(Bus& bus, const std::vector<std::string>& topics, const MessageFactory& factory,
                  const Scenario& s) {
  for (std::size_t t = 0; t < topics.size(); ++t) {
    Envelope e = factory.envelope(0);
    write_digits(e.payload.data() + find_stamps(e.payload).seq, kSeqDigits, s.messages + t);
    e.aggregate_id = "warmup-" + std::to_string(t);
    if (auto ec = bus.publish_envelope(topics[t], e)) {
      throw std::runtime_error("warm-up publish: " + ec.message());
    }
  }
}

// Starts the sender pool publishing every message; it runs on while the caller waits. The
// pool's function holds pointers: the objects outlive the pool in run_bus. With a period, each
// sender sleeps until its message is due (an absolute time: a late send does not shift the rest).
std::unique_ptr<SenderPool> publish_all(Bus& bus, Recorder& recorder,
                                        const std::vector<std::string>& topics,
                                        const MessageFactory& factory, const Scenario& s,
                                        std::size_t senders, std::int64_t start_ns,
                                        std::int64_t period_ns) {
  auto send = [bus = &bus, recorder = &recorder, topics = &topics, factory = &factory, s,
               sent_at = factory.payload_sent_offset(), start_ns,
               period_ns](std::size_t, std::uint64_t seq) {
    if (period_ns > 0) {
      const std::int64_t due = start_ns + static_cast<std::int64_t>(seq) * period_ns;
      std::this_thread::sleep_until(
          std::chrono::steady_clock::time_point(std::chrono::nanoseconds(due)));
    }
    Envelope e = factory->envelope(seq);  // after the wait: its timestamp is the send's
    const std::int64_t start = now_ns();
    write_digits(e.payload.data() + sent_at, kSentDigits, static_cast<std::uint64_t>(start));
    recorder->publish_started(seq, start);
    // 16 bytes of capture: stored in the completion without an allocation.
    bus->publish_envelope(
        (*topics)[s.topic_of(seq)], e,
        [recorder, seq](const PublishResult& result) { recorder->completed(seq, !result.error); });
    recorder->publish_returned(start, now_ns());
  };
  return std::make_unique<SenderPool>(s, senders, std::move(send));
}

}  // namespace

RunMetrics run_bus(RunContext& context, const std::string& transport, const Level& level,
                   std::size_t repeat, const BusRunOptions& options) {
  const Settings& settings = context.settings;
  const Scenario s = Scenario::for_messages(level.messages, settings.topics);
  RunMetrics m = new_run(transport, "bus", level.name, s.messages, s.aggregates, repeat);
  const MessageFactory factory(s, settings.envelope_bytes);
  std::vector<std::string> topics;
  for (std::size_t t = 0; t < s.topics; ++t)
    topics.push_back(options.topic_prefix + "-" + context.run_id + "-t" + std::to_string(t));
  Recorder recorder(s);
  recorder.attach(options.series);
  RunFrame frame(context, m);
  std::size_t library_threads = transport == "nats" ? kNatsProcessThreads : 0;
  try {
    const BusOptions made = bus_options(context, transport, topics);
    auto bus = std::make_unique<Bus>(made);
    library_threads = library_threads_of(made);
    for (const auto& topic : topics) {
      auto ec = bus->subscribe_envelope(topic,
                                        [&recorder](const Envelope& e, const Message& message) {
                                          recorder.handled(e.payload, now_ns(), message.attempt);
                                          return HandlerResult::ok();
                                        })
                    .error();
      if (ec) throw std::runtime_error("subscribe " + topic + ": " + ec.message());
    }
    send_warmups(*bus, topics, factory, s);
    frame.wait_for_warmup(recorder, topics.size());
    const std::int64_t start = now_ns();
    if (options.series != nullptr) options.series->start(start);
    const auto senders =
        publish_all(*bus, recorder, topics, factory, s, settings.senders, start, options.period_ns);
    if (options.while_publishing) options.while_publishing(recorder, start);
    frame.wait_for_messages(recorder, *senders);
    frame.closing();
    const CloseReport report = bus->close(std::chrono::seconds(10));
    frame.closed();
    if (report.error && m.error.empty()) m.error = "close: " + report.error.message();
  } catch (const std::exception& e) {
    m.error = e.what();
  }
  recorder.summarize(m);
  frame.client_gone(library_of(transport), library_threads);
  delete_topics(settings, transport, topics);
  return m;
}

}  // namespace eventbus::bench

// SPDX-License-Identifier: Apache-2.0
#include "raw_nats_run.hpp"

#include <optional>
#include <stdexcept>

#include "broker_admin.hpp"
#include "message_factory.hpp"
#include "raw_sender.hpp"
#include "sender_pool.hpp"

namespace eventbus::bench {

RunMetrics run_raw_nats_baseline(RunContext& context, const Level& level, std::size_t repeat,
                                 const std::string& client,
                                 const MakeRawNatsConsumer& make_consumer) {
  const Settings& settings = context.settings;
  const Scenario s = Scenario::for_messages(level.messages, settings.topics);
  RunMetrics m = new_run("nats", client, level.name, s.messages, s.aggregates, repeat);
  const MessageFactory factory(s, settings.envelope_bytes);
  std::vector<std::string> subjects, streams;
  for (std::size_t t = 0; t < s.topics; ++t) {
    subjects.push_back("raw-" + context.run_id + "-t" + std::to_string(t));
    streams.push_back(nats_stream_name(subjects.back()));
  }
  Recorder recorder(s);
  RunFrame frame(context, m);
  try {
    // Declared in this order so that unwinding, too, ends the consumer before the connection.
    std::optional<RawNatsConnection> connection;
    std::unique_ptr<RawNatsConsumer> consumer;
    connection.emplace(context, recorder, subjects);
    consumer = make_consumer(*connection, recorder, subjects);
    const StampOffsets at = factory.raw_stamps();
    std::string warm = factory.raw_template();
    for (std::size_t t = 0; t < subjects.size(); ++t) {
      write_digits(warm.data() + at.seq, kSeqDigits, s.messages + t);
      if (!connection->publish(subjects[t], warm))
        throw std::runtime_error("nats: warm-up publish");
    }
    frame.wait_for_warmup(recorder, subjects.size());
    std::vector<std::string> buffers(settings.senders, factory.raw_template());
    SenderPool senders(
        s, settings.senders,
        raw_sender(buffers, at, recorder, [&](std::uint64_t seq, const std::string& bytes) {
          return connection->publish(subjects[s.topic_of(seq)], bytes);
        }));
    frame.wait_for_messages(recorder, senders);
    frame.closing();
    consumer.reset();
    connection.reset();
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

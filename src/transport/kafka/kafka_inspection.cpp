// SPDX-License-Identifier: Apache-2.0
// Bus::topics and Bus::group_lag on Kafka, each on a short-lived consumer of its own that joins
// no group (as a read's: kafka_reader.hpp): the cluster's metadata and each partition's
// watermarks for the topics; a group's committed offsets against the watermarks for its lag
// (the read's plan, kafka_read_plan.hpp, asks exactly that). Every call is asked in slices of a
// second up to the deadline (kafka_retry.hpp), so a frozen broker holds nothing up for longer.
#include <random>

#include "eventbus/error.hpp"
#include "transport/kafka/client_context.hpp"
#include "transport/kafka/kafka_config.hpp"
#include "transport/kafka/kafka_consumer_close.hpp"
#include "transport/kafka/kafka_handles.hpp"
#include "transport/kafka/kafka_read_plan.hpp"
#include "transport/kafka/kafka_retry.hpp"
#include "transport/kafka/kafka_transport.hpp"

namespace eventbus::kafka {
namespace {

// How long the end of a query waits for librdkafka to close its consumer before the rest goes
// to the background: a consumer outside any group closes in a few milliseconds.
constexpr std::chrono::milliseconds kCloseWait{500};

// A consumer that asks and never joins its group (no subscribe): topics() gets a throwaway
// group, which the broker never hears of; group_lag() the group asked about, whose committed
// offsets it fetches and never changes (nothing is committed: reader_config).
class QueryClient {
 public:
  QueryClient(const BusOptions& options, core::LogPtr log) : options_(options) {
    context_->log = std::move(log);
  }
  ~QueryClient() {
    if (!handle_) return;
    const core::Deadline now = core::Clock::now();
    close_unjoined_consumer(std::move(handle_), context_, now + kCloseWait,
                            now + options_.kafka.session_timeout + std::chrono::seconds(2));
  }
  QueryClient(const QueryClient&) = delete;
  QueryClient& operator=(const QueryClient&) = delete;

  std::error_code open(const std::string& group, std::string& detail) {
    try {
      ConfPtr conf = reader_config(options_, group);
      attach_context(conf.get(), *context_);
      char error[512];
      rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof error);
      if (rk == nullptr) {
        detail = std::string("kafka: consumer: ") + error;
        return make_error_code(errc::transport_error);
      }
      static_cast<void>(conf.release());  // rd_kafka_new took it
      handle_.reset(rk);
    } catch (const std::system_error& e) {  // a consumer property librdkafka refused
      detail = e.what();
      return e.code();
    }
    rd_kafka_poll_set_consumer(handle_.get());  // errors with the calls, not to a main queue
    return {};
  }
  rd_kafka_t* get() const noexcept { return handle_.get(); }

 private:
  const BusOptions& options_;
  const ClientContextPtr context_ = std::make_shared<ClientContext>();
  HandlePtr handle_;
};

std::string throwaway_group() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return "eventbus-inspect-" + std::to_string(random());
}

// What a failed call says: closed when the bus is closing; else which call, the brokers asked
// (host:port only: credentials are separate properties) and librdkafka's words.
std::error_code failed(const std::stop_token& stop, const BusOptions& options,
                       const std::string& what, rd_kafka_resp_err_t err, std::string& detail) {
  if (stop.stop_requested()) {
    detail = "kafka: " + what + ": the bus is closing";
    return make_error_code(errc::closed);
  }
  detail = "kafka: " + what + " (brokers " + options.kafka.brokers + "): " +
           (passing(err)
                ? "no answer before the deadline (last: " + std::string(rd_kafka_err2str(err)) + ")"
                : std::string(rd_kafka_err2str(err)));
  return make_error_code(errc::transport_error);
}

using MetadataPtr =
    std::unique_ptr<const rd_kafka_metadata_t, void (*)(const rd_kafka_metadata_t*)>;

}  // namespace

TopicsReport KafkaTransport::topics(core::Deadline deadline, std::stop_token stop) {
  TopicsReport report;
  QueryClient client(options_, log_);
  if ((report.error = client.open(throwaway_group(), report.detail))) return report;
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err = within(deadline, stop, [&](int ms) {
    return rd_kafka_metadata(client.get(), /*all_topics=*/1, nullptr, &raw, ms);
  });
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    report.error = failed(stop, options_, "the cluster's metadata", err, report.detail);
    return report;
  }
  const MetadataPtr metadata(raw, rd_kafka_metadata_destroy);
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[t];
    const std::string name = topic.topic;
    if (name.starts_with("__") || topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    TopicInfo& info = report.topics.emplace_back();
    info.name = name;
    info.partition_messages.assign(static_cast<std::size_t>(topic.partition_cnt), 0);
    for (int i = 0; i < topic.partition_cnt; ++i) {
      const std::int32_t p = topic.partitions[i].id;
      std::int64_t low = 0;
      std::int64_t high = 0;
      const rd_kafka_resp_err_t e = within(deadline, stop, [&](int ms) {
        return rd_kafka_query_watermark_offsets(client.get(), name.c_str(), p, &low, &high, ms);
      });
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        report.error =
            failed(stop, options_, "the watermarks of " + name + " partition " + std::to_string(p),
                   e, report.detail);
        report.topics.clear();
        return report;
      }
      if (p >= 0 && p < topic.partition_cnt)
        info.partition_messages[static_cast<std::size_t>(p)] = high - low;
      info.messages += high - low;
    }
  }
  std::sort(report.topics.begin(), report.topics.end(),
            [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; });
  return report;
}

GroupLagReport KafkaTransport::group_lag(const std::string& group, const std::string& topic,
                                         core::Deadline deadline, std::stop_token stop) {
  GroupLagReport report;
  report.topic = topic;
  report.group = group;
  QueryClient client(options_, log_);
  if ((report.error = client.open(group, report.detail))) return report;
  ReadOptions by_group;
  by_group.group = group;
  std::vector<PartitionPlan> plan;
  if ((report.error =
           plan_read(client.get(), topic, by_group, deadline, stop, plan, report.detail))) {
    if (report.error == errc::transport_error)
      report.detail += " (brokers " + options_.kafka.brokers + ")";
    if (report.error == errc::cancelled) report.error = make_error_code(errc::closed);
    return report;
  }
  for (const PartitionPlan& part : plan) {
    GroupPartitionLag& entry = report.entries.emplace_back();
    entry.topic = topic;
    entry.group = group;
    entry.partition = part.partition;
    entry.high = part.high;
    // The plan starts a partition without a commit at the beginning: no committed offset.
    const bool committed = part.start != RD_KAFKA_OFFSET_BEGINNING;
    entry.committed = committed ? part.start : -1;
    report.has_position = report.has_position || committed;
    // A committed offset below the low watermark (retention deleted past it) counts from
    // what is still there.
    entry.pending = std::max<std::int64_t>(
        0, part.high - std::max(committed ? part.start : part.low, part.low));
  }
  return report;
}

}  // namespace eventbus::kafka

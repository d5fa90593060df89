// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/kafka_reader.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "eventbus/error.hpp"
#include "transport/kafka/client_context.hpp"
#include "transport/kafka/kafka_config.hpp"
#include "transport/kafka/kafka_consumer_close.hpp"
#include "transport/kafka/kafka_handles.hpp"
#include "transport/kafka/kafka_read_plan.hpp"
#include "transport/kafka/record_headers.hpp"

namespace eventbus::kafka {
namespace {

using std::chrono::milliseconds;

// The longest one wait for records or a commit's answer: the stop token and (without follow)
// the deadline are looked at least this often. A stop also wakes the wait for records at once.
constexpr int kPollMs = 200;
// How long a commit under way may still take once a stop is requested.
constexpr milliseconds kStopGrace{1000};
// How long the end of a read waits for librdkafka to close the consumer before the rest goes
// to the background: a consumer outside any group closes in a few milliseconds.
constexpr milliseconds kCloseWait{500};

// librdkafka consumes only with a group.id; an anonymous read's is never used for anything
// else (no join, no commit, no offset fetch), so the broker keeps nothing of it.
std::string throwaway_group() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return "eventbus-read-" + std::to_string(random());
}

StoredMessage stored_from(const rd_kafka_message_t& m) {
  StoredMessage s;
  s.topic = rd_kafka_topic_name(m.rkt);
  s.partition = m.partition;
  s.offset = m.offset;
  if (m.key != nullptr) s.key.assign(static_cast<const char*>(m.key), m.key_len);
  if (m.payload != nullptr) s.payload.assign(static_cast<const char*>(m.payload), m.len);
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  const std::int64_t ms = rd_kafka_message_timestamp(&m, &type);
  if (ms >= 0) s.stored_at = std::chrono::system_clock::time_point(milliseconds(ms));
  append_record_headers(m, s.headers);
  return s;
}

// One partition as the read goes through it.
struct Progress {
  std::int64_t next = 0;  // the offset read next (for the deadline's detail)
  std::int64_t end = 0;   // the high watermark when the read started
  bool done = false;      // without follow: read up to `end`
};

class Reader {
 public:
  Reader(const BusOptions& options, core::LogPtr log, std::string_view topic,
         const ReadOptions& read, core::Deadline deadline, const std::stop_token& stop)
      : options_(options),
        log_(std::move(log)),
        topic_(topic),
        read_(read),
        deadline_(deadline),
        stop_(stop) {}

  ~Reader() {
    if (!consumer_) return;
    // Without follow the deadline bounds the whole read, the close included (by a short grace
    // past it at most); librdkafka's own requests time out by socket.timeout.ms (the session
    // timeout: consumer_config), hence the background's cap.
    const core::Deadline now = core::Clock::now();
    close_unjoined_consumer(std::move(consumer_), context_, now + kCloseWait,
                            now + options_.kafka.session_timeout + std::chrono::seconds(2));
  }

  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  ReadResult run(const core::ReadCallback& fn) {
    if (std::error_code ec = open()) return finish(ec);
    std::vector<PartitionPlan> plan;
    if (std::error_code ec =
            plan_read(consumer_.get(), topic_, read_, deadline_, stop_, plan, result_.detail)) {
      return finish(ec);
    }
    if (std::error_code ec = assign(plan)) return finish(ec);
    // A stop ends the wait for records at once, not at the next poll's timeout.
    const QueuePtr queue(rd_kafka_queue_get_consumer(consumer_.get()));
    const std::stop_callback wake(stop_, [&queue] { rd_kafka_queue_yield(queue.get()); });
    while (!stop_.stop_requested() && (read_.follow || !all_done())) {
      if (!read_.follow && core::ms_left(deadline_) == 0) return finish(timed_out());
      const int wait = read_.follow ? kPollMs : std::min(kPollMs, core::ms_left(deadline_));
      MessagePtr m(rd_kafka_consumer_poll(consumer_.get(), wait));
      if (!m) continue;
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        on_error(*m);
        continue;
      }
      bool go_on = true;
      if (std::error_code ec = hand_on(std::move(m), fn, go_on)) return finish(ec);
      if (!go_on) break;
    }
    return finish({});
  }

 private:
  std::error_code open() {
    const std::string group = read_.group.empty() ? throwaway_group() : read_.group;
    try {
      ConfPtr conf = reader_config(options_, group);
      context_->log = log_;
      attach_context(conf.get(), *context_);
      char error[512];
      rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof error);
      if (rk == nullptr) {
        result_.detail = std::string("kafka: read of ") + topic_ + ": consumer: " + error;
        return make_error_code(errc::transport_error);
      }
      static_cast<void>(conf.release());  // rd_kafka_new took it
      consumer_.reset(rk);
    } catch (const std::system_error& e) {  // a consumer property librdkafka refused
      result_.detail = e.what();
      return e.code();
    }
    // Errors come with the records (consumer_poll), not to a main queue nobody serves.
    rd_kafka_poll_set_consumer(consumer_.get());
    return {};
  }

  // Takes every partition that has something to read; without follow, a partition whose start
  // is at its end already is done (an empty topic returns at once).
  std::error_code assign(const std::vector<PartitionPlan>& plan) {
    PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(plan.size())));
    for (const PartitionPlan& part : plan) {
      Progress& p = progress_[part.partition];
      p.next = part.start == RD_KAFKA_OFFSET_BEGINNING ? part.low : part.start;
      p.end = part.high;
      p.done = !read_.follow && p.next >= p.end;
      if (p.done) continue;
      rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), part.partition)->offset =
          part.start;
    }
    if (list->cnt == 0) return {};
    if (const rd_kafka_resp_err_t err = rd_kafka_assign(consumer_.get(), list.get())) {
      result_.detail = "kafka: read of " + topic_ + ": assign: " + rd_kafka_err2str(err);
      return make_error_code(errc::transport_error);
    }
    return {};
  }

  bool all_done() const {
    return std::all_of(progress_.begin(), progress_.end(),
                       [](const auto& entry) { return entry.second.done; });
  }

  // Without follow: the partition is read to its end; it is fetched no more.
  void finished(std::int32_t partition) {
    Progress& p = progress_[partition];
    if (p.done) return;
    p.done = true;
    PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), partition);
    rd_kafka_pause_partitions(consumer_.get(), list.get());
  }

  // The end of a partition ends its part of a read without follow. Other errors are
  // librdkafka's word on something it retries by itself (a broker down, a leader moving):
  // the read goes on, and the deadline's detail names the last one.
  void on_error(const rd_kafka_message_t& m) {
    if (m.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (!read_.follow && m.rkt != nullptr) finished(m.partition);
      return;
    }
    last_error_ = rd_kafka_message_errstr(&m);
    log_->debug("kafka", "read of {}: {}", topic_, last_error_);
  }

  // Hands one record to `fn` and, for a committing group, commits past it. `go_on` false:
  // `fn` asked to stop.
  std::error_code hand_on(MessagePtr m, const core::ReadCallback& fn, bool& go_on) {
    const auto it = progress_.find(m->partition);
    if (it == progress_.end() || it->second.done) return {};  // fetched before its pause
    Progress& p = it->second;
    if (!read_.follow && m->offset >= p.end) {  // stored after the read started
      finished(m->partition);
      return {};
    }
    const std::int32_t partition = m->partition;
    const std::int64_t offset = m->offset;
    StoredMessage message = stored_from(*m);
    m.reset();
    p.next = offset + 1;
    ++result_.read;
    if (fn(message) == ReadStep::stop) {
      go_on = false;
      return {};
    }
    if (read_.commit) {
      if (std::error_code ec = commit(partition, offset + 1)) return ec;
    }
    if (!read_.follow && offset + 1 >= p.end) finished(partition);
    return {};
  }

  // Waits for the broker's answer, as a synchronous commit would, but never past the deadline
  // (with follow: a read's timeout from now) and not once a stop is requested: a blocking
  // rd_kafka_commit waits for good while the coordinator does not answer.
  std::error_code commit(std::int32_t partition, std::int64_t next) {
    PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), partition)->offset = next;
    const std::string what = "commit of offset " + std::to_string(next) + " of partition " +
                             std::to_string(partition) + " for group " + read_.group;
    QueuePtr queue(rd_kafka_queue_new(consumer_.get()));
    if (const rd_kafka_resp_err_t err =
            rd_kafka_commit_queue(consumer_.get(), list.get(), queue.get(), nullptr, nullptr)) {
      return failed(what + ": " + rd_kafka_err2str(err));
    }
    core::Deadline until = read_.follow ? core::Clock::now() + read_.timeout : deadline_;
    // A stop asked for while committing (Ctrl-C, close(), or the caller's own stop after its
    // last message) lets a broker that answers finish the commit: a second more at most.
    bool stop_seen = false;
    EventPtr answer;
    while (!answer) {
      if (!stop_seen && stop_.stop_requested()) {
        stop_seen = true;
        until = std::min(until, core::Clock::now() + kStopGrace);
      }
      if (core::ms_left(until) == 0) {
        if (stop_seen) return failed(what + ": stopped before the broker answered");
        return failed(what + ": no answer from the broker in time (" +
                      std::to_string(result_.read) + " messages read, the last unsettled)");
      }
      answer.reset(rd_kafka_queue_poll(queue.get(), std::min(kPollMs, core::ms_left(until))));
    }
    rd_kafka_resp_err_t err = rd_kafka_event_error(answer.get());
    const rd_kafka_topic_partition_list_t* offsets =
        rd_kafka_event_topic_partition_list(answer.get());
    for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && offsets != nullptr && i < offsets->cnt;
         ++i) {
      err = offsets->elems[i].err;
    }
    if (err) return failed(what + ": " + rd_kafka_err2str(err));
    return {};
  }

  std::error_code failed(std::string detail) {
    result_.detail = "kafka: read of " + topic_ + ": " + std::move(detail);
    return make_error_code(errc::transport_error);
  }

  // Says how far the read got: every partition not read to its end, with where it stands.
  std::error_code timed_out() {
    std::string left;
    for (const auto& [partition, p] : progress_) {
      if (p.done) continue;
      left += (left.empty() ? "" : ", ") + std::to_string(partition) + " at offset " +
              std::to_string(p.next) + " of " + std::to_string(p.end);
    }
    std::string detail = "the deadline passed after " + std::to_string(result_.read) +
                         " messages; partitions not read to their end: " + left;
    if (!last_error_.empty()) detail += " (last error: " + last_error_ + ")";
    return failed(std::move(detail));
  }

  ReadResult finish(std::error_code ec) {
    if (ec == errc::cancelled) ec = {};  // stopped during the setup: a stop, not a failure
    result_.error = ec;
    if (!ec) result_.detail.clear();
    return std::move(result_);
  }

  const BusOptions& options_;
  const core::LogPtr log_;
  const std::string topic_;
  const ReadOptions& read_;
  const core::Deadline deadline_;
  const std::stop_token& stop_;
  const ClientContextPtr context_ = std::make_shared<ClientContext>();  // before consumer_
  HandlePtr consumer_;
  std::map<std::int32_t, Progress> progress_;
  std::string last_error_;
  ReadResult result_;
};

}  // namespace

ReadResult read_topic(const BusOptions& options, const core::LogPtr& log, std::string_view topic,
                      const ReadOptions& read, core::Deadline deadline,
                      const core::ReadCallback& fn, const std::stop_token& stop) {
  Reader reader(options, log, topic, read, deadline, stop);
  return reader.run(fn);
}

}  // namespace eventbus::kafka

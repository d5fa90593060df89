// SPDX-License-Identifier: Apache-2.0
#include "publish_command.hpp"

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <system_error>
#include <thread>

#include "eventbus/eventbus.hpp"
#include "exit_status.hpp"
#include "payload_source.hpp"

namespace eventbus::cli {
namespace {

using Clock = std::chrono::steady_clock;

// Counts the outcomes as completions come in (on the bus's completion thread) and prints each.
class Outcomes {
 public:
  void record(const PublishResult& r) {
    std::lock_guard lock(mutex_);
    if (r.error) {
      ++failed_;
      std::fprintf(stderr, "failed %.*s%s%.*s: %s%s%.*s\n", static_cast<int>(r.topic.size()),
                   r.topic.data(), r.event_id.empty() ? "" : " event ",
                   static_cast<int>(r.event_id.size()), r.event_id.data(),
                   r.error.message().c_str(), r.detail.empty() ? "" : ": ",
                   static_cast<int>(r.detail.size()), r.detail.data());
    } else {
      ++acked_;
      std::printf("published %.*s partition %d offset %lld%s%.*s\n",
                  static_cast<int>(r.topic.size()), r.topic.data(), r.partition,
                  static_cast<long long>(r.offset), r.event_id.empty() ? "" : " event ",
                  static_cast<int>(r.event_id.size()), r.event_id.data());
    }
    done_.notify_all();
  }
  // True when `total` outcomes came before `deadline`.
  bool wait(std::int64_t total, Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return done_.wait_until(lock, deadline, [&] { return acked_ + failed_ >= total; });
  }
  std::int64_t acked() {
    std::lock_guard lock(mutex_);
    return acked_;
  }
  std::int64_t failed() {
    std::lock_guard lock(mutex_);
    return failed_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::int64_t acked_ = 0, failed_ = 0;
};

// "name=value" into a header; false when there is no '='.
bool parse_header(const std::string& text, Header& out) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  out = {text.substr(0, eq), text.substr(eq + 1)};
  return true;
}

}  // namespace

void PublishCommand::add_to(CLI::App& app) {
  command_ = app.add_subcommand("publish", "Publish envelopes (or raw bytes) to a topic");
  command_->add_option("topic", topic_, "the topic")->required();
  command_->add_option("--aggregate", aggregate_, "the envelope's aggregate_id");
  command_->add_option("--type", type_, "the envelope's event_type");
  command_->add_option("--version", version_, "the first envelope's event_version (then +1 each)")
      ->check(CLI::PositiveNumber);
  command_->add_option("--payload", payload_, "JSON text, @FILE or - for standard input")
      ->capture_default_str();
  command_->add_flag("--raw", raw_, "publish the payload's bytes as they are, no envelope");
  command_->add_option("--key", key_, "--raw: the message key (Kafka record key)");
  command_->add_option("--header", headers_, "--raw or envelope: a header NAME=VALUE (repeatable)");
  command_->add_option("--count", count_, "how many to publish")->check(CLI::PositiveNumber);
  command_->add_option("--rate", rate_, "publishes per second (default: as fast as acked)")
      ->check(CLI::NonNegativeNumber);
  command_->add_option("--timeout", timeout_, "how long to wait for the acks, e.g. 30000 (ms)");
  connection_.add_to(*command_);
}

int PublishCommand::run() {
  std::string error;
  const std::optional<std::string> payload = read_payload(payload_, error);
  if (!payload) return usage_error(error);
  if (!raw_) {
    if (aggregate_.empty() || type_.empty()) {
      return usage_error(
          "publish: --aggregate and --type are required for an envelope "
          "(or --raw for bytes as they are)");
    }
    if (const std::string bad = json_error(*payload); !bad.empty()) {
      return usage_error("--payload: " + bad);
    }
  }
  PublishCall call;
  call.key = key_;
  for (const std::string& text : headers_) {
    Header header;
    if (!parse_header(text, header))
      return usage_error("--header " + text + ": expected NAME=VALUE");
    call.headers.push_back(std::move(header));
  }
  int status = kOk;
  const std::unique_ptr<Bus> opened = connection_.open(status);
  if (!opened) return status;
  Bus& bus = *opened;
  {
    Outcomes outcomes;
    const Clock::time_point started = Clock::now();
    std::int64_t sent = 0;
    for (std::int64_t i = 0; i < count_; ++i) {
      if (rate_ > 0) {
        std::this_thread::sleep_until(started + std::chrono::duration_cast<Clock::duration>(
                                                    std::chrono::duration<double>(i / rate_)));
      }
      auto record = [&outcomes](const PublishResult& r) { outcomes.record(r); };
      std::error_code refused;
      if (raw_) {
        refused = bus.publish(topic_, *payload, record, call);
      } else {
        const Envelope envelope = make_envelope(aggregate_, type_, version_ + i, *payload);
        refused = bus.publish_envelope(topic_, envelope, record, call);
      }
      ++sent;
      if (refused && (refused == errc::invalid_option || refused == errc::not_supported ||
                      refused == error_class::poison || refused == errc::invalid_topic)) {
        break;  // the input is wrong; the rest would be refused alike (reported above)
      }
    }
    const bool all_back = outcomes.wait(sent, Clock::now() + timeout_);
    const CloseReport closed = bus.close(std::chrono::milliseconds(5000));
    if (!all_back) {
      std::fprintf(stderr, "publish: %lld of %lld acks not back within %lld ms\n",
                   static_cast<long long>(sent - outcomes.acked() - outcomes.failed()),
                   static_cast<long long>(sent), static_cast<long long>(timeout_.count()));
    }
    if (count_ > 1) {
      std::printf("%lld published, %lld failed\n", static_cast<long long>(outcomes.acked()),
                  static_cast<long long>(outcomes.failed()));
    }
    const bool ok = all_back && outcomes.failed() == 0 && outcomes.acked() == count_;
    if (closed.error && ok) {
      std::fprintf(stderr, "publish: close: %s\n", closed.error.message().c_str());
    }
    return ok ? kOk : kFailure;
  }
}

}  // namespace eventbus::cli

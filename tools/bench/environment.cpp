// SPDX-License-Identifier: Apache-2.0
#include "environment.hpp"

#if !defined(EVENTBUS_WITH_NATS) || !defined(EVENTBUS_WITH_KAFKA)
#error "tools/bench/CMakeLists.txt defines EVENTBUS_WITH_NATS and EVENTBUS_WITH_KAFKA (1 or 0)"
#endif
#if EVENTBUS_WITH_KAFKA
#include <librdkafka/rdkafka.h>
#endif
#if EVENTBUS_WITH_NATS
#include <nats/nats.h>
#endif
#include <sys/utsname.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <thread>

#include "eventbus/options.hpp"
#include "eventbus/version.hpp"
#include "raw_runners.hpp"

namespace eventbus::bench {
namespace {

// The value after "key" and a ':' or '=' on the first line of `path` that starts with it.
std::string field(const char* path, const std::string& key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    auto at = line.find_first_of(":=", key.size());
    if (at == std::string::npos) continue;
    std::string value = line.substr(at + 1);
    value.erase(0, value.find_first_not_of(" \t\""));
    while (!value.empty() && (value.back() == '"' || value.back() == ' '))
      value.pop_back();
    return value;
  }
  return "?";
}

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return text;
}

std::string ms(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

}  // namespace

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

Facts collect_environment(const Settings& settings) {
  utsname u{};
  uname(&u);
  Facts f {
    {"date", utc_now()}, {"cpus", std::to_string(std::thread::hardware_concurrency())},
        {"cpu_model", field("/proc/cpuinfo", "model name")},
        {"memory", field("/proc/meminfo", "MemTotal")},
        {"os", field("/etc/os-release", "PRETTY_NAME")},
        {"kernel", std::string(u.sysname) + " " + u.release + " " + u.machine},
        {"load_at_start", load_average()},
#if EVENTBUS_WITH_NATS
        {"nats.c", nats_GetVersion()},
#endif
#if EVENTBUS_WITH_KAFKA
        {"librdkafka", rd_kafka_version_str()},
#endif
        {"eventbus", EVENTBUS_BENCH_VERSION}, {"compiler", __VERSION__},
  };
  for (const auto& note : settings.notes)
    f.push_back(note);
  return f;
}

Facts collect_configuration(const Settings& settings) {
  const BusOptions& o = settings.base_options;  // the defaults, or the --config file's
  const std::string in_flight = std::to_string(settings.max_in_flight);
  Facts f{
      {"bus", "publish.max_in_flight " + in_flight + " (block), " +
                  std::to_string(o.dispatch.lanes) + " lanes on " +
                  std::to_string(o.dispatch.workers) + " workers, one subscription per topic"},
      {"bus nats",
       std::string("js_PublishMsgAsync MaxPending ") + in_flight + ", send_asap " +
           (o.nats.send_asap ? "true" : "false") + ", " +
           (o.default_topic.storage.value_or(TopicOptions::kDefaultStorage) == StorageType::file
                ? "file"
                : "memory") +
           " storage, durable pull consumer read by pipelined pull requests of " +
           std::to_string(o.nats.fetch_batch) +
           " (up to 1.5 batches open), AckExplicit, "
           "MaxAckPending " +
           std::to_string(o.nats.max_ack_pending) + ", Nats-Msg-Id dedup"},
      {"bus kafka",
       std::string("acks=all, idempotent ") + (o.kafka.idempotent ? "yes" : "no") + ", linger " +
           ms(o.kafka.linger) + ", batch.size " + std::to_string(o.kafka.batch_size) +
           ", compression " + o.kafka.compression + ", " +
           std::to_string(o.default_topic.partitions.value_or(TopicOptions::kDefaultPartitions)) +
           " partitions, fnv1a_random; consumer assignment " +
           resolved_assignment_strategy(o.kafka) + ", prefetch " +
           std::to_string(o.kafka.fetch_queue_kbytes) + " kB, commit every " +
           ms(o.kafka.commit_interval)},
      {"raw nats", "js_PublishAsync MaxPending " + in_flight +
                       ", send_asap false, file storage, durable pull consumer, Fetch(256), "
                       "AckExplicit, MaxAckPending " +
                       std::to_string(kRawMaxAckPending) +
                       ", natsMsg_Ack each, one fetch thread per topic"},
      {"raw nats push",
       "publishing as raw nats; durable push consumer (js_Subscribe callback, deliver subject "
       "by nats.c), AckExplicit, MaxAckPending " +
           std::to_string(kRawMaxAckPending) + ", flow control, idle heartbeat " +
           std::to_string(kRawPushHeartbeat.count()) +
           " s, natsMsg_Ack each in the callback, one nats.c delivery thread per topic"},
      {"raw kafka",
       "acks=all, idempotent, linger 5 ms, batch.size 1000000, fnv1a_random, key = "
       "aggregate, no headers, queue.buffering.max.messages " +
           std::to_string(settings.max_in_flight) + " (the bus's bound)" +
           ", 4 partitions; one consumer (librdkafka defaults, auto commit) polling all topics"},
      {"memory", "fetch batch " + std::to_string(o.memory.fetch_batch)},
      {"senders", std::to_string(settings.senders) + " threads sharing the aggregates"},
      {"idle timeout", ms(settings.idle_timeout)},
  };
  // A transport that was not built has no clients to describe: "bus nats", "raw nats push"...
  for (const std::string transport : {"nats", "kafka"}) {
    if (transport_built(transport)) continue;
    std::erase_if(f, [&](const auto& fact) {
      return fact.first == "bus " + transport || fact.first.rfind("raw " + transport, 0) == 0;
    });
  }
  return f;
}

}  // namespace eventbus::bench

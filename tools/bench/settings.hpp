// SPDX-License-Identifier: Apache-2.0
// What a benchmark invocation was asked to do (the command line, parsed).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "eventbus/options.hpp"
#include "scenario.hpp"
#include "soak_settings.hpp"

namespace eventbus::bench {

struct Settings {
  std::vector<Level> levels = standard_levels();
  std::vector<std::string> transports{"kafka", "nats", "memory"};  // report column order
  bool baselines = true;    // raw nats.c / librdkafka runs beside the bus
  bool prime = true;        // one unmeasured 10,000-message pass per transport before the levels
  std::size_t repeats = 3;  // interleaved per level: raw, bus, then bus, raw, ...
  // Fails a run that holds this much more heap after close than before (heap_in_use()).
  double heap_after_close_limit_mb = 1.0;
  std::size_t senders = 4;  // sender threads sharing the aggregates
  std::size_t topics = 5;
  std::size_t envelope_bytes = 180;
  std::size_t max_in_flight = 4096;  // the bus's bound, and the raw clients' pending limit
  std::string nats_url;
  std::string kafka_brokers;
  std::chrono::milliseconds idle_timeout{30000};  // give up when nothing moves this long
  std::chrono::milliseconds warmup_timeout{60000};
  std::string out_dir;  // empty: no files, only the terminal table
  bool progress = false;
  std::vector<std::pair<std::string, std::string>> notes;  // --env key=value, recorded as given
  SoakSettings soak;  // enabled: a fixed-rate soak per transport instead of the levels
  // What every bus of a run starts from (--config FILE); the run then sets its transport,
  // group, client name, broker addresses, in-flight bound and topics.
  BusOptions base_options;
  // --outbox sqlite|postgres: the outbox relay's throughput per level instead of the bus's
  // (outbox_runs.hpp); empty: off.
  struct Outbox {
    std::string store;
    std::string postgres_url;       // --postgres-url, by default $EVENTBUS_POSTGRES_URL
    std::size_t aggregates = 1000;  // the level's events spread over this many aggregates
    std::size_t batch_size = 256;   // RelayOptions::batch_size
    bool inbox = false;             // --inbox: the inbox's cost per message instead (SQLite)
  } outbox;

  bool wants(const std::string& transport) const {
    for (const auto& t : transports)
      if (t == transport) return true;
    return false;
  }
};

}  // namespace eventbus::bench

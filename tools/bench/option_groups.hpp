// SPDX-License-Identifier: Apache-2.0
// eventbus-bench's options, one struct per group of the command line. Each group registers its
// options on the CLI11 app, binding those that need no checking straight to a Settings field,
// and after parsing applies the rest to the Settings or names what is wrong ("" when nothing).
// --help lists options in the order they were registered: CommandLine registers the groups in
// the order of this file, and each group its options in the order below.
#pragma once

#include <string>
#include <vector>

#include "settings.hpp"

namespace CLI {  // CLI11's types, declared only: the group files include CLI/CLI.hpp
class App;
class Option;
}  // namespace CLI

namespace eventbus::bench {

// What the runs send: --levels, --transports, --memory-only, --no-baselines, --no-prime,
// --repeats, --senders, --topics, --envelope-bytes, --max-in-flight.
struct WorkloadOptions {
  std::string levels = "standard";
  std::string transports = "kafka,nats,memory";
  bool memory_only = false, no_baselines = false, no_prime = false;
  CLI::Option* max_in_flight = nullptr;  // given, it wins over a --config file's bound

  void add(CLI::App& app, Settings& settings);
  std::string apply(Settings& settings) const;
};

// Where the brokers are: --nats-url, --kafka-brokers, by default $EVENTBUS_NATS_URL and
// $EVENTBUS_KAFKA_BROKERS.
struct BrokerOptions {
  void add(CLI::App& app, Settings& settings);
  // After WorkloadOptions::apply: every wanted broker has an address.
  std::string apply(const Settings& settings) const;
};

// What the report files hold and where they go: --out, --env KEY=VALUE notes.
struct OutputOptions {
  std::vector<std::string> notes;

  void add(CLI::App& app, Settings& settings);
  void apply(Settings& settings) const;
};

// How a run is watched while it goes: --idle-timeout and --warmup-timeout (when to give up on
// it), --progress (whether to draw a progress bar).
struct WatchOptions {
  int idle_seconds = 30, warmup_seconds = 60;
  std::string progress = "auto";

  void add(CLI::App& app);
  void apply(Settings& settings) const;
};

// A fixed-rate run for a fixed time instead of the levels: --soak, --rate, --soak-warmup,
// --soak-minute, --soak-drain, --rss-tolerance, --thread-spread.
struct SoakOptions {
  std::string duration, warmup = "60s", minute = "60s", drain = "60s";

  void add(CLI::App& app, Settings& settings);
  // Last: the soak's drain replaces --idle-timeout.
  std::string apply(Settings& settings) const;
};

// The outbox relay instead of the bus (outbox_runs.hpp): --outbox sqlite|postgres,
// --postgres-url, --outbox-aggregates, --outbox-batch, and --inbox.
struct OutboxOptions {
  void add(CLI::App& app, Settings& settings);
  std::string apply(Settings& settings) const;
};

// --config FILE: the YAML configuration every bus of the invocation starts from.
struct ConfigFileOption {
  std::string path;

  void add(CLI::App& app);
  // First: its in-flight bound applies unless --max-in-flight was given.
  std::string apply(Settings& settings, bool max_in_flight_given) const;
};

}  // namespace eventbus::bench

// SPDX-License-Identifier: Apache-2.0
// --soak and its knobs. The durations are taken as text ("10m", "90s", "1h") and parsed only
// when --soak is given, so a pressure run never fails on a soak option it does not use.
#include <CLI/CLI.hpp>

#include "option_groups.hpp"

namespace eventbus::bench {

void SoakOptions::add(CLI::App& app, Settings& s) {
  app.add_option("--soak", duration,
                 "soak instead of the levels: publish at --rate for this long (10m, 600s, 1h)");
  app.add_option("--rate", s.soak.rate, "soak: messages per second over all topics")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--soak-warmup", warmup, "soak: first part not judged for RSS and threads")
      ->capture_default_str();
  app.add_option("--soak-minute", minute, "soak: length of one summary interval")
      ->capture_default_str();
  app.add_option("--soak-drain", drain,
                 "soak: after the last send, give up when nothing moves this long")
      ->capture_default_str();
  app.add_option("--rss-tolerance", s.soak.rss_tolerance,
                 "soak: last measured minute's mean RSS vs the first's, as a fraction")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  app.add_option("--thread-spread", s.soak.thread_spread,
                 "soak: allowed max - min threads over the measured minutes")
      ->capture_default_str();
}

std::string SoakOptions::apply(Settings& s) const {
  if (duration.empty()) return "";
  const auto total = parse_duration(duration);
  const auto warmup_time = parse_duration(warmup);
  const auto minute_time = parse_duration(minute);
  const auto drain_time = parse_duration(drain);
  if (!total || !warmup_time || !minute_time || !drain_time) {
    return "--soak, --soak-warmup, --soak-minute and --soak-drain take a duration such as 10m, "
           "90s or 1h";
  }
  s.soak.duration = *total;
  s.soak.warmup = *warmup_time;
  s.soak.minute = *minute_time;
  s.soak.drain = *drain_time;
  s.idle_timeout = *drain_time;  // the bounded drain is the run's wait for its last messages
  return "";
}

}  // namespace eventbus::bench

// SPDX-License-Identifier: Apache-2.0
/// @file
/// A YAML configuration file for a Bus, in the shape of the Go SDK's `eventbus` section
/// (camelCase keys: type, serviceName, kafka, nats, publisher, subscriber, healthCheck, monitor,
/// topics; plus metrics, which the Go SDK does not have), with `EVENTBUS_*` environment variables
/// overriding single keys. docs/configuration.md lists every key;
/// examples/eventbus.yaml shows each one with its default.
///
/// Errors: every function here throws std::system_error with eventbus::errc::invalid_option,
/// its what() (nothing appended) naming the source, the full key path and what was expected:
/// @code{.unparsed}
///   config.yaml: nats.jetstream.consumer.ackWait: expected a duration such as "30s" or "500ms",
///   got "abc"
/// @endcode
/// Unknown keys are errors. The loaded options have passed BusOptions::validate().
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "eventbus/metrics_options.hpp"
#include "eventbus/options.hpp"
#include "eventbus/outbox_config.hpp"

namespace eventbus {

/// A loaded configuration: the bus's options and the metrics endpoint's.
struct Config {
  BusOptions bus;  ///< healthCheck and monitor are BusOptions::heartbeat and BusOptions::monitor
  MetricsConfig metrics;  ///< the `metrics` section: serve with a MetricsServer when enabled
  OutboxConfig outbox;    ///< the `outbox` section: eventbus::outbox::start_relay() takes it
  InboxConfig inbox;      ///< the `inbox` section: eventbus::outbox::inbox_options() takes it
};

/// Environment variables by name. Injectable so tests need not touch the process environment.
using Environment = std::map<std::string, std::string>;

/// The process's environment variables that start with EVENTBUS_.
Environment process_environment();

/// Parses `yaml_text`, then applies `env`'s overrides, then validates. `source_name` prefixes
/// every error message (a file name, or "<config>").
///
/// Overrides: a variable `EVENTBUS_<PATH>` where PATH is a key's full path with its segments
/// upper-cased and joined by '_' (kafka.consumer.groupId -> EVENTBUS_KAFKA_CONSUMER_GROUPID)
/// replaces that key's value, parsed as the file's value would be; lists take comma-separated
/// items. Only variables naming a known key apply; any other `EVENTBUS_*` variable is ignored
/// (the test suites use EVENTBUS_NATS_URL and others for their own purposes). Per-topic keys
/// (`topics.<name>.*`) cannot be overridden.
Config parse_config(std::string_view yaml_text, std::string_view source_name = "<config>",
                    const Environment& env = {});

/// Reads the file at `path` and parses it as parse_config does, with the process's environment
/// by default. A file that cannot be read is an invalid_option error naming the path.
Config load_config_file(const std::string& path, const Environment& env = process_environment());

/// The same for the eventbus section inside an application's own YAML: `section` is the path
/// of mapping keys to it ("eventbus", or "services.orders.eventbus"); the keys around it are
/// not looked at. Error messages name keys by their full path in the file
/// ("app.yaml: eventbus.nats.url: ..."); environment overrides name keys relative to the
/// section, as for a file of its own (EVENTBUS_NATS_URL). A missing section, or a key on the
/// way that is not a mapping, is an invalid_option error naming it; a section with nothing under
/// it is an empty configuration. An empty `section` is the whole document.
Config parse_config_section(std::string_view yaml_text, std::string_view section,
                            std::string_view source_name = "<config>", const Environment& env = {});
/// Reads the file at `path` and parses its `section` as parse_config_section does, with the
/// process's environment by default. A file that cannot be read is an invalid_option error
/// naming the path.
Config load_config_section(const std::string& path, std::string_view section,
                           const Environment& env = process_environment());

}  // namespace eventbus

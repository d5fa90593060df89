// SPDX-License-Identifier: Apache-2.0
// librdkafka configurations built from BusOptions, with errors that name the property.
#pragma once

#include <string>
#include <system_error>

#include "eventbus/options.hpp"
#include "transport/kafka/kafka_handles.hpp"

namespace eventbus::kafka {

// Throws std::system_error(invalid_option) naming the property librdkafka refused.
ConfPtr producer_config(const BusOptions& options);
ConfPtr consumer_config(const BusOptions& options, const std::string& group);
// A read's own short-lived consumer (kafka_reader.hpp): consumer_config, then what a read needs
// whatever the consumer properties say (no auto commit, no topic auto-creation, end events).
ConfPtr reader_config(const BusOptions& options, const std::string& group);

// The error code for a librdkafka error (timeouts, purges, refusals, fatal errors).
std::error_code to_error(rd_kafka_resp_err_t err);

}  // namespace eventbus::kafka

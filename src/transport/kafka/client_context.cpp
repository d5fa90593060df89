// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/client_context.hpp"

namespace eventbus::kafka {
namespace {

LogLevel from_syslog(int level) {
  if (level <= 3) return LogLevel::error;
  if (level == 4) return LogLevel::warning;
  if (level <= 6) return LogLevel::info;
  return LogLevel::debug;
}

void log_line(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  const auto* context = static_cast<const ClientContext*>(rd_kafka_opaque(rk));
  if (context == nullptr || !context->log) return;
  context->log->write(from_syslog(level), "librdkafka", "{} {}: {}", rd_kafka_name(rk), facility,
                      text);
}

}  // namespace

void attach_context(rd_kafka_conf_t* conf, ClientContext& context) {
  rd_kafka_conf_set_opaque(conf, &context);
  rd_kafka_conf_set_log_cb(conf, &log_line);
}

}  // namespace eventbus::kafka

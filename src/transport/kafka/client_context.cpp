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

// Errors a retry does not cure: a refused login, a failed TLS handshake (certificate).
bool lasting(int err) {
  return err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR__SSL ||
         err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED ||
         err == RD_KAFKA_RESP_ERR_ILLEGAL_SASL_STATE ||
         err == RD_KAFKA_RESP_ERR_UNSUPPORTED_SASL_MECHANISM;
}

void error_event(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* context = static_cast<ClientContext*>(opaque);
  if (context == nullptr) return;
  if (lasting(err)) context->set_lasting_error(reason);
  if (context->log) {
    context->log->write(LogLevel::error, "librdkafka", "{} ERROR: {}", rd_kafka_name(rk), reason);
  }
}

}  // namespace

void attach_context(rd_kafka_conf_t* conf, ClientContext& context) {
  rd_kafka_conf_set_opaque(conf, &context);
  rd_kafka_conf_set_log_cb(conf, &log_line);
  rd_kafka_conf_set_error_cb(conf, &error_event);
}

}  // namespace eventbus::kafka

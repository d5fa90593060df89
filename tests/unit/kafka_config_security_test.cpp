// SPDX-License-Identifier: Apache-2.0
// KafkaOptions::security reaches every librdkafka configuration the transport builds (producer,
// group consumer, a read's consumer), and the raw producer/consumer properties still win.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <string>

#include "transport/kafka/kafka_config.hpp"

namespace {

std::string get(const eventbus::kafka::ConfPtr& conf, const char* name) {
  char value[512] = {};
  size_t size = sizeof value;
  if (rd_kafka_conf_get(conf.get(), name, value, &size) != RD_KAFKA_CONF_OK) return "<unset>";
  return value;
}

eventbus::BusOptions sasl_ssl_options() {
  eventbus::BusOptions options;
  options.transport = "kafka";
  options.kafka.security = {"sasl_ssl", "SCRAM-SHA-512", "eventbus", "pw", "/tmp/ca.pem"};
  return options;
}

TEST(KafkaConfigSecurity, EveryClientConfigurationCarriesIt) {
  const eventbus::BusOptions options = sasl_ssl_options();
  const eventbus::kafka::ConfPtr confs[] = {eventbus::kafka::producer_config(options),
                                            eventbus::kafka::consumer_config(options, "g"),
                                            eventbus::kafka::reader_config(options, "r")};
  for (const auto& conf : confs) {
    EXPECT_EQ(get(conf, "security.protocol"), "sasl_ssl");
    EXPECT_EQ(get(conf, "sasl.mechanisms"), "SCRAM-SHA-512");
    EXPECT_EQ(get(conf, "sasl.username"), "eventbus");
    EXPECT_EQ(get(conf, "sasl.password"), "pw");
    EXPECT_EQ(get(conf, "ssl.ca.location"), "/tmp/ca.pem");
  }
}

TEST(KafkaConfigSecurity, RawPropertiesApplyAfterIt) {
  eventbus::BusOptions options = sasl_ssl_options();
  options.kafka.consumer_properties["sasl.username"] = "consumer-user";
  options.kafka.producer_properties["security.protocol"] = "ssl";
  EXPECT_EQ(get(eventbus::kafka::producer_config(options), "security.protocol"), "ssl");
  EXPECT_EQ(get(eventbus::kafka::producer_config(options), "sasl.username"), "eventbus");
  EXPECT_EQ(get(eventbus::kafka::consumer_config(options, "g"), "sasl.username"), "consumer-user");
  EXPECT_EQ(get(eventbus::kafka::reader_config(options, "r"), "security.protocol"), "sasl_ssl");
}

TEST(KafkaConfigSecurity, PlaintextSetsNoCredentials) {
  eventbus::BusOptions options;
  const eventbus::kafka::ConfPtr conf = eventbus::kafka::producer_config(options);
  EXPECT_EQ(get(conf, "security.protocol"), "plaintext");
  EXPECT_EQ(get(conf, "sasl.username"), "<unset>");
  EXPECT_EQ(get(conf, "ssl.ca.location"), "<unset>");
}

}  // namespace

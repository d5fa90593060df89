// SPDX-License-Identifier: Apache-2.0
// kafka.security: the section lands in KafkaOptions::security, EVENTBUS_KAFKA_SECURITY_*
// variables set it (the password so it stays out of the file), and BusOptions::validate refuses
// every inconsistent combination naming the field, never the password.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "eventbus/config.hpp"
#include "eventbus/error.hpp"
#include "eventbus/options.hpp"

namespace {

using eventbus::BusOptions;
using eventbus::parse_config;

constexpr const char* kSecret = "s3cret-Pa55word";

std::string error_of(std::string_view yaml, const eventbus::Environment& env = {}) {
  try {
    parse_config(yaml, "test.yaml", env);
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), eventbus::errc::invalid_option) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << yaml;
  return {};
}

// A PEM-named file that exists, for ca_file (validation checks only that it is there).
std::string existing_ca_file() {
  const auto path = std::filesystem::temp_directory_path() /
                    ("eventbus-ca-" + std::to_string(::getpid()) + ".pem");
  std::ofstream(path) << "not checked here\n";
  return path.string();
}

TEST(ConfigKafkaSecurity, SectionLandsInTheOptions) {
  const std::string ca = existing_ca_file();
  const auto c = parse_config(
      "type: kafka\nkafka:\n  security:\n    protocol: SASL_SSL\n"
      "    mechanism: scram-sha-512\n    username: eventbus\n"
      "    password: \"" +
      std::string(kSecret) + "\"\n    caFile: " + ca + "\n");
  const auto& s = c.bus.kafka.security;
  EXPECT_EQ(s.protocol, "sasl_ssl");  // the spellings librdkafka takes, whatever the case
  EXPECT_EQ(s.mechanism, "SCRAM-SHA-512");
  EXPECT_EQ(s.username, "eventbus");
  EXPECT_EQ(s.password, kSecret);
  EXPECT_EQ(s.ca_file, ca);
  std::filesystem::remove(ca);
}

TEST(ConfigKafkaSecurity, DefaultsArePlaintextWithoutCredentials) {
  const auto c = parse_config("type: kafka\n");
  EXPECT_EQ(c.bus.kafka.security.protocol, "plaintext");
  EXPECT_TRUE(c.bus.kafka.security.mechanism.empty());
  EXPECT_TRUE(c.bus.kafka.security.username.empty());
  EXPECT_TRUE(c.bus.kafka.security.password.empty());
  EXPECT_TRUE(c.bus.kafka.security.ca_file.empty());
}

TEST(ConfigKafkaSecurity, ThePasswordComesFromTheEnvironment) {
  const eventbus::Environment env{{"EVENTBUS_KAFKA_SECURITY_PASSWORD", kSecret},
                                  {"EVENTBUS_KAFKA_SECURITY_USERNAME", "from-env"}};
  const auto c = parse_config(
      "type: kafka\nkafka:\n  security: {protocol: sasl_plaintext, mechanism: PLAIN, "
      "username: in-file}\n",
      "test.yaml", env);
  EXPECT_EQ(c.bus.kafka.security.password, kSecret);
  EXPECT_EQ(c.bus.kafka.security.username, "from-env");
  // Every key of the section has its variable, even with no security section in the file.
  const auto all = parse_config("type: kafka\n", "test.yaml",
                                {{"EVENTBUS_KAFKA_SECURITY_PROTOCOL", "sasl_ssl"},
                                 {"EVENTBUS_KAFKA_SECURITY_MECHANISM", "SCRAM-SHA-256"},
                                 {"EVENTBUS_KAFKA_SECURITY_USERNAME", "u"},
                                 {"EVENTBUS_KAFKA_SECURITY_PASSWORD", kSecret}});
  EXPECT_EQ(all.bus.kafka.security.protocol, "sasl_ssl");
  EXPECT_EQ(all.bus.kafka.security.mechanism, "SCRAM-SHA-256");
}

TEST(ConfigKafkaSecurity, RejectionsNameTheKeyAndNeverThePassword) {
  EXPECT_NE(error_of("kafka: {security: {protocol: tls}}")
                .find("kafka.security.protocol: expected one of plaintext, ssl, sasl_plaintext, "
                      "sasl_ssl, got \"tls\""),
            std::string::npos);
  EXPECT_NE(error_of("kafka: {security: {mechanism: GSSAPI}}")
                .find("kafka.security.mechanism: expected one of PLAIN, SCRAM-SHA-256, "
                      "SCRAM-SHA-512"),
            std::string::npos);
  const std::string missing_user =
      error_of(std::string("type: kafka\nkafka: {security: {protocol: sasl_ssl, mechanism: "
                           "PLAIN, password: ") +
               kSecret + "}}\n");
  EXPECT_NE(missing_user.find("kafka.security.username: required with protocol sasl_ssl"),
            std::string::npos)
      << missing_user;
  EXPECT_EQ(missing_user.find(kSecret), std::string::npos) << missing_user;
  const std::string unused =
      error_of(std::string("type: kafka\nkafka: {security: {password: ") + kSecret + "}}\n");
  EXPECT_NE(unused.find("kafka.security.username/password: only with protocol"), std::string::npos)
      << unused;
  EXPECT_EQ(unused.find(kSecret), std::string::npos) << unused;
}

// Breaks one rule of kafka.security on a kafka bus; the detail must start with `field`.
void expect_refused(const std::string& field, void (*break_it)(eventbus::KafkaSecurityOptions&)) {
  BusOptions options;
  options.transport = "kafka";
  options.kafka.security.password = kSecret;  // present in every case: it must never show
  options.kafka.security.protocol = "sasl_ssl";
  options.kafka.security.mechanism = "SCRAM-SHA-512";
  options.kafka.security.username = "eventbus";
  break_it(options.kafka.security);
  std::string detail;
  EXPECT_EQ(options.validate(&detail), eventbus::errc::invalid_option) << field;
  EXPECT_EQ(detail.rfind(field + ":", 0), 0u) << "expected " << field << ", got: " << detail;
  EXPECT_EQ(detail.find(kSecret), std::string::npos) << detail;
}

TEST(KafkaSecurityValidate, EveryRuleNamesTheFieldAndNeverThePassword) {
  expect_refused("kafka.security.protocol", [](auto& s) { s.protocol = "SASL_SSL"; });
  expect_refused("kafka.security.protocol", [](auto& s) { s.protocol = "tls"; });
  expect_refused("kafka.security.mechanism", [](auto& s) { s.mechanism = "GSSAPI"; });
  expect_refused("kafka.security.mechanism", [](auto& s) { s.mechanism.clear(); });
  expect_refused("kafka.security.username", [](auto& s) { s.username.clear(); });
  expect_refused("kafka.security.password", [](auto& s) { s.password.clear(); });
  expect_refused("kafka.security.mechanism", [](auto& s) {
    s.protocol = "ssl";  // a mechanism without SASL would silently not be used
    s.username.clear();
    s.password.clear();
  });
  expect_refused("kafka.security.username/password", [](auto& s) {
    s.protocol = "plaintext";
    s.mechanism.clear();
  });
  expect_refused("kafka.security.ca_file",
                 [](auto& s) { s.ca_file = "/nonexistent/eventbus/ca.pem"; });
  expect_refused("kafka.security.ca_file", [](auto& s) {
    s.protocol = "sasl_plaintext";  // no TLS: a CA file would not be used
    s.ca_file = "/etc/hostname";
  });
}

TEST(KafkaSecurityValidate, ConsistentCombinationsAreAccepted) {
  const std::string ca = existing_ca_file();
  BusOptions options;
  options.transport = "kafka";
  std::string detail;
  EXPECT_FALSE(options.validate(&detail)) << detail;  // plaintext
  options.kafka.security.protocol = "ssl";
  options.kafka.security.ca_file = ca;
  EXPECT_FALSE(options.validate(&detail)) << detail;
  options.kafka.security = {"sasl_ssl", "SCRAM-SHA-512", "eventbus", kSecret, ca};
  EXPECT_FALSE(options.validate(&detail)) << detail;
  options.kafka.security = {"sasl_plaintext", "PLAIN", "eventbus", kSecret, ""};
  EXPECT_FALSE(options.validate(&detail)) << detail;
  // Another transport's bus does not look at the Kafka section.
  options.transport = "memory";
  options.kafka.security.protocol = "bogus";
  EXPECT_FALSE(options.validate(&detail)) << detail;
  std::filesystem::remove(ca);
}

}  // namespace

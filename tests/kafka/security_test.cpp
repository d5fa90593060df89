// SPDX-License-Identifier: Apache-2.0
// kafka.security against a broker of the test's own with a SASL_SSL listener (SCRAM-SHA-512,
// scripts/kafka-broker.sh with EVENTBUS_KAFKA_SASL=1): the right credentials round-trip an
// envelope; a wrong password fails the Bus constructor naming the authentication failure, and
// neither password is in the error nor in the logs; a CA that did not sign the broker's
// certificate fails naming the certificate; and the YAML loader with the password from an
// EVENTBUS_* environment variable connects like the options do.
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "eventbus/config.hpp"
#include "kafka/kafka_test.hpp"
#include "support/broker_process.hpp"
#include "support/round_trip.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

// One broker with both listeners; the settings of its SASL_SSL one, from its env file.
class SaslBroker {
 public:
  SaslBroker() : broker_(BrokerProcess::Kind::kafka, {}, {{"EVENTBUS_KAFKA_SASL", "1"}}) {
    read_settings();
  }
  // Kills the broker and starts it again from its run dir (same ports, data and users).
  void restart() {
    broker_.kill9();
    broker_.restart();
    read_settings();
  }
  BusOptions options() const {
    BusOptions o = kafka_bus_options(brokers);
    o.kafka.connect_timeout = 20s;  // a wrong secret must fail long before this
    o.kafka.security = {"sasl_ssl", "SCRAM-SHA-512", user, password, ca_file};
    return o;
  }

  std::string brokers, user, password, ca_file;

 private:
  void read_settings() {
    brokers = broker_.setting("EVENTBUS_KAFKA_SASL_BROKERS");
    user = broker_.setting("EVENTBUS_KAFKA_SASL_USER");
    password = broker_.setting("EVENTBUS_KAFKA_SASL_PASSWORD");
    ca_file = broker_.setting("EVENTBUS_KAFKA_CA_FILE");
    if (brokers.empty() || user.empty() || password.empty() || ca_file.empty()) {
      throw std::runtime_error("the broker's env file has no SASL listener settings");
    }
  }

  BrokerProcess broker_;
};

// The Bus constructor's error for `options`, or "" when it connected; `took` how long.
std::string connect_error(const BusOptions& options, std::chrono::milliseconds& took) {
  const auto start = std::chrono::steady_clock::now();
  std::string error;
  try {
    Bus bus(options);
  } catch (const std::system_error& e) {
    error = e.what();
  }
  took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
  return error;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

TEST(KafkaOwnBrokerSecurity, SaslSslScramRoundTripsAndWrongSecretsFailSayingWhy) {
  const SaslBroker broker;
  LogCapture logs;
  {
    Bus bus(broker.options());
    expect_round_trip(bus, "kafka");
  }

  // A wrong password: the broker refuses the login; the constructor says so at once (the
  // connect check does not wait out its 20 s) and shows no password.
  const std::string wrong = "wrong-" + broker.password.substr(0, 8) + "-pw";
  BusOptions options = broker.options();
  options.kafka.security.password = wrong;
  std::chrono::milliseconds took{};
  const std::string error = connect_error(options, took);
  ASSERT_FALSE(error.empty()) << "a wrong password connected";
  EXPECT_NE(lower(error).find("authentication"), std::string::npos) << error;
  EXPECT_NE(error.find("SCRAM-SHA-512"), std::string::npos) << error;
  EXPECT_NE(error.find(broker.brokers), std::string::npos) << error;
  EXPECT_EQ(error.find(wrong), std::string::npos) << error;
  EXPECT_EQ(error.find(broker.password), std::string::npos) << error;
  EXPECT_LT(took, 15s) << "the connect check waited for its timeout: " << error;
  RecordProperty("wrong_password_error", error);  // in --gtest_output=xml, for the docs

  // A CA that did not sign the broker's certificate: the TLS handshake fails, named as such.
  TempDir dir;
  int status = 0;
  const std::string out = run_command(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj '/CN=another CA' -keyout " +
          shell_quote(dir.file("other.key")) + " -out " + shell_quote(dir.file("other.pem")) +
          " 2>&1",
      status);
  ASSERT_EQ(status, 0) << out;
  options = broker.options();
  options.kafka.security.ca_file = dir.file("other.pem");
  const std::string tls_error = connect_error(options, took);
  ASSERT_FALSE(tls_error.empty()) << "connected trusting another CA";
  EXPECT_NE(tls_error.find("SSL"), std::string::npos) << tls_error;
  EXPECT_NE(lower(tls_error).find("certificate"), std::string::npos) << tls_error;
  EXPECT_EQ(tls_error.find(broker.password), std::string::npos) << tls_error;
  EXPECT_LT(took, 15s) << "the connect check waited for its timeout: " << tls_error;
  RecordProperty("foreign_ca_error", tls_error);

  const std::string logged = logs.text();
  EXPECT_NE(logged.find("SASL authentication error"), std::string::npos) << logged;
  EXPECT_EQ(logged.find(wrong), std::string::npos) << logged;
  EXPECT_EQ(logged.find(broker.password), std::string::npos) << logged;
}

// scripts/kafka-broker.sh restart keeps the SASL_SSL listener, its certificate and its users.
TEST(KafkaOwnBrokerSecurity, TheSaslListenerSurvivesARestart) {
  SaslBroker broker;
  const BusOptions before = broker.options();
  broker.restart();
  EXPECT_EQ(broker.options().kafka.brokers, before.kafka.brokers);
  EXPECT_EQ(broker.password, before.kafka.security.password);
  Bus bus(before);
  expect_round_trip(bus, "kafka");
}

// Sets an environment variable for its scope.
class ScopedVariable {
 public:
  ScopedVariable(const char* name, const std::string& value) : name_(name) {
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedVariable() { ::unsetenv(name_); }
  ScopedVariable(const ScopedVariable&) = delete;
  ScopedVariable& operator=(const ScopedVariable&) = delete;

 private:
  const char* name_;
};

TEST(KafkaOwnBrokerSecurity, YamlWithThePasswordFromTheEnvironmentRoundTrips) {
  const SaslBroker broker;
  TempDir dir;
  // No password in the file: it comes from EVENTBUS_KAFKA_SECURITY_PASSWORD.
  const std::string file = dir.write("eventbus.yaml",
                                     "type: kafka\n"
                                     "kafka:\n"
                                     "  brokers: [" +
                                         broker.brokers +
                                         "]\n"
                                         "  connectTimeout: 20s\n"
                                         "  security:\n"
                                         "    protocol: sasl_ssl\n"
                                         "    mechanism: SCRAM-SHA-512\n"
                                         "    username: " +
                                         broker.user +
                                         "\n"
                                         "    caFile: " +
                                         broker.ca_file + "\n");
  {
    const ScopedVariable password("EVENTBUS_KAFKA_SECURITY_PASSWORD", broker.password);
    const Config config = load_config_file(file);
    EXPECT_EQ(config.bus.kafka.security.password, broker.password);
    Bus bus(config.bus);
    expect_round_trip(bus, "kafka");
  }
  // Without the variable the file lacks the password: refused before any connection, naming
  // the key.
  try {
    load_config_file(file);
    ADD_FAILURE() << "a sasl_ssl configuration without a password was accepted";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("kafka.security.password"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
// Authentication and TLS against nats-servers started here with their own configuration:
// the right credentials round-trip a message; wrong ones fail the Bus constructor with an error
// that names the server but never the secret, neither in the message nor in the logs.
// Certificates are made with openssl at test time (a CA, a server and a client certificate).
#include "nats/auth_support.hpp"
#include "support/broker_process.hpp"
#include "support/log_capture.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

TEST(NatsOwnServerAuth, UserAndPasswordRightConnectsWrongFailsWithoutSayingThePassword) {
  TempDir dir;
  const std::string password = random_secret("pw");
  const std::string wrong = random_secret("wrong");
  BrokerProcess server(BrokerProcess::Kind::nats,
                       {"-c", dir.write("auth.conf",
                                        "authorization {\n  user: alice\n"
                                        "  password: \"" +
                                            password + "\"\n}\n")});
  LogCapture logs;
  BusOptions options = nats_bus_options(server.address());
  options.nats.user = "alice";
  options.nats.password = password;
  {
    Bus bus(options);
    expect_round_trip(bus, "nats");
  }
  options.nats.password = wrong;
  const std::string error = connect_error(options);
  ASSERT_FALSE(error.empty()) << "a wrong password connected";
  EXPECT_NE(error.find("127.0.0.1:" + server.port()), std::string::npos) << error;
  EXPECT_NE(error.find("Authorization"), std::string::npos) << error;
  EXPECT_EQ(error.find(wrong), std::string::npos) << error;
  EXPECT_EQ(error.find(password), std::string::npos) << error;

  // The same credentials in the URL: refused, and the URL is shown without them.
  options.nats.user.clear();
  options.nats.password.clear();
  options.nats.servers = {"nats://alice:" + wrong + "@127.0.0.1:" + server.port()};
  const std::string url_error = connect_error(options);
  ASSERT_FALSE(url_error.empty());
  EXPECT_NE(url_error.find("nats://127.0.0.1:" + server.port()), std::string::npos) << url_error;
  EXPECT_EQ(url_error.find(wrong), std::string::npos) << url_error;
  const std::string logged = logs.text();
  EXPECT_EQ(logged.find(wrong), std::string::npos) << logged;
  EXPECT_EQ(logged.find(password), std::string::npos) << logged;
}

TEST(NatsOwnServerAuth, TokenRightConnectsWrongFailsWithoutSayingTheToken) {
  TempDir dir;
  const std::string token = random_secret("tok");
  const std::string wrong = random_secret("badtok");
  BrokerProcess server(
      BrokerProcess::Kind::nats,
      {"-c", dir.write("token.conf", "authorization {\n  token: \"" + token + "\"\n}\n")});
  LogCapture logs;
  BusOptions options = nats_bus_options(server.address());
  options.nats.token = token;
  {
    Bus bus(options);
    expect_round_trip(bus, "nats");
  }
  options.nats.token = wrong;
  const std::string error = connect_error(options);
  ASSERT_FALSE(error.empty()) << "a wrong token connected";
  EXPECT_NE(error.find("127.0.0.1:" + server.port()), std::string::npos) << error;
  EXPECT_EQ(error.find(wrong), std::string::npos) << error;
  EXPECT_EQ(error.find(token), std::string::npos) << error;
  options.nats.token.clear();
  const std::string missing = connect_error(options);
  EXPECT_FALSE(missing.empty()) << "connected without the token";
  const std::string logged = logs.text();
  EXPECT_EQ(logged.find(wrong), std::string::npos) << logged;
  EXPECT_EQ(logged.find(token), std::string::npos) << logged;
}

// A CA, a server certificate for 127.0.0.1 / localhost and a client certificate, in `dir`.
void make_certificates(const TempDir& dir) {
  dir.write("server.ext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  dir.write("client.ext", "extendedKeyUsage=clientAuth\n");
  const std::string script = R"(set -e
key="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $key -keyout ca.key -out ca.pem -days 2 -subj "/CN=eventbus test CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
for who in server client; do
  openssl req $key -keyout $who.key -out $who.csr -subj "/CN=$who"
  openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -out $who.pem -extfile $who.ext
done)";
  int status = 0;
  const std::string out = run_command(
      "cd " + shell_quote(dir.path()) + " && sh -c " + shell_quote(script) + " 2>&1", status);
  ASSERT_EQ(status, 0) << out;
}

std::string tls_config(const TempDir& dir, bool verify_clients) {
  return "tls {\n  cert_file: \"" + dir.file("server.pem") + "\"\n  key_file: \"" +
         dir.file("server.key") + "\"\n  ca_file: \"" + dir.file("ca.pem") +
         "\"\n  verify: " + (verify_clients ? "true" : "false") + "\n  timeout: 2\n}\n";
}

TEST(NatsOwnServerTls, ServerCertificateCheckedAgainstTheCa) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(make_certificates(dir));
  BrokerProcess server(BrokerProcess::Kind::nats,
                       {"-c", dir.write("tls.conf", tls_config(dir, false))});
  BusOptions options = nats_bus_options(server.address());
  options.nats.tls.enabled = true;
  options.nats.tls.ca_file = dir.file("ca.pem");
  {
    Bus bus(options);
    expect_round_trip(bus, "nats");
  }
  options.nats.tls.ca_file.clear();  // the system's CAs do not know ours
  const std::string error = connect_error(options);
  ASSERT_FALSE(error.empty()) << "connected without trusting the CA";
  EXPECT_NE(error.find("127.0.0.1:" + server.port()), std::string::npos) << error;
  EXPECT_NE(error.find("certificate"), std::string::npos) << error;
}

TEST(NatsOwnServerTls, AnotherExpectedHostnameIsRefused) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(make_certificates(dir));
  BrokerProcess server(BrokerProcess::Kind::nats,
                       {"-c", dir.write("tls.conf", tls_config(dir, false))});
  BusOptions options = nats_bus_options(server.address());
  options.nats.tls.enabled = true;
  options.nats.tls.ca_file = dir.file("ca.pem");
  options.nats.tls.expected_hostname = "localhost";
  {
    Bus bus(options);  // the certificate names localhost
    expect_round_trip(bus, "nats");
  }
  options.nats.tls.expected_hostname = "not-this-server.example";
  EXPECT_FALSE(connect_error(options).empty()) << "the host name was not checked";
}

TEST(NatsOwnServerTls, MutualTlsNeedsTheClientCertificate) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(make_certificates(dir));
  BrokerProcess server(BrokerProcess::Kind::nats,
                       {"-c", dir.write("mtls.conf", tls_config(dir, true))});
  BusOptions options = nats_bus_options(server.address());
  options.nats.tls.enabled = true;
  options.nats.tls.ca_file = dir.file("ca.pem");
  options.nats.tls.cert_file = dir.file("client.pem");
  options.nats.tls.key_file = dir.file("client.key");
  {
    Bus bus(options);
    expect_round_trip(bus, "nats");
  }
  options.nats.tls.cert_file.clear();
  options.nats.tls.key_file.clear();
  const std::string error = connect_error(options);
  ASSERT_FALSE(error.empty()) << "connected without a client certificate";
  EXPECT_NE(error.find("127.0.0.1:" + server.port()), std::string::npos) << error;
  EXPECT_NE(error.find("nats.tls.cert_file"), std::string::npos) << error;
}

}  // namespace
}  // namespace eventbus::testing

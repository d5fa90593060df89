// SPDX-License-Identifier: Apache-2.0
// NKey and credentials-file (JWT) authentication against nats-servers started here with their
// own configuration. The keys are made by the interop tests' Go service (`goservice nats-keys`,
// with nkeys and jwt/v2, the libraries NATS makes them with): the right seed connects and
// round-trips through JetStream, another user's seed is refused naming the authorization
// error; a .creds file of an account with JetStream round-trips, a missing one is named. No
// seed ever shows in an error or a log.
#include <fstream>
#include <iterator>

#include "interop/go_service.hpp"
#include "nats/auth_support.hpp"
#include "support/broker_process.hpp"
#include "support/log_capture.hpp"
#include "support/temp_dir.hpp"

namespace eventbus::testing {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

// `goservice nats-keys` into `dir` (see keys.go for the files).
void make_keys(const TempDir& dir) {
  const GoRun run = run_go({"nats-keys", "--dir", dir.path()});
  ASSERT_EQ(run.exit_status, 0);
  ASSERT_EQ(run.lines.size(), 1u);
  ASSERT_EQ(run.lines[0].value("user_public", ""), read_text(dir.file("user.pub")));
}

// The secret part of a seed file or a .creds file (every "S..." seed line), for checks that it
// shows nowhere.
std::string seed_in(const std::string& path) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("SU", 0) == 0) return line;  // a user seed
  }
  ADD_FAILURE() << "no user seed in " << path;
  return "<none>";
}

TEST(NatsOwnServerNkey, TheRightSeedRoundTripsAnotherUsersIsRefused) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(make_keys(dir));
  const std::string user = read_text(dir.file("user.pub"));
  BrokerProcess server(
      BrokerProcess::Kind::nats,
      {"-c", dir.write("nkey.conf", "authorization {\n  users: [ {nkey: " + user + "} ]\n}\n")});
  LogCapture logs;
  BusOptions options = nats_bus_options(server.address());
  options.nats.nkey_public = user;
  options.nats.nkey_seed_file = dir.file("user.nk");
  {
    Bus bus(options);
    expect_round_trip(bus, "nats");
  }

  // Another user, whose key the server does not know.
  options.nats.nkey_public = read_text(dir.file("other.pub"));
  options.nats.nkey_seed_file = dir.file("other.nk");
  const std::string error = connect_error(options);
  ASSERT_FALSE(error.empty()) << "an unknown NKey connected";
  EXPECT_NE(error.find("Authorization"), std::string::npos) << error;
  EXPECT_NE(error.find("127.0.0.1:" + server.port()), std::string::npos) << error;
  RecordProperty("unknown_user_error", error);  // in --gtest_output=xml, for the docs

  // The known public key with another key's seed: the signature does not verify.
  options.nats.nkey_public = user;
  const std::string forged = connect_error(options);
  ASSERT_FALSE(forged.empty()) << "a seed that is not the public key's connected";
  EXPECT_NE(forged.find("Authorization"), std::string::npos) << forged;

  const std::string logged = logs.text();
  for (const std::string& seed : {seed_in(dir.file("user.nk")), seed_in(dir.file("other.nk"))}) {
    EXPECT_EQ(error.find(seed), std::string::npos) << error;
    EXPECT_EQ(forged.find(seed), std::string::npos) << forged;
    EXPECT_EQ(logged.find(seed), std::string::npos) << logged;
  }
}

TEST(NatsOwnServerCreds, ACredsFileRoundTripsThroughJetStreamAMissingOneIsNamed) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(make_keys(dir));
  // Operator mode: the operator's JWT, the accounts' JWTs preloaded (APP with JetStream).
  BrokerProcess server(BrokerProcess::Kind::nats, {"-c", dir.file("operator.conf")});
  LogCapture logs;
  BusOptions options = nats_bus_options(server.address());
  options.nats.credentials_file = dir.file("user.creds");
  {
    Bus bus(options);
    expect_round_trip(bus, "nats");
  }

  // Without credentials the operator's server lets nobody in.
  options.nats.credentials_file.clear();
  const std::string anonymous = connect_error(options);
  EXPECT_FALSE(anonymous.empty()) << "connected to an operator-mode server without credentials";

  options.nats.credentials_file = dir.file("missing.creds");
  const std::string missing = connect_error(options);
  ASSERT_FALSE(missing.empty()) << "connected with a credentials file that does not exist";
  EXPECT_NE(missing.find(dir.file("missing.creds")), std::string::npos) << missing;
  RecordProperty("missing_creds_error", missing);

  const std::string seed = seed_in(dir.file("user.creds"));
  EXPECT_EQ(anonymous.find(seed), std::string::npos) << anonymous;
  EXPECT_EQ(missing.find(seed), std::string::npos) << missing;
  const std::string logged = logs.text();
  EXPECT_EQ(logged.find(seed), std::string::npos) << logged;
}

}  // namespace
}  // namespace eventbus::testing

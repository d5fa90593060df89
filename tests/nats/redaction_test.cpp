// SPDX-License-Identifier: Apache-2.0
// Secrets in server URLs never reach an error message: user info is cut from URLs before they
// are shown, and a failed connect names the server it tried without its password.
#include "nats/nats_test.hpp"
#include "support/log_capture.hpp"
#include "transport/nats/nats_connection.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

TEST(NatsRedaction, UserInfoIsCutFromUrls) {
  EXPECT_EQ(nats::redact_url("nats://u:p@h:1"), "nats://h:1");
  EXPECT_EQ(nats::redact_url("nats://token@h:1"), "nats://h:1");
  EXPECT_EQ(nats::redact_url("tls://user:p%40ss@127.0.0.1:4443"), "tls://127.0.0.1:4443");
  EXPECT_EQ(nats::redact_url("u:p@h:1"), "h:1");
  EXPECT_EQ(nats::redact_url("nats://h:1"), "nats://h:1");
  EXPECT_EQ(nats::redact_url(""), "");
}

TEST(NatsRedaction, PasswordInAnAtSignOfThePathIsStillCut) {
  // The user info ends at the last '@' before the host: a password may itself hold an '@'.
  EXPECT_EQ(nats::redact_url("nats://u:se@cret@h:1"), "nats://h:1");
}

TEST(NatsRedaction, RefusedConnectNamesTheServerNotThePassword) {
  LogCapture logs;
  BusOptions options = nats_bus_options("nats://user:secret@127.0.0.1:1");
  options.nats.connect_timeout = 500ms;
  const auto start = std::chrono::steady_clock::now();
  try {
    Bus bus(options);
    FAIL() << "connected to port 1";
  } catch (const std::system_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("127.0.0.1:1"), std::string::npos) << what;
    EXPECT_EQ(what.find("secret"), std::string::npos) << what;
    EXPECT_EQ(e.code(), errc::transport_error) << e.code().message();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms + 250ms);
  EXPECT_EQ(logs.text().find("secret"), std::string::npos) << logs.text();
}

}  // namespace
}  // namespace eventbus::testing

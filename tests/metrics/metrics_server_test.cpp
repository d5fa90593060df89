// SPDX-License-Identifier: Apache-2.0
// MetricsServer on its own: it serves its one path with the exposition's content type and 404
// elsewhere, a port in use or a bad option is an error naming it, and stop() (or the
// destructor) ends every thread it started within its bound.
#include "eventbus/metrics_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "eventbus/error.hpp"
#include "support/prometheus_text.hpp"
#include "support/threads.hpp"

namespace {

using namespace std::chrono_literals;
using eventbus::MetricsRegistry;
using eventbus::MetricsServer;
using eventbus::MetricsServerOptions;
using eventbus::testing::thread_count_settling_at;

MetricsServerOptions any_port(std::string path = "/metrics") {
  return {.address = "127.0.0.1", .port = 0, .path = std::move(path)};
}

httplib::Result get(std::uint16_t port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5s);
  client.set_read_timeout(5s);
  return client.Get(path.c_str());
}

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override { eventbus::testing::warm_up_threads(); }
};

TEST_F(MetricsServerTest, ServesItsPathAndNothingElse) {
  eventbus::BusOptions options;
  options.memory.broker = "metrics-server-test";
  options.client_name = "served";
  eventbus::Bus bus(options);
  MetricsRegistry registry;
  MetricsServer server(registry, any_port("/prom/metrics.txt"));
  registry.add(bus);  // after the server started: it shares the caller's registry
  EXPECT_EQ(server.url(),
            "http://127.0.0.1:" + std::to_string(server.port()) + "/prom/metrics.txt");

  const auto served = get(server.port(), "/prom/metrics.txt");
  ASSERT_TRUE(served) << httplib::to_string(served.error());
  EXPECT_EQ(served->status, 200);
  EXPECT_EQ(served->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const auto parsed = eventbus::testing::parse_prometheus_text(served->body);
  EXPECT_EQ(parsed.value("eventbus_up", {{"client", "served"}}), 1);

  for (const std::string other : {"/metrics", "/prom/metricsXtxt", "/", "/prom/metrics.txt/x"}) {
    const auto missing = get(server.port(), other);
    ASSERT_TRUE(missing) << other;
    EXPECT_EQ(missing->status, 404) << other << " (the path is text, not a pattern)";
  }
}

TEST_F(MetricsServerTest, APortInUseIsAnErrorNamingTheAddress) {
  MetricsServer first(MetricsRegistry{}, any_port());
  MetricsServerOptions same = any_port();
  same.port = first.port();
  try {
    MetricsServer second(MetricsRegistry{}, same);
    FAIL() << "a second server listened on the same port";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::address_in_use) << e.what();
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(first.port())),
              std::string::npos)
        << e.what();
  }
}

TEST_F(MetricsServerTest, BadOptionsAreRefusedByName) {
  try {
    MetricsServer server(MetricsRegistry{}, any_port("metrics"));
    FAIL() << "accepted a path without '/'";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), eventbus::errc::invalid_option);
    EXPECT_NE(std::string(e.what()).find("metrics path"), std::string::npos) << e.what();
  }
  MetricsServerOptions unknown_host = any_port();
  unknown_host.address = "no-such-host.invalid";
  EXPECT_THROW(MetricsServer(MetricsRegistry{}, unknown_host), std::system_error);
}

TEST_F(MetricsServerTest, StopJoinsEveryThreadWithinItsBound) {
  const std::size_t before = eventbus::testing::process_thread_count();
  {
    MetricsServer server(MetricsRegistry{}, any_port());
    EXPECT_EQ(thread_count_settling_at(before + MetricsServer::kThreads),
              before + MetricsServer::kThreads);
    // A client that connects and sends nothing holds a worker until the read timeout. The
    // listener accepts in order, so once the GET after it is answered, it has a worker.
    const int idle = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(idle, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(idle, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    ASSERT_TRUE(get(server.port(), "/metrics"));
    std::thread concurrent([&] { server.stop(); });
    const auto started = std::chrono::steady_clock::now();
    server.stop();
    concurrent.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    ::close(idle);
    EXPECT_EQ(thread_count_settling_at(before), before);
    server.stop();  // again: nothing left to do
  }
  { MetricsServer destroyed_running(MetricsRegistry{}, any_port()); }
  EXPECT_EQ(thread_count_settling_at(before), before);
}

}  // namespace

// SPDX-License-Identifier: Apache-2.0
// The library writes nothing to stdout, and what the client libraries say (librdkafka's log,
// nats.c's connection events) reaches the application's log handler, with the component named.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <mutex>

#include "fault/fault_bus.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

// Sends this process's stdout (fd 1) to a file while it lives.
class StdoutToFile {
 public:
  explicit StdoutToFile(const std::string& path) {
    std::fflush(stdout);
    saved_ = ::dup(1);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    ::close(fd);
  }
  ~StdoutToFile() {
    std::fflush(stdout);
    ::dup2(saved_, 1);
    ::close(saved_);
  }

 private:
  int saved_ = -1;
};

class LogRouting : public ::testing::TestWithParam<BrokerKind> {};

TEST_P(LogRouting, NothingReachesStdoutAndTheClientLibraryLinesReachTheHandler) {
  BrokerProcess broker(GetParam());
  const std::string address = broker.address();
  broker.kill9();  // a dead broker: the client libraries have something to say
  TempDir dir;
  const std::string out = dir.file("stdout");
  Signal signal;
  std::vector<std::string> lines;
  {
    StdoutToFile redirect(out);
    BusOptions o = fault_bus_options(GetParam(), address);
    o.log.level = LogLevel::debug;
    o.log.handler = [&](const LogRecord& r) {
      signal.update(
          [&] { lines.push_back(std::string(r.component) + ": " + std::string(r.message)); });
    };
    if (GetParam() == BrokerKind::nats) {
      o.nats.retry_on_failed_connect = true;
      o.nats.reconnect_wait = 50ms;
    } else {
      o.kafka.retry_on_failed_connect = true;
    }
    Bus bus(o);
    bus.publish_envelope("log.routing", make_envelope("a", "E", 1, "{}"));
    const std::string wanted = GetParam() == BrokerKind::nats ? "nats: " : "librdkafka: ";
    EXPECT_TRUE(signal.wait_for(10s,
                                [&] {
                                  for (const auto& l : lines)
                                    if (l.rfind(wanted, 0) == 0) return true;
                                  return false;
                                }))
        << "no line from " << wanted;
    bus.close(1s);
  }
  std::ifstream in(out);
  const std::string written{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(written, "") << "the library wrote to stdout";
}

INSTANTIATE_TEST_SUITE_P(, LogRouting, ::testing::ValuesIn(built_brokers()),
                         [](const auto& info) { return PrintToString(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LogRouting);

}  // namespace
}  // namespace eventbus::testing

// A Kafka broker of a test's own, started through scripts/kafka-broker.sh and stopped by its
// destructor (also when an assertion fails), for tests that freeze a broker and so must not
// touch the shared CTest fixture.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#ifndef EVENTBUS_SCRIPTS_DIR
#error "EVENTBUS_SCRIPTS_DIR must name the project's scripts/ folder"
#endif

namespace eventbus::testing {

class KafkaBrokerProcess {
 public:
  // Starts a single-node KRaft broker on free loopback ports; throws with the script's output
  // when it does not come up.
  KafkaBrokerProcess() {
    int status = 0;
    const std::string out = run(script() + " start 2>&1", status);
    if (status != 0) throw std::runtime_error("kafka-broker.sh start failed:\n" + out);
    std::string trimmed = out.substr(0, out.find_last_not_of('\n') + 1);
    dir_ = trimmed.substr(trimmed.find_last_of('\n') + 1);  // the run dir is the last line
    std::ifstream env(dir_ + "/env");
    for (std::string line; std::getline(env, line);) {
      if (line.rfind("EVENTBUS_KAFKA_PID=", 0) == 0) pid_ = std::stoi(line.substr(19));
      if (line.rfind("EVENTBUS_KAFKA_BROKERS=", 0) == 0) brokers_ = line.substr(23);
    }
    if (pid_ <= 0 || brokers_.empty()) {
      throw std::runtime_error("no env in '" + dir_ + "':\n" + out);
    }
  }
  ~KafkaBrokerProcess() {
    ::kill(pid_, SIGCONT);  // a stopped JVM would ignore TERM until the script KILLs it
    int status = 0;
    run(script() + " stop '" + dir_ + "' 2>&1", status);
  }
  KafkaBrokerProcess(const KafkaBrokerProcess&) = delete;
  KafkaBrokerProcess& operator=(const KafkaBrokerProcess&) = delete;

  const std::string& brokers() const { return brokers_; }  // 127.0.0.1:<port>
  void freeze() { ::kill(pid_, SIGSTOP); }
  void thaw() { ::kill(pid_, SIGCONT); }

 private:
  static std::string script() { return std::string(EVENTBUS_SCRIPTS_DIR) + "/kafka-broker.sh"; }
  static std::string run(const std::string& command, int& status) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
    std::array<char, 512> buffer{};
    while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr)
      out += buffer.data();
    status = pclose(pipe);
    return out;
  }

  std::string dir_, brokers_;
  pid_t pid_ = -1;
};

// Freezes a broker (SIGSTOP) for its scope and always thaws it (SIGCONT), also on failure.
class FrozenBroker {
 public:
  explicit FrozenBroker(KafkaBrokerProcess& broker) : broker_(broker) { broker_.freeze(); }
  ~FrozenBroker() { thaw(); }
  FrozenBroker(const FrozenBroker&) = delete;
  FrozenBroker& operator=(const FrozenBroker&) = delete;
  void thaw() {
    if (frozen_) broker_.thaw();
    frozen_ = false;
  }

 private:
  KafkaBrokerProcess& broker_;
  bool frozen_ = true;
};

}  // namespace eventbus::testing

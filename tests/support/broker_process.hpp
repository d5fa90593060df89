// SPDX-License-Identifier: Apache-2.0
// A broker of a test's own — nats-server or Apache Kafka, or a PostgreSQL server for the
// outbox — started through the project's script (scripts/nats-server.sh,
// scripts/kafka-broker.sh, scripts/postgres.sh) and stopped by its destructor (also when an
// assertion fails), for tests that kill, restart or freeze a server and so must not touch the
// shared CTest fixtures.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/wait.hpp"

#ifndef EVENTBUS_SCRIPTS_DIR
#error "EVENTBUS_SCRIPTS_DIR must name the project's scripts/ folder"
#endif

namespace eventbus::testing {

// Single-quotes `text` for /bin/sh.
inline std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; returns its stdout and sets `status` to its exit status.
inline std::string run_command(const std::string& command, int& status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  std::array<char, 512> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr)
    out += buffer.data();
  status = pclose(pipe);
  return out;
}

class BrokerProcess {
 public:
  enum class Kind { nats, kafka, postgres };

  // Starts a broker on free loopback ports; `extra` goes to nats-server after the script's
  // own arguments (e.g. {"-c", "/tmp/x/auth.conf"}), `environment` to the script (e.g.
  // {{"EVENTBUS_KAFKA_SASL", "1"}}). Throws with the script's output when it does not come up.
  explicit BrokerProcess(Kind kind, const std::vector<std::string>& extra = {},
                         const std::map<std::string, std::string>& environment = {})
      : kind_(kind), prefix_(prefix(kind)) {
    std::string command = "env";
    for (const auto& [name, value] : environment)
      command += " " + shell_quote(name + "=" + value);
    command += " " + script() + " start";
    for (const auto& arg : extra)
      command += " " + shell_quote(arg);
    int status = 0;
    const std::string out = run_command(command + " 2>&1", status);
    if (status != 0) throw std::runtime_error(name() + " start failed:\n" + out);
    const std::string trimmed = out.substr(0, out.find_last_not_of('\n') + 1);
    dir_ = trimmed.substr(trimmed.find_last_of('\n') + 1);  // the run dir is the last line
    read_env();
    if (pid_ <= 0 || address_.empty()) throw std::runtime_error("no env in " + dir_ + ":\n" + out);
  }
  ~BrokerProcess() {
    thaw();  // a frozen broker would ignore TERM until the script KILLs it
    int status = 0;
    run_command(script() + " stop " + shell_quote(dir_) + " 2>&1", status);
  }
  BrokerProcess(const BrokerProcess&) = delete;
  BrokerProcess& operator=(const BrokerProcess&) = delete;

  // nats://127.0.0.1:<port> for NATS, 127.0.0.1:<port> for Kafka, postgresql://...:<port>/...
  // for PostgreSQL.
  const std::string& address() const { return address_; }
  std::string port() const {
    const std::string tail = address_.substr(address_.find_last_of(':') + 1);
    return tail.substr(0, tail.find('/'));
  }
  pid_t pid() const { return pid_; }
  // A line KEY=VALUE of the run dir's env file (e.g. EVENTBUS_KAFKA_SASL_PASSWORD), or "".
  std::string setting(const std::string& key) const {
    const auto it = settings_.find(key);
    return it == settings_.end() ? std::string() : it->second;
  }
  std::string log() const {
    std::ifstream in(dir_ + (kind_ == Kind::kafka ? "/broker.log" : "/server.log"));
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  // SIGKILL, as a crash: returns once the process is gone. Its data stays for restart().
  void kill9() { script_or_throw("kill"); }
  // Starts it again on the same ports with the same data; returns once it is ready.
  void restart() {
    script_or_throw("restart");
    read_env();
  }

  // SIGSTOP, then waits (bounded) until every thread of the broker has stopped: the signal
  // takes effect asynchronously, and a broker still running for a moment would answer.
  // PostgreSQL serves each connection from a child process: those stop too.
  void freeze() {
    frozen_ = processes();
    for (const pid_t pid : frozen_)
      ::kill(pid, SIGSTOP);
    if (!poll_until(std::chrono::seconds(5), [&] {
          for (const pid_t pid : frozen_)
            if (!all_threads_stopped(pid)) return false;
          return true;
        }))
      throw std::runtime_error(name() + " did not stop within 5 s of SIGSTOP");
  }
  void thaw() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
    for (const pid_t pid : frozen_)
      ::kill(pid, SIGCONT);
    frozen_.clear();
  }

 private:
  static std::string prefix(Kind kind) {
    switch (kind) {
      case Kind::nats:
        return "EVENTBUS_NATS_";
      case Kind::kafka:
        return "EVENTBUS_KAFKA_";
      case Kind::postgres:
        return "EVENTBUS_POSTGRES_";
    }
    return "";
  }
  std::string name() const {
    switch (kind_) {
      case Kind::nats:
        return "nats-server";
      case Kind::kafka:
        return "kafka broker";
      case Kind::postgres:
        return "postgres";
    }
    return "";
  }
  std::string script() const {
    const char* file = kind_ == Kind::nats    ? "/nats-server.sh"
                       : kind_ == Kind::kafka ? "/kafka-broker.sh"
                                              : "/postgres.sh";
    return shell_quote(std::string(EVENTBUS_SCRIPTS_DIR) + file);
  }
  // The server and, for PostgreSQL, its child processes (one per connection, and workers).
  std::vector<pid_t> processes() const {
    std::vector<pid_t> pids{pid_};
    if (kind_ != Kind::postgres) return pids;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string line;
      std::getline(stat, line);
      const auto close = line.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream fields(line.substr(close + 2));
      std::string state;
      pid_t parent = 0;
      fields >> state >> parent;
      if (parent == pid_) pids.push_back(static_cast<pid_t>(std::stoi(name)));
    }
    return pids;
  }
  void script_or_throw(const std::string& verb) {
    int status = 0;
    const std::string out =
        run_command(script() + " " + verb + " " + shell_quote(dir_) + " 2>&1", status);
    if (status != 0) throw std::runtime_error(name() + " " + verb + " failed:\n" + out);
  }
  void read_env() {
    const std::string pid_key = prefix_ + "PID=";
    const std::string address_key = prefix_ + (kind_ == Kind::kafka ? "BROKERS=" : "URL=");
    std::ifstream env(dir_ + "/env");
    settings_.clear();
    for (std::string line; std::getline(env, line);) {
      if (const auto eq = line.find('='); eq != std::string::npos) {
        settings_[line.substr(0, eq)] = line.substr(eq + 1);
      }
      if (line.rfind(pid_key, 0) == 0) pid_ = std::stoi(line.substr(pid_key.size()));
      if (line.rfind(address_key, 0) == 0) address_ = line.substr(address_key.size());
    }
  }
  static bool all_threads_stopped(pid_t pid) {
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    std::error_code gone;
    if (!std::filesystem::exists(tasks, gone)) return true;
    for (const auto& task : std::filesystem::directory_iterator(tasks)) {
      std::ifstream stat(task.path() / "stat");
      std::string line;
      std::getline(stat, line);
      // "pid (comm) S ...": the state follows the last ')'.
      const auto close = line.rfind(')');
      if (close == std::string::npos || close + 2 >= line.size()) return false;
      const char state = line[close + 2];
      if (state != 'T' && state != 't') return false;
    }
    return true;
  }

  Kind kind_;
  std::string prefix_, dir_, address_;
  std::map<std::string, std::string> settings_;  // the env file
  pid_t pid_ = -1;
  std::vector<pid_t> frozen_;
};

// Freezes a broker (SIGSTOP) for its scope and always thaws it (SIGCONT), also on failure.
class FrozenBroker {
 public:
  explicit FrozenBroker(BrokerProcess& broker) : broker_(broker) { broker_.freeze(); }
  ~FrozenBroker() { thaw(); }
  FrozenBroker(const FrozenBroker&) = delete;
  FrozenBroker& operator=(const FrozenBroker&) = delete;
  void thaw() {
    if (frozen_) broker_.thaw();
    frozen_ = false;
  }

 private:
  BrokerProcess& broker_;
  bool frozen_ = true;
};

}  // namespace eventbus::testing

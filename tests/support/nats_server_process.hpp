// A nats-server of a test's own, started through scripts/nats-server.sh and stopped by its
// destructor (also when an assertion fails), for tests that stop, freeze or reconfigure a
// server and so must not touch the shared CTest fixture.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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

class NatsServerProcess {
 public:
  // Starts nats-server with JetStream on a free loopback port; `extra` goes to nats-server
  // after the script's own arguments (e.g. {"-c", "/tmp/x/auth.conf"}). Throws with the
  // server log's tail when it does not come up.
  explicit NatsServerProcess(const std::vector<std::string>& extra = {}) {
    std::string command = script() + " start";
    for (const auto& arg : extra)
      command += " " + shell_quote(arg);
    int status = 0;
    const std::string out = run_command(command + " 2>&1", status);
    if (status != 0) throw std::runtime_error("nats-server.sh start failed:\n" + out);
    dir_ = out.substr(0, out.find_last_not_of("\n") + 1);
    dir_ = dir_.substr(dir_.find_last_of('\n') + 1);  // the run dir is the last line
    std::ifstream env(dir_ + "/env");
    for (std::string line; std::getline(env, line);) {
      if (line.rfind("EVENTBUS_NATS_PID=", 0) == 0) pid_ = std::stoi(line.substr(18));
      if (line.rfind("EVENTBUS_NATS_URL=", 0) == 0) url_ = line.substr(18);
    }
    if (pid_ <= 0 || url_.empty()) throw std::runtime_error("no env in " + dir_ + ":\n" + out);
    port_ = url_.substr(url_.find_last_of(':') + 1);
  }
  ~NatsServerProcess() {
    ::kill(pid_, SIGCONT);  // a frozen server would ignore TERM until the script KILLs it
    int status = 0;
    run_command(script() + " stop " + shell_quote(dir_) + " 2>&1", status);
  }
  NatsServerProcess(const NatsServerProcess&) = delete;
  NatsServerProcess& operator=(const NatsServerProcess&) = delete;

  const std::string& url() const { return url_; }  // nats://127.0.0.1:<port>
  const std::string& port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const {
    std::ifstream in(dir_ + "/server.log");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  // SIGSTOP, then waits (bounded) until every thread of the server has stopped: the signal
  // takes effect asynchronously, and a server still running for a moment would answer.
  void freeze() {
    ::kill(pid_, SIGSTOP);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!all_threads_stopped()) {
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("nats-server did not stop within 5 s of SIGSTOP");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  void thaw() { ::kill(pid_, SIGCONT); }

 private:
  bool all_threads_stopped() const {
    const std::string tasks = "/proc/" + std::to_string(pid_) + "/task";
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

  static std::string script() {
    return shell_quote(std::string(EVENTBUS_SCRIPTS_DIR) + "/nats-server.sh");
  }

  std::string dir_, url_, port_;
  pid_t pid_ = -1;
};

// Freezes a server (SIGSTOP) for its scope and always thaws it (SIGCONT), also on failure.
class FrozenServer {
 public:
  explicit FrozenServer(NatsServerProcess& server) : server_(server) { server_.freeze(); }
  ~FrozenServer() { thaw(); }
  FrozenServer(const FrozenServer&) = delete;
  FrozenServer& operator=(const FrozenServer&) = delete;
  void thaw() {
    if (frozen_) server_.thaw();
    frozen_ = false;
  }

 private:
  NatsServerProcess& server_;
  bool frozen_ = true;
};

}  // namespace eventbus::testing

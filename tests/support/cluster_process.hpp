// SPDX-License-Identifier: Apache-2.0
// A 3-node cluster of a test's own — NATS with JetStream or Apache Kafka (KRaft) — started
// through scripts/nats-cluster.sh or scripts/kafka-cluster.sh and stopped by its destructor
// (also when an assertion fails). One node at a time can be killed, shut down, restarted,
// frozen and thawed, as the cluster fault tests do to a leader.
#pragma once

#include <sys/types.h>

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include "support/broker_process.hpp"

namespace eventbus::testing {

class ClusterProcess {
 public:
  using Kind = BrokerProcess::Kind;  // nats or kafka

  explicit ClusterProcess(Kind kind) : kind_(kind) {
    if (kind == Kind::postgres) throw std::logic_error("no PostgreSQL cluster");
    int status = 0;
    const std::string out = run_command(script() + " start 2>&1", status);
    if (status != 0) throw std::runtime_error(name() + " start failed:\n" + out);
    const std::string trimmed = out.substr(0, out.find_last_not_of('\n') + 1);
    dir_ = trimmed.substr(trimmed.find_last_of('\n') + 1);  // the run dir is the last line
    read_env();
    if (nodes() < 1 || address().empty()) {
      throw std::runtime_error("no env in " + dir_ + ":\n" + out);
    }
  }
  ~ClusterProcess() {
    int status = 0;  // the script thaws a frozen node before it stops it
    run_command(script() + " stop " + shell_quote(dir_) + " 2>&1", status);
  }
  ClusterProcess(const ClusterProcess&) = delete;
  ClusterProcess& operator=(const ClusterProcess&) = delete;

  // Every node: "nats://127.0.0.1:P1,nats://..." for NATS, "127.0.0.1:P1,..." for Kafka.
  std::string address() const { return value(kind_ == Kind::kafka ? "BROKERS" : "URL"); }
  // The nodes other than `n`, in the same form: how a probe reaches the cluster while node n
  // is dead or frozen.
  std::string address_without(int n) const {
    std::string list;
    for (int i = 1; i <= nodes(); ++i)
      if (i != n) list += (list.empty() ? "" : ",") + node_address(i);
    return list;
  }
  int nodes() const { return std::stoi(value("NODES", "0")); }
  std::string node_address(int n) const { return value(node_key(n)); }
  pid_t node_pid(int n) const { return std::stoi(value(node_key(n) + "_PID", "0")); }
  // NATS: the server name (n<N>), as a stream's cluster info names its leader.
  std::string node_name(int n) const { return value(node_key(n) + "_NAME"); }

  void kill9(int n) { node("kill", n); }         // SIGKILL, as a crash; the node's data stays
  void shutdown(int n) { node("shutdown", n); }  // SIGTERM, as in a rolling restart
  void restart(int n) { node("restart", n); }    // returns once the node is up
  void freeze(int n) { node("freeze", n); }      // returns once every thread of it stopped
  void thaw(int n) { node("thaw", n); }

 private:
  std::string name() const { return kind_ == Kind::nats ? "nats-cluster" : "kafka-cluster"; }
  std::string script() const {
    return shell_quote(std::string(EVENTBUS_SCRIPTS_DIR) +
                       (kind_ == Kind::nats ? "/nats-cluster.sh" : "/kafka-cluster.sh"));
  }
  std::string prefix() const { return kind_ == Kind::nats ? "EVENTBUS_NATS_" : "EVENTBUS_KAFKA_"; }
  static std::string node_key(int n) { return "NODE" + std::to_string(n); }
  std::string value(const std::string& key, const std::string& otherwise = "") const {
    const auto it = env_.find(prefix() + key);
    return it == env_.end() ? otherwise : it->second;
  }
  void node(const std::string& verb, int n) {
    int status = 0;
    const std::string out = run_command(
        script() + " " + verb + " " + shell_quote(dir_) + " " + std::to_string(n) + " 2>&1",
        status);
    if (status != 0) {
      throw std::runtime_error(name() + " " + verb + " " + std::to_string(n) + " failed:\n" + out);
    }
    read_env();
  }
  void read_env() {
    env_.clear();
    std::ifstream env(dir_ + "/env");
    for (std::string line; std::getline(env, line);) {
      const auto eq = line.find('=');
      if (eq != std::string::npos) env_[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }

  Kind kind_;
  std::string dir_;
  std::map<std::string, std::string> env_;
};

}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
// One run of a cluster fault test: a 3-node cluster of the test's own, a topic with 3 replicas
// (Kafka: 2 in sync required for an ack), a bus publishing to it at a steady rate over 1,000
// aggregates and consuming it, and the faults done to one node at a time while that goes on.
// Each fault is measured (what Fault prints) and the whole run is judged by the crash test's
// ledger: every acked publish handled, no aggregate out of order, every completion exactly
// once, the library's threads gone after close.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cluster/leader_probe.hpp"
#include "fault/fault_bus.hpp"
#include "fault/steady_load.hpp"
#include "support/cluster_process.hpp"

namespace eventbus::testing {

// What one fault did, from the moment it was done.
struct FaultFigures {
  std::string what;                    // e.g. "kill 2 of node 3 (the leader)"
  double new_leader_s = 0;             // until a surviving node named another leader; -1: not asked
  double caught_up_s = 0;              // until every publish made until the node was back settled
  double longest_wait_s = 0;           // the longest a publish waited for its ack meanwhile
  std::uint64_t failed_publishes = 0;  // completions with an error meanwhile
  std::uint64_t duplicates = 0;        // deliveries of a message handled before, meanwhile
};

class ClusterRun {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ClusterRun(BrokerKind kind);
  ~ClusterRun();
  ClusterRun(const ClusterRun&) = delete;
  ClusterRun& operator=(const ClusterRun&) = delete;

  // Starts publishing; the guard stops it (declare it after this run).
  SteadyLoad::Running start() { return load_.start(*bus_); }

  // The node that leads now (waits up to 60 s for one, in sync).
  int leader();
  // SIGKILL `node`, restart it once another node leads (an outage as long as the election).
  FaultFigures kill(int node, const std::string& what);
  // SIGSTOP `node` for `frozen`, then SIGCONT.
  FaultFigures freeze(int node, std::chrono::seconds frozen, const std::string& what);
  // A clean stop of `node` and its restart, as one step of a rolling restart.
  FaultFigures restart(int node, const std::string& what);

  // Stops the load, waits for every completion and every acked message, closes the bus and
  // checks the ledger and the thread count (gtest expectations).
  void finish();

 private:
  // Runs `inflict`, measures until the bus caught up, runs `heal` at its moment, waits until
  // every replica is in sync again. `leader_moves`: measure the time to a new leader.
  FaultFigures fault(int node, const std::string& what, bool leader_moves,
                     const std::function<void()>& inflict,
                     const std::function<void(Clock::time_point)>& heal);

  BrokerKind kind_;
  ClusterProcess cluster_;
  std::size_t threads_before_ = 0;
  std::string topic_;
  SteadyLoad load_;
  BusOptions options_;
  std::unique_ptr<Bus> bus_;
};

}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
#include "cluster/cluster_run.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>
#include <thread>

#include "support/threads.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using Clock = ClusterRun::Clock;

double seconds_since(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

// The bus options of the fault tests, and what a service on a cluster sets (docs/clusters.md):
// every node as a seed, and, for NATS, pings often enough that a connection to a hung server
// is given up within seconds rather than after 2 x 20 s.
BusOptions cluster_bus_options(BrokerKind kind, const std::string& nodes,
                               const std::string& topic) {
  BusOptions options = fault_bus_options(kind, "");
  if (kind == BrokerKind::nats) {
    options.nats.servers.clear();
    for (std::size_t from = 0; from <= nodes.size();) {
      const std::size_t comma = std::min(nodes.find(',', from), nodes.size());
      options.nats.servers.push_back(nodes.substr(from, comma - from));
      from = comma + 1;
    }
    options.nats.ping_interval = 2s;
  } else {
    options.kafka.brokers = nodes;
    options.topics[topic].min_insync_replicas = 2;
  }
  options.topics[topic].replicas = 3;
  return options;
}

void print(BrokerKind kind, const FaultFigures& f) {
  std::printf(
      "%s %s: new leader after %s; bus caught up after %.2f s; longest publish wait %.2f s; "
      "%llu failed publishes; %llu duplicates\n",
      PrintToString(kind).c_str(), f.what.c_str(),
      f.new_leader_s < 0 ? "(not the leader)" : (std::to_string(f.new_leader_s) + " s").c_str(),
      f.caught_up_s, f.longest_wait_s, static_cast<unsigned long long>(f.failed_publishes),
      static_cast<unsigned long long>(f.duplicates));
  std::fflush(stdout);
}

void require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

}  // namespace

ClusterRun::ClusterRun(BrokerKind kind)
    : kind_(kind),
      cluster_((warm_up_threads(), kind)),  // the baseline below must not count TSan's thread
      topic_(unique_name("cluster", "t")),
      load_({.topic = topic_, .aggregates = 1000, .rate = 1000, .max_calls = 300'000}),
      options_(cluster_bus_options(kind, cluster_.address(), topic_)) {
  threads_before_ = process_thread_count();
  bus_ = std::make_unique<Bus>(options_);
  if (auto ec = bus_->subscribe_envelope(topic_, load_.handler()).error())
    throw std::runtime_error("subscribe: " + ec.message());
}

ClusterRun::~ClusterRun() {
  load_.stop();
}

int ClusterRun::leader() {
  const auto probe = leader_probe(kind_, cluster_.address(), topic_);
  int found = 0;
  require(poll_until(60s, [&] { return (found = probe->leader()) > 0 && probe->in_sync(); }),
          "no leader with every replica in sync within 60 s");
  return found;
}

FaultFigures ClusterRun::fault(int node, const std::string& what, bool leader_moves,
                               const std::function<void()>& inflict,
                               const std::function<void(Clock::time_point)>& heal) {
  // Causal, not timed: each fault comes after the bus moved two seconds' worth both ways.
  require(load_.wait_for_progress(2000, 2000, 90s), "no progress before " + what);
  const auto survivors = leader_probe(kind_, cluster_.address_without(node), topic_);
  const std::uint64_t failed_before = load_.completions() - load_.acked();
  const std::uint64_t duplicates_before = load_.order().duplicates();
  load_.take_longest_ack_wait();
  const auto at = Clock::now();
  inflict();

  FaultFigures f{.what = what, .new_leader_s = -1};
  if (leader_moves) {
    require(poll_until(60s,
                       [&] {
                         const int now = survivors->leader();
                         return now > 0 && now != node;
                       }),
            what + ": no other node took the lead within 60 s");
    f.new_leader_s = seconds_since(at);
  }
  heal(at);
  // Every publish made until the node is back, those made during the fault included (on a
  // frozen leader they wait out their ack timeout), has settled and, if acked, been handled.
  require(load_.wait_until_settled_before(load_.calls(), 120s),
          what + ": publishes made before the node was back still unsettled after 120 s");
  f.caught_up_s = seconds_since(at);
  require(load_.wait_for_progress(1, 1, 90s), what + ": no ack and delivery after healing");
  const auto all = leader_probe(kind_, cluster_.address(), topic_);
  require(poll_until(120s, [&] { return all->in_sync(); }),
          what + ": replicas not back in sync within 120 s");
  f.longest_wait_s = std::chrono::duration<double>(load_.take_longest_ack_wait()).count();
  f.failed_publishes = load_.completions() - load_.acked() - failed_before;
  f.duplicates = load_.order().duplicates() - duplicates_before;
  print(kind_, f);
  return f;
}

FaultFigures ClusterRun::kill(int node, const std::string& what) {
  return fault(
      node, what, true, [&] { cluster_.kill9(node); },
      [&](Clock::time_point) { cluster_.restart(node); });
}

FaultFigures ClusterRun::freeze(int node, std::chrono::seconds frozen, const std::string& what) {
  return fault(
      node, what, true, [&] { cluster_.freeze(node); },
      [&](Clock::time_point at) {
        std::this_thread::sleep_until(at + frozen);  // the fault's length, not a synchronisation
        cluster_.thaw(node);
      });
}

FaultFigures ClusterRun::restart(int node, const std::string& what) {
  const bool leads = leader() == node;
  return fault(
      node, what, leads, [&] { cluster_.shutdown(node); },
      [&](Clock::time_point) { cluster_.restart(node); });
}

void ClusterRun::finish() {
  load_.stop();
  EXPECT_TRUE(load_.wait_for_all_completions(60s))
      << load_.calls() - load_.completions() << " completions never fired";
  EXPECT_TRUE(load_.wait_until_acked_are_handled(120s))
      << load_.acked_not_handled() << " acked messages were never handled";
  const CloseReport report = bus_->close(10s);
  EXPECT_FALSE(report.error) << report.error.message();
  const Stats stats = bus_->stats();
  std::printf("%s: %s\n", PrintToString(kind_).c_str(), load_.summary().c_str());
  if (load_.completions() > load_.acked())
    std::printf("first failed publish: %s\n", load_.first_failure().c_str());
  load_.expect_ledger_holds();
  // A node's loss is a passing outage: every publish it failed says "try again".
  EXPECT_EQ(load_.failed_retriable(), load_.completions() - load_.acked());
  EXPECT_EQ(stats.dead_lettered, 0u) << "a node's loss must not send anything to dead letters";
  // Not vacuous: each fault came after 2,000 acked and handled publishes.
  EXPECT_GE(load_.acked(), 2000u);
  bus_.reset();
  std::size_t threads_after = 0;
  EXPECT_TRUE(threads_back_to_baseline(threads_before_, library_threads(options_), threads_after))
      << threads_after << " threads after close, " << threads_before_ << " before";
}

}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
// Faults of one node of a 3-node cluster under steady load (cluster/cluster_run.hpp): the
// leader of the topic's partition 0 (Kafka) or of its stream (NATS) killed, frozen for 10 s,
// and a rolling restart of every node. CI runs the short form (one kill, one freeze); the full
// form (three kills, the freeze, the rolling restart) runs with EVENTBUS_CLUSTER_FULL=1, as
// `scripts/test.sh --cluster` does.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "cluster/cluster_run.hpp"

namespace eventbus::testing {
namespace {

bool full_form() {
  const char* full = std::getenv("EVENTBUS_CLUSTER_FULL");
  return full != nullptr && std::string(full) == "1";
}

class ClusterFault : public ::testing::TestWithParam<BrokerKind> {};

TEST_P(ClusterFault, LeaderKilledLosesNoAckedMessageAndKeepsOrder) {
  ClusterRun run(GetParam());
  const auto running = run.start();
  const int kills = full_form() ? 3 : 1;
  for (int kill = 1; kill <= kills; ++kill) {
    const int leader = run.leader();
    run.kill(leader, "kill " + std::to_string(kill) + " of " + std::to_string(kills) + ": node " +
                         std::to_string(leader) + " (the leader)");
  }
  run.finish();
}

TEST_P(ClusterFault, LeaderFrozenForTenSecondsLosesNoAckedMessageAndKeepsOrder) {
  ClusterRun run(GetParam());
  const auto running = run.start();
  const int leader = run.leader();
  run.freeze(leader, 10s, "freeze for 10 s: node " + std::to_string(leader) + " (the leader)");
  run.finish();
}

// The full form only (CTest leaves it out: it is the longest).
TEST_P(ClusterFault, RollingRestartLosesNoAckedMessageAndKeepsOrder) {
  ClusterRun run(GetParam());
  const auto running = run.start();
  for (int node = 1; node <= 3; ++node)
    run.restart(node, "rolling restart: node " + std::to_string(node));
  run.finish();
}

INSTANTIATE_TEST_SUITE_P(, ClusterFault, ::testing::ValuesIn(built_brokers()),
                         [](const auto& info) { return PrintToString(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ClusterFault);

}  // namespace
}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
// Who leads the test's topic on a cluster, as the cluster itself says: for Kafka the leader of
// partition 0 (and every partition's in-sync replicas), for NATS the stream's leader (and its
// replicas' state). A probe asks only the nodes it was given, so it keeps answering while the
// node a test killed or froze is gone.
#pragma once

#include <memory>
#include <string>

#include "support/broker_process.hpp"

namespace eventbus::testing {

class LeaderProbe {
 public:
  virtual ~LeaderProbe() = default;
  // The leading node (1-based, as the cluster scripts number them), or 0 while none is known:
  // during an election, or when no node answered.
  virtual int leader() = 0;
  // True when every replica is in sync with its leader (Kafka: every partition's ISR is all
  // its replicas; NATS: every replica of the stream is current).
  virtual bool in_sync() = 0;
};

// A probe of `topic` asking the nodes in `nodes` (the form of ClusterProcess::address()).
std::unique_ptr<LeaderProbe> kafka_leader_probe(const std::string& nodes, const std::string& topic);
std::unique_ptr<LeaderProbe> nats_leader_probe(const std::string& nodes, const std::string& topic);

inline std::unique_ptr<LeaderProbe> leader_probe(BrokerProcess::Kind kind, const std::string& nodes,
                                                 const std::string& topic) {
  return kind == BrokerProcess::Kind::kafka ? kafka_leader_probe(nodes, topic)
                                            : nats_leader_probe(nodes, topic);
}

}  // namespace eventbus::testing

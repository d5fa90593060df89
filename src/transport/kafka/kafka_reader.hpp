// SPDX-License-Identifier: Apache-2.0
// Transport::read for Kafka: a topic's records handed to a callback one at a time, on the
// calling thread, by a consumer of the read's own that lives as long as the read.
//
// The consumer is given its partitions with assign(), never subscribe(): it joins no group, so
// nothing rebalances and a running group's members are left alone. An anonymous read uses a
// throwaway group.id (librdkafka needs one to consume) and commits nothing, so the broker keeps
// no trace of it. A group read starts at the group's committed offsets and, with `commit`,
// commits each record's next offset before it hands on the next record. Kafka takes such a
// commit from a consumer outside the group (generation -1) while the group has no members;
// while it has some (a bus subscribed with that group), the broker refuses it and the read
// stops with that error rather than move the members' position under them.
#pragma once

#include <stop_token>
#include <string_view>

#include "core/log.hpp"
#include "core/transport.hpp"
#include "eventbus/options.hpp"

namespace eventbus::kafka {

// See core::Transport::read. Safe beside everything else the transport does: it shares
// nothing with it but the (const) options and the log.
ReadResult read_topic(const BusOptions& options, const core::LogPtr& log, std::string_view topic,
                      const ReadOptions& read, core::Deadline deadline,
                      const core::ReadCallback& fn, const std::stop_token& stop);

}  // namespace eventbus::kafka

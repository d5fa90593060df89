// SPDX-License-Identifier: Apache-2.0
// Turns one bus's counters, histograms and gauges into exposition samples, and adds the
// process-wide ones. docs/operations.md ("Metrics") lists every family written here.
#pragma once

#include "eventbus/bus.hpp"
#include "prometheus/exposition.hpp"

namespace eventbus::metrics {

// Every family of one bus, labelled transport and client (and topic, group, error where they
// apply). Reads atomics only; safe while the bus publishes, consumes or closes.
void collect_bus(const Bus::Impl& bus, Exposition& out);

// Families of the process, not of a bus: eventbus_process_threads.
void collect_process(Exposition& out);

}  // namespace eventbus::metrics

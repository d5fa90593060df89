// SPDX-License-Identifier: Apache-2.0
// The conformance suite on the in-process transport.
#include "conformance/conformance.hpp"

namespace eventbus::testing {
namespace {

BusOptions memory_options() {
  BusOptions options;
  options.transport = "memory";
  options.memory.broker = "conformance";
  options.memory.fetch_batch = 64;
  return options;
}

INSTANTIATE_TEST_SUITE_P(Memory, Conformance,
                         ::testing::Values(TransportUnderTest{"memory", memory_options}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
// EVENTBUS_WITH_NATS and EVENTBUS_WITH_KAFKA (1 or 0) come from src/CMakeLists.txt.
#include "eventbus/version.hpp"

#include <algorithm>
#include <iterator>

#if !defined(EVENTBUS_WITH_NATS) || !defined(EVENTBUS_WITH_KAFKA)
#error "EVENTBUS_WITH_NATS and EVENTBUS_WITH_KAFKA must be defined (1 or 0) by the build"
#endif

namespace eventbus {
namespace {

constexpr std::string_view kBuiltTransports[] = {
    "memory",
#if EVENTBUS_WITH_NATS
    "nats",
#endif
#if EVENTBUS_WITH_KAFKA
    "kafka",
#endif
};

}  // namespace

std::string_view version() noexcept {
  return EVENTBUS_VERSION_STRING;
}

std::span<const std::string_view> built_transports() noexcept {
  return kBuiltTransports;
}

bool transport_built(std::string_view name) noexcept {
  return std::ranges::find(kBuiltTransports, name) != std::ranges::end(kBuiltTransports);
}

}  // namespace eventbus

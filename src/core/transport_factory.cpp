// SPDX-License-Identifier: Apache-2.0
// EVENTBUS_WITH_NATS and EVENTBUS_WITH_KAFKA (1 or 0) come from src/CMakeLists.txt: a transport
// configured OFF has neither its sources nor its client library in the build.
#include "core/transport_factory.hpp"

#include <string>
#include <system_error>

#include "eventbus/error.hpp"
#include "transport/memory/memory_transport.hpp"

#if !defined(EVENTBUS_WITH_NATS) || !defined(EVENTBUS_WITH_KAFKA)
#error "EVENTBUS_WITH_NATS and EVENTBUS_WITH_KAFKA must be defined (1 or 0) by the build"
#endif
#if EVENTBUS_WITH_NATS
#include "transport/nats/nats_transport.hpp"
#endif
#if EVENTBUS_WITH_KAFKA
#include "transport/kafka/kafka_transport.hpp"
#endif

namespace eventbus::core {
namespace {

[[noreturn, maybe_unused]] void not_built(const std::string& transport, const char* option) {
  throw std::system_error(make_error_code(errc::unknown_transport),
                          "transport: '" + transport + "' was not built into this eventbus " +
                              "(configure with -D" + option + "=ON)");
}

}  // namespace

std::unique_ptr<Transport> make_transport(const BusOptions& options, [[maybe_unused]] LogPtr log) {
  if (options.transport == "memory") return std::make_unique<memory::MemoryTransport>(options);
  if (options.transport == "nats") {
#if EVENTBUS_WITH_NATS
    return std::make_unique<nats::NatsTransport>(options, std::move(log));
#else
    not_built(options.transport, "EVENTBUS_WITH_NATS");
#endif
  }
  if (options.transport == "kafka") {
#if EVENTBUS_WITH_KAFKA
    return std::make_unique<kafka::KafkaTransport>(options, std::move(log));
#else
    not_built(options.transport, "EVENTBUS_WITH_KAFKA");
#endif
  }
  throw std::system_error(make_error_code(errc::unknown_transport),
                          "transport: '" + options.transport + "' is not memory, nats or kafka");
}

}  // namespace eventbus::core

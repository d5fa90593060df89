// SPDX-License-Identifier: Apache-2.0
#include "core/transport_factory.hpp"

#include <system_error>

#include "eventbus/error.hpp"
#include "transport/kafka/kafka_transport.hpp"
#include "transport/memory/memory_transport.hpp"
#include "transport/nats/nats_transport.hpp"

namespace eventbus::core {

std::unique_ptr<Transport> make_transport(const BusOptions& options, LogPtr log) {
  if (options.transport == "memory") return std::make_unique<memory::MemoryTransport>(options);
  if (options.transport == "nats")
    return std::make_unique<nats::NatsTransport>(options, std::move(log));
  if (options.transport == "kafka")
    return std::make_unique<kafka::KafkaTransport>(options, std::move(log));
  throw std::system_error(make_error_code(errc::unknown_transport),
                          "transport: '" + options.transport + "' is not memory, nats or kafka");
}

}  // namespace eventbus::core

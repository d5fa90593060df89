// SPDX-License-Identifier: Apache-2.0
// Built against the installed package when it has eventbus::prometheus_cpp: a bus's metrics read
// through prometheus-cpp.
#include <prometheus/text_serializer.h>

#include <cstdio>
#include <eventbus/adapters/prometheus_cpp.hpp>
#include <eventbus/eventbus.hpp>
#include <string>

int main() {
  eventbus::BusOptions options;
  options.transport = "memory";
  eventbus::Bus bus(options);
  eventbus::MetricsRegistry buses;
  buses.add(bus);
  const std::string text = prometheus::TextSerializer().Serialize(
      eventbus::prometheus_cpp::BusCollectable(buses).Collect());
  const bool ok = text.find("eventbus_up{") != std::string::npos;
  std::printf("eventbus %s with prometheus-cpp: %s\n", std::string(eventbus::version()).c_str(),
              ok ? "eventbus_up collected" : "eventbus_up missing");
  return ok ? 0 : 1;
}

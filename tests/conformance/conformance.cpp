// SPDX-License-Identifier: Apache-2.0
#include "conformance/conformance.hpp"

#include "support/threads.hpp"

namespace eventbus::testing {

void Conformance::SetUp() {
  // Taken once, before the first bus of the process (the probe below is one).
  static const std::size_t before_any_bus = [] {
    warm_up_threads();
    return process_thread_count();
  }();
  {
    Bus probe(GetParam().options());
    features = probe.features();
  }
  thread_baseline = before_any_bus + library_threads(GetParam().options());
  group = unique_name("conf", "group");
}

std::unique_ptr<Bus> Conformance::make_bus(const std::function<void(BusOptions&)>& tweak) {
  BusOptions options = GetParam().options();
  options.group = group;
  if (tweak) tweak(options);
  return std::make_unique<Bus>(std::move(options));
}

Envelope test_envelope(const std::string& aggregate, std::int64_t version) {
  Envelope e = make_envelope(
      aggregate, "TestEvent", version,
      R"({"aggregate":")" + aggregate + R"(","version":)" + std::to_string(version) + "}");
  e.trace_id = "trace-" + aggregate;
  return e;
}

}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: any text into parse_config, once as it is and once under a few EVENTBUS_*
// overrides. The only clean rejection is std::system_error with invalid_option; any other
// exception escapes and libFuzzer reports it, as it does crashes, leaks and UB.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <system_error>

#include "eventbus/config.hpp"
#include "eventbus/error.hpp"

namespace {

const eventbus::Environment& overrides() {
  static const eventbus::Environment env = {
      {"EVENTBUS_TYPE", "kafka"},
      {"EVENTBUS_NATS_URLS", "nats://a:4222,nats://b:4222"},
      {"EVENTBUS_NATS_JETSTREAM_STREAM_MAXAGE", "1h"},
      {"EVENTBUS_SUBSCRIBER_RETRY_MAXBACKOFF", "2s"},
      {"EVENTBUS_NATS_URL", "ignored"},
  };
  return env;
}

void parse(std::string_view text, const eventbus::Environment& env) {
  try {
    (void)eventbus::parse_config(text, "fuzz.yaml", env);
  } catch (const std::system_error& e) {
    if (e.code() != eventbus::errc::invalid_option) {
      std::fprintf(stderr, "unexpected error code %d: %s\n", e.code().value(), e.what());
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  parse(text, {});
  parse(text, overrides());
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: any bytes into the envelope decoder. Whatever decodes must re-encode, the
// encoding must decode to the same fields, and encoding that again must give the same bytes
// (the codec's promise that a Go envelope re-encodes byte for byte). A broken promise aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "eventbus/codec.hpp"

namespace {

[[noreturn]] void finding(const char* what, std::string_view a, std::string_view b = {}) {
  std::fprintf(stderr, "envelope round trip broken: %s\n  first:  %.*s\n  second: %.*s\n", what,
               static_cast<int>(a.size()), a.data(), static_cast<int>(b.size()), b.data());
  std::abort();
}

// Every field but the payload, which decode keeps as sent and encode compacts.
bool same_fields(const eventbus::Envelope& a, const eventbus::Envelope& b) {
  return a.event_id == b.event_id && a.aggregate_id == b.aggregate_id &&
         a.event_type == b.event_type && a.event_version == b.event_version &&
         a.timestamp == b.timestamp && a.trace_id == b.trace_id &&
         a.correlation_id == b.correlation_id && a.tenant_id == b.tenant_id;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const eventbus::DecodeResult first = eventbus::decode(input);
  if (!first) return 0;  // a clean rejection
  std::string encoded;
  if (const auto error = eventbus::encode(first.envelope, encoded)) {
    finding("a decoded envelope does not encode", input, error.detail);
  }
  const eventbus::DecodeResult second = eventbus::decode(encoded);
  if (!second) finding("the encoding does not decode", encoded, second.error.detail);
  if (!same_fields(first.envelope, second.envelope)) finding("fields changed", input, encoded);
  std::string again;
  if (eventbus::encode(second.envelope, again) || again != encoded) {
    finding("encoding is not stable", encoded, again);
  }
  return 0;
}

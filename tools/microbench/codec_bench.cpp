// SPDX-License-Identifier: Apache-2.0
// The envelope codec, per message: what a publish pays to encode (validate, then write the
// JSON of docs/wire-format.md with Go's escaping) and a subscription to decode (parse, then
// validate).
#include <benchmark/benchmark.h>

#include <string>

#include "eventbus/codec.hpp"
#include "sample_envelope.hpp"

namespace eventbus::microbench {
namespace {

// A new string per message, as Bus::publish_envelope encodes into one it hands on.
void envelope_encode(benchmark::State& state) {
  const Envelope envelope = sample_envelope();
  for (auto _ : state) {
    std::string out;
    const ValidationError error = encode(envelope, out);
    benchmark::DoNotOptimize(out.data());
    if (error) {
      state.SkipWithError(error.detail.c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(envelope_encode);

void envelope_decode(benchmark::State& state) {
  const std::string wire = sample_wire_bytes();
  state.SetLabel(std::to_string(wire.size()) + "-byte envelope");
  for (auto _ : state) {
    DecodeResult result = decode(wire);
    benchmark::DoNotOptimize(result.envelope.payload.data());
    if (!result) {
      state.SkipWithError(result.error.detail.c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(envelope_decode);

}  // namespace
}  // namespace eventbus::microbench

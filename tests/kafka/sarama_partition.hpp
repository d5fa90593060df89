// SPDX-License-Identifier: Apache-2.0
// The partition the Go SDK's producer picks for a key: sarama's default hash partitioner.
// Written from its definition, independently of librdkafka, so tests can compare the two.
#pragma once

#include <cstdint>
#include <string_view>

namespace eventbus::testing {

// FNV-1a, 32 bits (Go's hash/fnv New32a).
inline std::uint32_t fnv1a32(std::string_view key) {
  std::uint32_t hash = 0x811c9dc5u;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 0x01000193u;
  }
  return hash;
}

// sarama hashPartitioner.Partition (referenceAbs false, its default):
//   partition := int32(hasher.Sum32()) % numPartitions; if partition < 0 { partition = -partition }
// C++'s % on signed integers truncates towards zero as Go's does; int64 keeps -INT32_MIN defined.
inline std::int32_t sarama_partition(std::string_view key, std::int32_t partitions) {
  const auto hash = static_cast<std::int64_t>(static_cast<std::int32_t>(fnv1a32(key)));
  const std::int64_t remainder = hash % partitions;
  return static_cast<std::int32_t>(remainder < 0 ? -remainder : remainder);
}

// True when the key's hash is negative as an int32: where signed and unsigned arithmetic part.
inline bool hash_top_bit_set(std::string_view key) {
  return (fnv1a32(key) & 0x80000000u) != 0;
}

}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, a 12-bit counter, variant 10, and 62
// random bits. Called on every publish, so it takes no lock and makes one or two PRNG draws.
#include <pthread.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>

#include "eventbus/envelope.hpp"

namespace eventbus {
namespace {

// Bumped in a forked child so that the surviving thread reseeds: a child must not replay its
// parent's random sequence and hand out the parent's next ids.
std::atomic<std::uint64_t> g_fork_generation{0};

void on_fork_child() noexcept {
  g_fork_generation.fetch_add(1, std::memory_order_relaxed);
}

struct Generator {
  std::mt19937_64 rng;
  std::uint64_t generation = 0;
  bool seeded = false;
  std::int64_t last_ms = -1;
  std::uint32_t counter = 0;  // rand_a, used as RFC 9562 method 1 counter within one millisecond

  void reseed() {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(),
                       device(), device(), device(), device()};
    rng.seed(seed);
    generation = g_fork_generation.load(std::memory_order_relaxed);
    seeded = true;
  }
  // A random start with the top bit clear leaves room for at least 2048 ids per millisecond
  // before the counter rolls over (the guard bit RFC 9562 section 6.2 suggests).
  void start_millisecond(std::int64_t ms) {
    last_ms = ms;
    counter = static_cast<std::uint32_t>(rng() & 0x7FF);
  }
};

Generator& local_generator() {
  [[maybe_unused]] static const bool registered =
      (pthread_atfork(nullptr, nullptr, on_fork_child), true);
  thread_local Generator generator;
  if (!generator.seeded ||
      generator.generation != g_fork_generation.load(std::memory_order_relaxed)) {
    generator.reseed();
  }
  return generator;
}

std::string format_uuid(std::uint64_t high, std::uint64_t low) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 36> text{};
  std::size_t pos = 0;
  for (int nibble = 0; nibble < 32; ++nibble) {
    if (nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20) text[pos++] = '-';
    const std::uint64_t word = nibble < 16 ? high : low;
    text[pos++] = kHex[(word >> (60 - 4 * (nibble % 16))) & 0xF];
  }
  return std::string(text.data(), text.size());
}

}  // namespace

std::string new_event_id() {
  Generator& g = local_generator();
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  if (now_ms > g.last_ms) {
    g.start_millisecond(now_ms);
  } else if (++g.counter > 0xFFF) {
    // The clock stood still (or stepped back) and the counter ran out: borrow the next
    // millisecond, as RFC 9562 allows, rather than break the ordering within this thread.
    g.start_millisecond(g.last_ms + 1);
  }
  const std::uint64_t high =
      (static_cast<std::uint64_t>(g.last_ms) & 0xFFFF'FFFF'FFFF) << 16 | 0x7000u | g.counter;
  const std::uint64_t low = (g.rng() & 0x3FFF'FFFF'FFFF'FFFF) | 0x8000'0000'0000'0000;
  return format_uuid(high, low);
}

}  // namespace eventbus

namespace eventbus::core {

std::uint64_t random_u64() {
  return local_generator().rng();
}

}  // namespace eventbus::core

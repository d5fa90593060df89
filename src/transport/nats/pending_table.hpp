// Finds the PendingPublish of a natsMsg when nats.c acks it. nats.c hands the ack handler only
// the message, and a natsMsg has no user pointer, so the transport keeps this map. It is an
// open-addressing table sized once for the in-flight bound: no allocation per message.
#pragma once

#include <nats/nats.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "core/pending_publish.hpp"

namespace eventbus::nats {

class PendingTable {
 public:
  // Holds up to `capacity` entries; the table keeps at least half of its slots free.
  explicit PendingTable(std::size_t capacity) : slots_(size_for(capacity)) {
    while ((std::size_t{1} << (64 - shift_)) < slots_.size())
      --shift_;
  }

  // False only when full (the bus's in-flight bound makes that a bug).
  bool insert(const natsMsg* key, core::PendingPublish* value) {
    std::lock_guard lock(mutex_);
    if ((count_ + 1) * 2 > slots_.size()) return false;
    std::size_t i = home(key);
    while (slots_[i].key != nullptr)
      i = next(i);
    slots_[i] = {key, value};
    ++count_;
    return true;
  }

  // Removes and returns the value of `key`, or null when absent.
  core::PendingPublish* take(const natsMsg* key) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = home(key); slots_[i].key != nullptr; i = next(i)) {
      if (slots_[i].key != key) continue;
      core::PendingPublish* value = slots_[i].value;
      erase_at(i);
      return value;
    }
    return nullptr;
  }

  std::size_t size() {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  struct Slot {
    const natsMsg* key = nullptr;
    core::PendingPublish* value = nullptr;
  };

  static std::size_t size_for(std::size_t capacity) {
    std::size_t n = 16;
    while (n < capacity * 2 + 2)
      n *= 2;
    return n;
  }
  // Fibonacci hashing: the product's high bits depend on every bit of the address, whereas
  // its low bits would only see the address's (aligned, hence zero) low bits.
  std::size_t home(const natsMsg* key) const {
    const auto bits = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(key));
    return static_cast<std::size_t>((bits * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }

  // Backward-shift deletion keeps every probe chain unbroken without tombstones.
  void erase_at(std::size_t hole) {
    --count_;
    for (std::size_t i = next(hole); slots_[i].key != nullptr; i = next(i)) {
      const std::size_t want = home(slots_[i].key);
      // Move slot i into the hole unless its home lies cyclically in (hole, i].
      const bool stays = hole < i ? (want > hole && want <= i) : (want > hole || want <= i);
      if (stays) continue;
      slots_[hole] = slots_[i];
      hole = i;
    }
    slots_[hole] = {};
  }

  std::mutex mutex_;
  std::vector<Slot> slots_;
  unsigned shift_ = 64;  // 64 - log2(slots_.size())
  std::size_t count_ = 0;
};

}  // namespace eventbus::nats

// SPDX-License-Identifier: Apache-2.0
// Finds the PendingPublish of a natsMsg when nats.c acks it. nats.c hands the ack handler only
// the message, and a natsMsg has no user pointer, so the transport keeps this map. It is an
// open-addressing table sized once for the in-flight bound: no allocation per message.
//
// It also settles who frees the natsMsg. nats.c registers a message (and starts its ack
// timeout) before it writes it, and its ack handler owns the message, so the handler can run,
// on a timer thread, while js_PublishMsgAsync still reads the message (a write blocked on a
// frozen server outlasts publish.ack_timeout): the handler must not free it then. An entry is
// `sending` until the publisher is out of js_PublishMsgAsync; an answer that comes first leaves
// the message to the publisher (TSan saw it: tests/nats/publish_failure_test.cpp).
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

  // Registers a message about to be sent. False only when full (the bus's in-flight bound
  // makes that a bug).
  bool insert(const natsMsg* key, core::PendingPublish* value) {
    std::lock_guard lock(mutex_);
    if ((count_ + 1) * 2 > slots_.size()) return false;
    std::size_t i = home(key);
    while (slots_[i].key != nullptr)
      i = next(i);
    slots_[i] = {key, value, true};
    ++count_;
    return true;
  }

  struct Answer {
    core::PendingPublish* publish = nullptr;  // null when absent
    bool publisher_frees = false;             // still being sent: the publisher frees the message
  };
  // For the ack handler: the publish of `key`, which is now the handler's to finish.
  Answer answer(const natsMsg* key) {
    std::lock_guard lock(mutex_);
    const std::size_t i = find_locked(key);
    if (i == kNone) return {};
    Answer a{slots_[i].value, slots_[i].sending};
    if (a.publisher_frees) {
      slots_[i].value = nullptr;  // answered; the entry stays until sent()
    } else {
      erase_at(i);
    }
    return a;
  }

  // The publisher is out of js_PublishMsgAsync, which succeeded. True when the ack handler
  // answered meanwhile: the publisher then frees the message.
  bool sent(const natsMsg* key) {
    std::lock_guard lock(mutex_);
    const std::size_t i = find_locked(key);
    if (i == kNone) return false;
    if (slots_[i].value == nullptr) {
      erase_at(i);
      return true;
    }
    slots_[i].sending = false;
    return false;
  }

  // Removes and returns the value of `key`: null when absent or already answered.
  core::PendingPublish* take(const natsMsg* key) {
    std::lock_guard lock(mutex_);
    const std::size_t i = find_locked(key);
    if (i == kNone) return nullptr;
    core::PendingPublish* value = slots_[i].value;
    erase_at(i);
    return value;
  }

  std::size_t size() {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  struct Slot {
    const natsMsg* key = nullptr;
    core::PendingPublish* value = nullptr;  // null once answered while sending
    bool sending = false;
  };
  static constexpr std::size_t kNone = ~std::size_t{0};

  std::size_t find_locked(const natsMsg* key) const {
    for (std::size_t i = home(key); slots_[i].key != nullptr; i = next(i))
      if (slots_[i].key == key) return i;
    return kNone;
  }

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

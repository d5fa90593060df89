// SPDX-License-Identifier: Apache-2.0
// How many messages a pull consumer's open requests may still bring, and when to ask for more.
//
// The reader keeps the server supplied, as nats.go's Consume() does: a request for `batch`
// messages goes out whenever no more than half a batch is still owed, so while the handlers
// work on one half the next is already on its way, and no more than one and a half batches
// (two requests) are ever owed. Every request is for `batch`, so a refusal takes back exactly
// one batch. The count is a belief about the server: when the server may have forgotten
// requests (a reconnect, a leadership change, missed heartbeats) it is reset and asked anew.
#pragma once

#include <algorithm>
#include <cstdint>

namespace eventbus::nats {

class PullWindow {
 public:
  explicit PullWindow(int batch) noexcept : batch_(std::max(batch, 1)) {}

  int batch() const noexcept { return batch_; }
  std::int64_t owed() const noexcept { return owed_; }
  bool wants_request() const noexcept { return owed_ <= batch_ / 2; }

  void requested() noexcept { owed_ += batch_; }
  void received() noexcept { owed_ = std::max<std::int64_t>(owed_ - 1, 0); }
  // A request ended with `unfilled` messages it will never bring.
  void ended(std::int64_t unfilled) noexcept {
    owed_ = std::max<std::int64_t>(owed_ - unfilled, 0);
  }
  void refused() noexcept { ended(batch_); }
  void forget() noexcept { owed_ = 0; }
  // The server takes no more than `limit` per request: what is owed stays, later requests
  // ask for less.
  void limit_batch(int limit) noexcept { batch_ = std::max(1, std::min(batch_, limit)); }

 private:
  int batch_;
  std::int64_t owed_ = 0;
};

}  // namespace eventbus::nats

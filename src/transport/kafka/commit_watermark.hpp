// SPDX-License-Identifier: Apache-2.0
// The commit point of one partition: offsets are handed out in order but finish in any order
// (different aggregates run on different lanes), and an offset may be committed only when it
// and every offset before it are finished. Offsets may have gaps (compaction, transaction
// markers), so the window records the offsets actually received.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

namespace eventbus::kafka {

class CommitWatermark {
 public:
  // An offset taken from the broker; offsets of one partition arrive in increasing order.
  void received(std::int64_t offset) {
    window_.emplace_back(offset, false);
    if (!next_) next_ = offset;
  }

  // The offset's message is done (handled or dead-lettered). Unknown offsets are ignored.
  void finished(std::int64_t offset) {
    auto it = std::lower_bound(window_.begin(), window_.end(), std::make_pair(offset, false));
    if (it == window_.end() || it->first != offset) return;
    it->second = true;
    while (!window_.empty() && window_.front().second) {
      next_ = window_.front().first + 1;
      window_.pop_front();
    }
    if (!window_.empty()) next_ = window_.front().first;
  }

  // The offset to commit (Kafka's "next offset to read"), or nothing before any message.
  std::optional<std::int64_t> commit_point() const { return next_; }
  std::size_t in_flight() const { return window_.size(); }

 private:
  std::deque<std::pair<std::int64_t, bool>> window_;  // received, not yet contiguous-finished
  std::optional<std::int64_t> next_;
};

}  // namespace eventbus::kafka

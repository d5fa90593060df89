// Records handled envelopes and checks what the suite promises: nothing lost, nothing twice
// without a failure, and each aggregate's versions strictly increasing.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "support/wait.hpp"

namespace eventbus::testing {

class OrderTracker {
 public:
  void record(const std::string& aggregate_id, std::int64_t version, const std::string& event_id) {
    signal_.update([&] {
      std::int64_t& last = last_version_[aggregate_id];
      if (version <= last) ++order_violations_;
      last = version;
      if (!seen_.insert(event_id).second) ++duplicates_;
      ++handled_;
    });
  }
  bool wait_for_distinct(std::size_t count, std::chrono::milliseconds timeout) {
    return signal_.wait_for(timeout, [&] { return seen_.size() >= count; });
  }
  std::size_t distinct() {
    return locked([&] { return seen_.size(); });
  }
  std::size_t duplicates() {
    return locked([&] { return duplicates_; });
  }
  std::size_t order_violations() {
    return locked([&] { return order_violations_; });
  }
  std::size_t handled() {
    return locked([&] { return handled_; });
  }

 private:
  template <typename F>
  std::size_t locked(F f) {
    std::lock_guard lock(signal_.mutex());
    return f();
  }
  Signal signal_;
  std::map<std::string, std::int64_t> last_version_;
  std::set<std::string> seen_;
  std::size_t duplicates_ = 0, order_violations_ = 0, handled_ = 0;
};

}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
#include "core/background_closes.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "eventbus/bus.hpp"

namespace eventbus {
namespace core {
namespace {

class BackgroundCloses {
 public:
  ~BackgroundCloses() {  // at exit: the work is bounded by the client libraries' timeouts
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return !running_; });
    std::thread done = std::move(thread_);
    lock.unlock();
    if (done.joinable()) done.join();
  }

  void add(std::function<void()> work) {
    std::thread finished;
    {
      std::lock_guard lock(mutex_);
      work_.push_back(std::move(work));
      if (running_) return;
      finished = std::move(thread_);  // the last run's thread, done with its work
      running_ = true;
      thread_ = std::thread([this] { run(); });
    }
    if (finished.joinable()) finished.join();
  }

  bool await(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!idle_.wait_for(lock, timeout, [&] { return !running_; })) return false;
    std::thread done = std::move(thread_);
    lock.unlock();
    if (done.joinable()) done.join();  // its last step was to report idle: it ends at once
    return true;
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!work_.empty()) {
      std::function<void()> next = std::move(work_.front());
      work_.pop_front();
      lock.unlock();
      try {
        next();
      } catch (...) {  // a close step that throws loses itself, not the others
      }
      next = nullptr;  // what it owned goes now, outside the lock
      lock.lock();
    }
    running_ = false;
    idle_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> work_;
  bool running_ = false;
  std::thread thread_;
};

BackgroundCloses& background() {
  static BackgroundCloses instance;
  return instance;
}

}  // namespace

void close_in_background(std::function<void()> work) {
  background().add(std::move(work));
}

}  // namespace core

bool await_background_closes(std::chrono::milliseconds timeout) {
  return core::background().await(timeout);
}

}  // namespace eventbus

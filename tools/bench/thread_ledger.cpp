// SPDX-License-Identifier: Apache-2.0
#include "thread_ledger.hpp"

#include <thread>

#include "process_sampler.hpp"

namespace eventbus::bench {
namespace {

template <typename Done>
std::size_t poll_threads(std::chrono::milliseconds timeout, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t now = count_threads();
  while (!done(now) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    now = count_threads();
  }
  return now;
}

}  // namespace

ThreadLedger::ThreadLedger() : idle_(count_threads()) {}

std::size_t ThreadLedger::before_run(std::chrono::milliseconds settle) {
  return poll_threads(settle, [&](std::size_t n) { return n <= idle_; });
}

ThreadLedger::Verdict ThreadLedger::after_run(const std::string& library,
                                              std::size_t library_threads,
                                              std::chrono::milliseconds grace) {
  Verdict v;
  const bool first_use = libraries_started_.insert(library).second;
  v.expected = idle_ + (first_use ? library_threads : 0);
  v.after = poll_threads(grace, [&](std::size_t n) { return n <= v.expected; });
  v.leaked = static_cast<long>(v.after) - static_cast<long>(v.expected);
  if (v.leaked < 0) v.leaked = 0;
  // The next run starts from what is there now: a leak is reported once, by the run that made
  // it, and a library that kept fewer threads than it may does not hide a later leak.
  idle_ = v.after;
  return v;
}

}  // namespace eventbus::bench

// SPDX-License-Identifier: Apache-2.0
#include "interrupt.hpp"

#include <pthread.h>

#include <csignal>

namespace eventbus::cli {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

Interrupt::Interrupt() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  waiter_ = std::thread([this, set] {
    int signal = 0;
    while (sigwait(&set, &signal) == 0) {
      if (ending_.load()) return;  // the destructor's wake-up
      stop_.request_stop();
    }
  });
}

Interrupt::~Interrupt() {
  ending_.store(true);
  pthread_kill(waiter_.native_handle(), SIGTERM);  // blocked everywhere: sigwait takes it
  waiter_.join();
}

}  // namespace eventbus::cli

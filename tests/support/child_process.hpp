// SPDX-License-Identifier: Apache-2.0
// A program of the tests run as a child process (posix_spawn: no fork of the threaded test
// process), for tests that SIGKILL it mid-run as a crash would. Killed and reaped by the
// destructor if still running.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;  // NOLINT: POSIX's, for posix_spawn

namespace eventbus::testing {

class ChildProcess {
 public:
  // Starts `program` with `args` (stdout and stderr are the test's).
  ChildProcess(const std::string& program, const std::vector<std::string>& args) {
    std::vector<std::string> all{program};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    if (const int rc = posix_spawn(&pid_, program.c_str(), nullptr, nullptr, argv.data(), environ);
        rc != 0) {
      throw std::runtime_error("cannot start " + program + ": error " + std::to_string(rc));
    }
  }
  ~ChildProcess() {
    if (pid_ > 0) kill9();
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // SIGKILL, then reaps it: returns once it is gone.
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  // True while it runs (reaps it when it has ended; `exit_status` then holds its status).
  bool running() {
    if (pid_ <= 0) return false;
    if (::waitpid(pid_, &exit_status_, WNOHANG) == 0) return true;
    pid_ = -1;
    return false;
  }
  int exit_status() const { return exit_status_; }

 private:
  pid_t pid_ = -1;
  int exit_status_ = 0;
};

}  // namespace eventbus::testing

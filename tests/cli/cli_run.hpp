// SPDX-License-Identifier: Apache-2.0
// Runs the `eventbus` command line as a child process and keeps what it printed and how it
// exited, for the CLI tests.
#pragma once

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/unique_name.hpp"

namespace eventbus::testing {

struct CliRun {
  int status = -1;  // the exit status; -1 when it did not exit normally
  std::string out, err;
  std::chrono::milliseconds took{0};
};

// Single-quoted for /bin/sh: any byte but ' goes as it is.
inline std::string shell_quoted(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

inline std::string file_text(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// `eventbus ARGS...` with `env` (NAME=VALUE words) before it; stdin from /dev/null.
inline CliRun run_cli(const std::vector<std::string>& args, const std::string& env = {}) {
  const std::string base = "/tmp/" + unique_name("cli", "run");
  std::string command = env + " " + shell_quoted(EVENTBUS_CLI_PATH);
  for (const std::string& arg : args)
    command += " " + shell_quoted(arg);
  command += " </dev/null >" + base + ".out 2>" + base + ".err";
  const auto started = std::chrono::steady_clock::now();
  const int raw = std::system(command.c_str());
  CliRun run;
  run.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  run.status = raw != -1 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  run.out = file_text(base + ".out");
  run.err = file_text(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return run;
}

}  // namespace eventbus::testing

// SPDX-License-Identifier: Apache-2.0
// Where the brokers the tests run against are: an environment variable (EVENTBUS_NATS_URL,
// EVENTBUS_KAFKA_BROKERS) or the env file a CTest fixture wrote (EVENTBUS_NATS_STATE/env).
#pragma once

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace eventbus::testing {

// The value of `key`, from the environment or from `<$state_variable>/env`. Throws with a hint
// when neither has it: a test against a real broker must not pass by skipping.
inline std::string broker_setting(const std::string& key, const std::string& state_variable) {
  if (const char* value = std::getenv(key.c_str()); value != nullptr && *value != '\0') {
    return value;
  }
  if (const char* state = std::getenv(state_variable.c_str()); state != nullptr) {
    std::ifstream env(std::string(state) + "/env");
    for (std::string line; std::getline(env, line);) {
      if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
    }
  }
  throw std::runtime_error(key +
                           " is not set: run the test through ctest (which starts the "
                           "broker) or start one with scripts/ and export " +
                           key);
}

}  // namespace eventbus::testing

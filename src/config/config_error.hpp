// SPDX-License-Identifier: Apache-2.0
// The error the configuration parser throws internally: a key path and what is wrong with it.
// parse_config() turns it into the public std::system_error, prefixing the source name and
// naming the environment variable when the value came from one.
#pragma once

#include <string>

namespace eventbus::config {

struct KeyError {
  std::string path;     // full key path, e.g. "nats.jetstream.consumer.ackWait"; empty: none
  std::string message;  // what was expected and what was found
};

[[noreturn]] inline void fail(const std::string& path, std::string message) {
  throw KeyError{path, std::move(message)};
}

}  // namespace eventbus::config

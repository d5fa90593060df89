// Ensures the stream of each topic once, per the topic's strategy, and remembers it: the Go
// SDK's StreamInfo round trip on every publish cost it two orders of magnitude.
#pragma once

#include <nats/nats.h>

#include <shared_mutex>
#include <string>
#include <system_error>
#include <unordered_map>

#include "eventbus/options.hpp"

namespace eventbus::nats {

class NatsStreams {
 public:
  NatsStreams(jsCtx* js, const BusOptions& options) : js_(js), options_(options) {}

  // The stream carrying `topic`: from the cache, or ensured now. `detail` says what is wrong.
  std::error_code ensure(const std::string& topic, std::string& stream, std::string& detail);

 private:
  std::error_code ensure_on_broker(const std::string& topic, const TopicOptions& t,
                                   const std::string& stream, std::string& detail);
  std::error_code validate(const std::string& topic, const TopicOptions& t,
                           const std::string& stream, std::string& detail);

  jsCtx* js_;
  const BusOptions& options_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, std::string> ready_;  // topic -> stream
};

}  // namespace eventbus::nats

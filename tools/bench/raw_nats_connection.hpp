// SPDX-License-Identifier: Apache-2.0
// What the two raw nats.c baselines (see raw_runners.hpp) share: the publishing side and what a
// consumer needs to reach the broker. Only how they consume differs (raw_nats.cpp: Fetch,
// raw_nats_push.cpp: push), so that bus / raw and bus / raw push compare consumers alone.
#pragma once

#include <nats/nats.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "recorder.hpp"
#include "run_frame.hpp"

namespace eventbus::bench {

// Throws std::runtime_error("nats: <what>: <status text>") unless `s` is NATS_OK.
void check_nats(natsStatus s, const std::string& what);

// The handling of one delivered message, the same in both baselines: record it, then ack it.
// The caller still owns (and destroys) `m`.
inline void handle_and_ack(Recorder& recorder, natsMsg* m) {
  const std::int64_t start = now_ns();
  recorder.handled({natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m))}, start);
  natsMsg_Ack(m, nullptr);
}

// One connection with a JetStream context that publishes asynchronously (acks go to the
// recorder), and a file stream per subject, named nats_stream_name(subject). Consumers
// subscribe through js() and must be gone before this is destroyed.
class RawNatsConnection {
 public:
  RawNatsConnection(const RunContext& c, Recorder& recorder,
                    const std::vector<std::string>& subjects);
  RawNatsConnection(const RawNatsConnection&) = delete;
  RawNatsConnection& operator=(const RawNatsConnection&) = delete;
  // Waits (bounded) for outstanding publish acks and frees everything; the streams stay for
  // delete_nats_streams().
  ~RawNatsConnection() { release(); }

  // Returns false when nats.c refused the message (then it never completes).
  bool publish(const std::string& subject, const std::string& bytes) {
    return js_PublishAsync(js_, subject.c_str(), bytes.data(), static_cast<int>(bytes.size()),
                           nullptr) == NATS_OK;
  }

  jsCtx* js() const noexcept { return js_; }

 private:
  void start(const RunContext& c, const std::vector<std::string>& subjects);
  void add_stream(const std::string& name, const std::string& subject);
  void release();

  Recorder& recorder_;
  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
};

}  // namespace eventbus::bench

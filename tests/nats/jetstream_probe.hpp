// SPDX-License-Identifier: Apache-2.0
// A plain nats.c connection beside the bus under test, to read back (or prepare) what the
// server holds: stream and consumer configurations, as the transport left them.
#pragma once

#include <nats/nats.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "transport/nats/nats_handles.hpp"

namespace eventbus::testing {

class JetStreamProbe {
 public:
  explicit JetStreamProbe(const std::string& url) {
    natsConnection* nc = nullptr;
    must(natsConnection_ConnectTo(&nc, url.c_str()), "connect to " + url);
    connection_.reset(nc);
    jsCtx* js = nullptr;
    must(natsConnection_JetStream(&js, nc, nullptr), "JetStream context");
    js_.reset(js);
  }

  // Null when the stream does not exist; `jerr` says why.
  nats::StreamInfoPtr stream(const std::string& name, jsErrCode* jerr = nullptr) {
    jsStreamInfo* si = nullptr;
    js_GetStreamInfo(&si, js_.get(), name.c_str(), nullptr, jerr);
    return nats::StreamInfoPtr(si);
  }
  nats::ConsumerInfoPtr consumer(const std::string& stream, const std::string& durable) {
    jsConsumerInfo* ci = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    const natsStatus s =
        js_GetConsumerInfo(&ci, js_.get(), stream.c_str(), durable.c_str(), nullptr, &jerr);
    nats::ConsumerInfoPtr owned(ci);
    must(s, "consumer info " + stream + "/" + durable + " jerr " + std::to_string(jerr));
    return owned;
  }
  // Starts counting requests to `subjects` (e.g. "$JS.API.STREAM.>") from any client.
  void watch(const std::string& subjects) {
    natsSubscription* sub = nullptr;
    must(natsConnection_SubscribeSync(&sub, connection_.get(), subjects.c_str()), "watch");
    watched_.reset(sub);
    must(natsConnection_Flush(connection_.get()), "flush");  // the server has the interest now
  }
  // Requests seen so far. The server routed them in order, before anything it answered the
  // requester later; the flush's PONG comes after every one of them.
  int watched_count() {
    must(natsConnection_Flush(connection_.get()), "flush");
    int pending = 0;
    must(natsSubscription_GetPending(watched_.get(), &pending, nullptr), "pending");
    return pending;
  }

  // Creates a file stream carrying `subject` with `max_age_ms` and nothing else set.
  void add_stream(const std::string& name, const std::string& subject, std::int64_t max_age_ms,
                  std::int64_t max_msgs = -1) {
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char* subjects[] = {subject.c_str()};
    cfg.Name = name.c_str();
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.MaxAge = max_age_ms * 1000000;
    cfg.MaxMsgs = max_msgs;
    jsStreamInfo* si = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    const natsStatus s = js_AddStream(&si, js_.get(), &cfg, nullptr, &jerr);
    nats::StreamInfoPtr owned(si);
    must(s, "add stream " + name + " jerr " + std::to_string(jerr));
  }

  // Sends a JetStream API request ("STREAM.CREATE.X", a JSON body) and returns the answer.
  nlohmann::json api(const std::string& operation, const nlohmann::json& body = nullptr) {
    const std::string payload = body.is_null() ? "" : body.dump();
    natsMsg* reply = nullptr;
    must(natsConnection_Request(&reply, connection_.get(), ("$JS.API." + operation).c_str(),
                                payload.data(), static_cast<int>(payload.size()), 5000),
         operation);
    nats::MessagePtr owned(reply);
    const char* data = natsMsg_GetData(reply);
    return nlohmann::json::parse(data, data + natsMsg_GetDataLength(reply));
  }
  // Creates a stream from a configuration as the server's API takes it; throws when refused.
  void add_stream_json(const nlohmann::json& config) {
    const auto answer = api("STREAM.CREATE." + config["name"].get<std::string>(), config);
    if (answer.contains("error")) throw std::runtime_error("probe: " + answer.dump());
  }
  // A stream's configuration as the server holds it; null when it does not exist.
  nlohmann::json stream_config(const std::string& name) {
    const auto answer = api("STREAM.INFO." + name);
    return answer.contains("config") ? answer["config"] : nlohmann::json();
  }

 private:
  static void must(natsStatus s, const std::string& what) {
    if (s != NATS_OK) throw std::runtime_error("probe: " + what + ": " + natsStatus_GetText(s));
  }
  nats::ConnectionPtr connection_;  // destroyed after the context, as nats.c wants
  nats::JetStreamPtr js_;
  nats::SubscriptionPtr watched_;
};

}  // namespace eventbus::testing

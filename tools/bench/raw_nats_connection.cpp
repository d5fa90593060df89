// SPDX-License-Identifier: Apache-2.0
#include "raw_nats_connection.hpp"

#include <stdexcept>
#include <string_view>

#include "broker_admin.hpp"
#include "payload_stamp.hpp"

namespace eventbus::bench {
namespace {

// nats.c hands every publish result to this one handler; it owns the message.
void on_ack(jsCtx*, natsMsg* msg, jsPubAck*, jsPubAckErr* error, void* closure) {
  auto* recorder = static_cast<Recorder*>(closure);
  const std::string_view data(natsMsg_GetData(msg),
                              static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
  if (const auto stamp = read_stamp(data)) recorder->completed(stamp->seq, error == nullptr);
  natsMsg_Destroy(msg);
}

}  // namespace

void check_nats(natsStatus s, const std::string& what) {
  if (s != NATS_OK) throw std::runtime_error("nats: " + what + ": " + natsStatus_GetText(s));
}

RawNatsConnection::RawNatsConnection(const RunContext& c, Recorder& recorder,
                                     const std::vector<std::string>& subjects)
    : recorder_(recorder) {
  try {
    start(c, subjects);
  } catch (...) {
    release();  // the destructor does not run for a constructor that threw
    throw;
  }
}

void RawNatsConnection::start(const RunContext& c, const std::vector<std::string>& subjects) {
  check_nats(natsConnection_ConnectTo(&nc_, c.settings.nats_url.c_str()), "connect");
  jsOptions o;
  jsOptions_Init(&o);
  o.PublishAsync.MaxPending = static_cast<int64_t>(c.settings.max_in_flight);
  o.PublishAsync.AckHandler = &on_ack;
  o.PublishAsync.AckHandlerClosure = &recorder_;
  o.PublishAsync.StallWait = 5000;
  check_nats(natsConnection_JetStream(&js_, nc_, &o), "JetStream context");
  for (const auto& subject : subjects)
    add_stream(nats_stream_name(subject), subject);
}

void RawNatsConnection::add_stream(const std::string& name, const std::string& subject) {
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = name.c_str();
  const char* subjects[] = {subject.c_str()};
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  jsStreamInfo* info = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  check_nats(js_AddStream(&info, js_, &cfg, nullptr, &jerr), "add stream " + name);
  jsStreamInfo_Destroy(info);
}

void RawNatsConnection::release() {
  if (js_ != nullptr) {
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 5000;
    js_PublishAsyncComplete(js_, &po);
  }
  jsCtx_Destroy(js_);
  js_ = nullptr;
  natsConnection_Destroy(nc_);
  nc_ = nullptr;
}

}  // namespace eventbus::bench

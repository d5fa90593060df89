// SPDX-License-Identifier: Apache-2.0
#include <nats/nats.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "cluster/leader_probe.hpp"
#include "transport/nats/nats_handles.hpp"

namespace eventbus::testing {
namespace {

constexpr int kRequestTimeoutMs = 1000;

void must(natsStatus s, const std::string& what) {
  if (s != NATS_OK) throw std::runtime_error(what + ": " + natsStatus_GetText(s));
}

class NatsLeaderProbe : public LeaderProbe {
 public:
  NatsLeaderProbe(const std::string& nodes, std::string topic) : topic_(std::move(topic)) {
    std::vector<std::string> urls;
    for (std::size_t from = 0; from <= nodes.size();) {
      const std::size_t comma = std::min(nodes.find(',', from), nodes.size());
      urls.push_back(nodes.substr(from, comma - from));
      from = comma + 1;
    }
    std::vector<const char*> servers;
    for (const auto& url : urls)
      servers.push_back(url.c_str());
    natsOptions* raw = nullptr;
    must(natsOptions_Create(&raw), "options");
    nats::OptionsPtr options(raw);
    must(natsOptions_SetServers(raw, servers.data(), static_cast<int>(servers.size())), "servers");
    must(natsOptions_SetMaxReconnect(raw, -1), "reconnect");
    must(natsOptions_SetReconnectWait(raw, 50), "reconnect wait");
    must(natsOptions_SetTimeout(raw, kRequestTimeoutMs), "timeout");
    natsConnection* nc = nullptr;
    must(natsConnection_Connect(&nc, raw), "connect to " + nodes);
    connection_.reset(nc);
  }

  int leader() override {
    const nlohmann::json info = stream_info();
    const std::string name =
        info.value(nlohmann::json::json_pointer("/cluster/leader"), std::string());
    // The cluster scripts name node N's server "nN".
    return name.size() > 1 && name[0] == 'n' ? std::atoi(name.c_str() + 1) : 0;
  }

  bool in_sync() override {
    const nlohmann::json info = stream_info();
    const auto cluster = info.find("cluster");
    if (cluster == info.end() || !cluster->contains("leader")) return false;
    const auto replicas = cluster->find("replicas");
    const int expected = info.value(nlohmann::json::json_pointer("/config/num_replicas"), 1) - 1;
    if (expected == 0) return true;
    if (replicas == cluster->end() || static_cast<int>(replicas->size()) != expected) return false;
    for (const auto& replica : *replicas)
      if (!replica.value("current", false) || replica.value("offline", false)) return false;
    return true;
  }

 private:
  // A JetStream API request; null on no answer in time (an election, a node gone).
  nlohmann::json request(const std::string& api, const nlohmann::json& body) {
    natsMsg* reply = nullptr;
    const std::string payload = body.is_null() ? "" : body.dump();
    if (natsConnection_RequestString(&reply, connection_.get(), ("$JS.API." + api).c_str(),
                                     payload.c_str(), kRequestTimeoutMs) != NATS_OK) {
      return nullptr;
    }
    nats::MessagePtr owned(reply);
    return nlohmann::json::parse(natsMsg_GetData(reply),
                                 natsMsg_GetData(reply) + natsMsg_GetDataLength(reply), nullptr,
                                 false);
  }
  nlohmann::json stream_info() {
    if (stream_.empty()) {
      const nlohmann::json names = request("STREAM.NAMES", {{"subject", topic_}});
      if (names.is_object() && names.contains("streams") && names["streams"].is_array() &&
          !names["streams"].empty()) {
        stream_ = names["streams"][0].get<std::string>();
      }
      if (stream_.empty()) return nlohmann::json::object();
    }
    nlohmann::json info = request("STREAM.INFO." + stream_, nullptr);
    return info.is_object() ? info : nlohmann::json::object();
  }

  nats::ConnectionPtr connection_;
  std::string topic_, stream_;
};

}  // namespace

std::unique_ptr<LeaderProbe> nats_leader_probe(const std::string& nodes, const std::string& topic) {
  return std::make_unique<NatsLeaderProbe>(nodes, topic);
}

}  // namespace eventbus::testing

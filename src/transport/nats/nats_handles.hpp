// SPDX-License-Identifier: Apache-2.0
// Owning handles for nats.c objects: each frees its object with the matching nats.c call.
// A handle gives ownership to nats.c only after the call that takes it returned NATS_OK.
#pragma once

#include <nats/nats.h>

#include <memory>
#include <string_view>

namespace eventbus::nats {

struct OptionsFree {
  void operator()(natsOptions* p) const noexcept { natsOptions_Destroy(p); }
};
struct ConnectionFree {
  void operator()(natsConnection* p) const noexcept { natsConnection_Destroy(p); }
};
struct JetStreamFree {
  void operator()(jsCtx* p) const noexcept { jsCtx_Destroy(p); }
};
struct SubscriptionFree {
  void operator()(natsSubscription* p) const noexcept { natsSubscription_Destroy(p); }
};
struct MessageFree {
  void operator()(natsMsg* p) const noexcept { natsMsg_Destroy(p); }
};
struct StreamInfoFree {
  void operator()(jsStreamInfo* p) const noexcept { jsStreamInfo_Destroy(p); }
};
struct ConsumerInfoFree {
  void operator()(jsConsumerInfo* p) const noexcept { jsConsumerInfo_Destroy(p); }
};

using OptionsPtr = std::unique_ptr<natsOptions, OptionsFree>;
using ConnectionPtr = std::unique_ptr<natsConnection, ConnectionFree>;
using JetStreamPtr = std::unique_ptr<jsCtx, JetStreamFree>;
using SubscriptionPtr = std::unique_ptr<natsSubscription, SubscriptionFree>;
using MessagePtr = std::unique_ptr<natsMsg, MessageFree>;
using StreamInfoPtr = std::unique_ptr<jsStreamInfo, StreamInfoFree>;
using ConsumerInfoPtr = std::unique_ptr<jsConsumerInfo, ConsumerInfoFree>;

// A header of a received message (a pull status's Status, Description, ...); empty when it is
// not there. Valid while the message is.
inline std::string_view header_value(natsMsg* message, const char* key) {
  const char* value = nullptr;
  if (natsMsgHeader_Get(message, key, &value) != NATS_OK || value == nullptr) return {};
  return value;
}

}  // namespace eventbus::nats

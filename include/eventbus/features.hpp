// SPDX-License-Identifier: Apache-2.0
/// @file
/// What a transport can do. The conformance suite reads these and skips what does not apply.
#pragma once

namespace eventbus {

/// What a transport can do: Bus::features().
struct Features {
  bool persistent = false;       ///< messages survive a broker restart
  bool redelivery = false;       ///< an unacked or nacked message is delivered again
  bool consumer_groups = false;  ///< each group gets every message, one member per message
  bool ordered_per_key = false;  ///< one aggregate's messages arrive in publish order
  /// Order also holds while a group has several members.
  bool group_members_keep_key_order = false;
  /// A message carries a key of its own (PublishCall::key).
  bool message_keys = false;
};

}  // namespace eventbus

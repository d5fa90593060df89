// SPDX-License-Identifier: Apache-2.0
// HandlerResult's factory for a failure with a reason.
#include "eventbus/error.hpp"
#include "eventbus/message.hpp"

namespace eventbus {

HandlerResult HandlerResult::fail(std::string why) {
  HandlerResult result{make_error_code(errc::handler_failed)};
  result.reason = std::move(why);
  return result;
}

}  // namespace eventbus

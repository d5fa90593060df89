// SPDX-License-Identifier: Apache-2.0
#include "eventbus/version.hpp"

namespace eventbus {

std::string_view version() noexcept {
  return EVENTBUS_VERSION_STRING;
}

}  // namespace eventbus

// SPDX-License-Identifier: Apache-2.0
// The error of a database whose outbox schema is newer than this library's, for both stores.
#pragma once

#include <string>

#include "eventbus/outbox/error.hpp"
#include "eventbus/outbox/schema.hpp"

namespace eventbus::outbox {

inline Error schema_too_new(int version) {
  return {make_error_code(errc::schema_too_new),
          "eventbus_outbox schema version " + std::to_string(version) +
              " is newer than the version this library knows (" + std::to_string(kSchemaVersion) +
              "); upgrade eventbus"};
}

}  // namespace eventbus::outbox

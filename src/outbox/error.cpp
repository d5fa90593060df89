// SPDX-License-Identifier: Apache-2.0
#include "eventbus/outbox/error.hpp"

#include <string>

namespace eventbus::outbox {
namespace {

class OutboxCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "eventbus.outbox"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::database_error:
        return "outbox database error";
      case errc::schema_too_new:
        return "outbox schema is newer than this library";
      case errc::not_migrated:
        return "outbox table missing (migrate() not run)";
      case errc::row_dead:
        return "outbox row moved to the dead state";
    }
    return "unknown outbox error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& category() noexcept {
  static const OutboxCategory instance;
  return instance;
}

}  // namespace eventbus::outbox

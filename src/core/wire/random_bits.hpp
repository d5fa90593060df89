// SPDX-License-Identifier: Apache-2.0
// Random bits from the same per-thread, fork-safe generator as the event ids (uuid_v7.cpp):
// cheap enough for every publish, never a lock.
#pragma once

#include <cstdint>

namespace eventbus::core {

std::uint64_t random_u64();

}  // namespace eventbus::core

// SPDX-License-Identifier: Apache-2.0
/// @file
/// The library's version, and the transports it was built with. The macros are the headers'
/// version, for the preprocessor; version() and built_transports() describe the compiled
/// library, which is what a program actually runs with. CMakeLists.txt takes the project version
/// from the three numeric macros: change it here only.
#pragma once

#include <span>
#include <string_view>

// No comments after the values: CMakeLists.txt reads these lines whole.
/// The headers' major version.
#define EVENTBUS_VERSION_MAJOR 0
/// The headers' minor version.
#define EVENTBUS_VERSION_MINOR 2
/// The headers' patch version.
#define EVENTBUS_VERSION_PATCH 0
/// The headers' version, "major.minor.patch".
#define EVENTBUS_VERSION_STRING "0.2.0"

namespace eventbus {

/// "0.2.0": the version of the library this program was linked with.
std::string_view version() noexcept;

/// The transports a BusOptions::transport may name in this build: "memory" always, "nats" and
/// "kafka" unless the library was configured without them (-DEVENTBUS_WITH_NATS=OFF,
/// -DEVENTBUS_WITH_KAFKA=OFF). A bus asked for a transport that was not built throws
/// unknown_transport saying so.
std::span<const std::string_view> built_transports() noexcept;
/// Whether `name` is one of built_transports().
bool transport_built(std::string_view name) noexcept;

}  // namespace eventbus

// SPDX-License-Identifier: Apache-2.0
/// @file
/// The library's version. The macros are the headers' version, for the preprocessor; version()
/// is the compiled library's, which is what a program actually runs with. CMakeLists.txt takes
/// the project version from the three numeric macros: change it here only.
#pragma once

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

}  // namespace eventbus

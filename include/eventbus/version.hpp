// SPDX-License-Identifier: Apache-2.0
// The library's version. The macros are the headers' version, for the preprocessor; version()
// is the compiled library's, which is what a program actually runs with. CMakeLists.txt takes
// the project version from the three numeric macros: change it here only.
#pragma once

#include <string_view>

#define EVENTBUS_VERSION_MAJOR 0
#define EVENTBUS_VERSION_MINOR 2
#define EVENTBUS_VERSION_PATCH 0
#define EVENTBUS_VERSION_STRING "0.2.0"

namespace eventbus {

// "0.2.0": the version of the library this program was linked with.
std::string_view version() noexcept;

}  // namespace eventbus

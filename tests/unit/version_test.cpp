// SPDX-License-Identifier: Apache-2.0
// The headers' version macros and the compiled library's version() say the same, and the
// string is made of the three numbers (CMakeLists.txt reads the numbers, programs the string).
#include "eventbus/version.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(Version, LibraryAndHeadersAgree) {
  EXPECT_EQ(eventbus::version(), EVENTBUS_VERSION_STRING);
  const std::string numbers = std::to_string(EVENTBUS_VERSION_MAJOR) + "." +
                              std::to_string(EVENTBUS_VERSION_MINOR) + "." +
                              std::to_string(EVENTBUS_VERSION_PATCH);
  EXPECT_EQ(numbers, EVENTBUS_VERSION_STRING);
}

}  // namespace

// SPDX-License-Identifier: Apache-2.0
// Every eventbus::errc has its own `error` label value in the metrics: a code added to
// error.hpp without a name here would be counted as "other".
#include "core/errc_name.hpp"

#include <gtest/gtest.h>

#include "eventbus/error.hpp"

namespace eventbus {
namespace {

TEST(ErrcName, EveryCodeHasItsName) {
  const std::string unknown = category().message(0);  // what the category says of no code
  int codes = 0;
  for (int value = 1; category().message(value) != unknown; ++value) {
    const std::error_code code{value, category()};
    const std::size_t index = core::errc_index(code);
    EXPECT_NE(core::errc_name(index), "other") << "code " << value << ": " << code.message();
    ++codes;
  }
  EXPECT_EQ(static_cast<std::size_t>(codes), core::kErrcCount - 1);
  EXPECT_EQ(core::errc_name(core::errc_index(make_error_code(errc::invalid_traceparent))),
            "invalid_traceparent");
  EXPECT_EQ(core::errc_name(core::errc_index(make_error_code(errc::unknown_topic))),
            "unknown_topic");
  EXPECT_EQ(core::errc_name(core::errc_index(std::make_error_code(std::errc::io_error))), "other");
}

}  // namespace
}  // namespace eventbus

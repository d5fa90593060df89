// SPDX-License-Identifier: Apache-2.0
// Header names and values in the library's own checks and words: names compared as brokers and
// HTTP compare them (ASCII, case-insensitive), and any text a caller gave quoted for an error
// message so that it can neither break the line nor flood it.
#pragma once

#include <string>
#include <string_view>

namespace eventbus::core {

// True when `a` and `b` differ at most in the case of ASCII letters.
bool same_header_name(std::string_view a, std::string_view b) noexcept;

// `text` as it may appear in an error: quoted, at most 64 bytes (then "..."), '"' and '\'
// escaped, control and non-ASCII bytes as \xNN.
std::string quoted_header_text(std::string_view text);

}  // namespace eventbus::core

// SPDX-License-Identifier: Apache-2.0
#include "outbox/postgres/result.hpp"

#include <charconv>

namespace eventbus::outbox::postgres {

std::int64_t Result::affected() const {
  if (result_ == nullptr) return 0;
  const std::string_view text = PQcmdTuples(result_);
  std::int64_t rows = 0;
  std::from_chars(text.data(), text.data() + text.size(), rows);
  return rows;
}

std::int64_t Result::integer(int row, int column) const {
  const std::string_view value = bytes(row, column);
  if (PQfformat(result_, column) == 0) {  // text
    std::int64_t parsed = 0;
    std::from_chars(value.data(), value.data() + value.size(), parsed);
    return parsed;
  }
  // Binary: big-endian, two's complement, 2, 4 or 8 bytes; sign-extended from the first byte.
  std::uint64_t bits = 0;
  for (const char c : value)
    bits = (bits << 8U) | static_cast<unsigned char>(c);
  const std::size_t width = value.size() * 8;
  if (width > 0 && width < 64 && (bits >> (width - 1)) != 0) bits |= ~std::uint64_t{0} << width;
  return static_cast<std::int64_t>(bits);
}

}  // namespace eventbus::outbox::postgres

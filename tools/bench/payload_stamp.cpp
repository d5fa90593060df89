// SPDX-License-Identifier: Apache-2.0
#include "payload_stamp.hpp"

#include <charconv>

namespace eventbus::bench {
namespace {

constexpr std::string_view kSeqKey = R"("seq":")";
constexpr std::string_view kSentKey = R"("sent_ns":")";

std::size_t digits_after(std::string_view text, std::string_view key) noexcept {
  const auto at = text.find(key);
  return at == std::string_view::npos ? std::string::npos : at + key.size();
}

template <typename T>
bool read_digits(std::string_view text, std::size_t at, std::size_t width, T& out) noexcept {
  if (at == std::string::npos || at + width > text.size()) return false;
  const char* first = text.data() + at;
  const auto [end, ec] = std::from_chars(first, first + width, out);
  return ec == std::errc() && end == first + width;
}

}  // namespace

std::string make_payload(std::size_t pad) {
  std::string out;
  out.reserve(64 + pad);
  out += '{';
  out += kSeqKey;
  out.append(kSeqDigits, '0');
  out += "\",";
  out += kSentKey;
  out.append(kSentDigits, '0');
  out += R"(","pad":")";
  out.append(pad, 'x');
  out += "\"}";
  return out;
}

StampOffsets find_stamps(std::string_view text) noexcept {
  return {digits_after(text, kSeqKey), digits_after(text, kSentKey)};
}

void write_digits(char* at, std::size_t width, std::uint64_t value) noexcept {
  for (std::size_t i = width; i-- > 0;) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

std::optional<Stamp> read_stamp(std::string_view text) noexcept {
  const StampOffsets at = find_stamps(text);
  Stamp s;
  if (!read_digits(text, at.seq, kSeqDigits, s.seq)) return std::nullopt;
  if (!read_digits(text, at.sent_ns, kSentDigits, s.sent_ns)) return std::nullopt;
  return s;
}

}  // namespace eventbus::bench

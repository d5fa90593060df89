// SPDX-License-Identifier: Apache-2.0
// Duration, size, boolean and integer text. Durations follow Go's time.ParseDuration so a value
// written for the Go SDK means the same here; we only add plain integers (milliseconds) and
// refuse what our millisecond options cannot hold exactly.
#include "config/value_text.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <utility>

namespace eventbus::config {
namespace {

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();

// Go's units, in nanoseconds. "µs" is U+00B5, "μs" U+03BC, as Go accepts both.
constexpr std::array<std::pair<std::string_view, std::int64_t>, 8> kDurationUnits = {{
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},
    {"\xCE\xBCs", 1'000},
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
}};

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// One "<number><unit>" component of a duration, added to `total_ns`. Returns false on a
// syntax error; sets `overflow` when the sum leaves int64.
bool add_component(std::string_view& text, std::int64_t& total_ns, bool& overflow) {
  std::uint64_t whole = 0;
  std::size_t i = 0;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    if (whole > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) overflow = true;
    whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  const bool has_whole = i > 0;
  std::uint64_t fraction = 0, scale = 1;
  bool has_fraction = false;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(text[i]); ++i) {
      has_fraction = true;
      if (scale <= 100'000'000'000'000'000ULL) {  // digits past 18 cannot change whole ns
        fraction = fraction * 10 + static_cast<std::uint64_t>(text[i] - '0');
        scale *= 10;
      }
    }
  }
  if (!has_whole && !has_fraction) return false;
  const std::size_t unit_start = i;
  while (i < text.size() && !is_digit(text[i]) && text[i] != '.')
    ++i;
  const std::string_view unit = text.substr(unit_start, i - unit_start);
  std::int64_t unit_ns = 0;
  for (const auto& [name, ns] : kDurationUnits) {
    if (unit == name) unit_ns = ns;
  }
  if (unit_ns == 0) return false;
  text.remove_prefix(i);
  if (overflow || whole > static_cast<std::uint64_t>(kMaxInt64 / unit_ns)) {
    overflow = true;
    return true;
  }
  // fraction / scale < 1, so this part is below one unit and fits.
  const auto fraction_ns = static_cast<std::int64_t>(static_cast<long double>(fraction) *
                                                     static_cast<long double>(unit_ns) /
                                                     static_cast<long double>(scale));
  const std::int64_t part = static_cast<std::int64_t>(whole) * unit_ns + fraction_ns;
  if (part < 0 || total_ns > kMaxInt64 - part) {
    overflow = true;
    return true;
  }
  total_ns += part;
  return true;
}

std::optional<std::int64_t> go_duration_ns(std::string_view text, std::string& error) {
  if (text == "0") return 0;
  std::int64_t total = 0;
  bool overflow = false;
  if (text.empty()) {
    error = "empty";
    return std::nullopt;
  }
  while (!text.empty()) {
    if (!add_component(text, total, overflow)) {
      error = "not a duration";
      return std::nullopt;
    }
  }
  if (overflow) {
    error = "more than Go's limit of 2562047h";
    return std::nullopt;
  }
  return total;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, std::string& error) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    error = text.front() == '-' ? "negative" : "not a duration";
    // "-0" and "+5s" are Go syntax, but a sign means nothing useful for an option here.
    return std::nullopt;
  }
  if (const auto ms = parse_int(text)) {
    if (*ms > kMaxInt64 / 1'000'000) {
      error = "more than Go's limit of 2562047h";
      return std::nullopt;
    }
    return std::chrono::milliseconds{*ms};
  }
  const auto ns = go_duration_ns(text, error);
  if (!ns) return std::nullopt;
  if (*ns % 1'000'000 != 0) {
    error = "not a whole number of milliseconds";
    return std::nullopt;
  }
  return std::chrono::milliseconds{*ns / 1'000'000};
}

std::optional<std::int64_t> parse_byte_size(std::string_view text, bool allow_unlimited,
                                            std::string& error) {
  std::size_t digits = 0;
  while (digits < text.size() && (is_digit(text[digits]) || (digits == 0 && text[0] == '-')))
    ++digits;
  const auto number = parse_int(text.substr(0, digits));
  if (!number) {
    error = "not a size";
    return std::nullopt;
  }
  if (*number < 0) {
    if (*number == -1 && allow_unlimited && digits == text.size()) return -1;
    error = allow_unlimited ? "negative (only -1, unlimited, is allowed)" : "negative";
    return std::nullopt;
  }
  std::string_view unit = text.substr(digits);
  while (!unit.empty() && unit.front() == ' ')
    unit.remove_prefix(1);
  static constexpr std::array<std::pair<std::string_view, std::int64_t>, 9> kUnits = {{
      {"", 1},
      {"b", 1},
      {"kb", 1'000},
      {"mb", 1'000'000},
      {"gb", 1'000'000'000},
      {"tb", 1'000'000'000'000},
      {"kib", 1LL << 10},
      {"mib", 1LL << 20},
      {"gib", 1LL << 30},
  }};
  std::string lower;
  for (const char c : unit)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::int64_t multiplier = lower == "tib" ? (1LL << 40) : 0;
  for (const auto& [name, factor] : kUnits) {
    if (lower == name) multiplier = factor;
  }
  if (multiplier == 0) {
    error = "unknown unit \"" + std::string(unit) + "\" (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)";
    return std::nullopt;
  }
  if (*number > kMaxInt64 / multiplier) {
    error = "too large";
    return std::nullopt;
  }
  return *number * multiplier;
}

std::optional<bool> parse_bool(std::string_view text) {
  const std::string name = fold_name(text);
  if (name == "true" || name == "yes" || name == "on" || name == "1") return true;
  if (name == "false" || name == "no" || name == "off" || name == "0") return false;
  return std::nullopt;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  if (text.empty() || text == "-") return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string fold_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '_' || c == '-') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace eventbus::config

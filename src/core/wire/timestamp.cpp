// SPDX-License-Identifier: Apache-2.0
// RFC 3339 parsing and formatting with the rules of Go's time package (RFC3339 / RFC3339Nano).
#include "eventbus/timestamp.hpp"

#include <cstdlib>

namespace eventbus {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// The value of text[pos, pos + count) when all are ASCII digits, else -1.
int read_digits(std::string_view text, std::size_t pos, std::size_t count) noexcept {
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// An optional ".digits" at the front of `rest`. Go accepts any number of digits and ignores
// those past the ninth, so we do too.
bool parse_fraction(std::string_view& rest, std::int64_t& nanos) noexcept {
  nanos = 0;
  if (rest.empty() || rest[0] != '.') return true;
  std::size_t end = 1;
  while (end < rest.size() && is_digit(rest[end]))
    ++end;
  if (end == 1) return false;
  std::int64_t scale = kNanosPerSecond;
  for (std::size_t i = 1; i < end && i <= 9; ++i) {
    scale /= 10;
    nanos += (rest[i] - '0') * scale;
  }
  rest.remove_prefix(end);
  return true;
}

// "Z" or "+hh:mm" / "-hh:mm" with hh 00..23 and mm 00..59; lower-case "z" is not RFC 3339 in Go.
bool parse_zone(std::string_view rest, std::int32_t& offset) noexcept {
  if (rest == "Z") {
    offset = 0;
    return true;
  }
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return false;
  const int hours = read_digits(rest, 1, 2), mins = read_digits(rest, 4, 2);
  if (hours < 0 || hours > 23 || mins < 0 || mins > 59) return false;
  offset = (rest[0] == '-' ? -1 : 1) * (hours * 60 + mins);
  return true;
}

// Writes `value` with at least `width` digits, zero-padded; a '-' for negative values.
char* put_padded(char* p, std::int64_t value, int width) noexcept {
  if (value < 0) *p++ = '-';
  std::uint64_t v = value < 0 ? 0 - static_cast<std::uint64_t>(value) : value;
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = n; i < width; ++i)
    *p++ = '0';
  while (n > 0)
    *p++ = digits[--n];
  return p;
}

// ".123" for 123000000 ns: Go's RFC3339Nano drops trailing zeros, and the dot when all are zero.
char* put_fraction(char* p, std::int64_t nanos) noexcept {
  if (nanos == 0) return p;
  *p++ = '.';
  char* end = put_padded(p, nanos, 9);
  while (end[-1] == '0')
    --end;
  return end;
}

char* put_zone(char* p, std::int32_t offset) noexcept {
  if (offset == 0) {
    *p++ = 'Z';
    return p;
  }
  *p++ = offset < 0 ? '-' : '+';
  const std::int64_t abs = std::llabs(static_cast<std::int64_t>(offset));
  p = put_padded(p, abs / 60, 2);
  *p++ = ':';
  return put_padded(p, abs % 60, 2);
}

}  // namespace

Timestamp Timestamp::now() noexcept {
  return {std::chrono::time_point_cast<nanoseconds>(std::chrono::system_clock::now()), 0};
}

std::optional<Timestamp> Timestamp::parse(std::string_view text) noexcept {
  // Fixed layout "YYYY-MM-DDTHH:MM:SS", then ".fraction" and the zone.
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  const int y = read_digits(text, 0, 4), mo = read_digits(text, 5, 2), d = read_digits(text, 8, 2);
  const int h = read_digits(text, 11, 2), mi = read_digits(text, 14, 2);
  const int s = read_digits(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year{y}, std::chrono::month(static_cast<unsigned>(mo)),
                            std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;  // month 1..12 and the day exists (leap years included)
  std::string_view rest = text.substr(19);
  std::int64_t nanos = 0;
  Timestamp result;
  if (!parse_fraction(rest, nanos) || !parse_zone(rest, result.offset_minutes)) {
    return std::nullopt;
  }
  const std::int64_t day_number = sys_days(date).time_since_epoch().count();
  const std::int64_t local =
      day_number * 86400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + s;
  // sys_time<nanoseconds> spans only 1677-09-21..2262-04-11; refuse what it cannot hold. Before
  // the epoch, borrow a second so that the earliest instant does not overflow on the way.
  const std::int64_t utc_seconds = local - std::int64_t{result.offset_minutes} * 60;
  const std::int64_t borrow = utc_seconds < 0 && nanos > 0 ? 1 : 0;
  std::int64_t utc_nanos = 0;
  if (__builtin_mul_overflow(utc_seconds + borrow, kNanosPerSecond, &utc_nanos) ||
      __builtin_add_overflow(utc_nanos, nanos - borrow * kNanosPerSecond, &utc_nanos)) {
    return std::nullopt;
  }
  result.utc = std::chrono::sys_time<nanoseconds>(nanoseconds(utc_nanos));
  return result;
}

void Timestamp::append_to(std::string& out) const {
  // Whole seconds first, so adding the offset cannot overflow the nanosecond count. (Not
  // std::chrono::floor: it overflows on the earliest instant.)
  const std::int64_t count = utc.time_since_epoch().count();
  const std::int64_t borrow = count % kNanosPerSecond < 0 ? 1 : 0;
  const std::int64_t nanos = count % kNanosPerSecond + borrow * kNanosPerSecond;
  const auto local =
      std::chrono::sys_seconds(seconds(count / kNanosPerSecond - borrow)) + minutes(offset_minutes);
  const auto day = floor<days>(local);
  const year_month_day date{day};
  const std::int64_t second_of_day = (local - day).count();
  char buf[64];
  char* p = put_padded(buf, static_cast<int>(date.year()), 4);
  *p++ = '-';
  p = put_padded(p, static_cast<unsigned>(date.month()), 2);
  *p++ = '-';
  p = put_padded(p, static_cast<unsigned>(date.day()), 2);
  *p++ = 'T';
  p = put_padded(p, second_of_day / 3600, 2);
  *p++ = ':';
  p = put_padded(p, second_of_day / 60 % 60, 2);
  *p++ = ':';
  p = put_padded(p, second_of_day % 60, 2);
  p = put_zone(put_fraction(p, nanos), offset_minutes);
  out.append(buf, p);
}

std::string Timestamp::format() const {
  std::string out;
  append_to(out);
  return out;
}

}  // namespace eventbus

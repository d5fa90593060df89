// SPDX-License-Identifier: Apache-2.0
#include "eventbus/metrics_options.hpp"

#include <charconv>

#include "eventbus/error.hpp"

namespace eventbus {
namespace {

std::error_code bad(std::string* detail, std::string what) {
  if (detail != nullptr) *detail = std::move(what);
  return make_error_code(errc::invalid_option);
}

}  // namespace

std::error_code MetricsServerOptions::validate(std::string* detail) const {
  if (address.empty()) return bad(detail, "metrics address: empty");
  if (path.empty() || path.front() != '/') {
    return bad(detail, "metrics path: \"" + path + "\" does not start with '/'");
  }
  return {};
}

std::error_code parse_listen_address(std::string_view text, MetricsServerOptions& options,
                                     std::string* detail) {
  const auto invalid = [&](std::string_view why) {
    return bad(detail, "expected host:port such as \"127.0.0.1:9464\", got \"" + std::string(text) +
                           "\": " + std::string(why));
  };
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return invalid("no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:9464
  } else if (host.find(':') != std::string_view::npos) {
    return invalid("an IPv6 address needs brackets");
  }
  if (host.empty()) return invalid("no host");
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return invalid("the port is not a number from 0 to 65535");
  }
  options.address.assign(host);
  options.port = static_cast<std::uint16_t>(port);
  return {};
}

}  // namespace eventbus

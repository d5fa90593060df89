// SPDX-License-Identifier: Apache-2.0
// The keys of a rate limit ({perSecond, burst}), shared by publisher.rateLimit,
// subscriber.rateLimit and the topics' publishRateLimit / handleRateLimit. `Target` picks the
// RateLimit being read out of the state.
#pragma once

#include "config/schema.hpp"
#include "config/value_reader.hpp"

namespace eventbus::config {

template <RateLimit& (*Target)(ParseState&)>
const Section& rate_limit_section() {
  static const Section section{{
      {"perSecond", "", KeyKind::value,
       [](const YAML::Node& v, const std::string& p, ParseState& s) {
         Target(s).per_second = read_double(v, p, 0.0);  // 0: unlimited
       }},
      {"burst", "", KeyKind::value,
       [](const YAML::Node& v, const std::string& p, ParseState& s) {
         Target(s).burst = static_cast<std::size_t>(read_int(v, p, 0));  // 0: the default
       }},
  }};
  return section;
}

}  // namespace eventbus::config

// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/nats_names.hpp"

#include <vector>

namespace eventbus::nats {
namespace {

std::vector<std::string_view> tokens(std::string_view subject) {
  std::vector<std::string_view> out;
  while (true) {
    const auto dot = subject.find('.');
    out.push_back(subject.substr(0, dot));
    if (dot == std::string_view::npos) return out;
    subject.remove_prefix(dot + 1);
  }
}

}  // namespace

std::string new_stream_name(std::string_view topic, const NatsOptions& options) {
  if (options.stream_name.empty()) return "EB_" + escape_name(topic);
  for (const auto& pattern : options.stream_subjects)
    if (subject_matches(pattern, topic)) return options.stream_name;
  return options.stream_name + "_" + go_suffix(topic);
}

bool subject_matches(std::string_view pattern, std::string_view subject) {
  const auto p = tokens(pattern);
  const auto s = tokens(subject);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == ">") return s.size() > i;  // one or more tokens, whatever they are
    if (i >= s.size()) return false;
    if (s[i] == ">") return false;  // the subject stands for more than p can take
    if (p[i] == "*") continue;      // any one token, '*' included
    if (p[i] != s[i]) return false;
  }
  return p.size() == s.size();
}

}  // namespace eventbus::nats

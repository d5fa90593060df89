// JetStream names derived from topics and groups. Stream and consumer names may not contain
// '.', so '.' becomes "_d" and '_' becomes "_u": prefix-free, hence no two topics share a name.
#pragma once

#include <string>
#include <string_view>

namespace eventbus::nats {

inline std::string escape_name(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (c == '.') {
      out += "_d";
    } else if (c == '_') {
      out += "_u";
    } else {
      out += c;
    }
  }
  return out;
}

// The stream that carries one topic, unless TopicOptions::stream names another.
inline std::string stream_name(std::string_view topic) {
  return "EB_" + escape_name(topic);
}

// The durable pull consumer of one group on one stream.
inline std::string consumer_name(std::string_view group) {
  return escape_name(group);
}

}  // namespace eventbus::nats

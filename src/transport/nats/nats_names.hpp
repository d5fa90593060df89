// SPDX-License-Identifier: Apache-2.0
// JetStream names derived from topics and groups, and subject matching.
//
// Stream and consumer names may not contain '.', '*', '>' or blanks. A stream this bus creates
// for a topic of its own is "EB_" + the topic with '.' as "_d" and '_' as "_u" (prefix-free, so
// no two topics share a stream). Durable consumers and the streams of a Go SDK-shaped
// configuration are named the way the Go SDK names them, so that a C++ and a Go instance of one
// service share them: '.' becomes '_', '*' "wildcard", '>' "all".
#pragma once

#include <string>
#include <string_view>

#include "eventbus/nats_options.hpp"

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

// The Go SDK's topic suffix (its subscribeJetStreamWithStorage).
inline std::string go_suffix(std::string_view topic) {
  std::string out;
  out.reserve(topic.size() + 8);
  for (char c : topic) {
    if (c == '.') {
      out += '_';
    } else if (c == '*') {
      out += "wildcard";
    } else if (c == '>') {
      out += "all";
    } else {
      out += c;
    }
  }
  return out;
}

// The stream this bus creates for `topic` when the server has none that carries it and
// TopicOptions::stream names none (see NatsOptions::stream_name).
std::string new_stream_name(std::string_view topic, const NatsOptions& options);

// The durable pull consumer of `group` on `topic`: "<group>-unified_<topic suffix>", as the Go
// SDK names the durable of its configured consumer.durableName on a topic.
inline std::string consumer_name(std::string_view group, std::string_view topic) {
  return go_suffix(group) + "-unified_" + go_suffix(topic);
}

// Whether NATS subject `pattern` (tokens split by '.', "*" one token, ">" one or more trailing
// tokens) matches `subject`. A subject that is itself a pattern matches only where every
// subject it stands for does ("a.*" is matched by "a.*" and "a.>", not by "a.b").
bool subject_matches(std::string_view pattern, std::string_view subject);

}  // namespace eventbus::nats

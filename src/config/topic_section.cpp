// SPDX-License-Identifier: Apache-2.0
// Topic keys: `topicDefaults`, each `topics.<name>` (which starts from the defaults), and the
// NATS spelling of the defaults under nats.jetstream.stream, as in the Go SDK.
#include "config/config_error.hpp"
#include "config/rate_limit_section.hpp"
#include "config/schema.hpp"
#include "config/value_reader.hpp"

namespace eventbus::config {
namespace {

using Node = YAML::Node;
using Path = std::string;

// The topic being read. A default-topic field may be set by one key only: topicDefaults.maxAge
// and nats.jetstream.stream.maxAge are the same option.
TopicOptions& topic(ParseState& s, std::string_view field, const Path& path) {
  if (s.in_default_topic()) s.claim("topicDefaults." + std::string(field), path);
  return *s.topic;
}

// The topic being read (no claim: only topicDefaults and topics.<name> have these keys).
RateLimit& publish_rate(ParseState& s) {
  return s.topic->publish_rate_limit;
}

RateLimit& handle_rate(ParseState& s) {
  return s.topic->handle_rate_limit;
}

}  // namespace

const Section& topic_section() {
  static const Section section{{
      {"strategy", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         topic(s, "strategy", p).strategy =
             read_enum<TopicStrategy>(v, p,
                                      {{"createOnly", TopicStrategy::create_only},
                                       {"createOrUpdate", TopicStrategy::create_or_update},
                                       {"validateOnly", TopicStrategy::validate_only},
                                       {"skip", TopicStrategy::skip}});
       }},
      {"storage", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         topic(s, "storage", p).storage = read_enum<StorageType>(
             v, p, {{"file", StorageType::file}, {"memory", StorageType::memory}});
       }},
      {"retention", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState&) {
         // The Go SDK also names interest and workqueue; eventbus streams are limits-based
         // because consumer groups need every message kept until its age or size limit.
         read_enum<int>(v, p, {{"limits", 0}});
       }},
      {"maxAge", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         topic(s, "maxAge", p).max_age = read_duration(v, p);
       }},
      {"maxBytes", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         topic(s, "maxBytes", p).max_bytes = read_byte_size(v, p, /*allow_unlimited=*/true);
       }},
      {"maxMsgs", "maxMessages", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         const auto value = read_int(v, p, -1, std::numeric_limits<std::int64_t>::max());
         if (value == 0) fail(p, "expected -1 (unlimited) or a count > 0, got 0");
         topic(s, "maxMsgs", p).max_messages = value;
       }},
      {"replicas", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         topic(s, "replicas", p).replicas = static_cast<std::int32_t>(read_int(v, p, 1));
       }},
      {"minInsyncReplicas", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         topic(s, "minInsyncReplicas", p).min_insync_replicas =
             static_cast<std::int32_t>(read_int(v, p, 1, 1000));
       }},
      {"discard", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         topic(s, "discard", p).discard = read_enum<DiscardPolicy>(
             v, p, {{"old", DiscardPolicy::old_messages}, {"new", DiscardPolicy::new_messages}});
       }},
      {"duplicates", "duplicateWindow", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         topic(s, "duplicates", p).duplicate_window = read_duration(v, p);
       }},
      {"partitions", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         topic(s, "partitions", p).partitions = static_cast<std::int32_t>(read_int(v, p, 1));
       }},
      {"allowPartitionIncrease", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         topic(s, "allowPartitionIncrease", p).allow_partition_increase = read_bool(v, p);
       }},
      {"stream", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         topic(s, "stream", p).stream = read_string(v, p);
       }},
      {"publishRateLimit", "", KeyKind::section, nullptr, &rate_limit_section<&publish_rate>()},
      {"handleRateLimit", "", KeyKind::section, nullptr, &rate_limit_section<&handle_rate>()},
  }};
  return section;
}

// The Go SDK's stream keys: its one stream's name and subjects (NatsOptions::stream_name and
// stream_subjects), and the default topic's stream settings.
const Section& jetstream_stream_section() {
  static const Section section = [] {
    Section nats_part{{
        {"name", "", KeyKind::value,
         [](const Node& v, const Path& p, ParseState& s) {
           s.bus().nats.stream_name = read_string(v, p);
         }},
        {"subjects", "", KeyKind::list,
         [](const Node& v, const Path& p, ParseState& s) {
           s.bus().nats.stream_subjects = read_string_list(v, p);
         }},
    }};
    for (const Key& key : topic_section().keys) {
      if (key.name != "strategy" && key.name != "partitions" && key.name != "stream" &&
          key.name != "allowPartitionIncrease" &&
          key.kind != KeyKind::section) {  // the rate limits are not stream settings
        nats_part.keys.push_back(key);
      }
    }
    return nats_part;
  }();
  return section;
}

}  // namespace eventbus::config

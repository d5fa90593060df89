// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/stream_settings.hpp"

#include <cstdint>

namespace eventbus::nats {
namespace {

constexpr std::int64_t kNanosPerMilli = 1000000;

const char* storage_name(StorageType s) {
  return s == StorageType::memory ? "memory" : "file";
}

const char* discard_name(DiscardPolicy d) {
  return d == DiscardPolicy::new_messages ? "new" : "old";
}

std::int64_t nanos(std::chrono::milliseconds d) {
  return static_cast<std::int64_t>(d.count()) * kNanosPerMilli;
}

std::string text_of(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// One setting: its JSON key, the value asked (null when unset) and how to read it to a person.
struct Setting {
  const char* name;  // the TopicOptions field
  const char* key;   // the stream configuration's JSON key
  nlohmann::json asked;
  std::string unit;  // appended to numbers in messages
};

std::vector<Setting> settings_of(const TopicOptions& t) {
  std::vector<Setting> out;
  const auto add = [&out](const char* name, const char* key, nlohmann::json v, std::string unit) {
    out.push_back({name, key, std::move(v), std::move(unit)});
  };
  if (t.max_age) add("max_age", "max_age", nanos(*t.max_age), " ns");
  if (t.max_bytes) add("max_bytes", "max_bytes", *t.max_bytes, " bytes");
  if (t.max_messages) add("max_messages", "max_msgs", *t.max_messages, "");
  if (t.replicas) add("replicas", "num_replicas", *t.replicas, "");
  if (t.discard) add("discard", "discard", discard_name(*t.discard), "");
  if (t.duplicate_window)
    add("duplicate_window", "duplicate_window", nanos(*t.duplicate_window), " ns");
  return out;
}

std::string difference(const char* name, const nlohmann::json& have, const nlohmann::json& asked,
                       const std::string& unit) {
  return std::string(name) + ": the stream has " + text_of(have) + (have.is_number() ? unit : "") +
         ", asked " + text_of(asked) + (asked.is_number() ? unit : "");
}

}  // namespace

nlohmann::json new_stream_config(const std::string& name, const std::vector<std::string>& subjects,
                                 const TopicOptions& t) {
  const auto max_age = t.max_age.value_or(TopicOptions::kDefaultMaxAge);
  auto window = t.duplicate_window.value_or(TopicOptions::kDefaultDuplicateWindow);
  // The server refuses a duplicate window longer than the age limit; left unset, it follows it.
  if (!t.duplicate_window && max_age.count() > 0 && max_age < window) window = max_age;
  return {
      {"name", name},
      {"subjects", subjects},
      {"retention", "limits"},  // consumer groups need every message kept to its limits
      {"storage", storage_name(t.storage.value_or(TopicOptions::kDefaultStorage))},
      {"max_age", nanos(max_age)},
      {"max_bytes", t.max_bytes.value_or(TopicOptions::kDefaultMaxBytes)},
      {"max_msgs", t.max_messages.value_or(TopicOptions::kDefaultMaxMessages)},
      {"max_consumers", -1},
      {"max_msg_size", -1},
      {"num_replicas", t.replicas.value_or(TopicOptions::kDefaultReplicas)},
      {"discard", discard_name(t.discard.value_or(TopicOptions::kDefaultDiscard))},
      {"duplicate_window", nanos(window)},
  };
}

std::vector<std::string> setting_differences(const nlohmann::json& config, const TopicOptions& t) {
  std::vector<std::string> out = fixed_setting_differences(config, t);
  for (const Setting& s : settings_of(t)) {
    const nlohmann::json have = config.value(s.key, nlohmann::json());
    if (have != s.asked) out.push_back(difference(s.name, have, s.asked, s.unit));
  }
  return out;
}

std::vector<std::string> fixed_setting_differences(const nlohmann::json& config,
                                                   const TopicOptions& t) {
  std::vector<std::string> out;
  if (!t.storage) return out;
  const nlohmann::json have = config.value("storage", nlohmann::json("file"));
  const nlohmann::json asked = storage_name(*t.storage);
  if (have != asked) out.push_back(difference("storage", have, asked, ""));
  return out;
}

void apply_settings(nlohmann::json& config, const TopicOptions& t) {
  for (const Setting& s : settings_of(t))
    config[s.key] = s.asked;
}

std::vector<std::string> subjects_of(const nlohmann::json& config) {
  std::vector<std::string> out;
  const auto it = config.find("subjects");
  if (it == config.end() || !it->is_array()) return out;
  for (const auto& s : *it)
    if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

std::string list_text(const std::vector<std::string>& items) {
  std::string text = "[";
  for (const auto& item : items)
    text += (text.size() > 1 ? ", " : "") + item;
  return text + "]";
}

}  // namespace eventbus::nats

// SPDX-License-Identifier: Apache-2.0
// A topic's settings in the words of a JetStream stream configuration (the server's JSON):
// what a new stream gets, how an existing one differs from what the user set, and the change
// create_or_update makes. Only settings the user set are ever compared or changed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eventbus/topic_options.hpp"

namespace eventbus::nats {

// The configuration of a new stream `name` carrying `subjects`: the topic's settings where
// set, the TopicOptions defaults where not.
nlohmann::json new_stream_config(const std::string& name, const std::vector<std::string>& subjects,
                                 const TopicOptions& t);

// Each setting set in `t` that `config` (a stream's configuration as the server holds it) has
// otherwise, in words: "max_age: the stream has 0 (forever), asked 600000 ms". Empty: none.
std::vector<std::string> setting_differences(const nlohmann::json& config, const TopicOptions& t);

// The settings set in `t` that a stream cannot change once created (its storage), in words.
std::vector<std::string> fixed_setting_differences(const nlohmann::json& config,
                                                   const TopicOptions& t);

// Writes the settings set in `t` into `config`, leaving everything else as it is.
void apply_settings(nlohmann::json& config, const TopicOptions& t);

// The subjects of a stream configuration.
std::vector<std::string> subjects_of(const nlohmann::json& config);

// "[a, b.>]", for messages.
std::string list_text(const std::vector<std::string>& items);

}  // namespace eventbus::nats

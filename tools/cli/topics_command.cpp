// SPDX-License-Identifier: Apache-2.0
#include "topics_command.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "eventbus/error.hpp"
#include "exit_status.hpp"
#include "text_table.hpp"

namespace eventbus::cli {
namespace {

using Align = TextTable::Align;

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items)
    text += (text.empty() ? "" : ",") + item;
  return text;
}

std::string bytes_text(std::int64_t bytes) {
  return bytes < 0 ? "-" : std::to_string(bytes);
}

// NATS shows streams and their subjects; Kafka topics and their partitions; memory topics.
std::string pretty(std::string_view transport, const TopicsReport& report) {
  const bool nats = transport == "nats";
  const bool kafka = transport == "kafka";
  TextTable table({{nats ? "STREAM" : "TOPIC"},
                   {nats ? "SUBJECTS" : "PARTITIONS", nats ? Align::left : Align::right},
                   {"MESSAGES", Align::right},
                   {"BYTES", Align::right}});
  for (const TopicInfo& t : report.topics) {
    table.add({t.name,
               nats    ? joined(t.subjects)
               : kafka ? std::to_string(t.partitions())
                       : "-",
               std::to_string(t.messages), bytes_text(t.bytes)});
  }
  return table.render();
}

nlohmann::ordered_json json(std::string_view transport, const TopicsReport& report) {
  nlohmann::ordered_json topics = nlohmann::ordered_json::array();
  for (const TopicInfo& t : report.topics) {
    nlohmann::ordered_json entry{{"name", t.name}};
    if (transport == "nats") entry["subjects"] = t.subjects;
    if (transport == "kafka") {
      entry["partitions"] = t.partitions();
      entry["partition_messages"] = t.partition_messages;
    }
    entry["messages"] = t.messages;
    entry["bytes"] = t.bytes < 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(t.bytes);
    topics.push_back(std::move(entry));
  }
  return {{"transport", std::string(transport)}, {"topics", std::move(topics)}};
}

}  // namespace

void TopicsCommand::add_to(CLI::App& app) {
  command_ = app.add_subcommand(
      "topics", "List the broker's topics (NATS: streams) with their messages and bytes");
  command_->add_option("--format", format_, "pretty (a table) or json")
      ->check(CLI::IsMember({"pretty", "json"}))
      ->capture_default_str();
  command_->add_option("--timeout", timeout_,
                       "how long the broker may take, in ms (default 30000)");
  connection_.add_to(*command_);
}

int TopicsCommand::run() {
  if (timeout_ <= std::chrono::milliseconds::zero()) {
    return usage_error("topics: --timeout must be positive");
  }
  int status = kOk;
  const std::unique_ptr<Bus> bus = connection_.open(status);
  if (!bus) return status;
  const TopicsReport report = bus->topics(timeout_);
  const std::string transport(bus->transport_name());
  bus->close(std::chrono::milliseconds(5000));
  if (report.error) {
    std::fprintf(stderr, "topics: %s\n", report.detail.c_str());
    return report.error == errc::invalid_option ? kUsage : kFailure;
  }
  const std::string text =
      format_ == "json" ? json(transport, report).dump(2) + "\n" : pretty(transport, report);
  std::fputs(text.c_str(), stdout);
  return kOk;
}

}  // namespace eventbus::cli

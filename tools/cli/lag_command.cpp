// SPDX-License-Identifier: Apache-2.0
#include "lag_command.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "eventbus/error.hpp"
#include "exit_status.hpp"
#include "text_table.hpp"

namespace eventbus::cli {
namespace {

using Align = TextTable::Align;

std::string offset_text(std::int64_t offset) {
  return offset < 0 ? "-" : std::to_string(offset);
}

// Kafka: a row per partition; NATS and memory: the group's consumer, pending and unacked
// apart (Kafka counts nothing as delivered and unacked: its lag is all pending).
std::string pretty(std::string_view transport, const GroupLagReport& report) {
  std::string out = "group " + report.group + " on " + report.topic + "\n";
  if (transport == "kafka") {
    TextTable table({{"PARTITION", Align::right},
                     {"COMMITTED", Align::right},
                     {"HIGH", Align::right},
                     {"LAG", Align::right}});
    for (const GroupPartitionLag& e : report.entries) {
      table.add({std::to_string(e.partition), offset_text(e.committed), offset_text(e.high),
                 std::to_string(e.lag())});
    }
    table.add({"total", "", "", std::to_string(report.total())});
    out += table.render();
  } else {
    TextTable table({{"STREAM"},
                     {"CONSUMER"},
                     {"PENDING", Align::right},
                     {"UNACKED", Align::right},
                     {"LAG", Align::right}});
    for (const GroupPartitionLag& e : report.entries) {
      table.add({e.stream.empty() ? "-" : e.stream, e.consumer.empty() ? "-" : e.consumer,
                 std::to_string(e.pending), std::to_string(e.unacked), std::to_string(e.lag())});
    }
    table.add({"total", "", "", "", std::to_string(report.total())});
    out += table.render();
  }
  if (!report.has_position) {
    out += "group " + report.group + " has consumed nothing of " + report.topic +
           " yet: its lag is every message held\n";
  }
  return out;
}

nlohmann::ordered_json json(std::string_view transport, const GroupLagReport& report) {
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (const GroupPartitionLag& e : report.entries) {
    nlohmann::ordered_json entry;
    if (transport == "kafka") {
      entry = {{"partition", e.partition},
               {"committed",
                e.committed < 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(e.committed)},
               {"high", e.high}};
    } else {
      entry = {{"stream", e.stream}, {"consumer", e.consumer}};
    }
    entry["pending"] = e.pending;
    entry["unacked"] = e.unacked;
    entry["lag"] = e.lag();
    entries.push_back(std::move(entry));
  }
  return {{"transport", std::string(transport)},
          {"topic", report.topic},
          {"group", report.group},
          {"has_position", report.has_position},
          {"total", report.total()},
          {"entries", std::move(entries)}};
}

}  // namespace

void LagCommand::add_to(CLI::App& app) {
  command_ = app.add_subcommand("lag", "Show how far a consumer group is behind on a topic");
  command_->add_option("topic", topic_, "the topic")->required();
  command_->add_option("--group", group_, "the consumer group (default: the configured group)");
  command_->add_option("--format", format_, "pretty (a table) or json")
      ->check(CLI::IsMember({"pretty", "json"}))
      ->capture_default_str();
  command_->add_option("--timeout", timeout_,
                       "how long the broker may take, in ms (default 30000)");
  connection_.add_to(*command_);
}

int LagCommand::run() {
  if (timeout_ <= std::chrono::milliseconds::zero()) {
    return usage_error("lag: --timeout must be positive");
  }
  int status = kOk;
  const std::unique_ptr<Bus> bus = connection_.open(status);
  if (!bus) return status;
  const GroupLagReport report = bus->group_lag(group_, topic_, timeout_);
  const std::string transport(bus->transport_name());
  bus->close(std::chrono::milliseconds(5000));
  if (report.error) {
    std::fprintf(stderr, "lag: %s\n", report.detail.c_str());
    return report.error == errc::invalid_option || report.error == errc::invalid_topic ? kUsage
                                                                                       : kFailure;
  }
  const std::string text =
      format_ == "json" ? json(transport, report).dump(2) + "\n" : pretty(transport, report);
  std::fputs(text.c_str(), stdout);
  return kOk;
}

}  // namespace eventbus::cli

// SPDX-License-Identifier: Apache-2.0
#include "dlq_command.hpp"

#include <cstdio>

#include "eventbus/error.hpp"
#include "exit_status.hpp"
#include "message_view.hpp"
#include "time_argument.hpp"

namespace eventbus::cli {
namespace {

int failed(const char* what, const DeadLetterReport& report) {
  std::fprintf(stderr, "dlq %s: %s\n", what, report.detail.c_str());
  return report.error == errc::invalid_option || report.error == errc::invalid_topic ? kUsage
                                                                                     : kFailure;
}

}  // namespace

void DlqCommand::add_selection(CLI::App& command, Selection& selection) {
  command.add_option("topic", selection.topic, "the topic whose dead letters (TOPIC.dlq) to use")
      ->required();
  command.add_option("--error-code", selection.error_code,
                     "only dead letters with this X-DLQ-Error-Code (eventbus:24) or error name "
                     "(handler_failed)");
  command.add_option("--aggregate", selection.aggregate, "only this aggregate id");
  command.add_option("--event", selection.event, "only this event id");
  command.add_option("--since", selection.since,
                     "only dead letters stored at or after: an age (10m, 2h, 1d) or RFC 3339");
  command.add_option("--until", selection.until, "only dead letters stored before (same forms)");
  command
      .add_option("--group", selection.group,
                  "the replay group whose position marks what is settled")
      ->capture_default_str();
  command.add_option("--format", selection.format, "pretty or json (one object per line)")
      ->check(CLI::IsMember({"pretty", "json"}))
      ->capture_default_str();
  command.add_option("--timeout", selection.timeout, "how long the whole command may take, in ms");
  selection.connection.add_to(command);
}

void DlqCommand::add_to(CLI::App& app) {
  command_ = app.add_subcommand("dlq", "List and replay a topic's dead letters");
  command_->require_subcommand(1);
  list_ = command_->add_subcommand(
      "list", "Print the unsettled dead letters of TOPIC (on TOPIC.dlq), oldest first");
  add_selection(*list_, list_selection_);
  replay_ = command_->add_subcommand(
      "replay",
      "Publish the selected dead letters to their original topic, each settled once acked; "
      "the ones the filters leave out are kept for later");
  add_selection(*replay_, replay_selection_);
  replay_->add_flag("--dry-run", dry_run_, "print what would be replayed; change nothing");
}

bool DlqCommand::resolve(const Selection& selection, DeadLetterOptions& options, int& status) {
  const auto now = std::chrono::system_clock::now();
  for (const auto& [flag, text, slot] :
       {std::tuple{"--since", &selection.since, &options.filter.since},
        std::tuple{"--until", &selection.until, &options.filter.until}}) {
    if (text->empty()) continue;
    std::string error;
    const auto at = parse_time_argument(*text, now, error);
    if (!at) {
      status = usage_error(std::string(flag) + " " + error);
      return false;
    }
    *slot = *at;
  }
  options.filter.error_code = selection.error_code;
  options.filter.aggregate_id = selection.aggregate;
  options.filter.event_id = selection.event;
  options.group = selection.group;
  options.timeout = selection.timeout;
  return true;
}

int DlqCommand::run() {
  return list_->parsed() ? list() : replay();
}

int DlqCommand::list() {
  int status = kOk;
  DeadLetterOptions options;
  if (!resolve(list_selection_, options, status)) return status;
  const std::unique_ptr<Bus> bus = list_selection_.connection.open(status);
  if (!bus) return status;
  const DeadLetterReport report = bus->list_dead_letters(list_selection_.topic, options);
  bus->close(std::chrono::milliseconds(5000));
  const ViewFormat format =
      list_selection_.format == "json" ? ViewFormat::json : ViewFormat::pretty;
  for (const DeadLetter& letter : report.selected)
    std::fputs(view_dead_letter(letter, format).c_str(), stdout);
  if (report.error) return failed("list", report);
  // The summary goes with the listing for people, apart from it for a JSON reader.
  std::fprintf(format == ViewFormat::json ? stderr : stdout,
               "%zu of %llu unsettled dead letters selected\n", report.selected.size(),
               static_cast<unsigned long long>(report.read));
  return kOk;
}

int DlqCommand::replay() {
  int status = kOk;
  DeadLetterOptions options;
  if (!resolve(replay_selection_, options, status)) return status;
  options.dry_run = dry_run_;
  const std::unique_ptr<Bus> bus = replay_selection_.connection.open(status);
  if (!bus) return status;
  const DeadLetterReport report = bus->replay_dead_letters(replay_selection_.topic, options);
  bus->close(std::chrono::milliseconds(5000));
  const ViewFormat format =
      replay_selection_.format == "json" ? ViewFormat::json : ViewFormat::pretty;
  for (const DeadLetter& letter : report.selected)
    std::fputs(view_dead_letter(letter, format).c_str(), stdout);
  FILE* summary = format == ViewFormat::json ? stderr : stdout;
  if (dry_run_) {
    std::fprintf(summary,
                 "dry run: %zu of %llu unsettled dead letters would be replayed, nothing changed\n",
                 report.selected.size(), static_cast<unsigned long long>(report.read));
  } else {
    std::fprintf(summary, "replayed %llu, kept %llu, of %llu unsettled dead letters read\n",
                 static_cast<unsigned long long>(report.replayed),
                 static_cast<unsigned long long>(report.kept),
                 static_cast<unsigned long long>(report.read));
  }
  return report.error ? failed("replay", report) : kOk;
}

}  // namespace eventbus::cli

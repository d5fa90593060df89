// SPDX-License-Identifier: Apache-2.0
#include "tail_command.hpp"

#include <cstdio>

#include "eventbus/error.hpp"
#include "exit_status.hpp"
#include "interrupt.hpp"
#include "message_view.hpp"
#include "time_argument.hpp"

namespace eventbus::cli {

void TailCommand::add_to(CLI::App& app) {
  command_ = app.add_subcommand("tail", "Print a topic's messages, decoded");
  command_->footer(
      "Without --from-beginning, --since or --group, tail prints new messages as they come "
      "(--follow is implied). With one of them it prints what is stored from there and stops "
      "at the end, unless --follow is given.");
  command_->add_option("topic", topic_, "the topic")->required();
  command_->add_flag("--from-beginning", from_beginning_, "start at the oldest message stored");
  command_->add_option("--since", since_, "start at a time: an age (10m, 2h, 1d) or RFC 3339");
  command_->add_option("--group", group_,
                       "start at this consumer group's position and commit what is printed "
                       "(default: no group, nothing committed)");
  command_->add_option("--format", format_, "pretty or json (one object per line)")
      ->check(CLI::IsMember({"pretty", "json"}))
      ->capture_default_str();
  command_->add_flag("--follow,-f", follow_, "keep printing new messages until Ctrl-C");
  command_->add_option("--count,-c", count_, "stop after this many messages");
  command_->add_option("--timeout", timeout_,
                       "how long the read may take without --follow, in ms (default 30000)");
  connection_.add_to(*command_);
}

int TailCommand::run() {
  ReadOptions options;
  options.group = group_;
  options.commit = !group_.empty();
  options.timeout = timeout_;
  const bool starts_stored = from_beginning_ || !since_.empty() || !group_.empty();
  if (from_beginning_ && !since_.empty()) {
    return usage_error("tail: --from-beginning and --since name two different starts");
  }
  if (!group_.empty() && (from_beginning_ || !since_.empty())) {
    return usage_error(
        "tail: --group starts at the group's position; drop --from-beginning/--since");
  }
  options.from = from_beginning_ ? ReadFrom::beginning : ReadFrom::end;
  if (!since_.empty()) {
    std::string error;
    const auto since = parse_time_argument(since_, std::chrono::system_clock::now(), error);
    if (!since) return usage_error("--since " + error);
    options.from = ReadFrom::time;
    options.since = *since;
  }
  options.follow = follow_ || !starts_stored;
  const ViewFormat format = format_ == "json" ? ViewFormat::json : ViewFormat::pretty;

  const Interrupt interrupt;  // before the bus: its threads inherit the blocked signals
  int status = kOk;
  const std::unique_ptr<Bus> bus = connection_.open(status);
  if (!bus) return status;
  // Ends on Ctrl-C, or once --count messages are printed: a stop requested after the last
  // one's `next`, so that a group commits it too.
  std::stop_source end;
  const std::stop_callback on_interrupt(interrupt.token(), [&] { end.request_stop(); });
  std::uint64_t printed = 0;
  const ReadResult result = bus->read(
      topic_, options,
      [&](const StoredMessage& m) {
        std::fputs(view_message(m, format).c_str(), stdout);
        std::fflush(stdout);  // a pipe into jq or grep sees each message as it comes
        if (++printed == count_) end.request_stop();
        return ReadStep::next;
      },
      end.get_token());
  bus->close(std::chrono::milliseconds(5000));
  if (result.error) {
    std::fprintf(stderr, "tail: %s\n", result.detail.c_str());
    return result.error == errc::invalid_option || result.error == errc::invalid_topic ? kUsage
                                                                                       : kFailure;
  }
  return kOk;
}

}  // namespace eventbus::cli

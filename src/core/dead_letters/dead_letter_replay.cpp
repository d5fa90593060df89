// SPDX-License-Identifier: Apache-2.0
// Listing and replaying a topic's dead letters: a read of "<topic>.dlq" from the replay
// group's position, one dead letter at a time, each settled only once what it asked for (a
// publish to the original topic, or keeping it) is acked.
//
// Why a dead letter the filter leaves out is stored again rather than skipped: a group's
// position is one offset per partition (Kafka), so it cannot pass a dead letter that stays
// unsettled while the ones after it are settled. Storing it again at the end and settling the
// old copy keeps every dead letter either replayed or unsettled, on every transport.
#include "core/bus/bus_impl.hpp"
#include "eventbus/dead_letters.hpp"
#include "eventbus/error.hpp"

namespace eventbus {
namespace {

bool is_dead_letter_header(std::string_view name) {
  return name == "X-DLQ-Original-Topic" || name == "X-DLQ-Error" || name == "X-DLQ-Error-Code" ||
         name == "X-DLQ-Attempts" || name == kReplayCountHeader;
}

// A JetStream dedup id of the event, without what a dead letter, a kept copy or a replay added
// to it ("<id>:dlq", "<id>:dlq:kept:<n>", "<id>:replay:<n>" and their combinations).
std::string event_dedup_id(std::string_view id) {
  for (std::string_view suffix : {":replay:", ":dlq"}) {
    if (const auto at = id.find(suffix); at != std::string_view::npos) id = id.substr(0, at);
  }
  return std::string(id);
}

// The headers of a replay: the event's own, the dead-letter ones dropped, the replay counted.
// The dedup id is new per replay and the same for a replay run twice (the broker then drops
// the second, within its duplicate window).
Headers replay_headers(const DeadLetter& letter) {
  Headers out;
  for (const auto& [name, value] : letter.stored.headers) {
    if (is_dead_letter_header(name)) continue;
    if (name == "Nats-Msg-Id") {
      out.emplace_back(name,
                       event_dedup_id(value) + ":replay:" + std::to_string(letter.replays + 1));
      continue;
    }
    out.emplace_back(name, value);
  }
  out.emplace_back(std::string(kReplayCountHeader), std::to_string(letter.replays + 1));
  return out;
}

// The headers of a kept copy: as they were, with a dedup id of this copy's own.
Headers kept_headers(const DeadLetter& letter) {
  Headers out = letter.stored.headers;
  for (auto& [name, value] : out) {
    if (name == "Nats-Msg-Id") {
      value = event_dedup_id(value) + ":dlq:kept:" + std::to_string(letter.stored.offset);
    }
  }
  return out;
}

ReadOptions dead_letter_read(const DeadLetterOptions& options, bool commit) {
  ReadOptions read;
  read.group = options.group;
  read.commit = commit;
  read.timeout = options.timeout;
  return read;
}

void take_error(DeadLetterReport& report, const ReadResult& result) {
  if (result.error && !report.error) {
    report.error = result.error;
    report.detail = result.detail;
  }
}

}  // namespace

DeadLetterReport Bus::list_dead_letters(std::string_view topic, const DeadLetterOptions& options) {
  DeadLetterReport report;
  const std::string dlq = std::string(topic) + ".dlq";
  const ReadResult result = impl_->read(dlq, dead_letter_read(options, false),
                                        [&](StoredMessage& m) {
                                          ++report.read;
                                          DeadLetter letter = dead_letter_from(std::move(m));
                                          if (options.filter.matches(letter))
                                            report.selected.push_back(std::move(letter));
                                          return ReadStep::next;
                                        },
                                        {});
  take_error(report, result);
  return report;
}

DeadLetterReport Bus::replay_dead_letters(std::string_view topic,
                                          const DeadLetterOptions& options) {
  if (options.dry_run) return list_dead_letters(topic, options);
  DeadLetterReport report;
  const std::string dlq = std::string(topic) + ".dlq";
  const ReadResult result = impl_->read(
      dlq, dead_letter_read(options, true),
      [&](StoredMessage& m) {
        ++report.read;
        DeadLetter letter = dead_letter_from(std::move(m));
        const bool selected = options.filter.matches(letter);
        const std::string& target = !selected                       ? dlq
                                    : letter.original_topic.empty() ? std::string(topic)
                                                                    : letter.original_topic;
        OwnedPublishResult sent = impl_->publish_stored(
            target, letter.stored.key, selected ? replay_headers(letter) : kept_headers(letter),
            letter.stored.payload);
        if (sent.error) {
          report.error = sent.error;
          report.detail = "dead letter at " + std::to_string(letter.stored.partition) + ":" +
                          std::to_string(letter.stored.offset) +
                          (selected ? ", replay to " : ", kept on ") + target + ": " +
                          (sent.detail.empty() ? sent.error.message() : sent.detail);
          return ReadStep::stop;  // unsettled: the next replay starts with it
        }
        ++(selected ? report.replayed : report.kept);
        return ReadStep::next;
      },
      {});
  take_error(report, result);
  return report;
}

}  // namespace eventbus

// SPDX-License-Identifier: Apache-2.0
// The JetStream pull protocol, as the bus speaks it: the words of a pull request, what the
// server's status messages mean, and the acknowledgements published to a message's reply.
//
// A pull consumer is read by publishing a request to $JS[.<domain>].API.CONSUMER.MSG.NEXT.
// <stream>.<consumer> whose reply subject is the reader's inbox. The server then sends up to
// `batch` messages to that inbox, each with a reply subject "$JS.ACK...." to acknowledge it on,
// and ends or comments on the request with status messages: no payload, no reply subject, a
// header line "NATS/1.0 <code> <description>" (nats.c shows it as the headers "Status" and
// "Description"). Read from nats-server 2.9.10's consumer.go (processNextMsgRequest,
// processWaiting, releaseAnyPendingRequests, checkPendingRequests) and checked against newer
// servers' additions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eventbus::nats {

// {"batch":N,"expires":ns,"idle_heartbeat":ns}. The server refuses a heartbeat over half the
// expiry ("heartbeat value too large"), so the heartbeat is half of `expires`.
std::string pull_request_body(int batch, std::chrono::milliseconds expires);
std::chrono::milliseconds pull_heartbeat(std::chrono::milliseconds expires);

// What one status message tells the reader.
struct PullStatus {
  enum class Kind {
    // 100 Idle Heartbeat: a request is still open and the server is alive; nothing to do.
    heartbeat,
    // A request ended with `unfilled` messages never sent (Nats-Pending-Messages): 408 Request
    // Timeout (expired), 408 Interest Expired, 409 Message Size Exceeds MaxBytes, and on newer
    // servers 409 Batch Completed and 423 Nats-Wrong-Pin-Id.
    request_ended,
    // 409 Leadership Change (a clustered consumer's leader moved: every open request is
    // forgotten) and 409 Server Shutdown; also a request-ending status without a count (404 No
    // Messages, 408 Requests Pending): which request ended is unknown, so all are reissued.
    requests_forgotten,
    // 409 Consumer Deleted: someone deleted the durable consumer under the bus.
    consumer_deleted,
    // 409 Exceeded MaxWaiting: the consumer holds as many open requests (of all its readers)
    // as it allows; ours was refused.
    max_waiting,
    // 409 Exceeded MaxRequestBatch of <n>: the consumer takes requests of at most `limit`.
    batch_limit,
    // Any other refusal of a request (400 Bad Request, 409 Consumer is push based, 409
    // Exceeded MaxRequestExpires / MaxRequestMaxBytes, unknown codes): ours was refused.
    refused,
  };
  Kind kind = Kind::refused;
  std::int64_t unfilled = 0;  // request_ended
  int limit = 0;              // batch_limit
};

// `code` and `description` are the status line's words; `pending_messages` the value of the
// Nats-Pending-Messages header (empty when absent).
PullStatus classify_pull_status(std::string_view code, std::string_view description,
                                std::string_view pending_messages);

// What a delivery's reply subject says about it: "$JS.ACK.<stream>.<consumer>.<delivered>.
// <stream seq>.<consumer seq>.<time>.<pending>" (v1) or "$JS.ACK.<domain>.<account hash>.
// <stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>[.<token>]" (v2).
struct AckMetadata {
  std::uint64_t delivered = 0;  // how often the server has delivered it, this time included
  std::uint64_t stream_sequence = 0;
};
std::optional<AckMetadata> parse_ack_subject(std::string_view reply);

// What the answer to a CONSUMER.INFO request, sent to the inbox after requests went
// unanswered, says: the consumer is there (the requests were lost on the way), it is not
// (JetStream error 10014: deleted without a word, as when a status could not reach us), or
// the answer says neither (another error, not JSON).
enum class ConsumerPresence { present, missing, unknown };
ConsumerPresence consumer_presence(std::string_view info_answer);

// Acknowledgement bodies, published to the delivery's reply subject.
inline constexpr std::string_view kAck = "+ACK";              // handled: never again
inline constexpr std::string_view kInProgress = "+WPI";       // still working: restart AckWait
inline constexpr std::string_view kNak = "-NAK";              // deliver again now
std::string nak_with_delay(std::chrono::milliseconds delay);  // deliver again after `delay`

}  // namespace eventbus::nats

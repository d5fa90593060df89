// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/stored_headers.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace eventbus::nats {
namespace {

constexpr std::string_view kBlockStart = "NATS/1.0";
constexpr std::string_view kBlockEnd = "\r\n\r\n";
constexpr std::size_t kMaxBlock = std::size_t{64} << 20;  // a block larger is not a header block

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// nats.c 3.x allocates a received message as one block: the struct, then "subject\0",
// "reply\0", the raw header block and a '\0', then the payload (msg.c, natsMsg_create; read in
// 3.4.1). So the header block is what lies between the reply's terminator and the payload.
// Checked, not assumed: the span must end in '\0' and hold a well-formed block, else nullopt.
std::optional<std::string_view> raw_block(natsMsg* message) {
#if NATS_VERSION_MAJOR == 3
  const char* reply = natsMsg_GetReply(message);
  const char* data = natsMsg_GetData(message);
  if (reply == nullptr || data == nullptr) return std::nullopt;
  const char* block = reply + std::strlen(reply) + 1;
  // Compared as integers: the two need not point into one object when the layout differs.
  const auto after_reply = reinterpret_cast<std::uintptr_t>(block);
  const auto payload = reinterpret_cast<std::uintptr_t>(data);
  if (payload == after_reply) return std::string_view();  // no headers at all
  if (payload < after_reply + kBlockStart.size() + kBlockEnd.size() + 1 ||
      payload - after_reply > kMaxBlock) {
    return std::nullopt;
  }
  const std::string_view span(block, payload - after_reply - 1);
  if (data[-1] != '\0' || span.substr(0, kBlockStart.size()) != kBlockStart ||
      span.substr(span.size() - kBlockEnd.size()) != kBlockEnd) {
    return std::nullopt;
  }
  return span;
#else
  (void)message;
  return std::nullopt;
#endif
}

// nats.c's table: every key, each key's values in the order stored (keys in hash order).
Headers table_headers(natsMsg* message) {
  Headers out;
  const char** keys = nullptr;
  int count = 0;
  if (natsMsgHeader_Keys(message, &keys, &count) != NATS_OK) return out;
  for (int i = 0; i < count; ++i) {
    const char** values = nullptr;
    int n = 0;
    if (natsMsgHeader_Values(message, keys[i], &values, &n) == NATS_OK) {
      for (int j = 0; j < n; ++j)
        out.emplace_back(keys[i], values[j]);
      free(values);  // nats.c allocates the array, not the strings
    }
  }
  free(keys);
  return out;
}

}  // namespace

std::optional<Headers> parse_header_block(std::string_view block) {
  if (block.substr(0, kBlockStart.size()) != kBlockStart) return std::nullopt;
  Headers out;
  std::size_t line_end = block.find("\r\n");
  if (line_end == std::string_view::npos) return std::nullopt;
  block.remove_prefix(line_end + 2);  // the version line (and a status, if any)
  while (!block.empty()) {
    line_end = block.find("\r\n");
    if (line_end == std::string_view::npos) return std::nullopt;
    const std::string_view line = block.substr(0, line_end);
    block.remove_prefix(line_end + 2);
    if (line.empty()) return block.empty() ? std::optional<Headers>(std::move(out)) : std::nullopt;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    out.emplace_back(std::string(line.substr(0, colon)),
                     std::string(trimmed(line.substr(colon + 1))));
  }
  return std::nullopt;  // no blank line at the end
}

Headers stored_headers(natsMsg* message) {
  if (const auto block = raw_block(message)) {
    if (block->empty()) return {};
    if (auto parsed = parse_header_block(*block)) return std::move(*parsed);
  }
  return table_headers(message);
}

}  // namespace eventbus::nats

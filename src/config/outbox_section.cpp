// SPDX-License-Identifier: Apache-2.0
// The `outbox` and `inbox` sections: a store (sqlite with a path, postgres with a url) and the
// relay's or the inbox's settings, with outbox::RelayOptions' and InboxOptions' limits.
#include "config/config_error.hpp"
#include "config/schema.hpp"
#include "config/value_reader.hpp"

namespace eventbus::config {
namespace {

using Node = YAML::Node;
using Path = std::string;

std::string read_store(const Node& v, const Path& p) {
  return std::string(
      read_enum<std::string_view>(v, p, {{"sqlite", "sqlite"}, {"postgres", "postgres"}}));
}

std::uint32_t read_attempts(const Node& v, const Path& p) {
  return static_cast<std::uint32_t>(read_int(v, p, 1));
}

// The rules both sections share: a store names its location, and only its own.
template <class Section>
void check_store(const Section& section, const std::string& name) {
  if (section.store.empty()) {
    if (!section.path.empty() || !section.url.empty()) {
      fail(name + ".store", "required when " + name + ".path or " + name + ".url is given");
    }
    return;
  }
  if (section.store == "sqlite") {
    if (section.path.empty()) fail(name + ".path", "required for store sqlite");
    if (!section.url.empty()) fail(name + ".url", "is for store postgres, not sqlite");
  } else {
    if (section.url.empty()) fail(name + ".url", "required for store postgres");
    if (!section.path.empty()) fail(name + ".path", "is for store sqlite, not postgres");
  }
}

}  // namespace

const Section& outbox_section() {
  static const Section section{{
      {"store", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.outbox.store = read_store(v, p);
       }},
      {"path", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.outbox.path = read_string(v, p);
       }},
      {"url", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.outbox.url = read_string(v, p);
       }},
      {"batchSize", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.outbox.batch_size = static_cast<std::size_t>(read_int(v, p, 1));
       }},
      {"pollInterval", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.outbox.poll_interval = read_positive_duration(v, p);
       }},
      {"maxAttempts", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.outbox.max_attempts = read_attempts(v, p);
       }},
      {"initialBackoff", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.outbox.initial_backoff = read_positive_duration(v, p);
       }},
      {"maxBackoff", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.outbox.max_backoff = read_positive_duration(v, p);
         if (s.config.outbox.max_backoff < s.config.outbox.initial_backoff) {
           fail(p, "must be >= outbox.initialBackoff");
         }
       }},
      {"busyTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.outbox.busy_timeout = read_duration(v, p);
       }},
      {"databaseTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.outbox.database_timeout = read_positive_duration(v, p);
       }},
  }};
  return section;
}

const Section& inbox_section() {
  static const Section section{{
      {"store", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.inbox.store = read_store(v, p);
       }},
      {"path", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.inbox.path = read_string(v, p);
       }},
      {"url", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) { s.config.inbox.url = read_string(v, p); }},
      {"group", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.inbox.group = read_string(v, p);
         if (s.config.inbox.group.empty()) fail(p, "expected a non-empty group");
       }},
      {"lease", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.inbox.lease = read_positive_duration(v, p);
       }},
      {"maxAttempts", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.inbox.max_attempts = read_attempts(v, p);
       }},
      {"busyTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.inbox.busy_timeout = read_duration(v, p);
       }},
      {"databaseTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.inbox.database_timeout = read_positive_duration(v, p);
       }},
  }};
  return section;
}

void check_outbox_sections(const Config& config) {
  check_store(config.outbox, "outbox");
  check_store(config.inbox, "inbox");
  if (!config.inbox.store.empty() && config.inbox.group.empty()) {
    fail("inbox.group", "required when inbox.store is given");
  }
}

}  // namespace eventbus::config

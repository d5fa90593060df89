// SPDX-License-Identifier: Apache-2.0
// The `metrics` section: whether to serve the Prometheus endpoint, where, and on which path.
#include "config/config_error.hpp"
#include "config/schema.hpp"
#include "config/value_reader.hpp"

namespace eventbus::config {
namespace {

using Node = YAML::Node;
using Path = std::string;

}  // namespace

const Section& metrics_section() {
  static const Section section{{
      {"enabled", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.config.metrics.enabled = read_bool(v, p);
       }},
      {"listen", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         const std::string text = read_string(v, p);
         std::string detail;
         if (parse_listen_address(text, s.config.metrics.server, &detail)) fail(p, detail);
       }},
      {"path", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         std::string path = read_string(v, p);
         if (path.empty() || path.front() != '/') {
           fail(p, "expected a path starting with '/', got " + describe(v));
         }
         s.config.metrics.server.path = std::move(path);
       }},
  }};
  return section;
}

}  // namespace eventbus::config

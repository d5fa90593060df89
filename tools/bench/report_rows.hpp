// SPDX-License-Identifier: Apache-2.0
// The rows of the report's per-level table, shared by the terminal and Markdown reports:
// rows are metrics, columns are transports (the shape of the seed report).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "results.hpp"

namespace eventbus::bench {

struct Row {
  std::string label;
  // The cell of one level and transport; "-" when there is nothing to show.
  std::function<std::string(const Results&, const std::string& level, const std::string& transport)>
      cell;
};

const std::vector<Row>& report_rows();

// The heading of a level's block: "low: 500 messages, 50 aggregates x 10 versions, ...".
std::string level_heading(const Results& results, const Level& level);

// Number formatting shared by the reports.
std::string with_commas(double value);          // 12,345
std::string fixed(double value, int decimals);  // 1.23
std::string millis(double nanos);               // ns -> "1.23"
std::string micros(double nanos);               // ns -> "12.3"
std::string megabytes(double bytes);            // "45.1"

}  // namespace eventbus::bench
